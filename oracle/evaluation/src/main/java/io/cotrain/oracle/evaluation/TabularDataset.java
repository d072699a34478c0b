package io.cotrain.oracle.evaluation;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A data set read strictly against a {@link DataSchema}, from a CSV file or JSON records as {@link TableReader} reads
 * them (or, for an image task, from an {@link ImageArchive}, one row per image), and prepared as the model sees it.
 *
 * <p>The data has at least the schema's columns, in any order; other columns are ignored. A feature is a plain
 * decimal number ({@code -?digits[.digits][e[+-]digits]}, no NaN, infinity, hex or type suffixes) that fits a 32-bit
 * float, standardized by the schema's {@link FeatureScaling} if it has one; a classification label is one of the
 * schema's class names, or a plain integer {@code 0..classCount-1} when the schema names none; a regression label is a
 * number like a feature, standardized by the schema's label standardization if it has one. A missing value follows
 * the schema's {@link MissingValues} rule. At least one row remains. Sizes are bounded by
 * {@link EvaluationLimits#maxDatasetBytes()} and {@link EvaluationLimits#maxDatasetRows()}. Every error is a
 * {@link DatasetFormatException} naming the line or record, the column and the value.
 *
 * <p>Values are kept as 32-bit floats, the precision of the models.
 */
public final class TabularDataset {

    private static final Pattern DECIMAL = Pattern.compile("-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,9}");

    private final DataSchema schema;
    private final float[] features; // row-major, rows x featureCount
    /** Class indices; for regression, the float bits of the targets as the model sees them. */
    private final int[] labels;

    private final int droppedRows;

    private TabularDataset(DataSchema schema, float[] features, int[] labels, int droppedRows) {
        this.schema = schema;
        this.features = features;
        this.labels = labels;
        this.droppedRows = droppedRows;
    }

    /**
     * Reads and prepares a data set.
     *
     * @param data   a CSV file or JSON records
     * @param schema the task's schema
     * @param limits bounds on the data's bytes and rows
     * @throws DatasetFormatException when the bytes are not a data set of the schema within the limits
     */
    public static TabularDataset parse(byte[] data, DataSchema schema, EvaluationLimits limits) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(limits, "limits");
        if (schema.image().isPresent()) return images(data, schema, limits);
        var rows = new Rows(schema);
        TableReader.read(data, limits, schema.columns(), rows);
        if (rows.count == 0) {
            throw DatasetFormatException.atLine(
                    0,
                    null,
                    rows.dropped == 0
                            ? "the data has no rows"
                            : "no row is left after leaving out " + rows.dropped + " with missing values");
        }
        return new TabularDataset(
                schema,
                Arrays.copyOf(rows.features, rows.count * schema.featureCount()),
                Arrays.copyOf(rows.labels, rows.count),
                rows.dropped);
    }

    private static TabularDataset images(byte[] data, DataSchema schema, EvaluationLimits limits) {
        if (!ImageArchive.isArchive(data)) {
            throw new DatasetFormatException(
                    "image", 0, null, "an image task's data is a zip archive of PNG images, " + "one folder per class");
        }
        ImageArchive.Images images = ImageArchive.read(data, schema, limits);
        int n = schema.featureCount();
        float[] features = new float[Math.multiplyExact(images.values().size(), n)];
        for (int r = 0; r < images.values().size(); r++)
            System.arraycopy(images.values().get(r), 0, features, r * n, n);
        return new TabularDataset(schema, features, images.classes(), 0);
    }

    /** Prepares each row the reader hands over, growing its arrays as rows come. */
    private static final class Rows implements TableReader.RowSink {
        private final DataSchema schema;
        private final Map<String, Integer> classIndex = new HashMap<>();
        private float[] features;
        private int[] labels = new int[64];
        private int count;
        private int dropped;

        Rows(DataSchema schema) {
            this.schema = schema;
            this.features = new float[64 * schema.featureCount()];
            for (int c = 0; c < schema.classNames().size(); c++)
                classIndex.put(schema.classNames().get(c), c);
        }

        @Override
        public void row(TableReader.Location at, String[] cells) {
            int n = schema.featureCount();
            MissingValues rule = schema.missingValues();
            for (int c = 0; c <= n; c++) {
                if (cells[c] != null) continue;
                String column = c < n ? schema.featureColumns().get(c) : schema.labelColumn();
                if (rule == MissingValues.ERROR) {
                    throw at.error(column, "a missing value (the task's rule for missing values is error)");
                }
                if (rule == MissingValues.DROP_ROW || c == n) {
                    dropped++;
                    return;
                }
            }
            if (count == labels.length) {
                labels = Arrays.copyOf(labels, count * 2);
                features = Arrays.copyOf(features, count * 2 * n);
            }
            for (int c = 0; c < n; c++) {
                String column = schema.featureColumns().get(c);
                FeatureScaling scaling =
                        schema.scaling().isEmpty() ? null : schema.scaling().get(c);
                float value = cells[c] == null ? scaling.mean() : parseFeature(cells[c], at, column);
                features[count * n + c] = scaling == null ? value : scaling.apply(value);
            }
            labels[count++] = parseLabel(cells[n], at);
        }

        private int parseLabel(String value, TableReader.Location at) {
            if (schema.metric().regression()) {
                float target = parseFeature(value, at, schema.labelColumn());
                return Float.floatToIntBits(
                        schema.labelScaling().map(s -> s.apply(target)).orElse(target));
            }
            if (!classIndex.isEmpty()) {
                Integer label = classIndex.get(value);
                if (label == null) {
                    throw at.error(
                            schema.labelColumn(),
                            "'" + TableReader.shorten(value) + "' is not one of the task's classes "
                                    + TableReader.shorten(String.join(",", schema.classNames())));
                }
                return label;
            }
            if (!INTEGER.matcher(value).matches()) {
                throw at.error(schema.labelColumn(), "'" + TableReader.shorten(value) + "' is not an integer label");
            }
            int label = Integer.parseInt(value);
            if (label < 0 || label >= schema.classCount()) {
                throw at.error(schema.labelColumn(), "label " + label + " is outside 0.." + (schema.classCount() - 1));
            }
            return label;
        }
    }

    /**
     * @param value  a cell
     * @param at     its row
     * @param column its column
     * @return the number it holds
     * @throws DatasetFormatException when it is not a plain decimal number that fits a 32-bit float
     */
    static float parseFeature(String value, TableReader.Location at, String column) {
        if (!DECIMAL.matcher(value).matches()) {
            throw at.error(column, "'" + TableReader.shorten(value) + "' is not a decimal number");
        }
        float parsed = Float.parseFloat(value);
        if (!Float.isFinite(parsed)) {
            throw at.error(column, "'" + TableReader.shorten(value) + "' does not fit a 32-bit float");
        }
        return parsed;
    }

    /**
     * The file name extension of a data set's bytes: {@code zip} for an archive of images, {@code json} for JSON
     * records, {@code csv} otherwise.
     */
    public static String extensionOf(byte[] data) {
        if (ImageArchive.isArchive(data)) return "zip";
        return TableReader.isJson(data) ? "json" : "csv";
    }

    /** Whether a cell is a plain decimal number, as a feature must be. */
    static boolean isDecimal(String value) {
        return DECIMAL.matcher(value).matches();
    }

    /** Rows left out because of a missing value, by the schema's rule. */
    public int droppedRows() {
        return droppedRows;
    }

    /** The schema the data was parsed against. */
    public DataSchema schema() {
        return schema;
    }

    /** Number of data rows (at least 1). */
    public int rows() {
        return labels.length;
    }

    /** A copy of the features of a row. */
    public float[] features(int row) {
        int n = schema.featureCount();
        return Arrays.copyOfRange(features, row * n, row * n + n);
    }

    /**
     * The class of a row.
     *
     * @throws IllegalStateException for a regression task, whose rows have a {@link #target}
     */
    public int label(int row) {
        if (schema.metric().regression()) throw new IllegalStateException("a regression task's rows have targets");
        return labels[row];
    }

    /**
     * The label of a regression task's row as the model sees it (standardized if the schema says so).
     *
     * @throws IllegalStateException for a classification task, whose rows have a {@link #label}
     */
    public float target(int row) {
        if (!schema.metric().regression()) throw new IllegalStateException("a classification task's rows have labels");
        return Float.intBitsToFloat(labels[row]);
    }

    /** The classes by row; for a regression task, the targets' float bits. */
    int[] labelCodes() {
        return labels.clone();
    }

    /** A row's label as one int that is equal for equal labels: the class, or the target's float bits. */
    int labelCode(int row) {
        return labels[row];
    }

    /** Whether the features of two rows (of this or another data set of the same width) are bitwise equal. */
    boolean sameFeatures(int row, TabularDataset other, int otherRow) {
        int n = schema.featureCount();
        return Arrays.equals(features, row * n, row * n + n, other.features, otherRow * n, otherRow * n + n);
    }

    /** A hash of a row's features, consistent with {@link #sameFeatures}. */
    int featureHash(int row) {
        int n = schema.featureCount();
        int h = 1;
        for (int i = row * n; i < row * n + n; i++) {
            h = 31 * h + Float.floatToIntBits(features[i]);
        }
        return h;
    }

    /**
     * Each row's fingerprint: the first 8 bytes of the SHA-256 of its label and its features' float bits, so that rows
     * parsed from different text ({@code 1.0} and {@code 1}) that are the same row have the same fingerprint.
     *
     * @return the distinct fingerprints, ascending
     */
    public long[] rowFingerprints() {
        MessageDigest sha256 = ModelCodec.sha256();
        int n = schema.featureCount();
        ByteBuffer row = ByteBuffer.allocate(Integer.BYTES * (n + 1));
        long[] fingerprints = new long[labels.length];
        for (int r = 0; r < labels.length; r++) {
            row.clear();
            row.putInt(labels[r]);
            for (int i = r * n; i < r * n + n; i++) row.putInt(Float.floatToIntBits(features[i]));
            fingerprints[r] = ByteBuffer.wrap(sha256.digest(row.array())).getLong();
        }
        return Arrays.stream(fingerprints).sorted().distinct().toArray();
    }

    /**
     * The data as an ND4J data set: float features (rows x features) and float labels, one-hot (rows x classes) or,
     * for regression, the targets (rows x 1).
     */
    public DataSet toDataSet() {
        int n = schema.featureCount();
        int k = schema.outputs();
        float[] y = new float[Math.multiplyExact(labels.length, k)];
        for (int r = 0; r < labels.length; r++) {
            if (schema.metric().regression()) y[r] = Float.intBitsToFloat(labels[r]);
            else y[r * k + labels[r]] = 1.0f;
        }
        return new DataSet(
                Nd4j.create(features.clone(), new long[] {labels.length, n}, DataType.FLOAT),
                Nd4j.create(y, new long[] {labels.length, k}, DataType.FLOAT));
    }
}
