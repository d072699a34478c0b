package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Timings on the benchmark's held-out set of 10,000 rows: building the context (parse, restore, baseline), scoring a
 * model update, scoring a dataset of 2,000 rows. Logged, not asserted (beyond the scores' sanity).
 */
class HeldOutBenchmarkIT {

    private static final Logger LOG = LoggerFactory.getLogger(HeldOutBenchmarkIT.class);
    private static final int ROWS = 10_000;
    private static final int REPEATS = 20;

    @Test
    void evaluationTimesOnTenThousandHeldOutRows() {
        var task = new SyntheticTabularTask(SyntheticTabularTask.DEFAULT_SEED, ROWS);
        var contributions = new Contributions(task);
        byte[] update = contributions.honestUpdate(1);
        byte[] dataset = contributions.honestDataset(2, 2_000);

        long start = System.nanoTime();
        var context = task.context(1);
        double contextMillis = (System.nanoTime() - start) / 1e6;

        var evaluator = new ModelUpdateEvaluator();
        var first = evaluator.evaluate(context, update); // warm-up
        start = System.nanoTime();
        for (int i = 0; i < REPEATS; i++) {
            assertThat(evaluator.evaluate(context, update)).isEqualTo(first);
        }
        double updateMillis = (System.nanoTime() - start) / 1e6 / REPEATS;

        start = System.nanoTime();
        var datasetEvaluation = new DatasetEvaluator().evaluate(context, dataset);
        double datasetMillis = (System.nanoTime() - start) / 1e6;

        LOG.info(
                "held-out rows {}: context built in {} ms; model update scored {} in {} ms (mean of {}); "
                        + "dataset of 2,000 rows scored {} in {} ms",
                ROWS,
                String.format("%.0f", contextMillis),
                first.score(),
                String.format("%.1f", updateMillis),
                REPEATS,
                datasetEvaluation.score(),
                String.format("%.0f", datasetMillis));
        assertThat(first.score()).isGreaterThanOrEqualTo(50);
        assertThat(datasetEvaluation.floorReason()).isEmpty();
    }
}
