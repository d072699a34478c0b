package io.cotrain.oracle.valuation;

import java.util.BitSet;

/**
 * A cooperative game over a round's players (its admissible updates, numbered 0..n-1): what the model aggregated from
 * a coalition is worth on each held-out row. The empty coalition is the current global model. The estimators may
 * evaluate several coalitions at once, on several threads.
 */
@FunctionalInterface
public interface CoalitionGame {
    /**
     * @param coalition the players aggregated; not modified
     * @return the utility of the coalition's model on each held-out row (higher is better), always of the same length
     */
    double[] utility(BitSet coalition);
}
