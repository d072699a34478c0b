package io.cotrain.oracle.scoring;

import io.cotrain.client.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files of a validator's data directory that only its owner may read: they hold salts before their reveal. */
final class PrivateFiles {
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFiles() {}

    /** Creates the directory readable by its owner only (where the file system has POSIX permissions). */
    static Path directory(Path directory) {
        try {
            Files.createDirectories(directory);
            if (POSIX) Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    /** Replaces a file crash-safely (see {@link AtomicFiles}); its directory is already private. */
    static void write(Path file, byte[] content) {
        AtomicFiles.write(file, content);
    }
}
