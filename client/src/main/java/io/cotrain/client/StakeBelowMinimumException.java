package io.cotrain.client;

import java.math.BigInteger;

/** A first stake below the protocol's minimum contributor stake: registering would revert, so nothing was sent. */
public final class StakeBelowMinimumException extends RuntimeException {
    private final BigInteger minimum;
    private final BigInteger stake;

    /** Amounts in the token's smallest unit. */
    public StakeBelowMinimumException(BigInteger minimum, BigInteger stake) {
        super("a first stake must be at least " + minimum + " (the protocol's minimum), got " + stake);
        this.minimum = minimum;
        this.stake = stake;
    }

    /** @return the least first stake, in the token's smallest unit */
    public BigInteger minimum() {
        return minimum;
    }

    /** @return the stake asked for, in the token's smallest unit */
    public BigInteger stake() {
        return stake;
    }
}
