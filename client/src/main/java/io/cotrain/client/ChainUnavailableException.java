package io.cotrain.client;

/** The chain's RPC endpoint did not answer, even after retries. */
public final class ChainUnavailableException extends RuntimeException {
    public ChainUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
