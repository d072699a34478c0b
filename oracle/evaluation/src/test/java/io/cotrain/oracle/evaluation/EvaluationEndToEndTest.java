package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validator's view of one round: a task context built from bytes, then every kind of model update a round can
 * bring, scored; and the same scores from a second, separately built context.
 */
class EvaluationEndToEndTest {

    private static final Logger LOG = LoggerFactory.getLogger(EvaluationEndToEndTest.class);

    @Test
    void aRoundOfModelUpdates() {
        var task = SyntheticTabularTask.standard();
        var contributions = new Contributions(task);
        var submissions = new LinkedHashMap<String, byte[]>();
        submissions.put("honest-1", contributions.honestUpdate(1));
        submissions.put("honest-2", contributions.honestUpdate(2));
        submissions.put("poisoned", contributions.labelFlippedUpdate(3));
        submissions.put("free-rider", contributions.freeRider());
        submissions.put("wrong-architecture", contributions.wrongArchitecture());
        submissions.put("nan-weights", contributions.nanWeights());
        submissions.put("garbage", Contributions.garbage(50_000, 42));
        submissions.put("zip-bomb", Contributions.zipBomb(200));

        var evaluator = new ModelUpdateEvaluator();
        var first = task.context(1);
        var second = TaskContext.create(
                1, task.schema(), task.heldOutCsv(), task.baseModelBytes(), EvaluationLimits.defaults());
        assertThat(second.globalModelSha256()).isEqualTo(first.globalModelSha256());
        assertThat(second.baseline()).isEqualTo(first.baseline());

        Map<String, Evaluation> results = new LinkedHashMap<>();
        for (var submission : submissions.entrySet()) {
            long start = System.nanoTime();
            var evaluation = evaluator.evaluate(first, submission.getValue());
            double millis = (System.nanoTime() - start) / 1e6;
            LOG.info(
                    "evaluated {} ({} bytes) on {} held-out rows in {} ms: score {}",
                    submission.getKey(),
                    submission.getValue().length,
                    first.baseline().rows(),
                    String.format("%.1f", millis),
                    evaluation.score());
            results.put(submission.getKey(), evaluation);
            // determinism: a separately built context gives bit-identical scores and metrics
            assertThat(evaluator.evaluate(second, submission.getValue())).isEqualTo(evaluation);
        }

        var honest1 = results.get("honest-1");
        var honest2 = results.get("honest-2");
        var poisoned = results.get("poisoned");
        assertThat(honest1.score()).isGreaterThanOrEqualTo(50);
        assertThat(honest2.score()).isGreaterThanOrEqualTo(50);
        assertThat(poisoned.score()).isEqualTo(1);
        assertThat(honest1.score() - poisoned.score()).isGreaterThanOrEqualTo(49);
        assertThat(honest1.metrics().get("accuracy"))
                .isGreaterThan(poisoned.metrics().get("accuracy") + 0.3);
        assertThat(results.get("free-rider").floorReason()).contains("no change from the global model");
        assertThat(results.get("wrong-architecture").floorReason())
                .hasValueSatisfying(r -> assertThat(r).startsWith("architecture mismatch"));
        assertThat(results.get("nan-weights").floorReason())
                .hasValueSatisfying(r -> assertThat(r).contains("NaN"));
        assertThat(results.get("garbage").floorReason())
                .hasValueSatisfying(r -> assertThat(r).startsWith("not a DL4J model"));
        assertThat(results.get("zip-bomb").floorReason())
                .hasValueSatisfying(r -> assertThat(r).startsWith("zip bomb guard"));
        for (String key : new String[] {"free-rider", "wrong-architecture", "nan-weights", "garbage", "zip-bomb"}) {
            assertThat(results.get(key).score()).as(key).isEqualTo(1);
        }
    }
}
