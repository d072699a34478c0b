package io.cotrain.contracts;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

/**
 * The model registry's {@code AggregationRule} (contracts/src/interfaces/IModelRegistry.sol), in its on-chain order,
 * with the name owners type and the aggregation library knows: the one place the off-chain parts name the rules.
 */
public enum AggregationMethod {
    /** Weighted average; no parameters. */
    FED_AVG("fedavg"),
    /** Coordinate-wise median; no parameters. */
    COORDINATE_MEDIAN("median"),
    /** Coordinate-wise trimmed mean; parameter A: basis points trimmed from each side. */
    TRIMMED_MEAN("trimmed-mean"),
    /** Krum; parameter A: f, the Byzantine updates tolerated. */
    KRUM("krum"),
    /** Multi-Krum; parameter A: f; parameter B: m, the updates averaged. */
    MULTI_KRUM("multi-krum");

    private final String ruleName;

    AggregationMethod(String ruleName) {
        this.ruleName = ruleName;
    }

    /**
     * @param value the rule as a model spec holds it
     * @return the method
     * @throws IllegalArgumentException for a value this code does not know (a newer protocol)
     */
    public static AggregationMethod of(BigInteger value) {
        if (value.signum() < 0 || value.bitLength() > 8 || value.intValue() >= values().length) {
            throw new IllegalArgumentException("unknown aggregation rule " + value);
        }
        return values()[value.intValue()];
    }

    /**
     * @param ruleName a rule's name, e.g. {@code trimmed-mean}
     * @return the method of that name
     * @throws IllegalArgumentException naming the rules there are
     */
    public static AggregationMethod ofName(String ruleName) {
        for (AggregationMethod method : values()) {
            if (method.ruleName.equals(ruleName)) return method;
        }
        throw new IllegalArgumentException("rule must be one of " + ruleNames() + ", got '" + ruleName + "'");
    }

    /** @return the rules' names in on-chain order */
    public static List<String> ruleNames() {
        return Arrays.stream(values()).map(AggregationMethod::ruleName).toList();
    }

    /** @return the name owners type and the aggregation library knows, e.g. {@code trimmed-mean} */
    public String ruleName() {
        return ruleName;
    }

    /** @return the {@code rule} field of a model spec */
    public BigInteger onChain() {
        return BigInteger.valueOf(ordinal());
    }
}
