package io.cotrain.contracts;

import java.math.BigInteger;

/**
 * Why a validator was slashed: the validator registry's {@code SlashReason} (contracts/src/interfaces/
 * IValidatorRegistry.sol), in its on-chain order, as {@code ValidatorSlashed} events carry it.
 */
public enum SlashReason {
    /** A revealed score outside the tolerance around the consensus. */
    DEVIATING_SCORE,
    /** Expected in a round but committed nothing. */
    MISSING_COMMIT,
    /** Committed but never revealed. */
    MISSING_REVEAL,
    /** Attested a global model other than the one a quorum recorded. */
    DEVIATING_ATTESTATION;

    /**
     * @param value the reason as the event carries it
     * @return the reason
     * @throws IllegalArgumentException for a value this code does not know (a newer protocol)
     */
    public static SlashReason of(BigInteger value) {
        if (value.bitLength() > 8 || value.intValue() >= values().length) {
            throw new IllegalArgumentException("unknown slash reason " + value);
        }
        return values()[value.intValue()];
    }
}
