package io.cotrain.cli;

import io.cotrain.oracle.evaluation.ModelArchitecture;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cotrain init-model}: a model owner writes the base model of a task from its schema (declared, or derived from
 * a sample) and a template (an MLP with the hidden layers chosen), with a seed. The task's architecture is then this
 * model's. No chain, no wallet.
 */
@Command(
        name = "init-model",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write the base model of a new task (model owners), to register with register-model: a multilayer "
                    + "perceptron from the schema's features through the --hidden layers (relu) to one softmax "
                    + "output per class, initialised from --seed (the same options give the same bytes) and, with "
                    + "--sample, trained on it. Prints its sha256 and parameter count.",
            "The task's architecture is its base model's: every update must have exactly these layers."
        })
final class InitModelCommand extends ContributorCommand {
    @Mixin
    SchemaOptions schemaOptions;

    @Mixin
    ModelTemplateOptions template;

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
        SchemaOptions.Resolved resolved = schemaOptions.resolve(session);
        Path file = session.environment().resolve(out);
        if (Files.exists(file) && !force) {
            throw new CliException(
                    "--out " + file + " already exists: pass --force to overwrite it", CliException.USAGE, null);
        }
        byte[] bytes = template.baseModel(resolved.schema(), resolved.sample(), session);
        try {
            Path parent = file.getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new CliException("cannot write --out " + file + ": " + e, CliException.FAILED, e);
        }
        ModelArchitecture architecture = TaskContext.readBaseModel(resolved.schema(), bytes, Contributing.LIMITS)
                .architecture();
        session.out().println("base model: " + file + " (" + bytes.length + " bytes)");
        session.out().println("architecture: " + architecture.summary());
        session.out().println("parameters: " + architecture.parameterCount());
        session.out().println("sha256: " + ModelCodec.sha256Hex(bytes));
    }
}
