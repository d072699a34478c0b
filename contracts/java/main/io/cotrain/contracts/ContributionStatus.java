package io.cotrain.contracts;

import java.math.BigInteger;
import java.util.Locale;

/**
 * The protocol's {@code ContributionStatus} (contracts/src/types/CotrainTypes.sol), in its on-chain order, with what
 * each one means for the contributor: the one place the off-chain parts name statuses and state the reward rule. A
 * contribution is rewarded only for a consensus score above its round's neutral score:
 * {@code base x (score - neutral) / (100 - neutral) x (0.5 + reputation / 10000)}.
 */
public enum ContributionStatus {
    /** No such contribution. */
    NONE("no such contribution"),
    /** Submitted, stake locked, its round not finalized yet. */
    PENDING("its round is not finalized yet: its stake stays locked"),
    /** Scored above the neutral score: rewarded, stake released less the submission fee. */
    ACCEPTED("scored above the neutral score: rewarded base x (score - neutral) / (100 - neutral) x reputation "
            + "factor (0.5 to 1.5), stake released less the round's submission fee"),
    /** Scored below the slash threshold: part of its stake slashed, and the submission fee taken. */
    REJECTED("scored below the slash threshold: part of its stake slashed and the submission fee taken, no reward"),
    /** Its round had no quorum: stake released, no reward, no penalty. */
    RELEASED("its round had no quorum of validators: stake released, no reward, no penalty"),
    /** Scored from the slash threshold up to the neutral score: no measurable value, no reward. */
    UNREWARDED("scored at or below the neutral score (no measurable value): stake released less the submission fee, "
            + "no reward");

    /** The rule every reward follows, for help texts. */
    public static final String REWARD_RULE = "a contribution earns a reward only for a consensus score above its "
            + "round's neutral score: base reward x (score - neutral) / (100 - neutral) x reputation factor (0.5 to "
            + "1.5); at or below the neutral score it earns nothing, below the slash threshold part of its stake is "
            + "slashed; every scored contribution pays its round's submission fee out of its stake";

    private final String meaning;

    ContributionStatus(String meaning) {
        this.meaning = meaning;
    }

    /**
     * @param value the status as a view or event returns it
     * @return the status
     * @throws IllegalArgumentException for a value this code does not know (a newer protocol)
     */
    public static ContributionStatus of(BigInteger value) {
        if (value.bitLength() > 8 || value.intValue() >= values().length) {
            throw new IllegalArgumentException("unknown contribution status " + value);
        }
        return values()[value.intValue()];
    }

    /** @return the name people read: "accepted", "unrewarded", ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the name as the contracts spell it: "Accepted", "Unrewarded", ... */
    public String title() {
        return name().charAt(0) + label().substring(1);
    }

    /** @return what it means for the contributor's stake and reward */
    public String meaning() {
        return meaning;
    }

    /** @return whether the contribution is settled: scored, or released without quorum */
    public boolean settled() {
        return this != NONE && this != PENDING;
    }

    @Override
    public String toString() {
        return title();
    }
}
