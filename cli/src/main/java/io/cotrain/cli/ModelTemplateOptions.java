package io.cotrain.cli;

import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.HeldOutMetrics;
import io.cotrain.oracle.evaluation.ImageModels;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TabularModels;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.TaskModel;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The template of a base model the owner's commands write ({@code init-model}, and {@code register-model} without
 * {@code --base-model}): a multilayer perceptron from the schema's features through the hidden layers (relu) to one
 * softmax output per class (one identity output for regression), or for an image task a small CNN (two blocks of 3x3
 * convolutions, 8 and 16 filters, each followed by 2x2 max-pooling) before the hidden layers, initialised from a seed
 * and, with a sample, trained on it.
 */
final class ModelTemplateOptions {
    /** Passes over the sample when {@code --epochs} is not given. */
    static final int DEFAULT_EPOCHS = 20;

    @Option(
            names = "--hidden",
            split = ",",
            defaultValue = "32,32",
            paramLabel = "UNITS",
            description = "units of each hidden (dense) layer, comma-separated: 1 to " + TabularModels.MAX_HIDDEN_LAYERS
                    + " layers of 1 to " + TabularModels.MAX_HIDDEN_UNITS + " units (default: ${DEFAULT-VALUE})")
    List<Integer> hidden;

    @Option(
            names = "--seed",
            defaultValue = "42",
            paramLabel = "S",
            description = "seed of the initial weights and of the training order (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            description = "with --sample, passes over it to train the base model, 0 to leave it as initialised "
                    + "(default: " + DEFAULT_EPOCHS + ")")
    Integer epochs;

    /**
     * @param schema the task's schema
     * @param sample the owner's sample, to train on
     * @param session where to report the model
     * @return the base model's bytes, checked to be what the validators accept for the schema
     * @throws CliException a usage error naming the option that gives no model within the limits
     */
    byte[] baseModel(DataSchema schema, Optional<TabularDataset> sample, Session session) {
        int[] layers = hidden.stream().mapToInt(Integer::intValue).toArray();
        try {
            TabularModels.checkHiddenLayers(layers);
        } catch (IllegalArgumentException e) {
            throw new CliException("--hidden " + joined() + ": " + e.getMessage(), CliException.USAGE, e);
        }
        if (epochs != null && (sample.isEmpty() || epochs < 0 || epochs > 10_000)) {
            throw new CliException(
                    "--epochs takes 0 to 10000 passes over a --sample, got " + epochs, CliException.USAGE, null);
        }
        TaskModel model;
        try {
            model = schema.image().isPresent()
                    ? ImageModels.cnn(schema, layers, seed)
                    : TabularModels.mlp(schema, layers, seed);
        } catch (IllegalArgumentException e) {
            throw new CliException("no template model for this task: " + e.getMessage(), CliException.USAGE, e);
        }
        try {
            // What register-model and the validators accept: within the limits, fitting the schema.
            TaskContext.readBaseModel(schema, ModelCodec.write(model), Contributing.LIMITS);
        } catch (RuntimeException e) {
            throw new CliException(
                    "--hidden " + joined() + " gives a model outside the limits: " + e.getMessage(),
                    CliException.USAGE,
                    e);
        }
        int passes = sample.isEmpty() ? 0 : epochs == null ? DEFAULT_EPOCHS : epochs;
        if (passes > 0) {
            TabularDataset rows = sample.get();
            var data = rows.toDataSet();
            LocalTraining.train(model, data, passes, seed);
            session.err()
                    .printf(
                            "trained %d epochs on the sample's %d rows: on the sample %s%n",
                            passes,
                            rows.rows(),
                            HeldOutMetrics.measure(model, rows).summary());
        }
        return ModelCodec.write(model);
    }

    private String joined() {
        return String.join(",", hidden.stream().map(String::valueOf).toList());
    }
}
