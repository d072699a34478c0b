package io.cotrain.oracle.valuation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Shapley values of a round's players, per held-out row, so that each value comes with its sampling noise.
 *
 * <p>Why Shapley and not leave-one-out: honest updates of a round point roughly the same way, so taking any one out
 * of the aggregate of the others changes little, and leave-one-out pays honest work by chance. The Shapley value
 * averages a player's marginal over every order of arrival; in the orders where it comes early, an honest update
 * carries the improvement it really brings, a harmful one the harm, a copy of an earlier player nothing. The values
 * add up to what the whole aggregate gains over the global model, so splitting one piece of work over several
 * wallets earns no more than submitting it once.
 *
 * <p>How: a round of at most {@value #EXACT_MAX_PLAYERS} players is valued exactly, over its 2^n coalitions. A larger
 * round is estimated within a fixed budget of {@code evaluationsPerPlayer * n} coalition evaluations (truncated
 * Monte Carlo, guided as in GTG-Shapley): every player's first-position marginal (its update alone against the global
 * model) is computed exactly, which is the largest term; the later positions are sampled by permutations that start
 * with each player in turn, the rest in a seeded random order, and a permutation is cut short once its prefix's
 * aggregate is within {@code truncation} of the whole aggregate (the rest of its marginals count as zero). The value
 * is {@code first / n + (n - 1) / n * mean of the sampled later marginals}. Everything, including the random order,
 * follows from the inputs and the seed: the same game and seed give the same bits.
 */
public final class ShapleyEstimator {
    /** Rounds of at most this many players are valued exactly (64 coalition evaluations at most). */
    public static final int EXACT_MAX_PLAYERS = 6;
    /** Permutations sampled at once, on as many threads as there are cores up to this. */
    static final int PERMUTATIONS_AT_ONCE = 2;

    /**
     * @param evaluationsPerPlayer coalition evaluations a round of more than {@value #EXACT_MAX_PLAYERS} players may
     *     cost, per player (its own first-position evaluation included)
     * @param truncation a permutation stops once the mean absolute per-row gap between its prefix and the whole
     *     aggregate is at most this fraction of the gap between the global model and the whole aggregate
     */
    public record Settings(int evaluationsPerPlayer, double truncation) {
        public Settings {
            if (evaluationsPerPlayer < 2) {
                throw new IllegalArgumentException(
                        "evaluationsPerPlayer must be at least 2, got " + evaluationsPerPlayer);
            }
            if (!(truncation >= 0 && truncation < 1)) {
                throw new IllegalArgumentException("truncation must be in [0, 1), got " + truncation);
            }
        }

        /** @return 6 evaluations per player, truncation at 2% */
        public static Settings defaults() {
            return new Settings(6, 0.02);
        }
    }

    private ShapleyEstimator() {}

    /**
     * @param players the number of players, at least 1
     * @param game the game
     * @param seed the seed of the permutations (unused for an exact round)
     * @param settings the budget and truncation of an estimated round
     * @return every player's value
     */
    public static PlayerValues estimate(int players, CoalitionGame game, long seed, Settings settings) {
        if (players < 1) throw new IllegalArgumentException("no players");
        return players <= EXACT_MAX_PLAYERS ? exact(players, game) : sampled(players, game, seed, settings);
    }

    private static PlayerValues exact(int n, CoalitionGame game) {
        int coalitions = 1 << n;
        double[][] utility = new double[coalitions][];
        IntStream.range(0, coalitions)
                .parallel()
                .forEach(mask -> utility[mask] = game.utility(BitSet.valueOf(new long[] {mask})));
        int rows = utility[0].length;
        // weight of a coalition of size s not holding the player: s! (n - s - 1)! / n!
        double[] weight = new double[n];
        for (int size = 0; size < n; size++) weight[size] = 1.0 / (n * binomial(n - 1, size));
        double[][] values = new double[n][rows];
        for (int player = 0; player < n; player++) {
            int bit = 1 << player;
            for (int mask = 0; mask < coalitions; mask++) {
                if ((mask & bit) != 0) continue;
                accumulate(values[player], utility[mask | bit], utility[mask], weight[Integer.bitCount(mask)]);
            }
        }
        return estimate(values, coalitions, true);
    }

    private static PlayerValues sampled(int n, CoalitionGame game, long seed, Settings settings) {
        int budget = settings.evaluationsPerPlayer() * n;
        double[] empty = game.utility(new BitSet());
        BitSet everyone = new BitSet();
        everyone.set(0, n);
        double[] whole = game.utility(everyone);
        int rows = empty.length;
        double cutoff = settings.truncation() * meanAbsoluteGap(whole, empty);
        double[][] alone = new double[n][];
        IntStream.range(0, n).parallel().forEach(player -> {
            BitSet single = new BitSet();
            single.set(player);
            alone[player] = game.utility(single);
        });
        int evaluations = n + 2;

        double[][] later = new double[n][rows];
        int[] laterSamples = new int[n];
        SplittableRandom random = new SplittableRandom(seed);
        // Permutations are bounded as well as evaluations: one whose prefixes all truncate costs no evaluation. Up to
        // PERMUTATIONS_AT_ONCE run in parallel, as many as the budget has room for (a permutation costs at most n - 2
        // evaluations), and are summed in their order: the budget, not the number of cores, decides how many, so one
        // core or many give the same bits.
        for (int permutation = 0; evaluations < budget && permutation < budget; ) {
            int room = (budget - evaluations) / Math.max(1, n - 2);
            int count = Math.max(1, Math.min(Math.min(PERMUTATIONS_AT_ONCE, room), budget - permutation));
            int[][] orders = new int[count][];
            for (int k = 0; k < count; k++) orders[k] = order(n, (permutation + k) % n, random);
            permutation += count;
            List<Walk> walks = Arrays.stream(orders)
                    .parallel()
                    .map(order -> walk(order, game, alone[order[0]], whole, cutoff))
                    .toList();
            for (Walk walk : walks) {
                for (int position = 1; position < n; position++) {
                    int player = walk.order()[position];
                    laterSamples[player]++;
                    if (walk.marginals()[position] != null) add(later[player], walk.marginals()[position]);
                }
                evaluations += walk.evaluations();
            }
        }

        double[][] values = new double[n][rows];
        for (int player = 0; player < n; player++) {
            accumulate(values[player], alone[player], empty, 1.0 / n);
            if (laterSamples[player] > 0) {
                double scale = (n - 1.0) / n / laterSamples[player];
                for (int row = 0; row < rows; row++) values[player][row] += scale * later[player][row];
            }
        }
        return estimate(values, evaluations, false);
    }

    /**
     * One permutation's marginals by position (null once it is truncated) and the evaluations they cost.
     */
    private record Walk(int[] order, double[][] marginals, int evaluations) {}

    private static Walk walk(int[] order, CoalitionGame game, double[] first, double[] whole, double cutoff) {
        int n = order.length;
        double[][] marginals = new double[n][];
        int evaluations = 0;
        BitSet prefix = new BitSet();
        prefix.set(order[0]);
        double[] before = first;
        for (int position = 1; position < n && meanAbsoluteGap(whole, before) > cutoff; position++) {
            prefix.set(order[position]);
            double[] after;
            if (position == n - 1) {
                after = whole;
            } else {
                after = game.utility(prefix);
                evaluations++;
            }
            marginals[position] = new double[after.length];
            accumulate(marginals[position], after, before, 1);
            before = after;
        }
        return new Walk(order, marginals, evaluations);
    }

    /** {@code sum[r] += values[r]} */
    private static void add(double[] sum, double[] values) {
        for (int row = 0; row < sum.length; row++) sum[row] += values[row];
    }

    /** {@code first} first, the others in a random order. */
    private static int[] order(int n, int first, SplittableRandom random) {
        int[] order = new int[n];
        order[0] = first;
        for (int i = 1, player = 0; i < n; player++) if (player != first) order[i++] = player;
        for (int i = n - 1; i > 1; i--) {
            int j = 1 + random.nextInt(i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** {@code sum[r] += weight * (after[r] - before[r])} */
    private static void accumulate(double[] sum, double[] after, double[] before, double weight) {
        for (int row = 0; row < sum.length; row++) sum[row] += weight * (after[row] - before[row]);
    }

    private static double meanAbsoluteGap(double[] a, double[] b) {
        double sum = 0;
        for (int row = 0; row < a.length; row++) sum += Math.abs(a[row] - b[row]);
        return sum / a.length;
    }

    private static double binomial(int n, int k) {
        double result = 1;
        for (int i = 1; i <= k; i++) result = result * (n - k + i) / i;
        return result;
    }

    private static PlayerValues estimate(double[][] rowValues, int evaluations, boolean exact) {
        List<PlayerValue> values = new ArrayList<>(rowValues.length);
        for (double[] row : rowValues) values.add(PlayerValue.of(row));
        return new PlayerValues(List.copyOf(values), rowValues, evaluations, exact);
    }
}
