package io.cotrain.oracle.scoring;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The model updates this validator admitted (those no guard rejected), one file each under
 * {@code <data>/updates/task-<id>/round-<n>/}: the players of each round's valuation, and the earlier updates a later
 * one may copy. Beside them, the row fingerprints of the datasets it admitted: the earlier rows a later dataset may
 * copy. A restart values a round from the same files, so it commits the same scores.
 *
 * <p>Only the rounds a valuation can still look back on are kept ({@link #prune}, once a round is finalized, whether
 * or not this validator valued it); a model's parameters are stored as 32-bit floats, four bytes each, a dataset's
 * fingerprints as 8 bytes per distinct row.
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
    public record Stored(
            BigInteger id,
            BigInteger round,
            long taskId,
            String contributor,
            String globalModelSha256,
            float[] parameters) {}

    /**
     * One admitted dataset's rows.
     *
     * @param id its contribution id
     * @param round its round
     * @param taskId its task
     * @param fingerprints its distinct row fingerprints, ascending
     */
    public record Rows(BigInteger id, BigInteger round, long taskId, long[] fingerprints) {}

    private static final String FORMAT = "cotrain-update-v1";
    private static final String ROWS_FORMAT = "cotrain-dataset-rows-v1";
    private static final String UPDATE_FILE = "contribution-";
    private static final String ROWS_FILE = "dataset-";

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
        PrivateFiles.write(round.resolve(UPDATE_FILE + update.id() + ".bin"), bytes.toByteArray());
    }

    /** Keeps an admitted dataset's row fingerprints, replacing what was kept for its id. */
    public void put(Rows rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + rows.fingerprints().length * Long.BYTES);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(ROWS_FORMAT);
            out.writeUTF(rows.id().toString());
            out.writeUTF(rows.round().toString());
            out.writeLong(rows.taskId());
            out.writeInt(rows.fingerprints().length);
            for (long fingerprint : rows.fingerprints()) out.writeLong(fingerprint);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the rows of contribution " + rows.id(), e);
        }
        Path round = PrivateFiles.directory(roundDirectory(rows.taskId(), rows.round()));
        PrivateFiles.write(round.resolve(ROWS_FILE + rows.id() + ".bin"), bytes.toByteArray());
    }

    /**
     * @param taskId a task
     * @param round a round
     * @return the task's updates kept for the round, by ascending id
     */
    public List<Stored> round(long taskId, BigInteger round) {
        List<Stored> updates = new ArrayList<>(
                files(taskId, round, UPDATE_FILE).map(UpdateStore::read).toList());
        updates.sort(Comparator.comparing(Stored::id));
        return updates;
    }

    /**
     * @param taskId a task
     * @param round a round
     * @param rounds how many rounds to look back
     * @return the task's updates of the {@code rounds} rounds before {@code round}, by ascending id
     */
    public List<Stored> before(long taskId, BigInteger round, int rounds) {
        return earlier(round, rounds, previous -> round(taskId, previous));
    }

    /**
     * @param taskId a task
     * @param round a round
     * @return the task's datasets kept for the round, by ascending id
     */
    public List<Rows> datasets(long taskId, BigInteger round) {
        List<Rows> datasets = new ArrayList<>(
                files(taskId, round, ROWS_FILE).map(UpdateStore::readRows).toList());
        datasets.sort(Comparator.comparing(Rows::id));
        return datasets;
    }

    /**
     * @param taskId a task
     * @param round a round
     * @param rounds how many rounds to look back
     * @return the task's datasets of the {@code rounds} rounds before {@code round}, by ascending id
     */
    public List<Rows> datasetsBefore(long taskId, BigInteger round, int rounds) {
        return earlier(round, rounds, previous -> datasets(taskId, previous));
    }

    private static <T> List<T> earlier(BigInteger round, int rounds, Function<BigInteger, List<T>> ofRound) {
        List<T> earlier = new ArrayList<>();
        for (int back = rounds; back >= 1; back--) {
            BigInteger previous = round.subtract(BigInteger.valueOf(back));
            if (previous.signum() > 0) earlier.addAll(ofRound.apply(previous));
        }
        return earlier;
    }

    /** The round's files whose names start with {@code prefix}. */
    private Stream<Path> files(long taskId, BigInteger round, String prefix) {
        Path dir = roundDirectory(taskId, round);
        if (!Files.isDirectory(dir)) return Stream.empty();
        try (Stream<Path> files = Files.list(dir)) {
            return files
                    .filter(f -> f.getFileName().toString().startsWith(prefix)
                            && f.getFileName().toString().endsWith(".bin"))
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
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
                if (!Files.isDirectory(dir)
                        || !name.matches("round-\\d+")
                        || new BigInteger(name.substring(6)).compareTo(keepFrom) >= 0) {
                    continue;
                }
                // the judging thread may be writing into it: what it adds meanwhile goes with the next prune
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.toList()) Files.deleteIfExists(file);
                }
                try {
                    Files.delete(dir);
                } catch (DirectoryNotEmptyException | NoSuchFileException raced) {
                    // changed while pruned: the next prune takes the rest
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot prune the updates in " + task + ": " + e.getMessage(), e);
        }
    }

    private Path roundDirectory(long taskId, BigInteger round) {
        return directory.resolve("task-" + taskId).resolve("round-" + round);
    }

    private static Rows readRows(Path file) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            if (!ROWS_FORMAT.equals(in.readUTF())) throw new IOException("not a " + ROWS_FORMAT + " file");
            BigInteger id = new BigInteger(in.readUTF());
            BigInteger round = new BigInteger(in.readUTF());
            long taskId = in.readLong();
            long[] fingerprints = new long[in.readInt()];
            for (int i = 0; i < fingerprints.length; i++) fingerprints[i] = in.readLong();
            return new Rows(id, round, taskId, fingerprints);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("dataset file " + file + " is unreadable: " + e.getMessage(), e);
        }
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
