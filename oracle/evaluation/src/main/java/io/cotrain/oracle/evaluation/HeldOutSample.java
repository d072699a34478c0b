package io.cotrain.oracle.evaluation;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Held-out rows measured instead of a large held-out set: beyond a few thousand rows more rows buy little certainty
 * and cost time on every model measured. The same size and seed draw the same rows on every validator.
 *
 * @param rows the sampled rows of the held-out set, ascending
 * @param heldOut their features and one-hot labels
 * @param labels their labels ({@link TabularDataset#labelCodes})
 * @param metric the task's metric
 */
public record HeldOutSample(int[] rows, DataSet heldOut, int[] labels, TaskMetric metric) {

    /**
     * @param task the task whose held-out set is sampled
     * @param max the most rows: a held-out set of at most that many is used whole
     * @param seed draws the sample of a larger set
     */
    public static HeldOutSample of(TaskContext task, int max, long seed) {
        return of(task.heldOut(), task.heldOutLabels(), task.schema().metric(), max, seed);
    }

    static HeldOutSample of(DataSet all, int[] allLabels, TaskMetric metric, int max, long seed) {
        int[] rows = rows(allLabels.length, max, seed);
        DataSet heldOut = all;
        if (rows.length < all.numExamples()) {
            long[] indices = Arrays.stream(rows).asLongStream().toArray();
            heldOut = new DataSet(
                    all.getFeatures().get(NDArrayIndex.indices(indices), NDArrayIndex.all()),
                    all.getLabels().get(NDArrayIndex.indices(indices), NDArrayIndex.all()));
        }
        int[] labels = Arrays.stream(rows).map(row -> allLabels[row]).toArray();
        return new HeldOutSample(rows, heldOut, labels, metric);
    }

    /** Every row when there are at most {@code max}, else {@code max} drawn with the seed; ascending. */
    static int[] rows(int heldOutRows, int max, long seed) {
        int[] all = IntStream.range(0, heldOutRows).toArray();
        if (heldOutRows <= max) return all;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < max; i++) {
            int j = i + random.nextInt(heldOutRows - i);
            int swap = all[i];
            all[i] = all[j];
            all[j] = swap;
        }
        int[] sample = Arrays.copyOf(all, max);
        Arrays.sort(sample);
        return sample;
    }

    /** Each sampled row's loss and gain under a model ({@link HeldOutMetrics#rowOutcomes}). */
    public double[][] rowOutcomes(TaskModel model) {
        return HeldOutMetrics.rowOutcomes(model, heldOut, labels, metric);
    }

    /** A model's metrics on the sampled rows. Do not run the model concurrently. */
    public HeldOutMetrics measure(TaskModel model) {
        return HeldOutMetrics.measure(model, heldOut, labels, metric);
    }
}
