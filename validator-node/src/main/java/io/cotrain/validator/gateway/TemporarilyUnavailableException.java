package io.cotrain.validator.gateway;

/**
 * What the gateway needs to answer does not answer now (the IPFS node, a task's global model on IPFS) or the node is
 * stopping: the same request may work shortly.
 */
public final class TemporarilyUnavailableException extends GatewayException {
    /** @param message what does not answer, and that trying again later may work */
    public TemporarilyUnavailableException(String message) {
        super(message);
    }

    /** @param cause what failed underneath, for the log, not for the caller */
    public TemporarilyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
