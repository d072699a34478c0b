package io.cotrain.oracle.evaluation;

/**
 * A contribution or task input that a guard rejects. The message is the reason recorded with the floor score: it says
 * what was wrong (and where), never echoes more than a short value from the input.
 */
public class RejectedInputException extends RuntimeException {

    public RejectedInputException(String reason) {
        super(reason);
    }

    public RejectedInputException(String reason, Throwable cause) {
        super(reason, cause);
    }

    /** The reason, as recorded in {@link Evaluation#floorReason()}. */
    public String reason() {
        return getMessage();
    }
}
