package io.cotrain.oracle.scoring;

import static io.cotrain.oracle.scoring.FakeValidatorChain.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.ScoreCommitment;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitDutyTest {
    private static final BigInteger ROUND = BigInteger.valueOf(3);

    @TempDir
    Path data;

    private final FakeValidatorChain chain = new FakeValidatorChain();
    private final List<BigInteger> judged = new ArrayList<>();
    private final List<BigInteger> prepared = new ArrayList<>();
    private ScoreJournal journal;
    private CommitDuty duty;
    private boolean tasksTakenUp = true;

    @BeforeEach
    void setUp() {
        journal = new ScoreJournal(data);
        duty = new CommitDuty(
                chain,
                journal,
                (round, info) -> judged.add(round),
                (round, info) -> {
                    prepared.add(round);
                    ScoreJournal.Entry entry = entry(ScoreJournal.State.PREPARED);
                    journal.write(entry);
                    return entry;
                },
                () -> tasksTakenUp);
    }

    private static ScoreJournal.Entry entry(ScoreJournal.State state) {
        return new ScoreJournal.Entry(ScoreCommitment.withFreshSalt(ROUND, 60, 40), BigInteger.ONE, state);
    }

    @Test
    void test_perform_expectedAndNotCommitted_preparesSendsAndJournalsCommitted() {
        duty.perform(ROUND, round(RoundPhase.COMMIT, true, false, false, 2));

        assertThat(prepared).containsExactly(ROUND);
        assertThat(chain.sent).containsExactly("commitScores(3)");
        assertThat(journal.read(ROUND).orElseThrow().state()).isEqualTo(ScoreJournal.State.COMMITTED);
    }

    /**
     * Every validator prepares with the same sealing fault reports: none before the protocol stops taking them. The
     * round is judged meanwhile, in one pass.
     */
    @Test
    void test_perform_sealingFaultReportsOpen_judgesWaitsThenCommits() {
        chain.sealingFaultsOpen = true;
        duty.perform(ROUND, round(RoundPhase.COMMIT, true, false, false, 2));
        assertThat(judged).containsExactly(ROUND);
        assertThat(prepared).isEmpty();
        assertThat(chain.sent).isEmpty();

        chain.sealingFaultsOpen = false;
        duty.perform(ROUND, round(RoundPhase.COMMIT, true, false, false, 2));
        assertThat(prepared).containsExactly(ROUND);
        assertThat(chain.sent).containsExactly("commitScores(3)");
    }

    /**
     * A node restarted mid-round serves its tasks on chain before it has taken them up again: scores prepared then
     * would abstain where it must judge. It prepares once it has looked at every registered task; a commitment it
     * journaled before the restart is sent meanwhile as it is.
     */
    @Test
    void test_perform_beforeTheTasksAreTakenUpAfterARestart_preparesNothingUntilTheyAre() {
        tasksTakenUp = false;
        duty.perform(ROUND, round(RoundPhase.COMMIT, true, false, false, 2));
        assertThat(prepared).isEmpty();
        assertThat(chain.sent).isEmpty();

        tasksTakenUp = true;
        duty.perform(ROUND, round(RoundPhase.COMMIT, true, false, false, 2));
        assertThat(prepared).containsExactly(ROUND);
        assertThat(chain.sent).containsExactly("commitScores(3)");
    }

    @Test
    void test_perform_journaledBeforeARestart_sentAsItIsBeforeTheTasksAreTakenUp() {
        journal.write(entry(ScoreJournal.State.PREPARED));
        tasksTakenUp = false;
        duty.perform(ROUND, round(RoundPhase.COMMIT, true, false, false, 2));

        assertThat(prepared).isEmpty();
        assertThat(chain.sent).containsExactly("commitScores(3)");
    }

    @Test
    void test_perform_notExpected_sendsNothing() {
        duty.perform(ROUND, round(RoundPhase.COMMIT, false, false, false, 2));

        assertThat(chain.sent).isEmpty();
        assertThat(prepared).isEmpty();
    }

    @Test
    void test_perform_notInTheValidatorSet_sendsNothing() {
        chain.index = Optional.empty();

        duty.perform(ROUND, round(RoundPhase.COMMIT, true, false, false, 2));

        assertThat(chain.sent).isEmpty();
    }

    @Test
    void test_perform_preparedBeforeACrash_sendsTheJournaledSaltNotANewOne() {
        ScoreJournal.Entry before = entry(ScoreJournal.State.PREPARED);
        journal.write(before);

        duty.perform(ROUND, round(RoundPhase.COMMIT, true, false, false, 2));

        assertThat(prepared).isEmpty();
        assertThat(journal.read(ROUND).orElseThrow().commitment()).isEqualTo(before.commitment());
        assertThat(chain.sent).containsExactly("commitScores(3)");
    }

    @Test
    void test_perform_minedBeforeACrashButJournaledPrepared_marksCommittedWithoutSending() {
        journal.write(entry(ScoreJournal.State.PREPARED));

        duty.perform(ROUND, round(RoundPhase.COMMIT, true, true, false, 2));

        assertThat(chain.sent).isEmpty();
        assertThat(journal.read(ROUND).orElseThrow().state()).isEqualTo(ScoreJournal.State.COMMITTED);
    }

    @Test
    void test_perform_alreadyCommittedRevert_journalsCommitted() {
        chain.revertWith = "AlreadyCommitted(round=3)";

        duty.perform(ROUND, round(RoundPhase.COMMIT, true, false, false, 2));

        assertThat(journal.read(ROUND).orElseThrow().state()).isEqualTo(ScoreJournal.State.COMMITTED);
    }

    @Test
    void test_perform_otherRevert_throwsAndKeepsThePreparedSalt() {
        chain.revertWith = "WrongPhase(round=3, expected=1, actual=2)";

        assertThatThrownBy(() -> duty.perform(ROUND, round(RoundPhase.COMMIT, true, false, false, 2)))
                .isInstanceOf(ContractRevertedException.class)
                .hasMessageContaining("WrongPhase");

        assertThat(journal.read(ROUND).orElseThrow().state()).isEqualTo(ScoreJournal.State.PREPARED);
    }
}
