package io.cotrain.cli;

import io.cotrain.oracle.evaluation.DataSchema;
import java.util.List;
import picocli.CommandLine.Option;

/** The data schema options of the model owner's commands ({@code register-model}, {@code init-model}). */
final class SchemaOptions {
    @Option(
            names = "--features",
            required = true,
            split = ",",
            paramLabel = "COLUMN",
            description = "the feature columns, in CSV order (comma-separated)")
    List<String> features;

    @Option(names = "--label", required = true, paramLabel = "COLUMN", description = "the label column (last in CSV)")
    String label;

    @Option(names = "--classes", required = true, paramLabel = "N", description = "number of classes (labels 0..N-1)")
    int classes;

    /**
     * @return the schema the options give
     * @throws CliException a usage error naming the options when the schema is invalid
     */
    DataSchema schema() {
        try {
            return new DataSchema(features, label, classes);
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    "the schema given by --features, --label and --classes is invalid: " + e.getMessage(),
                    CliException.USAGE,
                    e);
        }
    }
}
