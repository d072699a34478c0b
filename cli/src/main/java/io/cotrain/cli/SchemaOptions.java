package io.cotrain.cli;

import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.DatasetFormatException;
import io.cotrain.oracle.evaluation.FeatureScaling;
import io.cotrain.oracle.evaluation.ImageArchive;
import io.cotrain.oracle.evaluation.MissingValues;
import io.cotrain.oracle.evaluation.SchemaDerivation;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TaskMetric;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The data schema options of the model owner's commands ({@code register-model}, {@code init-model}): either derived
 * from the owner's raw sample ({@code --sample} and {@code --label}) or declared ({@code --features}, {@code --label},
 * {@code --classes}).
 */
final class SchemaOptions {
    @Option(
            names = "--sample",
            paramLabel = "FILE",
            description = "derive the schema from your sample, a CSV file, JSON records (an array of objects) or a "
                    + "zip archive of PNG images with one folder per class: "
                    + "the --label column's values are the classes (for regression, a number), every other "
                    + "all-numeric column a feature, standardized by the sample's mean and deviation")
    Path sample;

    @Option(
            names = "--label",
            paramLabel = "COLUMN",
            description = "the label column (not for a zip archive of images, whose folders are the classes)")
    String label;

    @Option(
            names = "--missing",
            defaultValue = "error",
            paramLabel = "RULE",
            converter = MissingRuleConverter.class,
            description = "with --sample, what to do with a missing value (an empty field, null or absent key): "
                    + "error, drop-row, or impute-mean (a row without a label is left out) (default: ${DEFAULT-VALUE})")
    MissingValues missing;

    @Option(
            names = "--metric",
            defaultValue = "accuracy",
            paramLabel = "METRIC",
            converter = MetricConverter.class,
            description = "what validators measure models by: accuracy or macro-f1 (classes weigh alike) for "
                    + "classification; mse or mae for regression, where the --label column is a number "
                    + "(default: ${DEFAULT-VALUE})")
    TaskMetric metric;

    @Option(
            names = "--features",
            split = ",",
            paramLabel = "COLUMN",
            description = "instead of --sample: the feature columns, in model input order (comma-separated)")
    List<String> features;

    @Option(
            names = "--classes",
            paramLabel = "N",
            description = "instead of --sample: number of classes (labels 0..N-1)")
    Integer classes;

    /**
     * The schema, and the sample's prepared rows if it was derived from one.
     *
     * @param schema the task's schema
     * @param sample the owner's sample as the model sees it, if the schema was derived from it
     */
    record Resolved(DataSchema schema, Optional<TabularDataset> sample) {}

    /**
     * @param session the session, to read the sample and report what was derived
     * @return the schema the options give
     * @throws CliException a usage error naming the options when they give no schema, or naming the sample's line
     *     or record, column and value when it gives none
     */
    Resolved resolve(Session session) {
        if (sample == null) return new Resolved(declared(), Optional.empty());
        if (features != null || classes != null) {
            throw new CliException(
                    "--sample derives the features and classes: leave out --features and --classes",
                    CliException.USAGE,
                    null);
        }
        byte[] data = session.readFile(sample, "--sample");
        boolean images = ImageArchive.isArchive(data);
        if (images == (label != null)) {
            throw new CliException(
                    images
                            ? "--sample " + sample + " is an archive of images, whose folders are the classes: leave "
                                    + "out --label"
                            : "--label COLUMN names the column to predict",
                    CliException.USAGE,
                    null);
        }
        SchemaDerivation.Derived derived;
        try {
            derived = SchemaDerivation.derive(data, label, missing, metric, Contributing.LIMITS);
        } catch (DatasetFormatException e) {
            throw new CliException("--sample " + sample + ": " + e.getMessage(), CliException.USAGE, e);
        }
        DataSchema schema = derived.schema();
        String features = schema.image().isPresent()
                ? ""
                : schema.featureCount() + " features (" + String.join(",", schema.featureColumns()) + "), ";
        session.err()
                .println("schema from " + sample + ": " + features + predicted(schema) + ", " + derived.rows()
                        + (schema.image().isPresent() ? " images" : " rows")
                        + (derived.droppedRows() > 0
                                ? " (" + derived.droppedRows() + " with missing values left out)"
                                : "")
                        + (derived.skippedColumns().isEmpty()
                                ? ""
                                : "; not numeric, left out: " + String.join(",", derived.skippedColumns())));
        return new Resolved(schema, Optional.of(Contributing.parseData(data, schema, sample)));
    }

    private static String predicted(DataSchema schema) {
        if (schema.image().isPresent()) {
            return schema.image().get() + " images of " + schema.classCount() + " classes ("
                    + String.join(",", schema.classNames()) + ")";
        }
        if (!schema.metric().regression()) {
            return schema.classCount() + " classes (" + String.join(",", schema.classNames()) + ")";
        }
        FeatureScaling label = schema.labelScaling().orElseThrow();
        return "regression of " + schema.labelColumn() + " (mean " + label.mean() + ", deviation " + label.scale()
                + ") by " + schema.metric().documentName();
    }

    private DataSchema declared() {
        if (features == null || classes == null || label == null) {
            throw new CliException(
                    "give --sample FILE to derive the schema from your data, or declare it with --features, "
                            + "--label and --classes",
                    CliException.USAGE,
                    null);
        }
        if (missing != MissingValues.ERROR) {
            throw new CliException("--missing applies to --sample", CliException.USAGE, null);
        }
        if (metric.regression()) {
            throw new CliException(
                    "a regression task (--metric " + metric.documentName() + ") is derived from --sample, which "
                            + "gives the label's standardization",
                    CliException.USAGE,
                    null);
        }
        try {
            return new DataSchema(
                    features, label, classes, List.of(), List.of(), MissingValues.ERROR, metric, Optional.empty());
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    "the schema given by --features, --label and --classes is invalid: " + e.getMessage(),
                    CliException.USAGE,
                    e);
        }
    }

    /** Reads {@code --metric} by the metric's document name. */
    static final class MetricConverter implements ITypeConverter<TaskMetric> {
        @Override
        public TaskMetric convert(String value) {
            try {
                return TaskMetric.ofDocumentName(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Reads {@code --missing} by the rule's document name. */
    static final class MissingRuleConverter implements ITypeConverter<MissingValues> {
        @Override
        public MissingValues convert(String value) {
            try {
                return MissingValues.ofDocumentName(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
