package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.oracle.evaluation.testing.Contributions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;

/** Every guard of {@link ModelUpdateEvaluator}, through {@code evaluate}: floor score, reason, no exception. */
class ModelUpdateEvaluatorTest {

    private final ModelUpdateEvaluator evaluator = new ModelUpdateEvaluator();

    private Evaluation evaluate(byte[] bytes) {
        return evaluator.evaluate(Fixtures.context(), bytes);
    }

    private static void assertFloor(Evaluation evaluation, String reasonPart) {
        assertThat(evaluation.score()).isEqualTo(QualityScore.FLOOR);
        assertThat(evaluation.floorReason())
                .hasValueSatisfying(r -> assertThat(r).contains(reasonPart));
    }

    @Test
    void maximumSize() {
        int globalSize = Fixtures.TASK.baseModelBytes().length;
        var limits = new EvaluationLimits(globalSize, 64L << 20, 8, 20, 32L << 20, 250_000, 0.1, 1_000_000);
        var context = TaskContext.create(
                7, Fixtures.TASK.schema(), Fixtures.TASK.heldOutCsv(), Fixtures.TASK.baseModelBytes(), limits);
        assertFloor(
                evaluator.evaluate(context, Contributions.garbage(globalSize + 1, 5)),
                "the model has " + (globalSize + 1) + " bytes, more than the limit of " + globalSize);
    }

    @Test
    void zipBombs() {
        assertFloor(evaluate(Contributions.zipBomb(100)), "zip bomb guard: compression ratio");
        assertFloor(evaluate(Contributions.manyEntriesZip(10_000)), "zip bomb guard: more than 8 entries");
    }

    @Test
    void notADl4jModel() {
        assertFloor(evaluate(Contributions.garbage(4096, 3)), "not a DL4J model");
        assertFloor(evaluate(new byte[0]), "not a DL4J model");
        assertFloor(evaluate("hello".getBytes(StandardCharsets.UTF_8)), "not a DL4J model");
        assertFloor(evaluate(null), "no model update bytes");
    }

    @Test
    void architecture() {
        assertFloor(evaluate(Fixtures.CONTRIBUTIONS.wrongArchitecture()), "architecture mismatch");
        assertFloor(evaluate(Fixtures.CONTRIBUTIONS.wrongActivation()), "architecture mismatch: layer 0 activation");
    }

    @Test
    void nanWeights() {
        assertFloor(evaluate(Fixtures.CONTRIBUTIONS.nanWeights()), "NaN or infinite weights");
    }

    @Test
    void freeRider() {
        var evaluation = evaluate(Fixtures.CONTRIBUTIONS.freeRider());
        assertThat(evaluation.score()).isEqualTo(1);
        assertThat(evaluation.floorReason()).contains(ModelUpdateEvaluator.NO_CHANGE);
        // the same weights in other bytes (ModelSerializer with updater state) are still no change
        var out = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(Fixtures.TASK.baseModel().network(), out, true);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(evaluate(out.toByteArray()).floorReason()).contains(ModelUpdateEvaluator.NO_CHANGE);
    }

    @Test
    void honestUpdateIsScoredWithMetrics() {
        var evaluation = evaluate(Fixtures.CONTRIBUTIONS.honestUpdate(1));
        assertThat(evaluation.floorReason()).isEmpty();
        assertThat(evaluation.score()).isGreaterThanOrEqualTo(50);
        assertThat(evaluation.metrics())
                .containsKeys("accuracy", "loss", "baselineAccuracy", "baselineLoss", "accuracyDelta", "rows");
        assertThat(evaluation.metrics().get("rows")).isEqualTo(2000.0);
        assertThat(evaluation.metrics().get("accuracy"))
                .isGreaterThan(evaluation.metrics().get("baselineAccuracy"));
        assertThat(evaluation.metrics().get("baselineAccuracy"))
                .isEqualTo(Fixtures.context().baseline().accuracy());
    }

    @Test
    void poisonedUpdateScoresTheFloorOnQuality() {
        var evaluation = evaluate(Fixtures.CONTRIBUTIONS.labelFlippedUpdate(1));
        assertThat(evaluation.score()).isEqualTo(1);
        assertThat(evaluation.floorReason()).isEmpty(); // not a guard: its accuracy is simply far worse
        assertThat(evaluation.metrics().get("accuracyDelta")).isLessThan(-0.05);
    }

    @Test
    void concurrentEvaluationsOnOneContextAgree() throws Exception {
        byte[] update = Fixtures.CONTRIBUTIONS.honestUpdate(2);
        var expected = evaluate(update);
        try (var pool = Executors.newFixedThreadPool(2)) {
            var futures = new ArrayList<Future<Evaluation>>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> evaluate(update)));
            }
            for (var future : futures) {
                assertThat(future.get()).isEqualTo(expected);
            }
        }
    }
}
