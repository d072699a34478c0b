package io.cotrain.oracle.evaluation;

/** Model bytes that a guard of {@link ModelCodec} rejects (size, zip-bomb limits, not a DL4J model, bad weights). */
public final class InvalidModelException extends RejectedInputException {

    public InvalidModelException(String reason) {
        super(reason);
    }

    public InvalidModelException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
