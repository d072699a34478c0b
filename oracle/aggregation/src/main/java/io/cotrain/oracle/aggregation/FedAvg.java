package io.cotrain.oracle.aggregation;

import java.util.List;
import java.util.Objects;

/**
 * Federated averaging: the weighted mean per coordinate, each update weighted by its training samples times its
 * consensus score.
 *
 * <p>Exactly: updates sorted by contribution id; w_i = samples_i x score_i (in double); W = the sum of w_i in that
 * order; out[j] = (float) (sum over i in that order of (w_i / W) * x_ij), accumulated in double and rounded to
 * float once. The loop runs over blocks of coordinates, streaming each update's array through the block; with a
 * {@link Parallelism} on a pool, ranges of blocks run on several threads, which changes no bit (each coordinate's sum
 * is computed whole, by one thread, in the same order).
 */
public final class FedAvg implements AggregationRule {
    private final Parallelism parallelism;

    /** On the calling thread. */
    public FedAvg() {
        this(Parallelism.sequential());
    }

    public FedAvg(Parallelism parallelism) {
        this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
    }

    @Override
    public float[] aggregate(List<ModelUpdate> updates) {
        return Updates.weightedMean(Updates.sorted(updates), parallelism);
    }

    @Override
    public String name() {
        return "fedavg";
    }

    @Override
    public String toString() {
        return name();
    }
}
