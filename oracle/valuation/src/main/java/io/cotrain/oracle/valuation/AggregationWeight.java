package io.cotrain.oracle.valuation;

/**
 * How much an update weighs in its round's aggregate, from its consensus score: the one rule validators aggregate by
 * and the economics benchmark simulates. The round aggregates the updates not slashed (scored at least the slash
 * threshold: no harm beyond the held-out set's noise); each weighs 1 plus its points above neutral, so the aggregate
 * follows the updates' value and one of no measurable value counts least. The sample count a contributor declares
 * buys nothing: it cannot be checked.
 */
public final class AggregationWeight {
    private AggregationWeight() {}

    /**
     * @param consensusScore the consensus score of an update the round aggregates, 1..100
     * @param neutral the round's neutral score
     * @return its weight, at least 1
     */
    public static long of(int consensusScore, int neutral) {
        return 1L + Math.max(0, consensusScore - neutral);
    }
}
