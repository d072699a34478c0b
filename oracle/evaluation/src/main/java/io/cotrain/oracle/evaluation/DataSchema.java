package io.cotrain.oracle.evaluation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The columns of a tabular task and how its raw rows become model input. A data set of the task (held-out set or
 * contributed dataset, CSV or JSON records, see {@link TabularDataset}) has at least the columns {@link #columns()};
 * others are ignored. Features are numbers. A classification task's labels are the class names, or integers
 * {@code 0..classCount-1} when the schema names no classes; a regression task's label is a number, which the model
 * predicts standardized when the schema has a label standardization. An image task's data sets are archives of PNG
 * images, one folder per class ({@link ImageArchive}): it has no columns, its label is the folder (named
 * {@value #IMAGE_LABEL}) and its features are the image's values ({@link ImageShape}).
 *
 * @param featureColumns names of the numeric feature columns, the model's inputs in order (at least one, distinct)
 * @param labelColumn    name of the label column
 * @param classCount     number of classes, 2 to {@value #MAX_CLASSES}; 0 for regression
 * @param classNames     the label of each class in the data, in class order, or empty for integer labels
 * @param scaling        the standardization of each feature column, in order, or empty to feed values as they are
 * @param missingValues  what to do with a missing value
 * @param metric         what the task measures models by, which also tells classification from regression
 * @param labelScaling   for regression, the label's standardization, if the model predicts the label standardized
 * @param image          for an image task, the images' size; then the feature columns are empty
 */
public record DataSchema(
        List<String> featureColumns,
        String labelColumn,
        int classCount,
        List<String> classNames,
        List<FeatureScaling> scaling,
        MissingValues missingValues,
        TaskMetric metric,
        Optional<FeatureScaling> labelScaling,
        Optional<ImageShape> image) {

    /** The label "column" of an image task: the folder an image is in. */
    public static final String IMAGE_LABEL = "class";

    /** Upper bound on feature columns, so that a task cannot ask for absurd input layers. */
    public static final int MAX_FEATURES = 4_096;
    /** Upper bound on classes. */
    public static final int MAX_CLASSES = 1_024;

    /** Most characters of a class name. */
    public static final int MAX_CLASS_NAME_LENGTH = 200;

    /** A schema of integer labels, unscaled features and no missing values: what format version 1 documents hold. */
    public DataSchema(List<String> featureColumns, String labelColumn, int classCount) {
        this(featureColumns, labelColumn, classCount, List.of(), List.of(), MissingValues.ERROR);
    }

    /** A classification schema measured by accuracy. */
    public DataSchema(
            List<String> featureColumns,
            String labelColumn,
            int classCount,
            List<String> classNames,
            List<FeatureScaling> scaling,
            MissingValues missingValues) {
        this(
                featureColumns,
                labelColumn,
                classCount,
                classNames,
                scaling,
                missingValues,
                TaskMetric.ACCURACY,
                Optional.empty());
    }

    /** A tabular schema. */
    public DataSchema(
            List<String> featureColumns,
            String labelColumn,
            int classCount,
            List<String> classNames,
            List<FeatureScaling> scaling,
            MissingValues missingValues,
            TaskMetric metric,
            Optional<FeatureScaling> labelScaling) {
        this(
                featureColumns,
                labelColumn,
                classCount,
                classNames,
                scaling,
                missingValues,
                metric,
                labelScaling,
                Optional.empty());
    }

    /**
     * An image classification schema measured by accuracy.
     *
     * @param shape      the images' size
     * @param classNames the classes, in class order: the folders of the task's archives
     */
    public static DataSchema images(ImageShape shape, List<String> classNames) {
        return new DataSchema(
                List.of(),
                IMAGE_LABEL,
                classNames.size(),
                classNames,
                List.of(),
                MissingValues.ERROR,
                TaskMetric.ACCURACY,
                Optional.empty(),
                Optional.of(shape));
    }

    /**
     * A regression schema.
     *
     * @param metric       {@link TaskMetric#MSE} or {@link TaskMetric#MAE}
     * @param labelScaling the label's standardization, if the model predicts it standardized
     */
    public static DataSchema regression(
            List<String> featureColumns,
            String labelColumn,
            List<FeatureScaling> scaling,
            MissingValues missingValues,
            TaskMetric metric,
            Optional<FeatureScaling> labelScaling) {
        return new DataSchema(featureColumns, labelColumn, 0, List.of(), scaling, missingValues, metric, labelScaling);
    }

    public DataSchema {
        Objects.requireNonNull(featureColumns, "featureColumns");
        Objects.requireNonNull(labelColumn, "labelColumn");
        Objects.requireNonNull(missingValues, "missingValues");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(labelScaling, "labelScaling");
        Objects.requireNonNull(image, "image");
        featureColumns = List.copyOf(featureColumns);
        classNames = List.copyOf(classNames);
        scaling = List.copyOf(scaling);
        if (image.isPresent()) {
            checkImageTask(featureColumns, labelColumn, classNames, scaling, missingValues, metric);
        } else if (featureColumns.isEmpty() || featureColumns.size() > MAX_FEATURES) {
            throw new IllegalArgumentException("a schema needs 1.." + MAX_FEATURES + " feature columns");
        }
        if (metric.regression()) {
            if (classCount != 0 || !classNames.isEmpty()) {
                throw new IllegalArgumentException("a regression task (metric " + metric.documentName()
                        + ") has no classes, but classCount was " + classCount);
            }
        } else if (classCount < 2 || classCount > MAX_CLASSES) {
            throw new IllegalArgumentException("classCount must be 2.." + MAX_CLASSES + ", was " + classCount);
        } else if (labelScaling.isPresent()) {
            throw new IllegalArgumentException("only a regression task's label is standardized");
        }
        var seen = new HashSet<String>();
        for (String name : featureColumns) {
            checkName(name);
            if (!seen.add(name)) {
                throw new IllegalArgumentException("duplicate column name: " + name);
            }
        }
        checkName(labelColumn);
        if (seen.contains(labelColumn)) {
            throw new IllegalArgumentException("the label column is also a feature column: " + labelColumn);
        }
        if (!classNames.isEmpty()) checkClassNames(classNames, classCount);
        if (missingValues == MissingValues.IMPUTE_MEAN && scaling.isEmpty()) {
            throw new IllegalArgumentException("imputing missing features by their mean needs the features' "
                    + "standardization, which holds the means");
        }
        if (!scaling.isEmpty() && scaling.size() != featureColumns.size()) {
            throw new IllegalArgumentException(
                    "the scaling has " + scaling.size() + " entries for " + featureColumns.size() + " feature columns");
        }
    }

    private static void checkImageTask(
            List<String> featureColumns,
            String labelColumn,
            List<String> classNames,
            List<FeatureScaling> scaling,
            MissingValues missingValues,
            TaskMetric metric) {
        if (!featureColumns.isEmpty() || !scaling.isEmpty() || missingValues != MissingValues.ERROR) {
            throw new IllegalArgumentException("an image task has no columns, standardization or missing values");
        }
        if (metric.regression() || classNames.isEmpty() || !labelColumn.equals(IMAGE_LABEL)) {
            throw new IllegalArgumentException(
                    "an image task classifies its images into named classes, its label column '" + IMAGE_LABEL + "'");
        }
    }

    private static void checkClassNames(List<String> classNames, int classCount) {
        if (classNames.size() != classCount) {
            throw new IllegalArgumentException(
                    classNames.size() + " class names for " + classCount + " classes: name each class once");
        }
        if (new HashSet<>(classNames).size() != classNames.size()) {
            throw new IllegalArgumentException("class names must be distinct: " + classNames);
        }
        for (String name : classNames) {
            if (name.isEmpty()
                    || name.length() > MAX_CLASS_NAME_LENGTH
                    || name.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("a class name must have 1.." + MAX_CLASS_NAME_LENGTH
                        + " characters and no control characters: '" + name + "'");
            }
        }
    }

    private static void checkName(String name) {
        if (name == null
                || name.isEmpty()
                || name.strip().length() != name.length()
                || name.indexOf(',') >= 0
                || name.indexOf('"') >= 0
                || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("column names must be non-empty, unquoted, without commas, control "
                    + "characters or surrounding blanks: '" + name + "'");
        }
    }

    /** The model's input size: the feature columns, or an image's values. */
    public int featureCount() {
        return image.map(ImageShape::values).orElse(featureColumns.size());
    }

    /** The model's outputs: one per class, or the one predicted number of a regression task. */
    public int outputs() {
        return metric.regression() ? 1 : classCount;
    }

    /**
     * Whether this schema is what format version 1 holds: classification by accuracy, integer labels, unscaled, no
     * missing values.
     */
    public boolean isPlain() {
        return classNames.isEmpty()
                && scaling.isEmpty()
                && missingValues == MissingValues.ERROR
                && metric == TaskMetric.ACCURACY
                && image.isEmpty();
    }

    /** The columns a data set must have: the feature columns in order, then the label column. */
    public List<String> columns() {
        var columns = new ArrayList<String>(featureColumns.size() + 1);
        columns.addAll(featureColumns);
        columns.add(labelColumn);
        return List.copyOf(columns);
    }
}
