package io.cotrain.oracle.scoring;

import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TabularDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of held-out sets, each found by the sha256 the model registry records for its task: those an operator
 * puts there by hand (any name) and those received for a task ({@link InboxDuty}: named {@code task-<id>-<sha256>.csv}
 * ({@code .json}, {@code .zip} by format),
 * for that task alone). A file is hashed again only when its size or
 * modification time changed, so files dropped in while the node runs are found on the next look.
 */
final class HeldOutDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(HeldOutDirectory.class);

    private record Hashed(long size, FileTime modified, String sha256) {}

    private static final String TASK_PREFIX = "task-";
    /** The formats a received set is named by. */
    private static final List<String> EXTENSIONS = List.of("csv", "json", "zip");

    private final Path directory;
    private final long maxBytes;
    private final Map<Path, Hashed> hashed = new HashMap<>();

    /**
     * @param directory the directory (its subdirectories are not read)
     * @param maxBytes files larger than this are skipped: no held-out set is
     */
    HeldOutDirectory(Path directory, long maxBytes) {
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    /**
     * @return the regular files in the directory now, by the lower-case hex sha256 of their content, in name order
     * @throws TransientFailureException if the directory cannot be listed
     */
    synchronized Map<String, List<Path>> byDigest() {
        Map<String, List<Path>> files = new HashMap<>();
        for (Path file : files()) {
            digestOf(file)
                    .ifPresent(digest -> files.computeIfAbsent(digest, d -> new ArrayList<>())
                            .add(file));
        }
        return files;
    }

    /**
     * @param taskId a task
     * @param heldOut the set
     * @return the name a set received for that task is kept under ({@link InboxDuty}): the set's sha256, and the
     *     extension of its format ({@code csv}, {@code json} or {@code zip})
     */
    static String nameFor(long taskId, byte[] heldOut) {
        return TASK_PREFIX + taskId + "-" + ModelCodec.sha256Hex(heldOut) + "." + TabularDataset.extensionOf(heldOut);
    }

    /** Whether a set with this sha256 was received for the task ({@link #nameFor}), whatever its format. */
    static boolean received(Path directory, long taskId, String sha256Hex) {
        return EXTENSIONS.stream()
                .anyMatch(extension ->
                        Files.exists(directory.resolve(TASK_PREFIX + taskId + "-" + sha256Hex + "." + extension)));
    }

    /**
     * @param file a file of the directory
     * @param taskId a task
     * @return whether the file may be the task's held-out set: named for that task, or for no task (put there by hand)
     */
    static boolean mayServe(Path file, long taskId) {
        String name = file.getFileName().toString();
        return !name.startsWith(TASK_PREFIX) || name.startsWith(TASK_PREFIX + taskId + "-");
    }

    /** @return whether the file was received for a task (named for it), not put there by hand */
    static boolean namedForATask(Path file) {
        return file.getFileName().toString().startsWith(TASK_PREFIX);
    }

    private List<Path> files() {
        try (Stream<Path> listing = Files.list(directory)) {
            List<Path> files = listing.filter(Files::isRegularFile).sorted().toList();
            hashed.keySet().retainAll(files);
            return files;
        } catch (IOException e) {
            throw new TransientFailureException(
                    "cannot list the held-out directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private Optional<String> digestOf(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Hashed known = hashed.get(file);
            if (known != null
                    && known.size() == attributes.size()
                    && known.modified().equals(attributes.lastModifiedTime())) {
                return Optional.ofNullable(known.sha256());
            }
            String sha256 = attributes.size() > maxBytes ? null : ModelCodec.sha256Hex(Files.readAllBytes(file));
            hashed.put(file, new Hashed(attributes.size(), attributes.lastModifiedTime(), sha256));
            return Optional.ofNullable(sha256);
        } catch (IOException e) {
            LOG.warn("cannot read {} in the held-out directory: {}", file, e.getMessage());
            return Optional.empty();
        }
    }
}
