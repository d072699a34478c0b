package io.cotrain.oracle.valuation;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Banzhaf values of a round's players per held-out row, by maximum sample reuse (Wang and Jia, "Data Banzhaf",
 * AISTATS 2023): {@code samples} random coalitions, each player in each with probability 1/2, are evaluated once, and
 * a player's value is the mean utility of the coalitions holding it minus the mean of those without it. Every
 * evaluation informs every player, so the cost is {@code samples} evaluations whatever the round's size.
 *
 * <p>Why Banzhaf here: its coalitions hold about half the round, so each is an aggregate much like the round's
 * whole aggregate, and a player is valued by what it adds to such aggregates. Shapley values weigh every coalition
 * size alike, so a single skewed honest update (alone against the global model) weighs as much as the whole round;
 * leave-one-out only looks at the whole round minus one, where similar updates hide each other and a value is a
 * sliver of noise. Banzhaf values are the most robust semivalue to noise in the utility (the paper's result), which
 * is what a small held-out set gives.
 *
 * <p>The standard error of each value adds the Monte Carlo error of the coalition means (from the spread of the
 * sampled coalitions' mean utilities) to the held-out rows' sampling error, so the noise margin covers both.
 * Deterministic: the coalitions follow from the seed.
 */
public final class BanzhafEstimator {

    private BanzhafEstimator() {}

    /**
     * @param players the number of players, at least 1
     * @param game the game
     * @param seed the seed of the coalitions
     * @param samples coalitions to evaluate, at least 4
     * @return every player's value; a round of one is valued exactly, against the global model
     */
    public static PlayerValues estimate(int players, CoalitionGame game, long seed, int samples) {
        if (players < 1) throw new IllegalArgumentException("no players");
        if (samples < 4) throw new IllegalArgumentException("at least 4 samples, got " + samples);
        if (players == 1) return ShapleyEstimator.estimate(1, game, seed, ShapleyEstimator.Settings.defaults());
        SplittableRandom random = new SplittableRandom(seed);
        double[][] utilities = new double[samples][];
        boolean[][] member = new boolean[samples][players];
        for (int k = 0; k < samples; k++) {
            BitSet coalition = new BitSet();
            for (int i = 0; i < players; i++) {
                // the second half mirrors the first: every player is in exactly half the coalitions
                member[k][i] = k < samples / 2 ? random.nextBoolean() : !member[k - samples / 2][i];
                if (member[k][i]) coalition.set(i);
            }
            utilities[k] = game.utility(coalition);
        }
        int rows = utilities[0].length;
        double[] coalitionMeans = new double[samples];
        for (int k = 0; k < samples; k++) {
            double sum = 0;
            for (double u : utilities[k]) sum += u;
            coalitionMeans[k] = sum / rows;
        }
        double[][] rowValues = new double[players][rows];
        List<PlayerValue> values = new ArrayList<>(players);
        for (int i = 0; i < players; i++) {
            double[] in = new double[rows];
            double[] out = new double[rows];
            int ins = 0;
            for (int k = 0; k < samples; k++) {
                double[] target = member[k][i] ? in : out;
                if (member[k][i]) ins++;
                for (int r = 0; r < rows; r++) target[r] += utilities[k][r];
            }
            int outs = samples - ins;
            for (int r = 0; r < rows; r++) rowValues[i][r] = in[r] / ins - out[r] / outs;
            PlayerValue overRows = PlayerValue.of(rowValues[i]);
            double monteCarlo = Math.sqrt(variance(coalitionMeans, member, i, true) / ins
                    + variance(coalitionMeans, member, i, false) / outs);
            values.add(new PlayerValue(overRows.mean(), Math.hypot(overRows.standardError(), monteCarlo)));
        }
        return new PlayerValues(List.copyOf(values), rowValues, samples, false);
    }

    /** The sample variance of the coalition means with (or without) player {@code i}. */
    private static double variance(double[] means, boolean[][] member, int i, boolean with) {
        double sum = 0;
        int count = 0;
        for (int k = 0; k < means.length; k++) {
            if (member[k][i] != with) continue;
            sum += means[k];
            count++;
        }
        if (count < 2) return 0;
        double mean = sum / count;
        double squares = 0;
        for (int k = 0; k < means.length; k++) {
            if (member[k][i] == with) squares += (means[k] - mean) * (means[k] - mean);
        }
        return squares / (count - 1);
    }
}
