package io.cotrain.oracle.scoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cotrain.contracts.ScoreCommitment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The durable record of this validator's commitment per round: the scores and the salt are written (and forced to
 * disk) BEFORE the commit transaction is sent, so a node killed at any point, between commit and reveal included,
 * reveals exactly what it committed after a restart. One file per round under {@code <data>/journal}, readable by
 * the owner only.
 */
public final class ScoreJournal {
    /** Where a round's commitment stands. */
    public enum State {
        /** Written; the commit transaction may or may not have been sent. */
        PREPARED,
        /** The commit transaction succeeded. */
        COMMITTED,
        /** The reveal transaction succeeded. */
        REVEALED
    }

    /**
     * @param commitment the scores and salt
     * @param firstContributionId the id the first score is for
     * @param state how far it went
     */
    public record Entry(ScoreCommitment commitment, BigInteger firstContributionId, State state) {
        public Entry withState(State next) {
            return new Entry(commitment, firstContributionId, next);
        }
    }

    /** The file format: plain fields, so the file stays readable and stable across versions. */
    private record StoredEntry(String round, String firstContributionId, String scores, String salt, State state) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private final Path directory;

    /** @param dataDirectory the validator's data directory */
    public ScoreJournal(Path dataDirectory) {
        this.directory = PrivateFiles.directory(dataDirectory.resolve("journal"));
    }

    /** Records an entry durably; returns once it is on disk. */
    public void write(Entry entry) {
        ScoreCommitment commitment = entry.commitment();
        StoredEntry stored = new StoredEntry(
                commitment.round().toString(),
                entry.firstContributionId().toString(),
                HEX.formatHex(commitment.scores()),
                HEX.formatHex(commitment.salt()),
                entry.state());
        try {
            PrivateFiles.write(file(commitment.round()), JSON.writeValueAsBytes(stored));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the journal entry of round " + commitment.round(), e);
        }
    }

    /**
     * @param round a round
     * @return this validator's entry for it, if it prepared one
     */
    public Optional<Entry> read(BigInteger round) {
        Path file = file(round);
        if (!Files.exists(file)) return Optional.empty();
        try {
            StoredEntry stored = JSON.readValue(file.toFile(), StoredEntry.class);
            ScoreCommitment commitment = new ScoreCommitment(
                    new BigInteger(stored.round()), HEX.parseHex(stored.scores()), HEX.parseHex(stored.salt()));
            return Optional.of(new Entry(commitment, new BigInteger(stored.firstContributionId()), stored.state()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("journal file " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    private Path file(BigInteger round) {
        return directory.resolve("round-" + round + ".json");
    }
}
