package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cotrain.contracts.ScoreCommitment;
import java.math.BigInteger;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreJournalTest {
    @TempDir
    Path data;

    @Test
    void aNewInstanceReadsWhatWasWritten_scoresSaltAndState() {
        ScoreCommitment commitment = ScoreCommitment.withFreshSalt(BigInteger.valueOf(7), 90, 1, 55);
        new ScoreJournal(data)
                .write(new ScoreJournal.Entry(commitment, BigInteger.valueOf(40), ScoreJournal.State.PREPARED));

        ScoreJournal.Entry read =
                new ScoreJournal(data).read(BigInteger.valueOf(7)).orElseThrow();

        assertThat(read.commitment()).isEqualTo(commitment);
        assertThat(read.commitment().salt()).isEqualTo(commitment.salt());
        assertThat(read.firstContributionId()).isEqualTo(BigInteger.valueOf(40));
        assertThat(read.state()).isEqualTo(ScoreJournal.State.PREPARED);
        assertThat(new ScoreJournal(data).read(BigInteger.valueOf(8))).isEmpty();
    }

    @Test
    void advancingTheStateKeepsTheSameScoresAndSalt() {
        ScoreJournal journal = new ScoreJournal(data);
        ScoreJournal.Entry prepared = new ScoreJournal.Entry(
                ScoreCommitment.withFreshSalt(BigInteger.ONE, 42), BigInteger.ONE, ScoreJournal.State.PREPARED);
        journal.write(prepared);
        journal.write(prepared.withState(ScoreJournal.State.COMMITTED));
        journal.write(prepared.withState(ScoreJournal.State.REVEALED));

        ScoreJournal.Entry read = journal.read(BigInteger.ONE).orElseThrow();
        assertThat(read.state()).isEqualTo(ScoreJournal.State.REVEALED);
        assertThat(read.commitment()).isEqualTo(prepared.commitment());
    }

    @Test
    void keepsItsFilesFromOtherUsers() throws Exception {
        assumeTrue(
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "file permissions are POSIX only");

        new ScoreJournal(data);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("journal"))))
                .isEqualTo("rwx------");
    }

    @Test
    void reportsAnUnreadableEntryNamingItsFile() throws Exception {
        new ScoreJournal(data);
        Path file = data.resolve("journal/round-3.json");
        Files.writeString(file, "{\"round\":\"3\"");
        assertThatThrownBy(() -> new ScoreJournal(data).read(BigInteger.valueOf(3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString());
    }
}
