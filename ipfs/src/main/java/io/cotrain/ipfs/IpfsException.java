package io.cotrain.ipfs;

/** A call to an IPFS node that failed; {@link #failure()} says how, the message says what and where. */
public final class IpfsException extends RuntimeException {
    /** The ways a call to the node fails. */
    public enum Failure {
        /** No HTTP connection to the node's API. */
        NODE_UNREACHABLE,
        /** The node did not produce the content (or an answer) in time. */
        TIMEOUT,
        /** The content is larger than the caller accepts. */
        TOO_LARGE,
        /** The node answered with an error status. */
        NODE_ERROR,
        /** The node answered 200 with a body this client cannot read. */
        INVALID_RESPONSE,
        /** The calling thread was interrupted while waiting. */
        INTERRUPTED
    }

    private final Failure failure;

    IpfsException(Failure failure, String message) {
        this(failure, message, null);
    }

    IpfsException(Failure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    /** @return how the call failed */
    public Failure failure() {
        return failure;
    }
}
