package io.cotrain.oracle.evaluation;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a DATASET contribution: CSV bytes of the task's schema.
 *
 * <ol>
 *   <li>Parse with {@link TabularDataset} (size, row limit, header, numbers, labels); an error gives the floor with the
 *       parse error (line, column, value) as reason.</li>
 *   <li>Duplicates: a row equal (features and label) to an earlier row of the same dataset is a duplicate; more than
 *       {@link EvaluationLimits#maxDuplicateFraction()} of the rows (default 10%) gives the floor.</li>
 *   <li>Held-out leak: any row whose features equal a held-out row's features gives the floor, with the count.</li>
 *   <li>A fresh copy of the global model (restored from its bytes, fresh Adam state) is trained on the dataset with
 *       {@link LocalTraining} for {@link #epochs()} epochs (default {@value #DEFAULT_EPOCHS}) from seed
 *       {@link #seed()}, and its held-out metric is scored against the global model's with {@link QualityScore}.
 *       The training is bounded: at most {@link #maxTrainingValues()} feature values per epoch (default
 *       {@value #DEFAULT_MAX_TRAINING_VALUES}, about 2 million); a larger dataset is trained on a sample of its rows
 *       drawn with the seed, the same on every validator. Without the bound one dataset of small images could cost a
 *       validator minutes of CNN training, and a round of them its commit window. The metrics add
 *       {@code datasetRows}, {@code duplicateRows} and {@code trainedRows}.</li>
 * </ol>
 *
 * <p>{@link #evaluate} floors hostile bytes with a reason; it throws only for the node's own failure
 * ({@link EvaluationFailedException}). Thread-safe.
 */
public final class DatasetEvaluator implements Assessor {

    /** Training epochs on a contributed dataset. */
    public static final int DEFAULT_EPOCHS = 5;
    /** Seed of the batch order of that training ("Cotrain" in ASCII). */
    public static final long DEFAULT_SEED = 0x436f747261696eL;

    private static final Logger LOG = LoggerFactory.getLogger(DatasetEvaluator.class);

    /** Feature values a dataset is trained on per epoch, at most (2^21). */
    public static final long DEFAULT_MAX_TRAINING_VALUES = 1L << 21;

    private final int epochs;
    private final long seed;
    private final long maxTrainingValues;

    public DatasetEvaluator() {
        this(DEFAULT_EPOCHS, DEFAULT_SEED);
    }

    public DatasetEvaluator(int epochs, long seed) {
        this(epochs, seed, DEFAULT_MAX_TRAINING_VALUES);
    }

    /**
     * @param maxTrainingValues feature values trained on per epoch, at most: rows beyond are left out by a sample
     */
    public DatasetEvaluator(int epochs, long seed, long maxTrainingValues) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1");
        }
        if (maxTrainingValues < 1) {
            throw new IllegalArgumentException("maxTrainingValues must be >= 1");
        }
        this.epochs = epochs;
        this.seed = seed;
        this.maxTrainingValues = maxTrainingValues;
    }

    public long maxTrainingValues() {
        return maxTrainingValues;
    }

    public int epochs() {
        return epochs;
    }

    public long seed() {
        return seed;
    }

    /** Scores CSV bytes against a task. */
    public Evaluation evaluate(TaskContext task, byte[] csv) {
        return assess(task, csv).evaluation();
    }

    /** Scores CSV bytes against a task, and keeps the rows' fingerprints when no guard rejects the dataset. */
    @Override
    public Assessment assess(TaskContext task, byte[] csv) {
        long[][] fingerprints = new long[1][];
        Evaluation evaluation = Scoring.guarded(LOG, "dataset", task, csv, () -> {
            TabularDataset data = TabularDataset.parse(csv, task.schema(), task.limits());
            fingerprints[0] = data.rowFingerprints();
            int rows = data.rows();
            int duplicates = countDuplicates(data);
            if (duplicates > task.limits().maxDuplicateFraction() * rows) {
                return Evaluation.floor(
                        duplicates + " of " + rows + " rows duplicate earlier rows, more than "
                                + Math.round(task.limits().maxDuplicateFraction() * 100) + "% allowed",
                        Map.of("datasetRows", (double) rows, "duplicateRows", (double) duplicates));
            }
            int copies = countHeldOutCopies(data, task.heldOutData());
            if (copies > 0) {
                return Evaluation.floor(
                        copies + " of " + rows + " rows copy held-out rows",
                        Map.of("datasetRows", (double) rows, "heldOutCopies", (double) copies));
            }
            TaskModel model = task.freshGlobalModel();
            DataSet training = trainingSet(data);
            LocalTraining.train(model, training, epochs, seed);
            return Scoring.scored(
                    task.measure(model),
                    task.baseline(),
                    Map.of("datasetRows", (double) rows, "duplicateRows", (double) duplicates, "trainedRows", (double)
                            training.numExamples()));
        });
        return Scoring.assessment(evaluation, fingerprints[0]);
    }

    /** The dataset's rows, or a sample of them drawn with the seed when they hold more values than the bound. */
    private DataSet trainingSet(TabularDataset data) {
        DataSet all = data.toDataSet();
        int max = (int) Math.max(
                1, Math.min(Integer.MAX_VALUE, maxTrainingValues / data.schema().featureCount()));
        if (data.rows() <= max) return all;
        long[] rows = Arrays.stream(HeldOutSample.rows(data.rows(), max, seed))
                .asLongStream()
                .toArray();
        return new DataSet(
                all.getFeatures().get(NDArrayIndex.indices(rows), NDArrayIndex.all()),
                all.getLabels().get(NDArrayIndex.indices(rows), NDArrayIndex.all()));
    }

    private record Row(float[] features, int label) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Row r && r.label == label && Arrays.equals(r.features, features);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(features) + label;
        }
    }

    private record Features(float[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Features f && Arrays.equals(f.values, values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }

    static int countDuplicates(TabularDataset data) {
        var seen = new HashSet<Row>();
        int duplicates = 0;
        for (int r = 0; r < data.rows(); r++) {
            if (!seen.add(new Row(data.features(r), data.labelCode(r)))) {
                duplicates++;
            }
        }
        return duplicates;
    }

    static int countHeldOutCopies(TabularDataset data, TabularDataset heldOut) {
        var heldOutRows = new HashSet<Features>();
        for (int r = 0; r < heldOut.rows(); r++) {
            heldOutRows.add(new Features(heldOut.features(r)));
        }
        int copies = 0;
        for (int r = 0; r < data.rows(); r++) {
            if (heldOutRows.contains(new Features(data.features(r)))) {
                copies++;
            }
        }
        return copies;
    }
}
