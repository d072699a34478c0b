package io.cotrain.validator;

import java.util.Map;

/** A request the node answers with a problem: the status, a detail safe to show the caller, and any extra headers. */
public final class ProblemException extends RuntimeException {
    private final int status;
    private final Map<String, String> headers;

    public ProblemException(int status, String detail) {
        this(status, detail, Map.of());
    }

    public ProblemException(int status, String detail, Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.headers = Map.copyOf(headers);
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

    /** @return headers the answer carries besides the problem (Retry-After, WWW-Authenticate) */
    public Map<String, String> headers() {
        return headers;
    }
}
