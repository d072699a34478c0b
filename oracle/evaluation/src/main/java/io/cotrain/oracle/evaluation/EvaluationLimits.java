package io.cotrain.oracle.evaluation;

/**
 * Bounds that every contribution must respect before the evaluator spends memory or time on it. Anything beyond them
 * scores the floor with a reason, it never reaches DL4J.
 *
 * @param maxModelBytes          largest accepted model zip, compressed
 * @param maxUncompressedBytes   largest total uncompressed size of the model zip's entries (zip-bomb guard)
 * @param maxZipEntries          most entries a model zip may have (zip-bomb guard)
 * @param maxCompressionRatio    largest ratio of uncompressed to compressed size of the whole model zip (zip-bomb
 *                               guard; honest models of random-looking floats compress by less than 2)
 * @param maxDatasetBytes        largest accepted CSV (contributed dataset or held-out set)
 * @param maxDatasetRows         most data rows a CSV may have
 * @param maxDuplicateFraction   largest fraction of a contributed dataset's rows that may repeat an earlier row of the
 *                               same dataset (features and label); beyond it the dataset scores the floor
 * @param maxParameters          most trainable parameters a task's model may have
 */
public record EvaluationLimits(
        long maxModelBytes,
        long maxUncompressedBytes,
        int maxZipEntries,
        double maxCompressionRatio,
        long maxDatasetBytes,
        int maxDatasetRows,
        double maxDuplicateFraction,
        long maxParameters) {

    public EvaluationLimits {
        if (maxModelBytes <= 0
                || maxUncompressedBytes <= 0
                || maxZipEntries <= 0
                || maxDatasetBytes <= 0
                || maxDatasetRows <= 0
                || maxParameters <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (!(maxCompressionRatio >= 1.0) || Double.isInfinite(maxCompressionRatio)) {
            throw new IllegalArgumentException("maxCompressionRatio must be a finite number >= 1");
        }
        if (!(maxDuplicateFraction >= 0.0 && maxDuplicateFraction <= 1.0)) {
            throw new IllegalArgumentException("maxDuplicateFraction must be in [0, 1]");
        }
    }

    /**
     * Defaults for the tabular tasks of this milestone: models up to 8 MiB (64 MiB uncompressed, 8 entries, ratio 20),
     * CSVs up to 32 MiB and 250,000 rows, at most 10% duplicate rows, at most 1,000,000 parameters.
     */
    public static EvaluationLimits defaults() {
        return new EvaluationLimits(8L << 20, 64L << 20, 8, 20.0, 32L << 20, 250_000, 0.10, 1_000_000L);
    }
}
