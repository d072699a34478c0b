package io.cotrain.oracle.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The last block whose events were fully processed, kept in a file that survives restarts and crashes. */
public final class BlockCheckpoint {
    private final Path file;

    /** @param file where the block number is kept (created on first save) */
    public BlockCheckpoint(Path file) {
        this.file = file;
    }

    /** @return the saved block, or empty before the first save */
    public Optional<BigInteger> load() {
        if (!Files.exists(file)) return Optional.empty();
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return Optional.of(new BigInteger(text));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("checkpoint " + file + " does not hold a block number", e);
        }
    }

    /** @param block the last fully processed block */
    public void save(BigInteger block) {
        AtomicFiles.write(file, (block + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
