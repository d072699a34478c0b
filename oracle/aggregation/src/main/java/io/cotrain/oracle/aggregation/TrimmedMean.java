package io.cotrain.oracle.aggregation;

import java.util.Arrays;
import java.util.List;

/**
 * The coordinate-wise trimmed mean, unweighted.
 *
 * <p>Exactly: k = floor(trim x n); for each coordinate the n values are sorted ascending (ties by value only), the
 * k lowest and the k highest are dropped, and the result is (float) (sum of the remaining n - 2k values in ascending
 * order, in double, / (n - 2k)). With 0 &lt;= trim &lt; 0.5 at least one value always remains; trim 0 is the plain
 * unweighted mean.
 */
public final class TrimmedMean implements AggregationRule {
    private final double trim;

    /** @param trim the fraction trimmed from each end, in [0, 0.5) */
    public TrimmedMean(double trim) {
        if (!(trim >= 0 && trim < 0.5)) {
            throw new IllegalArgumentException("trim fraction must be in [0, 0.5), got " + trim);
        }
        this.trim = trim;
    }

    public double trim() {
        return trim;
    }

    /** The number of values dropped at each end for n updates: floor(trim x n). */
    public int trimmedPerSide(int n) {
        return (int) Math.floor(trim * n);
    }

    @Override
    public float[] aggregate(List<ModelUpdate> updates) {
        ModelUpdate[] sorted = Updates.sorted(updates);
        int n = sorted.length;
        int d = sorted[0].size();
        int k = trimmedPerSide(n);
        int kept = n - 2 * k;
        float[][] xs = new float[n][];
        for (int i = 0; i < n; i++) xs[i] = sorted[i].params();
        float[] scratch = new float[n];
        float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < n; i++) scratch[i] = xs[i][j];
            Arrays.sort(scratch);
            double sum = 0;
            for (int i = k; i < n - k; i++) sum += scratch[i];
            out[j] = (float) (sum / kept);
        }
        return out;
    }

    @Override
    public String name() {
        return "trimmed-mean";
    }

    @Override
    public String toString() {
        return name() + "(trim=" + trim + ")";
    }
}
