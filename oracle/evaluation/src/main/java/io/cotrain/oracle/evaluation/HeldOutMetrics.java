package io.cotrain.oracle.evaluation;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A model's metrics on the held-out set, by the task's {@link TaskMetric}. Everything is computed in doubles in row
 * (and class) order from the model's float outputs, so validators that get the same outputs get the same bits.
 *
 * @param metric  the task's metric
 * @param rows    held-out rows
 * @param correct rows whose highest-probability class (the lowest index among ties) equals the label; 0 for regression
 * @param value   the metric's value ({@link TaskMetric}): accuracy, macro-F1, or a regression error's skill score,
 *                which is below 0 for a model worse than predicting the rows' mean (median)
 * @param loss    classification: the mean cross-entropy {@code -ln(max(p[label], 1e-7))} over the rows (independent of
 *                the loss the model's configuration names), NaN outputs counting as probability 0; regression: the mean
 *                squared (absolute) error of the label as the model sees it, a row's error at most {@value
 *                #MAX_ROW_ERROR} and a NaN output counting as that
 */
public record HeldOutMetrics(TaskMetric metric, int rows, int correct, double value, double loss) {

    /**
     * Feature values per forward pass (4 MiB of floats). Rows per pass derive from it and the task's feature count
     * only, so every validator runs the same native calls; few large passes cost far less than many small ones (a
     * 10,000-row held-out set of a small tabular task is one pass: 6 ms instead of 9 ms in batches of 1,000 rows).
     */
    static final int BATCH_ELEMENTS = 1 << 20;

    /** The most a regression row's error counts: a wild output costs a bounded amount, and no sum overflows. */
    public static final double MAX_ROW_ERROR = 1e6;

    private static final double MIN_PROBABILITY = 1e-7;
    /** The least reference error of a skill score, for held-out labels that are all equal. */
    private static final double MIN_REFERENCE_ERROR = 1e-12;

    public HeldOutMetrics {
        Objects.requireNonNull(metric, "metric");
    }

    /** @return the share of rows classified correctly; 0 for regression */
    public double accuracy() {
        return (double) correct / rows;
    }

    /**
     * @return the metric's value as the model registry records it, in ppm: for accuracy {@code correct * 10^6 / rows}
     *     floored, otherwise {@code value * 10^6} floored and clamped to {@code 0..10^6}
     */
    public long valuePpm() {
        if (metric == TaskMetric.ACCURACY) return (long) correct * 1_000_000L / rows;
        return (long) Math.floor(Math.max(0, Math.min(1, value)) * 1_000_000d);
    }

    /** @return the loss as the model registry records it: millionths, rounded */
    public long lossMicros() {
        return Math.round(loss * 1_000_000d);
    }

    /**
     * @return the metric's value for people, e.g. {@code accuracy 0.8125}, {@code macro-f1 0.7100} or, for
     *     regression, {@code mse skill 0.6200 (mse 0.3800)}
     */
    public String summary() {
        String name = metric.documentName();
        return metric.regression()
                ? String.format(Locale.ROOT, "%s skill %.4f (%s %.4f)", name, value, name, loss)
                : String.format(Locale.ROOT, "%s %.4f", name, value);
    }

    /** Measures a model on a data set of its task, by the task's metric. */
    public static HeldOutMetrics measure(TaskModel model, TabularDataset data) {
        return measure(model, data.toDataSet(), data.labelCodes(), data.schema().metric());
    }

    /**
     * Runs the model over the held-out set in batches of {@value #BATCH_ELEMENTS} feature values.
     *
     * @param labels each row's class, or for regression the float bits of its target
     */
    public static HeldOutMetrics measure(TaskModel model, DataSet heldOut, int[] labels, TaskMetric metric) {
        int rows = labels.length;
        double[] losses = new double[rows];
        int[] predicted = new int[rows];
        run(model, heldOut, labels, metric, losses, predicted);
        double loss = mean(losses);
        if (metric.regression()) {
            double reference = Math.max(referenceError(labels, metric), MIN_REFERENCE_ERROR);
            return new HeldOutMetrics(metric, rows, 0, 1 - loss / reference, loss);
        }
        int correct = 0;
        for (int r = 0; r < rows; r++) if (predicted[r] == labels[r]) correct++;
        double value = metric == TaskMetric.MACRO_F1 ? macroF1(predicted, labels) : (double) correct / rows;
        return new HeldOutMetrics(metric, rows, correct, value, loss);
    }

    /**
     * Each held-out row's loss and gain as {@link #measure} counts them: the two measures a contribution's value is
     * told by. A row's gain is 1 when it is classified correctly (else 0), or for regression minus its error.
     *
     * @return {@code [losses, gains]}, each by row
     */
    public static double[][] rowOutcomes(TaskModel model, DataSet heldOut, int[] labels, TaskMetric metric) {
        double[] losses = new double[labels.length];
        int[] predicted = new int[labels.length];
        run(model, heldOut, labels, metric, losses, predicted);
        double[] gains = new double[labels.length];
        for (int r = 0; r < gains.length; r++) {
            gains[r] = metric.regression() ? -losses[r] : predicted[r] == labels[r] ? 1 : 0;
        }
        return new double[][] {losses, gains};
    }

    /** Fills each row's loss and, for classification, its predicted class (-1 when no output is a number). */
    private static void run(
            TaskModel model, DataSet heldOut, int[] labels, TaskMetric metric, double[] losses, int[] predicted) {
        int rows = losses.length;
        int batchRows = (int) Math.max(1, BATCH_ELEMENTS / heldOut.getFeatures().size(1));
        for (int from = 0; from < rows; from += batchRows) {
            int to = Math.min(rows, from + batchRows);
            var features = heldOut.getFeatures().get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            var out = model.output(features);
            int outputs = (int) out.size(1);
            float[] p = out.castTo(DataType.FLOAT).dup('c').data().asFloat();
            for (int r = 0; r < to - from; r++) {
                int row = from + r;
                if (metric.regression()) {
                    losses[row] = rowError(p[r * outputs], Float.intBitsToFloat(labels[row]), metric);
                    continue;
                }
                int best = -1;
                float bestP = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < outputs; c++) {
                    float v = p[r * outputs + c];
                    if (v > bestP) { // NaN never wins
                        bestP = v;
                        best = c;
                    }
                }
                predicted[row] = best;
                double pl = p[r * outputs + labels[row]];
                losses[row] = -Math.log(Double.isNaN(pl) ? MIN_PROBABILITY : Math.max(pl, MIN_PROBABILITY));
            }
        }
    }

    private static double rowError(float output, float target, TaskMetric metric) {
        double difference = (double) output - target;
        double error = metric == TaskMetric.MSE ? difference * difference : Math.abs(difference);
        return Double.isNaN(error) ? MAX_ROW_ERROR : Math.min(error, MAX_ROW_ERROR);
    }

    /** The error of always predicting the targets' mean (MSE) or median (MAE), each row's capped as a model's is. */
    static double referenceError(int[] targetBits, TaskMetric metric) {
        double[] targets = new double[targetBits.length];
        for (int r = 0; r < targets.length; r++) targets[r] = Float.intBitsToFloat(targetBits[r]);
        double centre;
        if (metric == TaskMetric.MSE) {
            centre = mean(targets);
        } else {
            double[] sorted = targets.clone();
            Arrays.sort(sorted);
            int half = sorted.length / 2;
            centre = sorted.length % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
        }
        double[] errors = new double[targets.length];
        for (int r = 0; r < targets.length; r++) {
            double difference = targets[r] - centre;
            errors[r] =
                    Math.min(MAX_ROW_ERROR, metric == TaskMetric.MSE ? difference * difference : Math.abs(difference));
        }
        return mean(errors);
    }

    /**
     * The mean over classes of {@code 2 TP / (2 TP + FP + FN)}, over the classes that occur among the labels (a row
     * with no prediction is a false negative of its class). A class that is only predicted adds no term of its own:
     * counted, it would be worth zero, and a contribution that stops predicting a class the held-out rows lack would
     * gain a whole term without classifying one more row right; its false positives still cost the classes they hide.
     */
    static double macroF1(int[] predicted, int[] labels) {
        int classes = 0;
        for (int r = 0; r < labels.length; r++) classes = Math.max(classes, Math.max(labels[r], predicted[r]) + 1);
        long[] truePositives = new long[classes];
        long[] falsePositives = new long[classes];
        long[] falseNegatives = new long[classes];
        for (int r = 0; r < labels.length; r++) {
            if (predicted[r] == labels[r]) {
                truePositives[labels[r]]++;
            } else {
                falseNegatives[labels[r]]++;
                if (predicted[r] >= 0) falsePositives[predicted[r]]++;
            }
        }
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++) {
            if (truePositives[c] + falseNegatives[c] == 0) continue; // no held-out row of the class
            long denominator = 2 * truePositives[c] + falsePositives[c] + falseNegatives[c];
            sum += (double) (2 * truePositives[c]) / denominator;
            counted++;
        }
        return sum / counted;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double value : values) sum += value;
        return sum / values.length;
    }
}
