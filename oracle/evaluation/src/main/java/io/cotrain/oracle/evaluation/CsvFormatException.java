package io.cotrain.oracle.evaluation;

/**
 * A CSV that does not follow the task's {@link DataSchema}. The message names the line (1-based, the header is line
 * 1), the column and the offending value (shortened to 40 characters).
 */
public final class CsvFormatException extends RejectedInputException {

    private final int line;
    private final String column;

    public CsvFormatException(int line, String column, String problem) {
        super(
                line > 0
                        ? "line " + line + (column != null ? ", column '" + column + "'" : "") + ": " + problem
                        : problem);
        this.line = line;
        this.column = column;
    }

    /** The 1-based line of the problem (the header is line 1), or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }

    /** The column of the problem, or null when it concerns the whole line or file. */
    public String column() {
        return column;
    }
}
