package io.cotrain.client;

import java.util.Locale;

/**
 * The node refused a transaction before it could run (not a revert): too little ETH for gas, a nonce it will not
 * take, a fee below its floor. The code and reason are the node's JSON-RPC error.
 */
public final class TransactionRejectedException extends RuntimeException {
    private final int code;
    private final String reason;

    /**
     * @param action what was being sent, e.g. {@code registerContributor(100 COT)}
     * @param code the JSON-RPC error code
     * @param reason the node's error message
     */
    public TransactionRejectedException(String action, int code, String reason) {
        super(action + ": the node refused it: " + reason);
        this.code = code;
        this.reason = reason;
    }

    /** @return the JSON-RPC error code */
    public int code() {
        return code;
    }

    /** @return the node's error message */
    public String reason() {
        return reason;
    }

    /**
     * @return whether the sender lacks the ETH to pay for the gas (geth, anvil and besu all say "insufficient
     *     funds")
     */
    public boolean lacksFunds() {
        return reason != null && reason.toLowerCase(Locale.ROOT).contains("insufficient funds");
    }
}
