package io.cotrain.ipfs.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads every block an IPFS node's repository holds on disk, to prove what it does not hold: no plaintext of sealed
 * content, whatever CID or chunking it would have been stored under.
 */
public final class RepositoryScan {
    private RepositoryScan() {}

    /**
     * @param repository the node's repository (its {@code blocks} directory holds one file per block)
     * @param needles byte strings to look for
     * @return the blocks holding any of them
     */
    public static List<Path> blocksHolding(Path repository, List<byte[]> needles) {
        List<Path> holding = new ArrayList<>();
        try (Stream<Path> files = Files.walk(repository.resolve("blocks"))) {
            for (Path block : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(block);
                if (needles.stream().anyMatch(needle -> indexOf(bytes, needle) >= 0)) holding.add(block);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the repository " + repository, e);
        }
        return holding;
    }

    /** @return how many blocks the repository holds */
    public static long blockCount(Path repository) {
        try (Stream<Path> files = Files.walk(repository.resolve("blocks"))) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the repository " + repository, e);
        }
    }

    /**
     * Byte strings only {@code content} holds: {@code width}-byte windows spread evenly over it that none of the
     * public files holds (a model's configuration is the same in every model of its task, and public).
     *
     * @param content the private content
     * @param publicFiles files anyone may hold that share parts with it
     * @param count how many windows to try
     * @param width bytes per window
     * @return the windows found in no public file
     */
    public static List<byte[]> distinctiveWindows(byte[] content, List<byte[]> publicFiles, int count, int width) {
        List<byte[]> windows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int from = (int) ((long) (content.length - width) * (i + 1) / (count + 1));
            byte[] window = Arrays.copyOfRange(content, from, from + width);
            if (publicFiles.stream().noneMatch(file -> indexOf(file, window) >= 0)) windows.add(window);
        }
        return windows;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
