package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.oracle.evaluation.testing.Contributions;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Mutated and truncated inputs: evaluate never throws and always returns a score in 1..100. */
class HostileInputTest {

    private static final int CASES = 150;
    private final ModelUpdateEvaluator models = new ModelUpdateEvaluator();
    private final DatasetEvaluator datasets = new DatasetEvaluator(1, 1);

    private static void assertWellFormed(Evaluation evaluation) {
        assertThat(evaluation.score()).isBetween(QualityScore.FLOOR, QualityScore.MAX);
        if (evaluation.rejected()) {
            assertThat(evaluation.score()).isEqualTo(QualityScore.FLOOR);
            assertThat(evaluation.floorReason().orElseThrow()).isNotBlank().hasSizeLessThan(300);
        } else {
            assertThat(evaluation.metrics()).containsKeys("accuracy", "loss");
        }
    }

    @Test
    void mutatedModelZips() {
        byte[] valid = Fixtures.CONTRIBUTIONS.honestUpdate(1);
        var random = new SplittableRandom(1);
        for (int i = 0; i < CASES; i++) {
            byte[] bytes = valid.clone();
            for (int j = 0, n = 1 + random.nextInt(4); j < n; j++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            assertWellFormed(models.evaluate(Fixtures.context(), bytes));
            assertWellFormed(models.evaluate(Fixtures.context(), Arrays.copyOf(valid, random.nextInt(valid.length))));
        }
    }

    @Test
    void mutatedEntriesInValidZips() {
        var entries = ModelCodec.scan(Fixtures.CONTRIBUTIONS.honestUpdate(1), EvaluationLimits.defaults());
        byte[] json = entries.get("configuration.json");
        byte[] coefficients = entries.get("coefficients.bin");
        var random = new SplittableRandom(2);
        int scored = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] j = json.clone();
            byte[] c = coefficients.clone();
            byte[] target = random.nextBoolean() ? j : c;
            for (int k = 0, n = 1 + random.nextInt(3); k < n; k++) {
                target[random.nextInt(target.length)] = (byte) random.nextInt(256);
            }
            var evaluation = models.evaluate(
                    Fixtures.context(),
                    Contributions.zip(new String[] {"configuration.json", "coefficients.bin"}, new byte[][] {j, c}));
            assertWellFormed(evaluation);
            if (!evaluation.rejected()) {
                scored++;
            }
        }
        assertThat(scored)
                .as("some mutations of the weights still make a valid model")
                .isPositive();
    }

    @Test
    void hostileConfigurations() {
        var entries = ModelCodec.scan(Fixtures.TASK.baseModelBytes(), EvaluationLimits.defaults());
        String json = new String(entries.get("configuration.json"), StandardCharsets.UTF_8);
        assertThat(json).contains("\"nout\" : 32");
        for (String hostile : new String[] {
            json.replace("\"nout\" : 32", "\"nout\" : 2000000000"),
            json.replace("\"nout\" : 32", "\"nout\" : -5"),
            json.replace("\"nin\" : 8", "\"nin\" : 9223372036854775807"),
            json.replace("relu", "no-such-activation"),
            json.replace("\"confs\"", "\"confz\""),
            "null",
            "[]",
            "{\"@class\": \"java.lang.Runtime\"}"
        }) {
            var evaluation = models.evaluate(
                    Fixtures.context(),
                    Contributions.zip(
                            new String[] {"configuration.json", "coefficients.bin"},
                            new byte[][] {hostile.getBytes(StandardCharsets.UTF_8), entries.get("coefficients.bin")}));
            assertThat(evaluation.score()).isEqualTo(1);
            assertThat(evaluation.floorReason()).isPresent();
        }
    }

    @Test
    void mutatedDatasets() {
        byte[] valid = Fixtures.CONTRIBUTIONS.honestDataset(6, 200);
        var random = new SplittableRandom(3);
        for (int i = 0; i < CASES; i++) {
            byte[] bytes = valid.clone();
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            assertWellFormed(datasets.evaluate(Fixtures.context(), bytes));
        }
    }
}
