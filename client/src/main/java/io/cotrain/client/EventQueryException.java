package io.cotrain.client;

import java.math.BigInteger;

/**
 * The endpoint refused a log query even for a single block: it does not serve {@code eth_getLogs} for these
 * contracts (or at all), so no narrower query can help.
 */
public final class EventQueryException extends RuntimeException {
    private final BigInteger fromBlock;
    private final BigInteger toBlock;
    private final int code;

    /**
     * @param fromBlock the first block of the refused query
     * @param toBlock its last block
     * @param code the JSON-RPC error code
     * @param reason the endpoint's error message
     */
    public EventQueryException(BigInteger fromBlock, BigInteger toBlock, int code, String reason) {
        super("eth_getLogs " + fromBlock + ".." + toBlock + " refused (code " + code + "): " + reason);
        this.fromBlock = fromBlock;
        this.toBlock = toBlock;
        this.code = code;
    }

    /** @return the first block of the refused query */
    public BigInteger fromBlock() {
        return fromBlock;
    }

    /** @return the last block of the refused query */
    public BigInteger toBlock() {
        return toBlock;
    }

    /** @return the JSON-RPC error code */
    public int code() {
        return code;
    }
}
