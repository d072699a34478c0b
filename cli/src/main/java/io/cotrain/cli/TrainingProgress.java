package io.cotrain.cli;

import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.TaskModel;
import java.io.PrintWriter;
import java.util.Locale;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A progress bar for {@link LocalTraining}, on stderr: DL4J calls {@link #iterationDone} after every minibatch, so the
 * training itself is exactly {@code LocalTraining.train} (same seeding, batch order and weights), only watched.
 * On a terminal the bar is redrawn in place after each batch (at most every 100 ms); otherwise one line per epoch.
 */
final class TrainingProgress extends BaseTrainingListener {
    private static final int BAR_WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final boolean interactive;
    private final int epochs;
    private final int batchesPerEpoch;
    private int batchesDone;
    private double epochLossSum;
    private long lastDraw;

    /**
     * @param err where the bar goes
     * @param interactive redraw in place (a terminal) or print a line per epoch
     * @param epochs the epochs to run
     * @param rows the training rows
     */
    TrainingProgress(PrintWriter err, boolean interactive, int epochs, int rows) {
        this.err = err;
        this.interactive = interactive;
        this.epochs = epochs;
        this.batchesPerEpoch = (rows + LocalTraining.BATCH_SIZE - 1) / LocalTraining.BATCH_SIZE;
    }

    /**
     * Trains as {@link LocalTraining#train} does, with this bar watching.
     *
     * @return the model, trained in place
     */
    TaskModel train(TaskModel model, DataSet data, int epochs, long seed) {
        model.setListeners(this);
        try {
            return LocalTraining.train(model, data, epochs, seed);
        } finally {
            model.setListeners();
        }
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        int epochIndex = batchesDone / batchesPerEpoch;
        int batch = batchesDone % batchesPerEpoch + 1;
        batchesDone++;
        if (batch == 1) epochLossSum = 0;
        epochLossSum += model.score();
        boolean epochEnd = batch == batchesPerEpoch;
        String line = line(epochIndex + 1, epochs, batch, batchesPerEpoch, epochLossSum / batch);
        if (interactive) {
            long now = System.nanoTime();
            if (epochEnd || now - lastDraw >= REDRAW_NANOS) {
                err.print("\r" + line);
                if (epochEnd) err.println();
                err.flush();
                lastDraw = now;
            }
        } else if (epochEnd) {
            err.println(line);
            err.flush();
        }
    }

    /** @return minibatches trained so far */
    int batchesDone() {
        return batchesDone;
    }

    /**
     * @return e.g. {@code epoch 1/2 [###############---------------] batch 3/6  loss 0.9123}, the loss being the
     *     mean of the epoch's batches so far
     */
    static String line(int epoch, int epochs, int batch, int batches, double meanLoss) {
        int filled = (int) ((long) BAR_WIDTH * batch / batches);
        String bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
        return String.format(
                Locale.ROOT, "epoch %d/%d [%s] batch %d/%d  loss %.4f", epoch, epochs, bar, batch, batches, meanLoss);
    }
}
