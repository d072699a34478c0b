package io.cotrain.oracle.valuation;

/**
 * A player's estimated Shapley value with its sampling noise over the held-out rows.
 *
 * @param mean the value: the mean over held-out rows of the player's per-row value (utility units per row)
 * @param standardError the standard error of that mean over the rows (sample standard deviation / sqrt(rows)): how
 *     much the value would move on another held-out set drawn like this one
 */
public record PlayerValue(double mean, double standardError) {

    /**
     * @param rowValues a player's value on each held-out row, at least one
     * @return their mean and its standard error, summed in row order (deterministic)
     */
    public static PlayerValue of(double[] rowValues) {
        int rows = rowValues.length;
        if (rows == 0) throw new IllegalArgumentException("no held-out rows");
        double sum = 0;
        for (double value : rowValues) sum += value;
        double mean = sum / rows;
        if (rows == 1) return new PlayerValue(mean, 0);
        double squares = 0;
        for (double value : rowValues) squares += (value - mean) * (value - mean);
        return new PlayerValue(mean, Math.sqrt(squares / (rows - 1) / rows));
    }
}
