package io.cotrain.oracle.evaluation;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a task does with a missing value: an empty CSV field, or a JSON record's {@code null} or absent key. Recorded
 * in the schema document, so contributors, validators and the gateway treat every row alike.
 */
public enum MissingValues {
    /** A missing value is an error naming its row and column. */
    ERROR,
    /** A row with a missing feature or label is left out. */
    DROP_ROW,
    /**
     * A missing feature takes its column's mean from the schema's standardization (0 once standardized); a row whose
     * label is missing is left out, since no rule can make up a label.
     */
    IMPUTE_MEAN;

    /** The name in schema documents and on the command line: {@code error}, {@code drop-row}, {@code impute-mean}. */
    public String documentName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param name a {@link #documentName()}
     * @return the rule
     * @throws IllegalArgumentException listing the names when there is no such rule
     */
    public static MissingValues ofDocumentName(String name) {
        return Arrays.stream(values())
                .filter(rule -> rule.documentName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("missing-value rule '" + name + "' is not one of "
                        + Arrays.stream(values())
                                .map(MissingValues::documentName)
                                .toList()));
    }
}
