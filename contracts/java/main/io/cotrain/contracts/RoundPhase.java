package io.cotrain.contracts;

import java.math.BigInteger;
import java.util.Locale;

/**
 * The protocol's {@code RoundPhase} (contracts/src/types/CotrainTypes.sol), in its on-chain order: the one place the
 * off-chain parts name a round's phases.
 */
public enum RoundPhase {
    /** Contributions are accepted. */
    SUBMISSION,
    /** Expected validators commit one hash over their scores for the whole round. */
    COMMIT,
    /** Validators reveal their scores and salt. */
    REVEAL,
    /** Anyone may call finalize until every contribution is settled. */
    FINALIZATION,
    /** Every contribution of the round is settled. */
    FINALIZED;

    /**
     * @param value the phase as {@code roundInfo} returns it
     * @return the phase
     * @throws IllegalArgumentException for a value this code does not know (a newer protocol)
     */
    public static RoundPhase of(BigInteger value) {
        if (value.signum() < 0 || value.bitLength() > 8 || value.intValue() >= values().length) {
            throw new IllegalArgumentException("unknown round phase " + value);
        }
        return values()[value.intValue()];
    }

    /** @return the name people read: "submission", "commit", ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the name as the contracts spell it: "Submission", "Commit", ... */
    public String title() {
        return name().charAt(0) + label().substring(1);
    }

    @Override
    public String toString() {
        return title();
    }
}
