package io.cotrain.oracle.evaluation;

/**
 * A data set (CSV or JSON records) that does not follow the task's {@link DataSchema}. The message names where: the
 * line of a CSV (1-based, the header is line 1) or the record of a JSON array (1-based), the column and the offending
 * value (shortened to 40 characters).
 */
public final class DatasetFormatException extends RejectedInputException {

    private final String unit;
    private final int position;
    private final String column;

    /**
     * @param unit     {@code "line"} or {@code "record"}
     * @param position the 1-based line or record, or 0 when the problem concerns the whole file
     * @param column   the column of the problem, or null
     * @param problem  what is wrong
     */
    public DatasetFormatException(String unit, int position, String column, String problem) {
        super(
                position > 0
                        ? unit + " " + position + (column != null ? ", column '" + column + "'" : "") + ": " + problem
                        : (column != null ? "column '" + column + "': " : "") + problem);
        this.unit = unit;
        this.position = position;
        this.column = column;
    }

    /** A problem of a CSV's line (1 is the header), or of the whole file when {@code line} is 0. */
    public static DatasetFormatException atLine(int line, String column, String problem) {
        return new DatasetFormatException("line", line, column, problem);
    }

    /** Whether the problem is in a CSV's header line. */
    public boolean inHeader() {
        return unit.equals("line") && position == 1;
    }

    /** The 1-based line or record of the problem, or 0 when it concerns the whole file. */
    public int position() {
        return position;
    }

    /** The column of the problem, or null when it concerns the whole row or file. */
    public String column() {
        return column;
    }
}
