package io.cotrain.contracts;

/**
 * Which model updates go into their round's aggregate, and how much each weighs, from its consensus score: the rule
 * every validator's commit follows (the chain records the scores; the commits it attests are aggregated by this), and
 * the one the economics benchmark simulates. An update goes in when it scored at least its round's neutral score (no
 * measurable harm; a round without quorum scores 0 and aggregates nothing), and weighs 1 plus its points above
 * neutral, so the aggregate follows the updates' value. An update below neutral stays out even when it was not
 * slashed: its harm was within the held-out set's noise, not absent. The sample count a contributor declares buys
 * nothing: it cannot be checked.
 */
public final class AggregationWeight {
    private AggregationWeight() {}

    /**
     * @param consensusScore the update's consensus score: 1..100, or 0 for a round without quorum
     * @param neutral the round's neutral score
     * @return its weight in the aggregate, 0 when it stays out
     */
    public static long of(int consensusScore, int neutral) {
        return consensusScore < neutral ? 0 : 1L + consensusScore - neutral;
    }

    /**
     * @param consensusScore the update's consensus score
     * @param neutral the round's neutral score
     * @return whether it goes into its round's aggregate
     */
    public static boolean aggregated(int consensusScore, int neutral) {
        return of(consensusScore, neutral) > 0;
    }
}
