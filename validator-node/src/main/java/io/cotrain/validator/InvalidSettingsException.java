package io.cotrain.validator;

import java.util.List;

/** The node's configuration is missing or bad: names every offending setting, never a secret's value. */
public final class InvalidSettingsException extends RuntimeException {
    private final List<String> problems;

    public InvalidSettingsException(List<String> problems) {
        super("invalid validator node configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return one line per problem, each naming its setting */
    public List<String> problems() {
        return problems;
    }
}
