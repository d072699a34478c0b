package io.cotrain.oracle.aggregation;

import java.util.List;

/**
 * Combines accepted model updates into the next global model's parameters.
 *
 * <p>Every implementation is deterministic to the bit: the result depends only on the set of updates, never on the
 * list's order or implementation (updates are sorted by contribution id first), and the arithmetic is done in a
 * fixed order, so every validator computes the same bytes, whatever {@link Parallelism} each one runs the rule on.
 */
public interface AggregationRule {

    /**
     * Aggregates the updates.
     *
     * @param updates at least one update, all of the same length, with distinct contribution ids
     * @return a new array of the common length
     * @throws IllegalArgumentException if the list is empty, the lengths differ, ids repeat, or the rule's own
     *     requirement (such as Krum's n &gt;= 2f + 3) is not met
     */
    float[] aggregate(List<ModelUpdate> updates);

    /** The rule's name as {@link AggregationRules#byName} knows it, e.g. {@code "fedavg"}. */
    String name();
}
