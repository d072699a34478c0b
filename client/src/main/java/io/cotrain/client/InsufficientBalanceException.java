package io.cotrain.client;

import java.math.BigInteger;

/** An account holds fewer tokens than what it asked to do needs: nothing was sent. */
public final class InsufficientBalanceException extends RuntimeException {
    private final String account;
    private final BigInteger balance;
    private final BigInteger needed;

    /** Amounts in the token's smallest unit. */
    public InsufficientBalanceException(String account, BigInteger balance, BigInteger needed) {
        super("insufficient token balance: " + account + " has " + balance + ", " + needed + " needed");
        this.account = account;
        this.balance = balance;
        this.needed = needed;
    }

    /** @return the account */
    public String account() {
        return account;
    }

    /** @return what it holds, in the token's smallest unit */
    public BigInteger balance() {
        return balance;
    }

    /** @return what it needs, in the token's smallest unit */
    public BigInteger needed() {
        return needed;
    }
}
