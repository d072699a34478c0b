package io.cotrain.ipfs;

/**
 * A contribution manifest that is not valid: the message names the field (a JSON path such as
 * {@code artifacts[1].size}) and what is wrong with its value.
 */
public final class ManifestException extends RuntimeException {
    private final String field;
    private final String problem;

    ManifestException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** @return the path of the offending field, or {@code manifest} for the document as a whole */
    public String field() {
        return field;
    }

    /** The same problem, located inside {@code parent} (e.g. {@code artifacts[1]}). */
    ManifestException within(String parent) {
        return new ManifestException(parent + "." + field, problem);
    }
}
