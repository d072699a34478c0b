package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.oracle.evaluation.testing.SyntheticRegressionTask;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A regression task from raw data to scores ({@link SyntheticRegressionTask}): derived schema, template head,
 * skill-score metrics, and the evaluators' verdicts on honest and hostile contributions.
 */
class RegressionTaskTest {

    private static final EvaluationLimits LIMITS = EvaluationLimits.defaults();

    private static byte[] csv(int rows, long stream) {
        return SyntheticRegressionTask.csv(rows, stream);
    }

    private static DataSchema schema(TaskMetric metric) {
        return SyntheticRegressionTask.schema(metric);
    }

    private static TaskContext context(TaskMetric metric) {
        return SyntheticRegressionTask.context(3, metric);
    }

    @Test
    void derive_numericLabel_standardizesTheLabelAndRoundTripsTheDocument() {
        var derived = SchemaDerivation.derive(csv(200, 1), "Mpg", MissingValues.ERROR, TaskMetric.MSE, LIMITS);
        DataSchema schema = derived.schema();

        assertThat(schema.featureColumns()).containsExactly("Weight", "Length");
        assertThat(derived.skippedColumns()).containsExactly("Name");
        assertThat(schema.classCount()).isZero();
        assertThat(schema.outputs()).isEqualTo(1);
        assertThat(schema.labelScaling()).hasValueSatisfying(label -> {
            assertThat(label.mean()).isBetween(28f, 36f);
            assertThat(label.scale()).isBetween(3f, 8f);
        });
        byte[] document = SchemaDocument.write(schema);
        assertThat(new String(document, StandardCharsets.UTF_8))
                .contains("\"classCount\":0,\"classNames\":[]")
                .contains("\"metric\":\"mse\",\"labelStandardization\":{\"mean\":");
        assertThat(SchemaDocument.read(document)).isEqualTo(schema);
    }

    @Test
    void derive_textLabelForRegression_namesTheRowAndValue() {
        byte[] sample = "Weight,Mpg\n1500,20\n1600,lots\n".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> SchemaDerivation.derive(sample, "Mpg", MissingValues.ERROR, TaskMetric.MAE, LIMITS))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("Mpg")
                .hasMessageContaining("'lots' is not a decimal number");
    }

    @Test
    void schema_classesOnARegressionTask_areRefused() {
        assertThatThrownBy(() -> new DataSchema(
                        List.of("a"),
                        "y",
                        3,
                        List.of(),
                        List.of(),
                        MissingValues.ERROR,
                        TaskMetric.MSE,
                        Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a regression task (metric mse) has no classes");
    }

    @Test
    void readBaseModel_classificationHeadOnARegressionTask_isRefusedNamingTheHead() {
        DataSchema regression = schema(TaskMetric.MSE);
        DataSchema twoClasses = new DataSchema(regression.featureColumns(), "Mpg", 2);
        byte[] softmax = ModelCodec.write(TabularModels.baseModel(twoClasses, 1));

        assertThatThrownBy(() -> TaskContext.readBaseModel(regression, softmax, LIMITS))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("regression")
                .hasMessageContaining("gives 2 outputs, but a regression task predicts one number");
    }

    @Test
    void measure_regression_valueIsTheSkillScoreOfTheRowErrors() {
        TaskContext task = context(TaskMetric.MSE);
        HeldOutMetrics base = task.baseline();
        double[][] outcomes = task.rowOutcomes(task.globalModel());

        double sum = 0;
        for (double error : outcomes[0]) sum += error;
        assertThat(base.loss()).isEqualTo(sum / base.rows());
        assertThat(outcomes[1][5]).isEqualTo(-outcomes[0][5]);
        double reference = HeldOutMetrics.referenceError(task.heldOutLabels(), TaskMetric.MSE);
        assertThat(base.value()).isEqualTo(1 - base.loss() / reference);
        assertThat(base.valuePpm()).isEqualTo((long) Math.floor(Math.max(0, Math.min(1, base.value())) * 1e6));
    }

    @Test
    void measure_wildOutputs_countTheCappedErrorPerRow() {
        TaskContext task = context(TaskMetric.MAE);
        TaskModel broken = task.freshGlobalModel();
        float[] parameters = broken.parameters();
        parameters[parameters.length - 1] = 1e30f; // the output bias: every prediction is absurd
        broken.setParameters(parameters);

        HeldOutMetrics metrics = task.measure(broken);

        assertThat(metrics.loss()).isEqualTo(HeldOutMetrics.MAX_ROW_ERROR);
        assertThat(metrics.valuePpm()).isZero();
        assertThat(QualityScore.score(metrics, task.baseline())).isEqualTo(QualityScore.FLOOR);
    }

    @Test
    void evaluate_honestRegressionUpdate_scoresAboveNeutral() {
        TaskContext task = context(TaskMetric.MSE);
        TaskModel trained = SyntheticRegressionTask.trained(task, 400, 3, false, 10);

        Evaluation evaluation = new ModelUpdateEvaluator().evaluate(task, ModelCodec.write(trained));

        assertThat(evaluation.floorReason()).isEmpty();
        assertThat(evaluation.score()).isGreaterThan(QualityScore.NEUTRAL);
        assertThat(evaluation.metrics().get("mseSkill"))
                .isGreaterThan(evaluation.metrics().get("baselineMseSkill"));
        assertThat(evaluation.metrics()).doesNotContainKey("accuracy");
    }

    @Test
    void evaluate_updateTrainedOnShuffledTargets_scoresBelowTheSlashThreshold() {
        TaskContext task = context(TaskMetric.MSE);
        TaskModel honest = SyntheticRegressionTask.trained(task, 400, 3, false, 10);
        TaskContext trainedTask = task.withGlobalModel(ModelCodec.write(honest));
        // poison: targets negated, so the model learns the opposite trend
        TaskModel poisoned = SyntheticRegressionTask.trained(trainedTask, 400, 4, true, 10);

        assertThat(new ModelUpdateEvaluator()
                        .evaluate(trainedTask, ModelCodec.write(poisoned))
                        .score())
                .isLessThan(30);
    }

    @Test
    void evaluate_regressionDataset_trainsAndScoresByTheSkillScore() {
        TaskContext task = context(TaskMetric.MAE);

        Evaluation evaluation = new DatasetEvaluator().evaluate(task, csv(300, 5));

        assertThat(evaluation.floorReason()).isEmpty();
        assertThat(evaluation.score()).isGreaterThan(QualityScore.NEUTRAL);
        assertThat(evaluation.metrics()).containsKeys("maeSkill", "baselineMaeSkill", "datasetRows");
    }

    @Test
    void evaluate_datasetCopyingHeldOutRows_isFloored() {
        TaskContext task = context(TaskMetric.MSE);

        Evaluation evaluation = new DatasetEvaluator().evaluate(task, csv(600, 2));

        assertThat(evaluation.floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).contains("copy held-out rows"));
    }

    @Test
    void score_regressionMetrics_scoreTheErrorRemovedAsAShareOfTheReference() {
        var baseline = new HeldOutMetrics(TaskMetric.MSE, 100, 0, 0.40, 0.60);
        var fivePercentBetter = new HeldOutMetrics(TaskMetric.MSE, 100, 0, 0.45, 0.55);
        var slightlyWorse = new HeldOutMetrics(TaskMetric.MSE, 100, 0, 0.30, 0.70);

        assertThat(QualityScore.score(fivePercentBetter, baseline)).isEqualTo(QualityScore.MAX);
        assertThat(QualityScore.score(slightlyWorse, baseline)).isEqualTo(30);
        assertThatThrownBy(() -> QualityScore.score(new HeldOutMetrics(TaskMetric.MAE, 100, 0, 0.4, 0.6), baseline))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
