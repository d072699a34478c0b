package io.cotrain.oracle.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Derives a task's {@link DataSchema} from the owner's sample, as the owner has the data: for classification the label
 * column's distinct values become the class names (in string order), for regression the label is a number
 * standardized like a feature; every other column whose values are all plain decimal numbers becomes a feature
 * (others, such as names or dates, are left out and reported), and each feature's standardization is its mean and
 * population standard deviation over the sample's rows that the missing-value rule keeps. A sample that is a zip
 * archive gives an image task ({@link ImageArchive}): its folders are the classes, its first image the size.
 */
public final class SchemaDerivation {

    /**
     * @param schema         the derived schema
     * @param skippedColumns the columns that are not features: a value is not a number, or none has a value
     * @param rows           the sample's rows the schema was derived from
     * @param droppedRows    the sample's rows left out by the missing-value rule
     */
    public record Derived(DataSchema schema, List<String> skippedColumns, int rows, int droppedRows) {}

    private SchemaDerivation() {}

    /**
     * @param sample the owner's sample: a CSV file or JSON records
     * @param label  the label column (ignored for an archive of images, whose folders are the classes)
     * @param rule   what to do with missing values
     * @param metric what the task measures models by, which tells classification from regression
     * @param limits bounds on the sample's bytes and rows
     * @return the schema and what was left out
     * @throws DatasetFormatException when the sample is not a table, lacks the label column, or cannot give a schema:
     *     no numeric column, fewer than two or more than {@value DataSchema#MAX_CLASSES} classes, a regression label
     *     that is not a number, or, with the {@code error} rule, a missing value
     */
    public static Derived derive(
            byte[] sample, String label, MissingValues rule, TaskMetric metric, EvaluationLimits limits) {
        Objects.requireNonNull(metric, "metric");
        if (ImageArchive.isArchive(sample)) return images(sample, metric, limits);
        Objects.requireNonNull(label, "label");
        List<String> columns = TableReader.columns(sample, limits);
        if (!columns.contains(label)) {
            throw DatasetFormatException.atLine(
                    0, label, "the sample has no such column; its columns are " + String.join(",", columns));
        }
        List<String> others = new ArrayList<>(columns);
        others.remove(label);
        boolean[] numeric = new boolean[others.size()];
        boolean[] valued = new boolean[others.size()];
        Arrays.fill(numeric, true);
        TableReader.read(sample, limits, others, (at, cells) -> {
            for (int c = 0; c < cells.length; c++) {
                if (cells[c] == null) continue;
                valued[c] = true;
                if (numeric[c]) numeric[c] = TabularDataset.isDecimal(cells[c]);
            }
        });
        List<String> features = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int c = 0; c < others.size(); c++) (numeric[c] && valued[c] ? features : skipped).add(others.get(c));
        if (features.isEmpty()) {
            throw DatasetFormatException.atLine(
                    0, null, "no column other than '" + label + "' holds numbers only, so the task has no features");
        }
        if (features.size() > DataSchema.MAX_FEATURES) {
            throw DatasetFormatException.atLine(
                    0, null, features.size() + " numeric columns, more than " + DataSchema.MAX_FEATURES + " features");
        }

        List<String> wanted = new ArrayList<>(features);
        wanted.add(label);
        var statistics = new Statistics(features, label, rule, metric.regression());
        TableReader.read(sample, limits, wanted, statistics);
        List<FeatureScaling> scaling = new ArrayList<>();
        for (int c = 0; c < features.size(); c++) scaling.add(statistics.scaling(c));
        DataSchema schema;
        if (metric.regression()) {
            schema = DataSchema.regression(
                    features, label, scaling, rule, metric, Optional.of(statistics.scaling(features.size())));
        } else if (statistics.classes.size() < 2) {
            throw DatasetFormatException.atLine(
                    0, label, "the sample's labels name " + statistics.classes.size() + " class: a task needs two");
        } else {
            schema = new DataSchema(
                    features,
                    label,
                    statistics.classes.size(),
                    List.copyOf(statistics.classes),
                    scaling,
                    rule,
                    metric,
                    Optional.empty());
        }
        return new Derived(schema, List.copyOf(skipped), statistics.rows, statistics.dropped);
    }

    /** An image task from an archive of the owner's images: its folders are the classes. */
    private static Derived images(byte[] sample, TaskMetric metric, EvaluationLimits limits) {
        if (metric != TaskMetric.ACCURACY) {
            throw new DatasetFormatException(
                    "image", 0, null, "image tasks are measured by accuracy, not " + metric.documentName());
        }
        DataSchema schema = ImageArchive.derive(sample, limits);
        return new Derived(
                schema, List.of(), TabularDataset.parse(sample, schema, limits).rows(), 0);
    }

    /**
     * Each feature's mean and variance (Welford's method) and the label's values (for regression, its mean and
     * variance, as one more column), over the rows the rule keeps.
     */
    private static final class Statistics implements TableReader.RowSink {
        private final List<String> features;
        private final String label;
        private final MissingValues rule;
        private final boolean regression;
        private final long[] counts;
        private final double[] means;
        private final double[] squares;
        private final TreeSet<String> classes = new TreeSet<>();
        private int rows;
        private int dropped;

        Statistics(List<String> features, String label, MissingValues rule, boolean regression) {
            this.features = features;
            this.label = label;
            this.rule = rule;
            this.regression = regression;
            this.counts = new long[features.size() + 1];
            this.means = new double[features.size() + 1];
            this.squares = new double[features.size() + 1];
        }

        @Override
        public void row(TableReader.Location at, String[] cells) {
            int n = features.size();
            for (int c = 0; c <= n; c++) {
                if (cells[c] != null) continue;
                if (rule == MissingValues.ERROR) {
                    throw at.error(
                            c < n ? features.get(c) : label,
                            "a missing value: choose a rule for missing values (drop the row, or impute the mean)");
                }
                if (rule == MissingValues.DROP_ROW || c == n) {
                    dropped++;
                    return;
                }
            }
            rows++;
            for (int c = 0; c < (regression ? n + 1 : n); c++) {
                if (cells[c] == null) continue;
                double x = TabularDataset.parseFeature(cells[c], at, c < n ? features.get(c) : label);
                double delta = x - means[c];
                means[c] += delta / ++counts[c];
                squares[c] += delta * (x - means[c]);
            }
            if (!regression && classes.add(cells[n]) && classes.size() > DataSchema.MAX_CLASSES) {
                throw at.error(
                        label,
                        "more than " + DataSchema.MAX_CLASSES + " distinct labels: is '" + label + "' a class at all?");
            }
        }

        /** The standardization of feature {@code c}, or of the regression label for {@code c == features}. */
        FeatureScaling scaling(int c) {
            if (counts[c] == 0) {
                throw DatasetFormatException.atLine(
                        0, c < features.size() ? features.get(c) : label, "no row the rule keeps has a value");
            }
            double deviation = Math.sqrt(squares[c] / counts[c]);
            float scale = (float) deviation;
            return new FeatureScaling((float) means[c], scale > 0 && Float.isFinite(scale) ? scale : 1f);
        }
    }
}
