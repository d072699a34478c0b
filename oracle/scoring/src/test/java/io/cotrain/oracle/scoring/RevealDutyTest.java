package io.cotrain.oracle.scoring;

import static io.cotrain.oracle.scoring.FakeValidatorChain.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.ScoreCommitment;
import java.math.BigInteger;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevealDutyTest {
    private static final BigInteger ROUND = BigInteger.valueOf(5);

    @TempDir
    Path data;

    private final FakeValidatorChain chain = new FakeValidatorChain();
    private ScoreJournal journal;
    private RevealDuty duty;

    @BeforeEach
    void setUp() {
        journal = new ScoreJournal(data);
        duty = new RevealDuty(chain, journal);
    }

    private ScoreJournal.Entry committed() {
        ScoreJournal.Entry entry = new ScoreJournal.Entry(
                ScoreCommitment.withFreshSalt(ROUND, 70), BigInteger.TEN, ScoreJournal.State.COMMITTED);
        journal.write(entry);
        return entry;
    }

    @Test
    void test_perform_committed_revealsAndJournalsRevealed() {
        committed();

        duty.perform(ROUND, round(RoundPhase.REVEAL, true, true, false, 1));

        assertThat(chain.sent).containsExactly("revealScores(5)");
        assertThat(journal.read(ROUND).orElseThrow().state()).isEqualTo(ScoreJournal.State.REVEALED);
    }

    @Test
    void test_perform_notCommitted_sendsNothing() {
        committed();

        duty.perform(ROUND, round(RoundPhase.REVEAL, true, false, false, 1));

        assertThat(chain.sent).isEmpty();
    }

    @Test
    void test_perform_minedBeforeACrash_marksRevealedWithoutSending() {
        committed();

        duty.perform(ROUND, round(RoundPhase.REVEAL, true, true, true, 1));

        assertThat(chain.sent).isEmpty();
        assertThat(journal.read(ROUND).orElseThrow().state()).isEqualTo(ScoreJournal.State.REVEALED);
    }

    @Test
    void test_perform_alreadyRevealedRevert_journalsRevealed() {
        committed();
        chain.revertWith = "AlreadyRevealed(round=5)";

        duty.perform(ROUND, round(RoundPhase.REVEAL, true, true, false, 1));

        assertThat(journal.read(ROUND).orElseThrow().state()).isEqualTo(ScoreJournal.State.REVEALED);
    }

    @Test
    void test_perform_committedWithoutAJournalEntry_throwsNamingTheRound() {
        assertThatThrownBy(() -> duty.perform(ROUND, round(RoundPhase.REVEAL, true, true, false, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("round 5 was committed but this node has no journal entry");
        assertThat(chain.sent).isEmpty();
    }

    @Test
    void test_perform_otherRevert_throwsAndStaysCommitted() {
        committed();
        chain.revertWith = "CommitmentMismatch(round=5)";

        assertThatThrownBy(() -> duty.perform(ROUND, round(RoundPhase.REVEAL, true, true, false, 1)))
                .isInstanceOf(ContractRevertedException.class);

        assertThat(journal.read(ROUND).orElseThrow().state()).isEqualTo(ScoreJournal.State.COMMITTED);
    }
}
