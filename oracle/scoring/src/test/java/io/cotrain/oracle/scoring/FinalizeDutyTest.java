package io.cotrain.oracle.scoring;

import static io.cotrain.oracle.scoring.FakeValidatorChain.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.contracts.RoundPhase;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FinalizeDutyTest {
    private static final BigInteger ROUND = BigInteger.valueOf(7);
    /** reveal window ends at block 120 (FakeValidatorChain.round); turns are 2 blocks apart, pages of 2 */
    private static final ValidatorLoop.Settings SETTINGS = new ValidatorLoop.Settings(2, 2);

    private final FakeValidatorChain chain = new FakeValidatorChain();
    private final FinalizeDuty duty = new FinalizeDuty(chain, (round, info) -> contributions(3), SETTINGS);

    private static List<ContributionRecord> contributions(int count) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(id -> new ContributionRecord(
                        BigInteger.valueOf(id), ROUND, "0xc0", 0, 1, new byte[32], BigInteger.ONE))
                .toList();
    }

    @Test
    void test_perform_beforeThisValidatorsTurn_sendsNothing() {
        chain.index = Optional.of(1);
        chain.block = BigInteger.valueOf(121);

        duty.perform(ROUND, round(RoundPhase.FINALIZATION, true, true, true, 3));

        assertThat(chain.sent).isEmpty();
    }

    @Test
    void test_perform_onThisValidatorsTurn_finalizesTheNextPage() {
        chain.index = Optional.of(1);
        chain.block = BigInteger.valueOf(122);

        duty.perform(ROUND, round(RoundPhase.FINALIZATION, true, true, true, 3));

        assertThat(chain.sent).containsExactly("finalize(7, 2)");
    }

    @Test
    void test_perform_outsideTheSet_waitsForEveryValidatorsTurn() {
        chain.index = Optional.empty();
        chain.block = BigInteger.valueOf(135);

        duty.perform(ROUND, round(RoundPhase.FINALIZATION, true, true, true, 3));
        assertThat(chain.sent).isEmpty();

        chain.block = BigInteger.valueOf(136);
        duty.perform(ROUND, round(RoundPhase.FINALIZATION, true, true, true, 3));
        assertThat(chain.sent).hasSize(1);
    }

    @Test
    void test_perform_anotherFinalizedFirst_swallowsTheRevert() {
        chain.block = BigInteger.valueOf(200);
        for (String first : List.of("WrongPhase(round=7)", "NotAtPosition(round=7)", "PageBeyondRound(round=7)")) {
            chain.revertWith = first;

            duty.perform(ROUND, round(RoundPhase.FINALIZATION, true, true, true, 3));
        }
        assertThat(chain.sent).hasSize(3);
    }

    @Test
    void test_perform_otherOrUnrecognisedRevert_throws() {
        chain.block = BigInteger.valueOf(200);
        chain.revertWith = "EnforcedPause()";

        assertThatThrownBy(() -> duty.perform(ROUND, round(RoundPhase.FINALIZATION, true, true, true, 3)))
                .isInstanceOf(ContractRevertedException.class);
    }
}
