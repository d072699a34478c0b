package io.cotrain.contracts;

import java.math.BigInteger;
import java.util.Locale;

/**
 * The protocol's {@code ContributionStatus} (contracts/src/types/CotrainTypes.sol), in its on-chain order: the
 * binding carries it as a uint8, this names it.
 */
public enum ContributionStatus {
    /** No such contribution. */
    NONE,
    /** Submitted, stake locked, its round not finalized yet. */
    PENDING,
    /** Scored above the neutral score: rewarded, stake released. */
    ACCEPTED,
    /** Scored below the slash threshold: part of its stake slashed. */
    REJECTED,
    /** Its round had no quorum: stake released, no reward, no penalty. */
    RELEASED,
    /** Scored from the slash threshold up to the neutral score: no measurable value, stake released, no reward. */
    UNREWARDED;

    /**
     * @param value the status as the chain returns it
     * @return the status
     * @throws IllegalArgumentException for a value the protocol does not define
     */
    public static ContributionStatus of(BigInteger value) {
        int index = value.intValueExact();
        if (index < 0 || index >= values().length) throw new IllegalArgumentException("unknown status " + value);
        return values()[index];
    }

    /** @return the name people read: "accepted", "unrewarded", ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the name as the contracts spell it: "Accepted", "Unrewarded", ... */
    public String title() {
        return name().charAt(0) + label().substring(1);
    }
}
