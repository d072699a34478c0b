package io.cotrain.cli;

import io.cotrain.contracts.AggregationMethod;
import java.util.Iterator;

/** The aggregation rules' names for picocli's help and completion, from their one home ({@link AggregationMethod}). */
final class AggregationRuleNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return AggregationMethod.ruleNames().iterator();
    }
}
