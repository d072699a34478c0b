package io.cotrain.oracle.aggregation;

import java.util.Arrays;
import java.util.List;

/**
 * Krum (Blanchard et al., "Machine Learning with Adversaries: Byzantine Tolerant Gradient Descent", NeurIPS 2017):
 * returns the parameters of the single update closest to its neighbours.
 *
 * <p>Exactly: updates sorted by contribution id; for each pair the squared Euclidean distance is computed in double,
 * sum over coordinates j = 0..d-1 in order of (x_aj - x_bj)^2 with the difference taken in double; each update's
 * score is the sum, in ascending order, of its n - f - 2 smallest distances to the other updates; the update with
 * the lowest score wins, ties broken by the lower contribution id. Requires n &gt;= 2f + 3.
 */
public final class Krum implements AggregationRule {
    private final int f;

    /** @param f the number of Byzantine updates assumed, &gt;= 0 */
    public Krum(int f) {
        if (f < 0) throw new IllegalArgumentException("Krum's Byzantine count f must be >= 0, got " + f);
        this.f = f;
    }

    public int f() {
        return f;
    }

    @Override
    public float[] aggregate(List<ModelUpdate> updates) {
        ModelUpdate[] sorted = Updates.sorted(updates);
        int[] ranking = ranking(sorted, f, "krum");
        return sorted[ranking[0]].parameters();
    }

    /**
     * The indexes into {@code sorted} ordered by Krum score ascending, ties by lower contribution id (that is, lower
     * index, as {@code sorted} is in id order).
     */
    static int[] ranking(ModelUpdate[] sorted, int f, String rule) {
        int n = sorted.length;
        if (n < 2 * f + 3) {
            throw new IllegalArgumentException(rule + " with f=" + f + " needs at least 2f+3=" + (2 * f + 3)
                    + " updates, got " + n);
        }
        double[][] dist = new double[n][n];
        for (int a = 0; a < n; a++) {
            float[] xa = sorted[a].params();
            for (int b = a + 1; b < n; b++) {
                double dd = squaredDistance(xa, sorted[b].params());
                dist[a][b] = dd;
                dist[b][a] = dd;
            }
        }
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

    /** Squared Euclidean distance in double, coordinates in ascending order. */
    static double squaredDistance(float[] x, float[] y) {
        double s = 0;
        for (int j = 0; j < x.length; j++) {
            double diff = (double) x[j] - y[j];
            s += diff * diff;
        }
        return s;
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
