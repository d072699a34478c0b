package io.cotrain.oracle.scoring;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The model updates this validator admitted (those no guard rejected), one file each under
 * {@code <data>/updates/task-<id>/round-<n>/}: the players of each round's valuation, and the earlier updates a later
 * one may copy. A restart values a round from the same files, so it commits the same scores.
 *
 * <p>Only the rounds a valuation can still look back on are kept ({@link #prune}, once a round is finalized, whether
 * or not this validator valued it); a model's parameters are stored as 32-bit floats, four bytes each.
 */
public final class UpdateStore {
    /**
     * One admitted update.
     *
     * @param id its contribution id
     * @param round its round
     * @param taskId its task
     * @param contributor who submitted it
     * @param globalModelSha256 the global model it was judged against (updates are valued with those of the same one)
     * @param parameters its flat parameters
     */
    public record Stored(BigInteger id, BigInteger round, long taskId, String contributor, String globalModelSha256,
            float[] parameters) {}

    private static final String FORMAT = "cotrain-update-v1";

    private final Path directory;

    /** @param dataDirectory the validator's data directory */
    public UpdateStore(Path dataDirectory) {
        this.directory = PrivateFiles.directory(dataDirectory.resolve("updates"));
    }

    /** Keeps an admitted update, replacing what was kept for its id. */
    public void put(Stored update) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + update.parameters().length * Float.BYTES);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(FORMAT);
            out.writeUTF(update.id().toString());
            out.writeUTF(update.round().toString());
            out.writeLong(update.taskId());
            out.writeUTF(update.contributor());
            out.writeUTF(update.globalModelSha256());
            out.writeInt(update.parameters().length);
            for (float value : update.parameters()) out.writeFloat(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the update of contribution " + update.id(), e);
        }
        Path round = PrivateFiles.directory(roundDirectory(update.taskId(), update.round()));
        PrivateFiles.write(round.resolve("contribution-" + update.id() + ".bin"), bytes.toByteArray());
    }

    /**
     * @param taskId a task
     * @param round a round
     * @return the task's updates kept for the round, by ascending id
     */
    public List<Stored> round(long taskId, BigInteger round) {
        Path dir = roundDirectory(taskId, round);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            List<Stored> updates = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".bin")).toList()) {
                updates.add(read(file));
            }
            updates.sort(Comparator.comparing(Stored::id));
            return updates;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * @param taskId a task
     * @param round a round
     * @param rounds how many rounds to look back
     * @return the task's updates of the {@code rounds} rounds before {@code round}, by ascending id
     */
    public List<Stored> before(long taskId, BigInteger round, int rounds) {
        List<Stored> earlier = new ArrayList<>();
        for (int back = rounds; back >= 1; back--) {
            BigInteger previous = round.subtract(BigInteger.valueOf(back));
            if (previous.signum() > 0) earlier.addAll(round(taskId, previous));
        }
        return earlier;
    }

    /**
     * Deletes every task's updates of rounds before {@code keepFrom}.
     *
     * @param keepFrom the first round to keep
     */
    public void prune(BigInteger keepFrom) {
        try (Stream<Path> tasks = Files.list(directory)) {
            for (Path task : tasks.filter(Files::isDirectory).toList()) prune(task, keepFrom);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    private static void prune(Path task, BigInteger keepFrom) {
        try (Stream<Path> rounds = Files.list(task)) {
            for (Path dir : rounds.toList()) {
                String name = dir.getFileName().toString();
                // anything but this store's own round directories is left alone
                if (!Files.isDirectory(dir) || !name.matches("round-\\d+")
                        || new BigInteger(name.substring(6)).compareTo(keepFrom) >= 0) {
                    continue;
                }
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.toList()) Files.delete(file);
                }
                Files.delete(dir);
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot prune the updates in " + task + ": " + e.getMessage(), e);
        }
    }

    private Path roundDirectory(long taskId, BigInteger round) {
        return directory.resolve("task-" + taskId).resolve("round-" + round);
    }

    private static Stored read(Path file) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            if (!FORMAT.equals(in.readUTF())) throw new IOException("not a " + FORMAT + " file");
            BigInteger id = new BigInteger(in.readUTF());
            BigInteger round = new BigInteger(in.readUTF());
            long taskId = in.readLong();
            String contributor = in.readUTF();
            String global = in.readUTF();
            float[] parameters = new float[in.readInt()];
            for (int i = 0; i < parameters.length; i++) parameters[i] = in.readFloat();
            return new Stored(id, round, taskId, contributor, global, parameters);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("update file " + file + " is unreadable: " + e.getMessage(), e);
        }
    }
}
