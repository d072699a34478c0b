package io.cotrain.oracle.evaluation;

import java.util.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Deterministic local training, used by contributors to produce updates and by validators to score datasets: the
 * same model, data, epochs and seed give bit-identical weights (with {@link EvaluationRuntime}'s single-thread
 * settings). Each epoch visits the rows in an order shuffled by {@code java.util.Random(seed + epoch)} in minibatches
 * of {@value #BATCH_SIZE} rows (the last one smaller); ND4J's random generator is seeded with {@code seed} first.
 */
public final class LocalTraining {

    /** Rows per minibatch. */
    public static final int BATCH_SIZE = 64;

    private LocalTraining() {}

    /**
     * Trains {@code model} in place for {@code epochs} passes over {@code data} and returns it.
     *
     * @param model  a network of the task's architecture (its updater state starts fresh if it was restored without)
     * @param data   features and one-hot labels
     * @param epochs passes over the data, at least 0
     * @param seed   the seed of the batch order
     */
    public static TaskModel train(TaskModel model, DataSet data, int epochs, long seed) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0");
        }
        EvaluationRuntime.configure();
        Nd4j.getRandom().setSeed(seed);
        int rows = data.numExamples();
        int[] order = new int[rows];
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = 0; i < rows; i++) {
                order[i] = i;
            }
            var random = new Random(seed + epoch);
            for (int i = rows - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int from = 0; from < rows; from += BATCH_SIZE) {
                int to = Math.min(rows, from + BATCH_SIZE);
                long[] idx = new long[to - from];
                for (int i = from; i < to; i++) {
                    idx[i - from] = order[i];
                }
                var features = data.getFeatures().get(NDArrayIndex.indices(idx), NDArrayIndex.all());
                var labels = data.getLabels().get(NDArrayIndex.indices(idx), NDArrayIndex.all());
                model.fit(new DataSet(features, labels));
            }
        }
        return model;
    }
}
