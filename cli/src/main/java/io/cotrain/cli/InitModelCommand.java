package io.cotrain.cli;

import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.ModelArchitecture;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TabularModels;
import io.cotrain.oracle.evaluation.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cotrain init-model}: a model owner writes the base model of a task from its schema and a template (an MLP
 * with the hidden layers chosen), with a seed. The task's architecture is then this model's. No chain, no wallet.
 */
@Command(
        name = "init-model",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write the base model of a new task (model owners), to register with register-model: a multilayer "
                    + "perceptron from the schema's features through the --hidden layers (relu) to one softmax "
                    + "output per class, initialised from --seed (the same options give the same bytes). Prints its "
                    + "sha256 and parameter count.",
            "The task's architecture is its base model's: every update must have exactly these layers."
        })
final class InitModelCommand extends ContributorCommand {
    @Mixin
    SchemaOptions schemaOptions;

    @Option(
            names = "--hidden",
            split = ",",
            defaultValue = "32,32",
            paramLabel = "UNITS",
            description = "units of each hidden layer, comma-separated: 1 to " + TabularModels.MAX_HIDDEN_LAYERS
                    + " layers of 1 to " + TabularModels.MAX_HIDDEN_UNITS + " units (default: ${DEFAULT-VALUE})")
    List<Integer> hidden;

    @Option(
            names = "--seed",
            defaultValue = "42",
            paramLabel = "S",
            description = "seed of the initial weights (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE.zip", description = "where the base model goes")
    Path out;

    @Option(names = "--force", description = "overwrite --out if it exists")
    boolean force;

    @Override
    boolean needsWallet() {
        return false;
    }

    @Override
    void run(Session session) {
        DataSchema schema = schemaOptions.schema();
        int[] layers = hidden.stream().mapToInt(Integer::intValue).toArray();
        try {
            TabularModels.checkHiddenLayers(layers);
        } catch (IllegalArgumentException e) {
            throw new CliException("--hidden " + joined(hidden) + ": " + e.getMessage(), CliException.USAGE, e);
        }
        Path file = session.environment().resolve(out);
        if (Files.exists(file) && !force) {
            throw new CliException(
                    "--out " + file + " already exists: pass --force to overwrite it", CliException.USAGE, null);
        }
        MultiLayerNetwork model = TabularModels.mlp(schema, layers, seed);
        byte[] bytes = ModelCodec.write(model);
        try {
            // What register-model and the validators accept: within the limits, fitting the schema.
            TaskContext.readBaseModel(schema, bytes, Contributing.LIMITS);
        } catch (RuntimeException e) {
            throw new CliException(
                    "--hidden " + joined(hidden) + " gives a model outside the limits: " + e.getMessage(),
                    CliException.USAGE,
                    e);
        }
        try {
            Path parent = file.getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new CliException("cannot write --out " + file + ": " + e, CliException.FAILED, e);
        }
        ModelArchitecture architecture = ModelArchitecture.of(model);
        session.out().println("base model: " + file + " (" + bytes.length + " bytes)");
        session.out().println("architecture: " + architecture.summary());
        session.out().println("parameters: " + architecture.parameterCount());
        session.out().println("sha256: " + ModelCodec.sha256Hex(bytes));
    }

    private static String joined(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }
}
