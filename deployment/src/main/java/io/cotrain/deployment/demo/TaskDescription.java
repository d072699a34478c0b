package io.cotrain.deployment.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The demo task's {@code task.json}: what {@link DemoTask} prepared and how, read back by {@link DemoRounds} and
 * {@code deployment/local-network.sh}. Written with a fixed key order, so it is byte-identical from run to run.
 *
 * @param files every file of the task directory but this one, by relative path, in the order written
 */
public record TaskDescription(
        long id,
        String name,
        List<String> featureColumns,
        String labelColumn,
        int classCount,
        List<String> classNames,
        String features,
        int rows,
        int heldOutRows,
        int ownerSampleRows,
        List<Integer> shardRows,
        Map<String, Integer> classCounts,
        String split,
        long baseModelSeed,
        String baseModel,
        HeldOut baseModelHeldOut,
        Map<String, TaskFile> files,
        String source,
        String sourceUrl,
        String licence) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The base model's measure on the held-out set, as validators take it for the first global model. */
    public record HeldOut(int rows, int correct, double accuracy) {}

    /** A file of the task directory. */
    public record TaskFile(long bytes, String sha256) {}

    /** @return the description in {@code file} */
    public static TaskDescription read(Path file) {
        try {
            return JSON.readValue(file.toFile(), TaskDescription.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the task description " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the description to {@code file}, ending with a newline. */
    public void write(Path file) {
        try {
            Files.writeString(file, JSON.writeValueAsString(this) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the task description " + file + ": " + e.getMessage(), e);
        }
    }
}
