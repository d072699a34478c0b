package io.cotrain.oracle.evaluation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a data set's rows one at a time, projected onto the columns a caller wants, from either form a user has it
 * in: a CSV file or JSON records. Only the wanted cells of one row are held at once, so a hostile file costs no more
 * memory than its bytes.
 *
 * <p>CSV (RFC 4180): UTF-8 (an initial byte-order mark is skipped), records separated by {@code \n} or {@code \r\n},
 * one optional final line break, no blank lines; a field may be quoted ({@code "a, b"}, {@code ""} for a quote, line
 * breaks allowed inside); line 1 is the header, with distinct names, and every record has as many fields. JSON
 * records: an array of objects whose values are numbers, strings or {@code null} (as {@code cars.json} is); a
 * record's keys are its columns. An empty field, {@code null} or an absent key is a missing value.
 */
final class TableReader {

    /** Receives each row's wanted cells, in the order asked for; a missing value is null. */
    interface RowSink {
        /**
         * @param at    where the row is, for error messages
         * @param cells the wanted cells (reused for the next row: copy what you keep)
         */
        void row(Location at, String[] cells);
    }

    /**
     * Where a row is: the line of a CSV or the record of a JSON array, 1-based.
     *
     * @param unit     {@code "line"} or {@code "record"}
     * @param position the line or record
     */
    record Location(String unit, int position) {
        DatasetFormatException error(String column, String problem) {
            return new DatasetFormatException(unit, position, column, problem);
        }
    }

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private TableReader() {}

    /**
     * Reads every row.
     *
     * @param data   the file's bytes
     * @param limits bounds on its bytes and rows
     * @param wanted the columns to hand to the sink, in order
     * @param sink   what receives each row
     * @throws DatasetFormatException when the bytes are not a table within the limits, or a CSV lacks a wanted column
     */
    static void read(byte[] data, EvaluationLimits limits, List<String> wanted, RowSink sink) {
        checkSize(data, limits);
        if (isJson(data)) {
            readJson(data, limits, wanted, sink);
        } else {
            readCsv(decode(data), limits, wanted, sink);
        }
    }

    /**
     * @return the table's columns: a CSV's header, or the keys of JSON records in the order first seen
     * @throws DatasetFormatException when the bytes are not a table within the limits
     */
    static List<String> columns(byte[] data, EvaluationLimits limits) {
        checkSize(data, limits);
        if (!isJson(data)) return new CsvCursor(decode(data)).header();
        Set<String> keys = new LinkedHashSet<>();
        try (JsonParser parser = JSON.createParser(data)) {
            forEachRecord(parser, limits, new RecordVisitor() {
                @Override
                public void key(int record, String key) throws IOException {
                    keys.add(key);
                    scalar(parser, record, key);
                }

                @Override
                public void end(int record) {}
            });
        } catch (IOException e) {
            throw notJson(e);
        }
        return List.copyOf(keys);
    }

    /** A value shortened to 40 printable characters, for messages. */
    static String shorten(String value) {
        String printable = value.codePoints()
                .map(cp -> Character.isISOControl(cp) ? '?' : cp)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return printable.length() <= 40 ? printable : printable.substring(0, 37) + "...";
    }

    private static void checkSize(byte[] data, EvaluationLimits limits) {
        if (data.length > limits.maxDatasetBytes()) {
            throw DatasetFormatException.atLine(
                    0,
                    null,
                    "the data has " + data.length + " bytes, more than the limit of " + limits.maxDatasetBytes());
        }
    }

    static boolean isJson(byte[] data) {
        int i = data.length >= 3 && (data[0] & 0xFF) == 0xEF && (data[1] & 0xFF) == 0xBB && (data[2] & 0xFF) == 0xBF
                ? 3
                : 0;
        while (i < data.length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) i++;
        return i < data.length && (data[i] == '[' || data[i] == '{');
    }

    private static String decode(byte[] data) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
        } catch (CharacterCodingException e) {
            throw DatasetFormatException.atLine(0, null, "the data is not valid UTF-8");
        }
        return text.startsWith(BYTE_ORDER_MARK) ? text.substring(1) : text;
    }

    private static void readCsv(String text, EvaluationLimits limits, List<String> wanted, RowSink sink) {
        var cursor = new CsvCursor(text);
        List<String> header = cursor.header();
        int[] source = new int[wanted.size()];
        for (int i = 0; i < source.length; i++) {
            source[i] = header.indexOf(wanted.get(i));
            if (source[i] < 0) {
                throw DatasetFormatException.atLine(
                        1,
                        wanted.get(i),
                        "the header has no column '" + wanted.get(i) + "'; the task's columns are "
                                + String.join(",", wanted));
            }
        }
        if (cursor.atEnd()) throw DatasetFormatException.atLine(0, null, "the data has a header but no rows");
        List<String> fields = new ArrayList<>(header.size());
        String[] cells = new String[source.length];
        int rows = 0;
        while (!cursor.atEnd()) {
            int line = cursor.record(fields);
            if (++rows > limits.maxDatasetRows()) throw tooManyRows(limits);
            if (fields.size() != header.size()) {
                throw DatasetFormatException.atLine(
                        line,
                        null,
                        fields.size() < header.size()
                                ? "only " + fields.size() + " fields, expected " + header.size()
                                : "more than " + header.size() + " fields");
            }
            for (int i = 0; i < source.length; i++) {
                String field = fields.get(source[i]);
                cells[i] = field.isEmpty() ? null : field;
            }
            sink.row(new Location("line", line), cells);
        }
    }

    private static void readJson(byte[] data, EvaluationLimits limits, List<String> wanted, RowSink sink) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < wanted.size(); i++) index.put(wanted.get(i), i);
        String[] cells = new String[wanted.size()];
        boolean[] seen = new boolean[wanted.size()];
        try (JsonParser parser = JSON.createParser(data)) {
            forEachRecord(parser, limits, new RecordVisitor() {
                @Override
                public void key(int record, String key) throws IOException {
                    String value = scalar(parser, record, key);
                    Integer column = index.get(key);
                    if (column == null) return;
                    cells[column] = value == null || value.isEmpty() ? null : value;
                    seen[column] = true;
                }

                @Override
                public void end(int record) {
                    sink.row(new Location("record", record), cells);
                    Arrays.fill(cells, null);
                }
            });
        } catch (IOException e) {
            throw notJson(e);
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                throw new DatasetFormatException(
                        "record",
                        0,
                        wanted.get(i),
                        "no record has the column; the task's columns are " + String.join(",", wanted));
            }
        }
    }

    /** Visits each key of each record (1-based), then the record's end. */
    private interface RecordVisitor {
        /** The parser is at the key's value, which the visitor consumes. */
        void key(int record, String key) throws IOException;

        void end(int record);
    }

    private static void forEachRecord(JsonParser parser, EvaluationLimits limits, RecordVisitor visitor)
            throws IOException {
        if (parser.nextToken() != JsonToken.START_ARRAY) {
            throw new DatasetFormatException("record", 0, null, "JSON data must be an array of records (objects)");
        }
        int record = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (++record > limits.maxDatasetRows()) throw tooManyRows(limits);
            if (token != JsonToken.START_OBJECT) {
                throw new DatasetFormatException("record", record, null, "a record must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                parser.nextToken();
                visitor.key(record, key);
            }
            visitor.end(record);
        }
        if (record == 0) throw new DatasetFormatException("record", 0, null, "the JSON array has no records");
        if (parser.nextToken() != null) {
            throw new DatasetFormatException("record", 0, null, "content after the JSON array");
        }
    }

    private static String scalar(JsonParser parser, int record, String key) throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_STRING -> parser.getText();
            case VALUE_NULL -> null;
            default ->
                throw new DatasetFormatException("record", record, key, "a value must be a number, a string or null");
        };
    }

    private static DatasetFormatException notJson(IOException e) {
        if (e instanceof JsonProcessingException json && json.getLocation() != null) {
            return new DatasetFormatException(
                    "record",
                    0,
                    null,
                    "not valid JSON at line " + json.getLocation().getLineNr() + ", column "
                            + json.getLocation().getColumnNr() + ": " + json.getOriginalMessage());
        }
        return new DatasetFormatException("record", 0, null, "not valid JSON: " + e.getMessage());
    }

    private static DatasetFormatException tooManyRows(EvaluationLimits limits) {
        return DatasetFormatException.atLine(
                0, null, "the data has more rows than the limit of " + limits.maxDatasetRows());
    }

    /** Reads CSV records from text, counting lines. */
    private static final class CsvCursor {
        private final String text;
        private int pos;
        private int line = 1;

        CsvCursor(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        List<String> header() {
            if (atEnd()) throw DatasetFormatException.atLine(1, null, "the data is empty: expected a header line");
            List<String> names = new ArrayList<>();
            record(names);
            Set<String> distinct = new LinkedHashSet<>();
            for (String name : names) {
                if (!distinct.add(name)) {
                    throw DatasetFormatException.atLine(1, name, "the header names the column twice");
                }
            }
            return List.copyOf(names);
        }

        /** Reads one record's fields into {@code fields}; returns the line it starts on. */
        int record(List<String> fields) {
            fields.clear();
            int start = line;
            if (text.charAt(pos) == '\n' || text.charAt(pos) == '\r') {
                throw DatasetFormatException.atLine(start, null, "empty line");
            }
            while (true) {
                fields.add(text.charAt(pos) == '"' ? quoted(start) : plain());
                if (atEnd()) return start;
                char c = text.charAt(pos);
                if (c == ',') {
                    pos++;
                    if (!atEnd()) continue;
                    fields.add("");
                    return start;
                }
                if (c == '\r') {
                    if (pos + 1 >= text.length() || text.charAt(pos + 1) != '\n') {
                        throw DatasetFormatException.atLine(line, null, "a carriage return not followed by \\n");
                    }
                    pos++;
                }
                pos++;
                line++;
                return start;
            }
        }

        private String plain() {
            int end = pos;
            while (end < text.length()) {
                char c = text.charAt(end);
                if (c == ',' || c == '\n' || c == '\r') break;
                if (c == '"') {
                    throw DatasetFormatException.atLine(
                            line, null, "a quote inside an unquoted field: quote the whole field, as \"a \"\"b\"\"\"");
                }
                end++;
            }
            String field = text.substring(pos, end);
            pos = end;
            return field;
        }

        private String quoted(int start) {
            var field = new StringBuilder();
            pos++;
            while (true) {
                if (atEnd()) throw DatasetFormatException.atLine(start, null, "a quoted field is not closed");
                char c = text.charAt(pos++);
                if (c == '"') {
                    if (pos < text.length() && text.charAt(pos) == '"') {
                        field.append('"');
                        pos++;
                        continue;
                    }
                    if (!atEnd() && ",\r\n".indexOf(text.charAt(pos)) < 0) {
                        throw DatasetFormatException.atLine(line, null, "characters after a closing quote");
                    }
                    return field.toString();
                }
                if (c == '\n') line++;
                field.append(c);
            }
        }
    }
}
