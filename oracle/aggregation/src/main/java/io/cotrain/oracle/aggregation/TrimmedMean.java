package io.cotrain.oracle.aggregation;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The coordinate-wise trimmed mean, unweighted.
 *
 * <p>Exactly: k = floor(trim x n); for each coordinate the n values are sorted ascending (ties by value only), the
 * k lowest and the k highest are dropped, and the result is (float) (sum of the remaining n - 2k values in ascending
 * order, in double starting from 0, / (n - 2k)). With 0 &lt;= trim &lt; 0.5 at least one value always remains;
 * trim 0 is the plain unweighted mean. The sorting is done by a {@link SortingNetwork}, which gives the same order as
 * {@link Arrays#sort(float[])}; with a {@link Parallelism} on a pool, ranges of coordinates run on several threads.
 */
public final class TrimmedMean implements AggregationRule {
    private final double trim;
    private final Parallelism parallelism;

    /**
     * On the calling thread.
     *
     * @param trim the fraction trimmed from each end, in [0, 0.5)
     */
    public TrimmedMean(double trim) {
        this(trim, Parallelism.sequential());
    }

    /** @param trim the fraction trimmed from each end, in [0, 0.5) */
    public TrimmedMean(double trim, Parallelism parallelism) {
        if (!(trim >= 0 && trim < 0.5)) {
            throw new IllegalArgumentException("trim fraction must be in [0, 0.5), got " + trim);
        }
        this.trim = trim;
        this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
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
        float[][] xs = Updates.params(sorted);
        SortingNetwork network = new SortingNetwork(n);
        float[] out = new float[d];
        parallelism.forEachRange(d, (from, to) -> {
            double[] sum = new double[SortingNetwork.COLUMNS];
            network.sortBlocks(xs, from, to, (rows, start, length) -> {
                Arrays.fill(sum, 0, length, 0.0);
                for (int i = k; i < n - k; i++) {
                    float[] row = rows[i];
                    for (int c = 0; c < length; c++) sum[c] += row[c];
                }
                for (int c = 0; c < length; c++) out[start + c] = (float) (sum[c] / kept);
            });
        });
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
