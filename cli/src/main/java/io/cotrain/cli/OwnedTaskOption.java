package io.cotrain.cli;

import picocli.CommandLine.Option;

/** The {@code --task} of a model owner's commands on a task of their own ({@code branch}, {@code share-held-out}). */
final class OwnedTaskOption {
    @Option(
            names = "--task",
            required = true,
            paramLabel = "ID",
            converter = Arguments.TaskIdConverter.class,
            description = "the model (task) you own")
    long id;
}
