package io.cotrain.oracle.valuation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OtherEstimatorsTest {
    private static final int N = 10;
    private static final double[] OWN =
            new SplittableRandom(5).doubles(N, -1, 1).toArray();
    /** Each player adds its own value, whoever else is there. */
    private static final CoalitionGame ADDITIVE = coalition ->
            new double[] {coalition.stream().mapToDouble(i -> OWN[i]).sum()};

    @Test
    void leaveOneOut_additiveGame_isEachPlayersOwnValue() {
        PlayerValues values = LeaveOneOut.estimate(N, ADDITIVE);
        assertThat(values.evaluations()).isEqualTo(N + 1);
        for (int i = 0; i < N; i++) assertThat(values.values().get(i).mean()).isCloseTo(OWN[i], within(1e-12));
    }

    @Test
    void leaveOneOut_twoCopies_hideEachOther() {
        CoalitionGame twoCopies = coalition -> new double[] {coalition.get(0) || coalition.get(1) ? 1 : 0};
        PlayerValues values = LeaveOneOut.estimate(2, twoCopies);
        assertThat(values.values()).allSatisfy(value -> assertThat(value.mean()).isZero());
    }

    @Test
    void banzhaf_additiveGame_convergesToEachPlayersOwnValue_withItsMonteCarloErrorInTheMargin() {
        PlayerValues values = BanzhafEstimator.estimate(N, ADDITIVE, 3, 4_000);
        assertThat(values.evaluations()).isEqualTo(4_000);
        for (int i = 0; i < N; i++) {
            PlayerValue value = values.values().get(i);
            assertThat(value.mean()).isCloseTo(OWN[i], within(0.1));
            // one row: no spread over rows, so the error is the coalitions' sampling error alone
            assertThat(value.standardError()).isPositive();
            assertThat(Math.abs(value.mean() - OWN[i])).isLessThan(4 * value.standardError());
        }
        assertThat(BanzhafEstimator.estimate(N, ADDITIVE, 3, 4_000).rowValues()).isDeepEqualTo(values.rowValues());
    }

    @Test
    void banzhaf_roundOfOne_isItsUpdateAgainstTheGlobalModel() {
        CoalitionGame game = coalition -> new double[] {coalition.get(0) ? 0.25 : 0};
        assertThat(BanzhafEstimator.estimate(1, game, 1, 32).values().getFirst().mean())
                .isEqualTo(0.25);
    }

    @Test
    void everyMethod_uselessPlayer_isWorthNothing() {
        CoalitionGame game = coalition -> new double[] {coalition.get(0) ? 1 : 0, coalition.get(0) ? 2 : 0};
        for (ValuationMethod method : ValuationMethod.values()) {
            PlayerValues values = method.estimate(8, game, 1);
            PlayerValue useless = values.values().get(3);
            if (method == ValuationMethod.BANZHAF) {
                // sampled coalitions: zero within the Monte Carlo error its margin carries
                assertThat(Math.abs(useless.mean())).as("%s", method).isLessThanOrEqualTo(4 * useless.standardError());
            } else {
                assertThat(useless.mean()).as("%s", method).isZero();
            }
            assertThat(values.values().get(0).mean()).as("%s", method).isCloseTo(1.5, within(0.5));
        }
    }
}
