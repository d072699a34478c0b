package io.cotrain.deployment.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.HeldOutMetrics;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TaskModel;
import io.cotrain.oracle.evaluation.privacy.GaussianCalibration;
import io.cotrain.oracle.evaluation.privacy.GaussianMechanism;
import io.cotrain.oracle.evaluation.privacy.PrivacyBudget;
import io.cotrain.oracle.evaluation.privacy.RdpAccountant;
import io.cotrain.testing.RepositoryRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark of what opt-in differential privacy costs the demo's model: the demo's honest contributors (its first
 * three shards) train the current global model for {@value #EPOCHS} epochs each round with the seeds the demo gives
 * them, release their updates as {@code cotrain train --dp-epsilon E --dp-delta 1e-5 --clip C} does (clipped to C,
 * Gaussian noise calibrated by the RDP accountant), and the round's aggregate is their average weighted by rows
 * (FedAvg, as the validators aggregate updates of equal scores), for {@value #ROUNDS} rounds. The clip is the median
 * norm of the first round's updates without noise. Prints the final held-out accuracy at each epsilon (mean of
 * {@value #REPEATS} noise draws) next to no privacy, for docs/benchmarks.md; asserts only that training without
 * noise improves on the base model, never a figure of the private runs.
 */
class PrivacyBenchmarkIT {
    private static final int ROUNDS = 5;
    private static final int EPOCHS = 2;
    private static final int HONEST = 3;
    private static final int REPEATS = 3;
    private static final double DELTA = 1e-5;
    private static final double[] EPSILONS = {8, 4, 1};

    @TempDir
    Path work;

    @Test
    void demoAccuracyAtEpsilon1_4_8_nextToNoPrivacy() throws Exception {
        DemoTask.Prepared task =
                DemoTask.prepare(RepositoryRoot.path().resolve(DemoTask.SOURCE_PATH), work, DemoTask.DEFAULT_SHARDS);
        EvaluationLimits limits = EvaluationLimits.defaults();
        TabularDataset heldOut = TabularDataset.parse(
                Files.readAllBytes(task.directory().resolve("held-out.csv")), DemoTask.SCHEMA, limits);
        byte[] base = Files.readAllBytes(task.directory().resolve("global-model.zip"));
        List<TabularDataset> shards = new ArrayList<>();
        for (int shard = 1; shard <= HONEST; shard++) {
            shards.add(TabularDataset.parse(
                    Files.readAllBytes(task.directory().resolve("shards/contributor-" + shard + ".csv")),
                    DemoTask.SCHEMA,
                    limits));
        }
        double clip = medianFirstRoundNorm(base, shards, limits);
        double baseAccuracy = accuracy(base, heldOut, limits);
        double open = federated(base, shards, heldOut, limits, Double.NaN, 0, new Random(0));
        assertThat(open).as("no privacy improves on the base model").isGreaterThan(baseAccuracy);

        StringBuilder table = new StringBuilder(String.format(
                Locale.ROOT,
                "%ndemo task, %d honest contributors, %d rounds of %d epochs, FedAvg; clip %.3f (median first-round "
                        + "update norm), delta %.0e:%n  base model:      %.1f%%%n  no privacy:      %.1f%%%n",
                HONEST,
                ROUNDS,
                EPOCHS,
                clip,
                DELTA,
                100 * baseAccuracy,
                100 * open));
        for (double epsilon : EPSILONS) {
            double noiseMultiplier = GaussianCalibration.calibrate(new PrivacyBudget(epsilon, DELTA, clip))
                    .noiseMultiplier();
            double sum = 0;
            for (int repeat = 0; repeat < REPEATS; repeat++) {
                sum += federated(base, shards, heldOut, limits, clip, noiseMultiplier, new Random(repeat));
            }
            double overRounds =
                    new RdpAccountant().add(1, noiseMultiplier, ROUNDS).epsilon(DELTA);
            table.append(String.format(
                    Locale.ROOT,
                    "  epsilon %-4s     %.1f%% (noise multiplier %.3f; each contributor's %d releases spend %.1f "
                            + "together)%n",
                    (int) epsilon,
                    100 * sum / REPEATS,
                    noiseMultiplier,
                    ROUNDS,
                    overRounds));
        }
        System.out.print(table);
    }

    /**
     * The demo's honest rounds.
     *
     * @param clip the clip, or NaN for updates released as trained
     * @return the final global model's held-out accuracy
     */
    private static double federated(
            byte[] base,
            List<TabularDataset> shards,
            TabularDataset heldOut,
            EvaluationLimits limits,
            double clip,
            double noiseMultiplier,
            Random noise) {
        TaskModel global = ModelCodec.read(base, limits);
        for (int round = 1; round <= ROUNDS; round++) {
            float[] start = global.parameters();
            double[] sum = new double[start.length];
            long rows = 0;
            for (int i = 0; i < shards.size(); i++) {
                TaskModel trained =
                        LocalTraining.train(global.copy(), shards.get(i).toDataSet(), EPOCHS, 1_000L * round + i);
                float[] released = Double.isNaN(clip)
                        ? trained.parameters()
                        : GaussianMechanism.release(start, trained.parameters(), clip, noiseMultiplier, noise)
                                .parameters();
                int weight = shards.get(i).rows();
                for (int p = 0; p < sum.length; p++) sum[p] += (double) weight * released[p];
                rows += weight;
            }
            float[] average = new float[sum.length];
            for (int p = 0; p < sum.length; p++) average[p] = (float) (sum[p] / rows);
            global = global.withParameters(average);
        }
        return HeldOutMetrics.measure(global, heldOut).accuracy();
    }

    private static double medianFirstRoundNorm(byte[] base, List<TabularDataset> shards, EvaluationLimits limits) {
        TaskModel global = ModelCodec.read(base, limits);
        float[] start = global.parameters();
        double[] norms = new double[shards.size()];
        for (int i = 0; i < shards.size(); i++) {
            float[] trained = LocalTraining.train(global.copy(), shards.get(i).toDataSet(), EPOCHS, 1_000L + i)
                    .parameters();
            double squares = 0;
            for (int p = 0; p < start.length; p++) squares += Math.pow(trained[p] - start[p], 2);
            norms[i] = Math.sqrt(squares);
        }
        Arrays.sort(norms);
        return norms[norms.length / 2];
    }

    private static double accuracy(byte[] model, TabularDataset heldOut, EvaluationLimits limits) {
        return HeldOutMetrics.measure(ModelCodec.read(model, limits), heldOut).accuracy();
    }
}
