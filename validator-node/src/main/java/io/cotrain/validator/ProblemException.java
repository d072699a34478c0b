package io.cotrain.validator;

/** A request the node answers with a problem: the status and a detail safe to show the caller. */
public final class ProblemException extends RuntimeException {
    private final int status;

    public ProblemException(int status, String detail) {
        super(detail);
        this.status = status;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, detail);
    }

    public int status() {
        return status;
    }
}
