package io.cotrain.oracle.evaluation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The columns of a tabular classification task and how its raw rows become model input. A data set of the task
 * (held-out set or contributed dataset, CSV or JSON records, see {@link TabularDataset}) has at least the columns
 * {@link #columns()}; others are ignored. Features are numbers; labels are the class names, or integers
 * {@code 0..classCount-1} when the schema names no classes.
 *
 * @param featureColumns names of the numeric feature columns, the model's inputs in order (at least one, distinct)
 * @param labelColumn    name of the label column
 * @param classCount     number of classes, at least 2
 * @param classNames     the label of each class in the data, in class order, or empty for integer labels
 * @param scaling        the standardization of each feature column, in order, or empty to feed values as they are
 * @param missingValues  what to do with a missing value
 */
public record DataSchema(
        List<String> featureColumns,
        String labelColumn,
        int classCount,
        List<String> classNames,
        List<FeatureScaling> scaling,
        MissingValues missingValues) {

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

    public DataSchema {
        Objects.requireNonNull(featureColumns, "featureColumns");
        Objects.requireNonNull(labelColumn, "labelColumn");
        Objects.requireNonNull(missingValues, "missingValues");
        featureColumns = List.copyOf(featureColumns);
        classNames = List.copyOf(classNames);
        scaling = List.copyOf(scaling);
        if (featureColumns.isEmpty() || featureColumns.size() > MAX_FEATURES) {
            throw new IllegalArgumentException("a schema needs 1.." + MAX_FEATURES + " feature columns");
        }
        if (classCount < 2 || classCount > MAX_CLASSES) {
            throw new IllegalArgumentException("classCount must be 2.." + MAX_CLASSES + ", was " + classCount);
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

    /** Number of feature columns (the model's input size). */
    public int featureCount() {
        return featureColumns.size();
    }

    /** Whether this schema is what format version 1 holds: integer labels, unscaled, no missing values. */
    public boolean isPlain() {
        return classNames.isEmpty() && scaling.isEmpty() && missingValues == MissingValues.ERROR;
    }

    /** The columns a data set must have: the feature columns in order, then the label column. */
    public List<String> columns() {
        var columns = new ArrayList<String>(featureColumns.size() + 1);
        columns.addAll(featureColumns);
        columns.add(labelColumn);
        return List.copyOf(columns);
    }
}
