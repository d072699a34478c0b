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
    private final boolean nodeAnswered;

    IpfsException(Failure failure, String message) {
        this(failure, message, null);
    }

    IpfsException(Failure failure, String message, Throwable cause) {
        this(failure, message, cause, false);
    }

    IpfsException(Failure failure, String message, Throwable cause, boolean nodeAnswered) {
        super(message, cause);
        this.failure = failure;
        this.nodeAnswered = nodeAnswered;
    }

    /** @return how the call failed */
    public Failure failure() {
        return failure;
    }

    /**
     * Whether the node itself answered with this failure, an error status: for a {@link Failure#TIMEOUT}, the node
     * looked for the content for the whole timeout the call gave it and said it did not find it. False when the node
     * gave no answer at all (unreachable, or silent past the timeout): then nothing is known about the content.
     *
     * @return true for the node's own error answer
     */
    public boolean nodeAnswered() {
        return nodeAnswered;
    }
}
