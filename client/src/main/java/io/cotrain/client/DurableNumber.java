package io.cotrain.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A number kept in a file that survives restarts and crashes: the follower's last processed block, a validator's
 * round cursor.
 */
public final class DurableNumber {
    private final Path file;

    /** @param file where the number is kept (created on first save) */
    public DurableNumber(Path file) {
        this.file = file;
    }

    /** @return the saved number, or empty before the first save */
    public Optional<BigInteger> load() {
        if (!Files.exists(file)) return Optional.empty();
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return Optional.of(new BigInteger(text));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + " does not hold a number", e);
        }
    }

    /** @param value the number to keep */
    public void save(BigInteger value) {
        AtomicFiles.write(file, (value + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
