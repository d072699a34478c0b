package io.cotrain.validator.gateway;

import java.util.List;
import java.util.stream.Collectors;

/** Request values that do not fit: each malformed field with the value given and what would fit. */
public final class InvalidInputException extends GatewayException {
    /**
     * One field that does not fit.
     *
     * @param field the field as the request names it ({@code address}, {@code rewardWeights[1]}, {@code id})
     * @param value the value as given, null when absent
     * @param problem what is wrong and what fits, a sentence that names the field
     */
    public record Violation(String field, String value, String problem) {}

    private final List<Violation> violations;

    /**
     * @param field the field as the request names it
     * @param value the value as given, null when absent
     * @param problem what is wrong and what fits, a sentence that names the field
     */
    public InvalidInputException(String field, String value, String problem) {
        this(List.of(new Violation(field, value, problem)));
    }

    /** @param violations every malformed field of the request, at least one: the message names them all */
    public InvalidInputException(List<Violation> violations) {
        super(violations.stream().map(Violation::problem).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    /** @return every malformed field, in the order they were checked */
    public List<Violation> violations() {
        return violations;
    }
}
