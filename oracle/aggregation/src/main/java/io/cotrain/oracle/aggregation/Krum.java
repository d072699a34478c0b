package io.cotrain.oracle.aggregation;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Krum (Blanchard et al., "Machine Learning with Adversaries: Byzantine Tolerant Gradient Descent", NeurIPS 2017):
 * returns the parameters of the single update closest to its neighbours.
 *
 * <p>Exactly: updates sorted by contribution id; for each pair the squared Euclidean distance is computed in double,
 * sum over coordinates j = 0..d-1 in order of (x_aj - x_bj)^2 with the difference taken in double; each update's
 * score is the sum, in ascending order, of its n - f - 2 smallest distances to the other updates; the update with
 * the lowest score wins, ties broken by the lower contribution id. Requires n &gt;= 2f + 3. With a
 * {@link Parallelism} on a pool, the pairs are shared out between threads, each distance computed whole by one thread
 * in the same order.
 */
public final class Krum implements AggregationRule {
    private final int f;
    private final Parallelism parallelism;

    /**
     * On the calling thread.
     *
     * @param f the number of Byzantine updates assumed, &gt;= 0
     */
    public Krum(int f) {
        this(f, Parallelism.sequential());
    }

    /** @param f the number of Byzantine updates assumed, &gt;= 0 */
    public Krum(int f, Parallelism parallelism) {
        if (f < 0) throw new IllegalArgumentException("Krum's Byzantine count f must be >= 0, got " + f);
        this.f = f;
        this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
    }

    public int f() {
        return f;
    }

    @Override
    public float[] aggregate(List<ModelUpdate> updates) {
        ModelUpdate[] sorted = Updates.sorted(updates);
        int[] ranking = ranking(sorted, f, "krum", parallelism);
        return sorted[ranking[0]].parameters();
    }

    /**
     * The indexes into {@code sorted} ordered by Krum score ascending, ties by lower contribution id (that is, lower
     * index, as {@code sorted} is in id order).
     */
    static int[] ranking(ModelUpdate[] sorted, int f, String rule, Parallelism parallelism) {
        int n = sorted.length;
        if (n < 2 * f + 3) {
            throw new IllegalArgumentException(
                    rule + " with f=" + f + " needs at least 2f+3=" + (2 * f + 3) + " updates, got " + n);
        }
        double[][] dist = distances(Updates.params(sorted), parallelism);
        int neighbours = n - f - 2;
        double[] scores = new double[n];
        double[] others = new double[n - 1];
        for (int a = 0; a < n; a++) {
            int o = 0;
            for (int b = 0; b < n; b++) if (b != a) others[o++] = dist[a][b];
            Arrays.sort(others);
            double s = 0;
            for (int k = 0; k < neighbours; k++) s += others[k];
            scores[a] = s;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (p, q) -> {
            int c = Double.compare(scores[p], scores[q]);
            return c != 0 ? c : Integer.compare(p, q);
        });
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = order[i];
        return out;
    }

    /**
     * The squared Euclidean distance between every two updates, dist[a][b] = dist[b][a], each the sum over coordinates
     * in ascending order of ((double) x_aj - x_bj)^2, in double, starting from 0.
     *
     * <p>The pairs (a, b), a &lt; b, are listed in order and split into one share of whole groups of four per thread
     * (share s holds groups groups x s / shares to groups x (s + 1) / shares); a share is walked over all coordinates
     * by one thread, so every pair's sum is computed whole, in order. One share per thread rather than more, smaller
     * tasks, because each share streams every update it touches through memory once.
     */
    static double[][] distances(float[][] xs, Parallelism parallelism) {
        int n = xs.length;
        int pairs = n * (n - 1) / 2;
        int[] first = new int[pairs], second = new int[pairs];
        for (int a = 0, p = 0; a < n; a++) {
            for (int b = a + 1; b < n; b++, p++) {
                first[p] = a;
                second[p] = b;
            }
        }
        double[] sums = new double[pairs];
        int groups = (pairs + 3) / 4;
        int shares = Math.min(parallelism.threads(), groups);
        parallelism.forEachIndex(
                shares,
                share -> sumSquaredDifferences(
                        xs,
                        first,
                        second,
                        4 * (groups * share / shares),
                        Math.min(pairs, 4 * (groups * (share + 1) / shares)),
                        sums));
        double[][] dist = new double[n][n];
        for (int p = 0; p < pairs; p++) {
            dist[first[p]][second[p]] = sums[p];
            dist[second[p]][first[p]] = sums[p];
        }
        return dist;
    }

    /**
     * For each pair p from {@code from} (inclusive) to {@code to} (exclusive), adds to {@code sums[p]} the squares of
     * ((double) x_aj - x_bj) with a = first[p], b = second[p], over every coordinate j in ascending order.
     *
     * <p>Why the blocks and the groups of four: a block of every update stays in cache while all the pairs are walked
     * through it, so each update is read from memory once; and four pairs at once make four independent sums whose
     * additions overlap instead of each waiting for the previous one. Each pair's sum still takes its terms one by
     * one in ascending order, so its bits are those of the plain loop.
     */
    private static void sumSquaredDifferences(
            float[][] xs, int[] first, int[] second, int from, int to, double[] sums) {
        int d = xs[0].length;
        for (int start = 0; start < d; start += Updates.BLOCK) {
            int end = Math.min(d, start + Updates.BLOCK);
            int p = from;
            for (; p + 3 < to; p += 4) {
                float[] x0 = xs[first[p]], x1 = xs[first[p + 1]], x2 = xs[first[p + 2]], x3 = xs[first[p + 3]];
                float[] y0 = xs[second[p]], y1 = xs[second[p + 1]], y2 = xs[second[p + 2]], y3 = xs[second[p + 3]];
                double s0 = sums[p], s1 = sums[p + 1], s2 = sums[p + 2], s3 = sums[p + 3];
                for (int j = start; j < end; j++) {
                    double e0 = (double) x0[j] - y0[j], e1 = (double) x1[j] - y1[j];
                    double e2 = (double) x2[j] - y2[j], e3 = (double) x3[j] - y3[j];
                    s0 += e0 * e0;
                    s1 += e1 * e1;
                    s2 += e2 * e2;
                    s3 += e3 * e3;
                }
                sums[p] = s0;
                sums[p + 1] = s1;
                sums[p + 2] = s2;
                sums[p + 3] = s3;
            }
            for (; p < to; p++) {
                float[] x = xs[first[p]], y = xs[second[p]];
                double s = sums[p];
                for (int j = start; j < end; j++) {
                    double e = (double) x[j] - y[j];
                    s += e * e;
                }
                sums[p] = s;
            }
        }
    }

    @Override
    public String name() {
        return "krum";
    }

    @Override
    public String toString() {
        return name() + "(f=" + f + ")";
    }
}
