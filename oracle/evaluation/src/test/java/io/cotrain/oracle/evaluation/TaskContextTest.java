package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskContextTest {

    @Test
    void keepsTheGlobalModelAndItsBaseline() {
        var context = Fixtures.context();
        assertThat(context.taskId()).isEqualTo(7);
        assertThat(context.globalModelBytes()).isEqualTo(Fixtures.TASK.baseModelBytes());
        assertThat(context.globalModelSha256()).isEqualTo(ModelCodec.sha256Hex(Fixtures.TASK.baseModelBytes()));
        assertThat(context.baseArchitecture()).isEqualTo(TabularModels.baseArchitecture(Fixtures.TASK.schema()));
        assertThat(context.heldOut().numExamples()).isEqualTo(2000);
        var baseline = context.baseline();
        assertThat(baseline.rows()).isEqualTo(2000);
        assertThat(baseline.accuracy()).isEqualTo(baseline.correct() / 2000.0).isBetween(0.34, 0.7);
        assertThat(baseline.loss()).isPositive();
        assertThat(context.measure(context.freshGlobalModel())).isEqualTo(baseline);
        assertThat(context.measure(context.globalModel())).isEqualTo(baseline);
    }

    @Test
    void measureAlone_smallHeldOutSet_usesEveryRow() {
        var context = Fixtures.context();
        assertThat(context.aloneBaseline()).isEqualTo(context.baseline());
        assertThat(context.measureAlone(context.freshGlobalModel())).isEqualTo(context.baseline());
    }

    @Test
    void measureAlone_largeHeldOutSet_usesTheSameSampleForEveryModel() {
        var context = new SyntheticTabularTask(SyntheticTabularTask.DEFAULT_SEED, 3_000).context(1);
        var updated = LocalTraining.train(context.freshGlobalModel(), context.heldOut(), 1, 5);

        var alone = context.measureAlone(updated);

        assertThat(context.aloneBaseline().rows()).isEqualTo(TaskContext.ALONE_ROWS);
        assertThat(context.aloneBaseline())
                .isEqualTo(context.measureAlone(context.freshGlobalModel()))
                .isNotEqualTo(context.baseline());
        assertThat(alone.rows()).isEqualTo(TaskContext.ALONE_ROWS);
        assertThat(alone)
                .as("the same rows every time")
                .isEqualTo(context.measureAlone(updated))
                .isNotEqualTo(context.measure(updated));
        assertThat(new ModelUpdateEvaluator()
                        .evaluate(context, ModelCodec.write(updated))
                        .metrics())
                .containsEntry("rows", (double) TaskContext.ALONE_ROWS)
                .containsEntry("baselineAccuracy", context.aloneBaseline().accuracy());
    }

    @Test
    void anotherGlobalModelSharesTheHeldOutSetAndHasItsOwnBaseline() {
        var context = Fixtures.context();
        byte[] trained = ModelCodec.write(LocalTraining.train(context.freshGlobalModel(), context.heldOut(), 2, 11));

        var next = context.withGlobalModel(trained);

        assertThat(next.globalModelBytes()).isEqualTo(trained);
        assertThat(next.globalModelSha256()).isEqualTo(ModelCodec.sha256Hex(trained));
        assertThat(next.heldOutData()).isSameAs(context.heldOutData());
        assertThat(next.baseline()).isEqualTo(context.measure(next.freshGlobalModel()));
        assertThat(next.baseline().accuracy()).isGreaterThan(context.baseline().accuracy());
        assertThat(context.globalModelBytes())
                .as("the old context is unchanged")
                .isEqualTo(Fixtures.TASK.baseModelBytes());
        assertThatThrownBy(() -> context.withGlobalModel(Fixtures.CONTRIBUTIONS.wrongArchitecture()))
                .isInstanceOf(InvalidModelException.class);
    }

    @Test
    void rejectsInvalidInputs() {
        var task = Fixtures.TASK;
        var limits = EvaluationLimits.defaults();
        assertThatThrownBy(() -> TaskContext.create(1, task.schema(), "x\n".getBytes(), task.baseModelBytes(), limits))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("line 1");
        assertThatThrownBy(() ->
                        TaskContext.create(1, task.schema(), task.heldOutCsv(), Contributions.garbage(100, 1), limits))
                .isInstanceOf(InvalidModelException.class);
        var otherSchema = new DataSchema(List.of("a", "b", "c"), "label", 3);
        assertThatThrownBy(() -> TaskContext.create(
                        1,
                        task.schema(),
                        task.heldOutCsv(),
                        ModelCodec.write(TabularModels.baseModel(otherSchema, 1)),
                        limits))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("does not fit the schema")
                .hasMessageContaining("the first layer takes 3 inputs, but the schema has 8 features");
    }
}
