package io.cotrain.contracts;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

/**
 * The protocol's {@code ContributionType} (contracts/src/types/CotrainTypes.sol), in its on-chain order: the one
 * place the off-chain parts name what a contribution delivers. Manifests spell a kind by its {@link #name()}.
 */
public enum ContributionKind {
    /** Locally trained weights: compute. */
    MODEL_UPDATE("model update", "MODEL_UPDATE"),
    /** Training data in the task's schema. */
    DATASET("dataset", "DATASET"),
    /** Evaluation work: held-out data, benchmarks. */
    VALIDATION("validation work", "VALIDATION_WORK");

    private final String label;
    private final String apiName;

    ContributionKind(String label, String apiName) {
        this.label = label;
        this.apiName = apiName;
    }

    /**
     * @param value the kind as a view or event returns it
     * @return the kind
     * @throws IllegalArgumentException for a value this code does not know (a newer protocol)
     */
    public static ContributionKind of(BigInteger value) {
        if (value.signum() < 0 || value.bitLength() > 8 || value.intValue() >= values().length) {
            throw new IllegalArgumentException("unknown contribution kind " + value);
        }
        return values()[value.intValue()];
    }

    /** @see #of(BigInteger) */
    public static ContributionKind of(int value) {
        return of(BigInteger.valueOf(value));
    }

    /**
     * @param apiName a kind as the gateway's API and dashboard spell it, e.g. {@code VALIDATION_WORK}
     * @return the kind
     * @throws IllegalArgumentException naming the kinds there are
     */
    public static ContributionKind ofApiName(String apiName) {
        for (ContributionKind kind : values()) {
            if (kind.apiName.equals(apiName)) return kind;
        }
        throw new IllegalArgumentException("kind is one of " + apiNames() + ", got '" + apiName + "'");
    }

    /** @return the kinds as the gateway's API spells them, in order */
    public static List<String> apiNames() {
        return Arrays.stream(values()).map(ContributionKind::apiName).toList();
    }

    /** @return the {@code kind} argument of {@code submitContribution} */
    public BigInteger onChain() {
        return BigInteger.valueOf(ordinal());
    }

    /** @return the name people read: "model update", "dataset", "validation work" */
    public String label() {
        return label;
    }

    /**
     * @return the name in the gateway's API and dashboard, published before the contracts named kind 2
     *     {@code VALIDATION}: {@code VALIDATION_WORK}, the others as on chain
     */
    public String apiName() {
        return apiName;
    }
}
