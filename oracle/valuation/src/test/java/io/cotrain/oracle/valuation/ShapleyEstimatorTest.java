package io.cotrain.oracle.valuation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ShapleyEstimatorTest {
    private static final ShapleyEstimator.Settings NO_TRUNCATION = new ShapleyEstimator.Settings(4_000, 0);

    @Test
    void estimate_gloveGame_matchesTheTextbookValues() {
        // players 0 and 1 hold left gloves, 2 a right one: a pair is worth 1
        CoalitionGame gloves = oneRow(c -> (c.get(0) || c.get(1)) && c.get(2) ? 1 : 0);
        var estimate = ShapleyEstimator.estimate(3, gloves, 1, ShapleyEstimator.Settings.defaults());
        assertThat(estimate.exact()).isTrue();
        assertThat(estimate.values().get(0).mean()).isCloseTo(1.0 / 6, within(1e-12));
        assertThat(estimate.values().get(1).mean()).isCloseTo(1.0 / 6, within(1e-12));
        assertThat(estimate.values().get(2).mean()).isCloseTo(4.0 / 6, within(1e-12));
    }

    @RepeatedTest(20)
    void estimate_smallRandomGames_equalTheAverageOverEveryOrder() {
        SplittableRandom random = new SplittableRandom();
        int n = 1 + random.nextInt(ShapleyEstimator.EXACT_MAX_PLAYERS);
        int rows = 1 + random.nextInt(4);
        double[][] table = randomGame(n, rows, random);
        var estimate = ShapleyEstimator.estimate(n, table(table), 7, ShapleyEstimator.Settings.defaults());
        double[][] reference = overEveryOrder(n, table);
        for (int player = 0; player < n; player++) {
            for (int row = 0; row < rows; row++) {
                assertThat(estimate.rowValues()[player][row]).isCloseTo(reference[player][row], within(1e-9));
            }
        }
    }

    @Test
    void estimate_valuesAddUpToWhatTheWholeCoalitionGains() {
        double[][] table = randomGame(5, 3, new SplittableRandom(3));
        var estimate = ShapleyEstimator.estimate(5, table(table), 0, ShapleyEstimator.Settings.defaults());
        for (int row = 0; row < 3; row++) {
            double sum = 0;
            for (double[] player : estimate.rowValues()) sum += player[row];
            assertThat(sum).isCloseTo(table[31][row] - table[0][row], within(1e-9));
        }
    }

    @Test
    void estimate_largeAdditiveGame_isExactWithoutTruncation() {
        int n = 12;
        double[] own = new SplittableRandom(5).doubles(n, -1, 1).toArray();
        CoalitionGame additive = oneRow(c -> c.stream().mapToDouble(i -> own[i]).sum());
        var estimate = ShapleyEstimator.estimate(n, additive, 11, new ShapleyEstimator.Settings(8, 0));
        assertThat(estimate.exact()).isFalse();
        assertThat(estimate.evaluations()).isLessThanOrEqualTo(8 * n + n);
        for (int i = 0; i < n; i++) assertThat(estimate.values().get(i).mean()).isCloseTo(own[i], within(1e-12));
    }

    @Test
    void estimate_largeGameWithAGenerousBudget_approachesTheExactValues() {
        int n = 8;
        double[][] table = randomGame(n, 1, new SplittableRandom(9));
        double[][] reference = overEveryOrder(n, table);
        var estimate = ShapleyEstimator.estimate(n, table(table), 13, NO_TRUNCATION);
        for (int i = 0; i < n; i++) {
            assertThat(estimate.values().get(i).mean()).as("player %d", i).isCloseTo(reference[i][0], within(0.05));
        }
    }

    @Test
    void estimate_sameGameAndSeed_sameBits_aDuplicateSharesWhatOneWouldGet() {
        int n = 10;
        // a saturating game: the first useful player gains 1, more of the same add nothing; player 9 is useless
        CoalitionGame saturating = oneRow(c -> c.nextSetBit(0) >= 0 && c.nextSetBit(0) < 9 ? 1 : 0);
        var first = ShapleyEstimator.estimate(n, saturating, 42, ShapleyEstimator.Settings.defaults());
        var second = ShapleyEstimator.estimate(n, saturating, 42, ShapleyEstimator.Settings.defaults());
        assertThat(second.rowValues()).isDeepEqualTo(first.rowValues());
        double sum = first.values().stream().mapToDouble(PlayerValue::mean).sum();
        assertThat(sum).as("nine copies of one piece of work are worth it once").isCloseTo(1, within(0.2));
        assertThat(first.values().get(9).mean()).as("the useless player").isEqualTo(0);
    }

    @Test
    void estimate_everyPlayerAloneIsTheWhole_endsAndSplitsTheValue() {
        int n = 8;
        // every permutation truncates at its first player and costs no evaluation: the budget alone never ends it
        CoalitionGame anyoneWillDo = oneRow(c -> c.isEmpty() ? 0 : 1);

        var estimate = ShapleyEstimator.estimate(n, anyoneWillDo, 7, ShapleyEstimator.Settings.defaults());

        assertThat(estimate.values())
                .allSatisfy(value -> assertThat(value.mean()).isCloseTo(1.0 / n, within(1e-12)));
    }

    @Test
    void playerValue_of_givesTheMeanAndItsStandardError() {
        PlayerValue value = PlayerValue.of(new double[] {1, 2, 3, 4});
        assertThat(value.mean()).isEqualTo(2.5);
        assertThat(value.standardError()).isCloseTo(Math.sqrt(5.0 / 3 / 4), within(1e-12));
        assertThat(PlayerValue.of(new double[] {7}).standardError()).isZero();
    }

    private static double[][] randomGame(int n, int rows, SplittableRandom random) {
        double[][] table = new double[1 << n][rows];
        for (double[] coalition : table) for (int row = 0; row < rows; row++) coalition[row] = random.nextDouble(-1, 1);
        return table;
    }

    private static CoalitionGame table(double[][] table) {
        return coalition -> {
            long[] words = coalition.toLongArray();
            return table[words.length == 0 ? 0 : (int) words[0]].clone();
        };
    }

    private static CoalitionGame oneRow(ToDoubleFunction<BitSet> value) {
        return coalition -> new double[] {value.applyAsDouble(coalition)};
    }

    /** The definition: each player's marginal averaged over all n! orders. */
    private static double[][] overEveryOrder(int n, double[][] table) {
        int rows = table[0].length;
        double[][] sum = new double[n][rows];
        List<int[]> orders = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, orders);
        for (int[] order : orders) {
            int mask = 0;
            for (int player : order) {
                for (int row = 0; row < rows; row++) {
                    sum[player][row] += table[mask | 1 << player][row] - table[mask][row];
                }
                mask |= 1 << player;
            }
        }
        for (double[] player : sum) for (int row = 0; row < rows; row++) player[row] /= orders.size();
        return sum;
    }

    private static void permute(int[] order, boolean[] used, int position, List<int[]> out) {
        if (position == order.length) {
            out.add(order.clone());
            return;
        }
        for (int player = 0; player < order.length; player++) {
            if (used[player]) continue;
            used[player] = true;
            order[position] = player;
            permute(order, used, position + 1, out);
            used[player] = false;
        }
    }
}
