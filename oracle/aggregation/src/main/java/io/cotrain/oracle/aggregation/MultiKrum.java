package io.cotrain.oracle.aggregation;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Multi-Krum (Blanchard et al. 2017): the FedAvg-weighted mean of the m updates with the lowest Krum scores.
 *
 * <p>Exactly: the updates are scored as in {@link Krum} (same distances, same n &gt;= 2f + 3 requirement), the m
 * lowest-scoring are selected (ties broken by the lower contribution id), and the selected updates, back in
 * contribution-id order, are averaged exactly as {@link FedAvg} does (weights samples x score). Requires
 * 1 &lt;= m &lt;= n - f. A {@link Parallelism} on a pool is used by both steps, as in {@link Krum} and {@link FedAvg}.
 */
public final class MultiKrum implements AggregationRule {
    private final int f;
    private final int m;
    private final Parallelism parallelism;

    /**
     * On the calling thread.
     *
     * @param f the number of Byzantine updates assumed, &gt;= 0
     * @param m the number of updates averaged, &gt;= 1
     */
    public MultiKrum(int f, int m) {
        this(f, m, Parallelism.sequential());
    }

    /**
     * @param f the number of Byzantine updates assumed, &gt;= 0
     * @param m the number of updates averaged, &gt;= 1
     */
    public MultiKrum(int f, int m, Parallelism parallelism) {
        if (f < 0) throw new IllegalArgumentException("multi-Krum's Byzantine count f must be >= 0, got " + f);
        if (m < 1) throw new IllegalArgumentException("multi-Krum's m must be >= 1, got " + m);
        this.f = f;
        this.m = m;
        this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
    }

    public int f() {
        return f;
    }

    public int m() {
        return m;
    }

    @Override
    public float[] aggregate(List<ModelUpdate> updates) {
        ModelUpdate[] sorted = Updates.sorted(updates);
        int n = sorted.length;
        int[] ranking = Krum.ranking(sorted, f, "multi-krum", parallelism);
        if (m > n - f) {
            throw new IllegalArgumentException(
                    "multi-krum's m=" + m + " must be <= n - f = " + (n - f) + " (n=" + n + ", f=" + f + ")");
        }
        int[] chosen = Arrays.copyOf(ranking, m);
        Arrays.sort(chosen);
        ModelUpdate[] selected = new ModelUpdate[m];
        for (int i = 0; i < m; i++) selected[i] = sorted[chosen[i]];
        return Updates.weightedMean(selected, parallelism);
    }

    @Override
    public String name() {
        return "multi-krum";
    }

    @Override
    public String toString() {
        return name() + "(f=" + f + ", m=" + m + ")";
    }
}
