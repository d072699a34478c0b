package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** {@link HeldOutMetrics#macroF1} against the textbook definition, and what it is for: imbalanced classes. */
class MacroF1Test {

    /** F1 per class as {@code 2 P R / (P + R)} from precision and recall, averaged over the labels' classes. */
    private static double reference(int[] predicted, int[] labels, int classes) {
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++) {
            int tp = 0;
            int predictedC = 0;
            int actualC = 0;
            for (int r = 0; r < labels.length; r++) {
                if (predicted[r] == c) predictedC++;
                if (labels[r] == c) actualC++;
                if (predicted[r] == c && labels[r] == c) tp++;
            }
            if (actualC == 0) continue;
            counted++;
            if (tp == 0) continue;
            double precision = (double) tp / predictedC;
            double recall = (double) tp / actualC;
            sum += 2 * precision * recall / (precision + recall);
        }
        return sum / counted;
    }

    @RepeatedTest(50)
    void macroF1_randomPredictions_matchesTheTextbookDefinition(RepetitionInfo info) {
        var random = new SplittableRandom(info.getCurrentRepetition());
        int classes = 2 + random.nextInt(6);
        int rows = 1 + random.nextInt(300);
        int[] labels = new int[rows];
        int[] predicted = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = random.nextInt(classes);
            predicted[r] = random.nextInt(10) == 0 ? -1 : random.nextInt(classes); // -1: no prediction (NaN)
        }

        assertThat(HeldOutMetrics.macroF1(predicted, labels))
                .isCloseTo(reference(predicted, labels, classes), offset(1e-12));
    }

    @Test
    void macroF1_majorityClassPredictor_isPunishedWhereAccuracyIsNot() {
        int[] labels = new int[100];
        for (int r = 90; r < 100; r++) labels[r] = 1; // 90% class 0
        int[] alwaysZero = new int[100];

        assertThat(HeldOutMetrics.macroF1(alwaysZero, labels)).isCloseTo(0.4737, offset(1e-4));
    }

    @Test
    void macroF1_classOnlyPredicted_addsNoTermOfItsOwn() {
        // the held-out rows have classes 0 and 1 only; both models get the same rows right
        int[] labels = {0, 0, 1, 1};
        int[] predictsAbsentClass = {0, 2, 1, 1};
        int[] predictsPresentClass = {0, 1, 1, 1};

        assertThat(HeldOutMetrics.macroF1(predictsAbsentClass, labels))
                .as("a row predicted as the absent class 2 is a false negative of 0, no zero term for 2")
                .isCloseTo((2.0 / 3 + 1.0) / 2, offset(1e-12));
        assertThat(HeldOutMetrics.macroF1(predictsPresentClass, labels)).isCloseTo((2.0 / 3 + 0.8) / 2, offset(1e-12));
    }

    @Test
    void evaluate_taskScoredByMacroF1_scoresByTheMacroF1Gain() {
        DataSchema plain = Fixtures.TASK.schema();
        var schema = new DataSchema(
                plain.featureColumns(),
                plain.labelColumn(),
                plain.classCount(),
                List.of(),
                List.of(),
                MissingValues.ERROR,
                TaskMetric.MACRO_F1,
                Optional.empty());
        var task = TaskContext.create(
                9, schema, Fixtures.TASK.heldOutCsv(), Fixtures.TASK.baseModelBytes(), EvaluationLimits.defaults());

        Evaluation honest = new ModelUpdateEvaluator().evaluate(task, Fixtures.CONTRIBUTIONS.honestUpdate(1));
        Evaluation flipped = new ModelUpdateEvaluator().evaluate(task, Fixtures.CONTRIBUTIONS.labelFlippedUpdate(2));

        assertThat(honest.metrics().get("macroF1"))
                .isGreaterThan(honest.metrics().get("baselineMacroF1"));
        assertThat(honest.score())
                .isEqualTo(QualityScore.score(
                        honest.metrics().get("macroF1"), honest.metrics().get("baselineMacroF1")))
                .isGreaterThan(QualityScore.NEUTRAL);
        assertThat(flipped.score()).isLessThan(30);
        assertThat(task.baseline().valuePpm())
                .isEqualTo((long) Math.floor(task.baseline().value() * 1e6));
    }
}
