package io.cotrain.oracle.aggregation;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The coordinate-wise median, unweighted.
 *
 * <p>Exactly: for each coordinate, the n values are sorted ascending as by {@link Arrays#sort(float[])} (ties are
 * broken by value only and -0.0 sorts before 0.0); with n odd the result is the middle value, with n even it is
 * (float) ((lower middle + upper middle) / 2) computed in double. The sorting is done by a {@link SortingNetwork},
 * which gives the same order; with a {@link Parallelism} on a pool, ranges of coordinates run on several threads.
 */
public final class CoordinateMedian implements AggregationRule {
    private final Parallelism parallelism;

    /** On the calling thread. */
    public CoordinateMedian() {
        this(Parallelism.sequential());
    }

    public CoordinateMedian(Parallelism parallelism) {
        this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
    }

    @Override
    public float[] aggregate(List<ModelUpdate> updates) {
        ModelUpdate[] sorted = Updates.sorted(updates);
        int n = sorted.length;
        float[][] xs = Updates.params(sorted);
        SortingNetwork network = new SortingNetwork(n);
        float[] out = new float[sorted[0].size()];
        int mid = n / 2;
        parallelism.forEachRange(
                out.length,
                (from, to) -> network.sortBlocks(xs, from, to, (rows, start, length) -> {
                    if ((n & 1) == 1) {
                        System.arraycopy(rows[mid], 0, out, start, length);
                    } else {
                        float[] lower = rows[mid - 1], upper = rows[mid];
                        for (int c = 0; c < length; c++)
                            out[start + c] = (float) (((double) lower[c] + upper[c]) / 2.0);
                    }
                }));
        return out;
    }

    @Override
    public String name() {
        return "median";
    }

    @Override
    public String toString() {
        return name();
    }
}
