package io.cotrain.oracle.evaluation;

/**
 * The node could not evaluate a contribution for a reason no guard attributes to the input: a bug in the node's code
 * or a limit of its machine (memory, stack). It is never a floor score: every validator runs the same code, so
 * flooring would slash the contributor for the node's fault. The node must not commit the contribution's round until
 * the contribution is judged, and must report the failure.
 */
public class EvaluationFailedException extends RuntimeException {

    public EvaluationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
