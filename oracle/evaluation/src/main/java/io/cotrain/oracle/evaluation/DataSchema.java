package io.cotrain.oracle.evaluation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The columns of a tabular classification task. A CSV file of the task (held-out set or contributed dataset) has the
 * header {@link #columns()}: every feature column in order, then the label column. Features are numbers; labels are
 * integers {@code 0..classCount-1}.
 *
 * @param featureColumns names of the numeric feature columns, in CSV order (at least one, distinct, no commas)
 * @param labelColumn    name of the integer label column, the last CSV column
 * @param classCount     number of classes, at least 2
 */
public record DataSchema(List<String> featureColumns, String labelColumn, int classCount) {

    /** Upper bound on feature columns, so that a task cannot ask for absurd input layers. */
    public static final int MAX_FEATURES = 4_096;
    /** Upper bound on classes. */
    public static final int MAX_CLASSES = 1_024;

    public DataSchema {
        Objects.requireNonNull(featureColumns, "featureColumns");
        Objects.requireNonNull(labelColumn, "labelColumn");
        featureColumns = List.copyOf(featureColumns);
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

    /** The CSV header: the feature columns in order, then the label column. */
    public List<String> columns() {
        var columns = new ArrayList<String>(featureColumns.size() + 1);
        columns.addAll(featureColumns);
        columns.add(labelColumn);
        return List.copyOf(columns);
    }
}
