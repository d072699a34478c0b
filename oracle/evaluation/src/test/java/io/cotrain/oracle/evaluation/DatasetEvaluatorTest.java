package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.oracle.evaluation.testing.Contributions;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DatasetEvaluatorTest {

    private final DatasetEvaluator evaluator = new DatasetEvaluator();

    private Evaluation evaluate(byte[] csv) {
        return evaluator.evaluate(Fixtures.context(), csv);
    }

    @Test
    void honestDatasetImprovesTheModel() {
        var evaluation = evaluate(Fixtures.CONTRIBUTIONS.honestDataset(4, 1000));
        assertThat(evaluation.floorReason()).isEmpty();
        assertThat(evaluation.score()).isGreaterThanOrEqualTo(50);
        assertThat(evaluation.metrics())
                .containsEntry("datasetRows", 1000.0)
                .containsEntry("duplicateRows", 0.0)
                .containsKeys("accuracy", "loss", "baselineAccuracy", "baselineLoss", "rows");
    }

    @Test
    void poisonedDatasetScoresTheFloor() {
        var evaluation = evaluate(Fixtures.CONTRIBUTIONS.labelFlippedDataset(4, 1000));
        assertThat(evaluation.score()).isEqualTo(1);
        assertThat(evaluation.floorReason()).isEmpty();
    }

    @Test
    void parseErrorsAreTheReason() {
        var evaluation = evaluate(Fixtures.CONTRIBUTIONS.datasetWithWrongHeader(4, 100));
        assertThat(evaluation.score()).isEqualTo(1);
        assertThat(evaluation.floorReason())
                .hasValueSatisfying(r -> assertThat(r).startsWith("line 1, column 'f0'"));
        assertThat(evaluate(Contributions.garbage(1000, 9)).floorReason()).isPresent();
        assertThat(evaluate(null).floorReason()).contains("no dataset bytes");
    }

    @Test
    void copiedHeldOutRowsAreRejectedWithTheirCount() {
        var evaluation = evaluate(Fixtures.CONTRIBUTIONS.datasetCopyingHeldOut(4, 500, 25));
        assertThat(evaluation.score()).isEqualTo(1);
        assertThat(evaluation.floorReason()).contains("25 of 525 rows copy held-out rows");
        assertThat(evaluate(Fixtures.TASK.heldOutCsv()).floorReason()).contains("2000 of 2000 rows copy held-out rows");
    }

    @Test
    void duplicateRowsBeyondTheLimitAreRejected() {
        var evaluation = evaluate(Fixtures.CONTRIBUTIONS.datasetWithDuplicates(4, 100, 3));
        assertThat(evaluation.score()).isEqualTo(1);
        assertThat(evaluation.floorReason()).contains("200 of 300 rows duplicate earlier rows, more than 10% allowed");
        // a few duplicates (5%) are tolerated
        String shard = new String(Fixtures.CONTRIBUTIONS.honestDataset(4, 200), StandardCharsets.UTF_8);
        String[] lines = shard.split("\n");
        var sb = new StringBuilder(shard);
        for (int i = 1; i <= 10; i++) {
            sb.append(lines[i]).append('\n');
        }
        var tolerated = evaluate(sb.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(tolerated.floorReason()).isEmpty();
        assertThat(tolerated.metrics()).containsEntry("duplicateRows", 10.0);
    }

    @Test
    void deterministicAcrossContexts() {
        byte[] csv = Fixtures.CONTRIBUTIONS.honestDataset(5, 500);
        var a = evaluator.evaluate(Fixtures.TASK.context(7), csv);
        var b = new DatasetEvaluator().evaluate(Fixtures.TASK.context(7), csv);
        assertThat(a).isEqualTo(b);
        assertThat(a.metrics()).isEqualTo(b.metrics());
    }
}
