package io.cotrain.oracle.evaluation;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A model's metrics on the held-out set.
 *
 * @param rows     held-out rows
 * @param correct  rows whose highest-probability class (the lowest index among ties) equals the label
 * @param accuracy {@code correct / rows}
 * @param loss     mean cross-entropy {@code -ln(max(p[label], 1e-7))} over the rows, computed in doubles in row order
 *                 (independent of the loss the model's configuration names); NaN outputs count as probability 0
 */
public record HeldOutMetrics(int rows, int correct, double accuracy, double loss) {

    /**
     * Feature values per forward pass (4 MiB of floats). Rows per pass derive from it and the task's feature count
     * only, so every validator runs the same native calls; few large passes cost far less than many small ones (a
     * 10,000-row held-out set of a small tabular task is one pass: 6 ms instead of 9 ms in batches of 1,000 rows).
     */
    static final int BATCH_ELEMENTS = 1 << 20;

    private static final double MIN_PROBABILITY = 1e-7;

    /** @return the accuracy as the model registry records it: ppm, {@code correct * 10^6 / rows} floored */
    public long accuracyPpm() {
        return (long) correct * 1_000_000L / rows;
    }

    /** @return the loss as the model registry records it: millionths, rounded */
    public long lossMicros() {
        return Math.round(loss * 1_000_000d);
    }

    /** Runs the model over the held-out set in batches of {@value #BATCH_ELEMENTS} feature values. */
    public static HeldOutMetrics measure(MultiLayerNetwork model, DataSet heldOut, int[] labels) {
        double[] losses = new double[heldOut.numExamples()];
        int correct = run(model, heldOut, labels, losses, null);
        double lossSum = 0;
        for (double loss : losses) lossSum += loss;
        return new HeldOutMetrics(losses.length, correct, (double) correct / losses.length, lossSum / losses.length);
    }

    /**
     * Each held-out row's cross-entropy and whether the row is classified correctly (1 or 0), as {@link #measure}
     * counts them: the two measures a contribution's value is told by.
     *
     * @return {@code [losses, correct]}, each by row
     */
    public static double[][] rowOutcomes(MultiLayerNetwork model, DataSet heldOut, int[] labels) {
        double[] losses = new double[heldOut.numExamples()];
        double[] correct = new double[losses.length];
        run(model, heldOut, labels, losses, correct);
        return new double[][] {losses, correct};
    }

    /**
     * Fills {@code losses} (and {@code hits}, 1 for a row classified correctly, when given) row by row and returns the
     * rows classified correctly.
     */
    private static int run(MultiLayerNetwork model, DataSet heldOut, int[] labels, double[] losses, double[] hits) {
        int rows = losses.length;
        int batchRows = (int) Math.max(1, BATCH_ELEMENTS / heldOut.getFeatures().size(1));
        int correct = 0;
        for (int from = 0; from < rows; from += batchRows) {
            int to = Math.min(rows, from + batchRows);
            var features = heldOut.getFeatures().get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            var out = model.output(features, false);
            int classes = (int) out.size(1);
            float[] p = out.castTo(DataType.FLOAT).dup('c').data().asFloat();
            for (int r = 0; r < to - from; r++) {
                int best = 0;
                float bestP = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    float v = p[r * classes + c];
                    if (v > bestP) { // NaN never wins
                        bestP = v;
                        best = c;
                    }
                }
                int label = labels[from + r];
                boolean hit = best == label && bestP != Float.NEGATIVE_INFINITY;
                if (hit) {
                    correct++;
                }
                if (hits != null) {
                    hits[from + r] = hit ? 1 : 0;
                }
                double pl = p[r * classes + label];
                losses[from + r] = -Math.log(Double.isNaN(pl) ? MIN_PROBABILITY : Math.max(pl, MIN_PROBABILITY));
            }
        }
        return correct;
    }
}
