package io.cotrain.oracle.evaluation.testing;

import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.MissingValues;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.SchemaDerivation;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TabularModels;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.TaskMetric;
import io.cotrain.oracle.evaluation.TaskModel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * SYNTHETIC TEST DATA: a deterministic regression task for tests only, {@code Mpg = 0.004 Weight - 0.05 Length + 30 +
 * N(0, 1)} with the features in their natural units (grams, millimetres) and a {@code Name} column that is not a
 * feature. Each stream of rows comes from its own seed: stream 1 is the owner's sample the schema is derived from and
 * the base model barely trained on (one epoch), stream 2 the held-out set.
 */
public final class SyntheticRegressionTask {
    private static final EvaluationLimits LIMITS = EvaluationLimits.defaults();
    private static final long SAMPLE_STREAM = 1;
    private static final long HELD_OUT_STREAM = 2;

    private SyntheticRegressionTask() {}

    /** {@code rows} rows of stream {@code stream}, as CSV with a header. */
    public static byte[] csv(int rows, long stream) {
        var random = new SplittableRandom(stream);
        var csv = new StringBuilder("Name,Weight,Length,Mpg\n");
        for (int r = 0; r < rows; r++) {
            double weight = 1500 + 3500 * random.nextDouble();
            double length = 100 + 300 * random.nextDouble();
            double mpg = 0.004 * weight - 0.05 * length + 30 + random.nextGaussian();
            csv.append(String.format(Locale.ROOT, "car %d,%.1f,%.1f,%.2f%n", r, weight, length, mpg));
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The schema derived from the owner's 200-row sample. */
    public static DataSchema schema(TaskMetric metric) {
        return SchemaDerivation.derive(csv(200, SAMPLE_STREAM), "Mpg", MissingValues.ERROR, metric, LIMITS)
                .schema();
    }

    /** The task with 600 held-out rows and the template model trained one epoch on the sample. */
    public static TaskContext context(long taskId, TaskMetric metric) {
        DataSchema schema = schema(metric);
        TaskModel model = TabularModels.baseModel(schema, 7);
        LocalTraining.train(
                model,
                TabularDataset.parse(csv(200, SAMPLE_STREAM), schema, LIMITS).toDataSet(),
                1,
                7);
        return TaskContext.create(taskId, schema, csv(600, HELD_OUT_STREAM), ModelCodec.write(model), LIMITS);
    }

    /** The task's global model trained on {@code rows} rows of {@code stream}, negated targets if {@code poisoned}. */
    public static TaskModel trained(TaskContext task, int rows, long stream, boolean poisoned, int epochs) {
        String data = new String(csv(rows, stream), StandardCharsets.UTF_8);
        if (poisoned) {
            data = data.lines()
                    .map(line -> line.startsWith("Name") ? line : line.replaceAll(",([0-9.]+)$", ",-$1"))
                    .reduce("", (a, b) -> a + b + "\n");
        }
        TaskModel model = task.freshGlobalModel();
        TabularDataset rowsRead = TabularDataset.parse(data.getBytes(StandardCharsets.UTF_8), task.schema(), LIMITS);
        return LocalTraining.train(model, rowsRead.toDataSet(), epochs, stream);
    }
}
