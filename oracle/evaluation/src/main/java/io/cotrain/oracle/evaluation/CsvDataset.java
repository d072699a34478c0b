package io.cotrain.oracle.evaluation;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A tabular classification data set parsed strictly from CSV bytes against a {@link DataSchema}.
 *
 * <p>The format: UTF-8, lines separated by {@code \n} (or {@code \r\n}), one optional final line break, no blank lines,
 * no quoting. Line 1 is the header and must equal {@link DataSchema#columns()} (the feature columns in order, then
 * the label column). Every other line has exactly that many comma-separated fields: features are plain decimal
 * numbers ({@code -?digits[.digits][e[+-]digits]}, no NaN, infinity, hex or type suffixes) that fit a 32-bit float;
 * the label is a plain integer {@code 0..classCount-1}. At least one data row. Sizes are bounded by
 * {@link EvaluationLimits#maxDatasetBytes()} and {@link EvaluationLimits#maxDatasetRows()}. Every error is a
 * {@link CsvFormatException} naming the line, the column and the value.
 *
 * <p>Values are kept as 32-bit floats, the precision of the models.
 */
public final class CsvDataset {

    private static final Pattern DECIMAL = Pattern.compile("-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,9}");

    private final DataSchema schema;
    private final float[] features; // row-major, rows x featureCount
    private final int[] labels;

    private CsvDataset(DataSchema schema, float[] features, int[] labels) {
        this.schema = schema;
        this.features = features;
        this.labels = labels;
    }

    /**
     * Parses CSV bytes.
     *
     * @throws CsvFormatException when the bytes are not a CSV of the schema within the limits
     */
    public static CsvDataset parse(byte[] csv, DataSchema schema, EvaluationLimits limits) {
        Objects.requireNonNull(csv, "csv");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(limits, "limits");
        if (csv.length > limits.maxDatasetBytes()) {
            throw new CsvFormatException(
                    0,
                    null,
                    "the CSV has " + csv.length + " bytes, more than the limit of " + limits.maxDatasetBytes());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(csv))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CsvFormatException(0, null, "the CSV is not valid UTF-8");
        }
        if (text.isEmpty()) {
            throw new CsvFormatException(
                    1, null, "the CSV is empty, expected the header " + String.join(",", schema.columns()));
        }
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        List<String> columns = schema.columns();
        int width = columns.size();
        int featureCount = schema.featureCount();

        // Count lines first to size the arrays (bounded by the byte limit).
        int lineCount = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lineCount++;
            }
        }
        int rows = lineCount - 1;
        if (rows > limits.maxDatasetRows()) {
            throw new CsvFormatException(
                    0, null, "the CSV has " + rows + " data rows, more than the limit of " + limits.maxDatasetRows());
        }
        float[] features = new float[Math.multiplyExact(rows, featureCount)];
        int[] labels = new int[rows];

        int start = 0;
        String[] fields = new String[width];
        for (int line = 1; line <= lineCount; line++) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            int contentEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            String content = text.substring(start, contentEnd);
            start = end + 1;
            if (content.isEmpty()) {
                throw new CsvFormatException(line, null, "empty line");
            }
            split(content, fields, line, width);
            if (line == 1) {
                for (int c = 0; c < width; c++) {
                    if (!fields[c].equals(columns.get(c))) {
                        throw new CsvFormatException(
                                1,
                                columns.get(c),
                                "the header has '" + shorten(fields[c]) + "' in column " + (c + 1)
                                        + "; the header must be " + String.join(",", columns));
                    }
                }
                continue;
            }
            int row = line - 2;
            for (int c = 0; c < featureCount; c++) {
                features[row * featureCount + c] = parseFeature(fields[c], line, columns.get(c));
            }
            labels[row] = parseLabel(fields[featureCount], line, schema);
        }
        if (rows == 0) {
            throw new CsvFormatException(0, null, "the CSV has a header but no data rows");
        }
        return new CsvDataset(schema, features, labels);
    }

    private static void split(String content, String[] fields, int line, int width) {
        int from = 0;
        for (int c = 0; c < width; c++) {
            int comma = content.indexOf(',', from);
            if (c == width - 1) {
                if (comma >= 0) {
                    throw new CsvFormatException(line, null, "more than " + width + " fields");
                }
                fields[c] = content.substring(from);
            } else {
                if (comma < 0) {
                    throw new CsvFormatException(line, null, "only " + (c + 1) + " fields, expected " + width);
                }
                fields[c] = content.substring(from, comma);
                from = comma + 1;
            }
        }
    }

    private static float parseFeature(String value, int line, String column) {
        if (!DECIMAL.matcher(value).matches()) {
            throw new CsvFormatException(line, column, "'" + shorten(value) + "' is not a decimal number");
        }
        float parsed = Float.parseFloat(value);
        if (!Float.isFinite(parsed)) {
            throw new CsvFormatException(line, column, "'" + shorten(value) + "' does not fit a 32-bit float");
        }
        return parsed;
    }

    private static int parseLabel(String value, int line, DataSchema schema) {
        if (!INTEGER.matcher(value).matches()) {
            throw new CsvFormatException(
                    line, schema.labelColumn(), "'" + shorten(value) + "' is not an integer label");
        }
        int label = Integer.parseInt(value);
        if (label < 0 || label >= schema.classCount()) {
            throw new CsvFormatException(
                    line, schema.labelColumn(), "label " + label + " is outside 0.." + (schema.classCount() - 1));
        }
        return label;
    }

    private static String shorten(String value) {
        String printable = value.codePoints()
                .map(cp -> Character.isISOControl(cp) ? '?' : cp)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return printable.length() <= 40 ? printable : printable.substring(0, 37) + "...";
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

    /** The label of a row. */
    public int label(int row) {
        return labels[row];
    }

    /** Whether the features of two rows (of this or another data set of the same width) are bitwise equal. */
    boolean sameFeatures(int row, CsvDataset other, int otherRow) {
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

    /** The data as an ND4J data set: float features (rows x features) and one-hot float labels (rows x classes). */
    public DataSet toDataSet() {
        int n = schema.featureCount();
        int k = schema.classCount();
        float[] oneHot = new float[Math.multiplyExact(labels.length, k)];
        for (int r = 0; r < labels.length; r++) {
            oneHot[r * k + labels[r]] = 1.0f;
        }
        var x = Nd4j.create(features.clone(), new long[] {labels.length, n}, DataType.FLOAT);
        var y = Nd4j.create(oneHot, new long[] {labels.length, k}, DataType.FLOAT);
        return new DataSet(x, y);
    }
}
