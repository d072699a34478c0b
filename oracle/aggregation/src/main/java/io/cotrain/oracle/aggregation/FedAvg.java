package io.cotrain.oracle.aggregation;

import java.util.List;

/**
 * Federated averaging: the weighted mean per coordinate, each update weighted by its training samples times its
 * consensus score.
 *
 * <p>Exactly: updates sorted by contribution id; w_i = samples_i x score_i (in double); W = the sum of w_i in that
 * order; out[j] = (float) (sum over i in that order of (w_i / W) * x_ij), accumulated in double and rounded to
 * float once. The loop runs over blocks of coordinates, streaming each update's array through the block.
 */
public final class FedAvg implements AggregationRule {

    @Override
    public float[] aggregate(List<ModelUpdate> updates) {
        return Updates.weightedMean(Updates.sorted(updates));
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
