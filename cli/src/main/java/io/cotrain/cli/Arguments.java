package io.cotrain.cli;

import io.cotrain.ipfs.ContributionManifest;
import java.util.HexFormat;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parsing of the identifiers the commands take: manifest digests and task ids. */
public final class Arguments {
    private static final Pattern DIGEST = Pattern.compile("(0[xX])?[0-9a-fA-F]{64}");
    private static final Pattern TASK_ID = Pattern.compile("\\d{1,10}");

    private Arguments() {}

    /**
     * @param text a sha256 as 64 hex digits, optionally {@code 0x}-prefixed
     * @return the 32 bytes
     * @throws IllegalArgumentException saying the expected format
     */
    public static byte[] digest(String text) {
        String value = text == null ? "" : text.strip();
        if (!DIGEST.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a manifest digest: expected the manifest's "
                    + "sha256 as 64 hex digits, optionally 0x-prefixed (train prints it as 'manifest digest: 0x...')");
        }
        byte[] digest = HexFormat.of().parseHex(value.substring(value.length() - 64));
        boolean zero = true;
        for (byte b : digest) zero &= b == 0;
        if (zero) throw new IllegalArgumentException("the manifest digest must not be zero");
        return digest;
    }

    /**
     * @param digest 32 bytes
     * @return {@code 0x} and 64 lower-case hex digits
     */
    public static String hex(byte[] digest) {
        return "0x" + HexFormat.of().formatHex(digest);
    }

    /**
     * @param text a task id: the model id in the model registry
     * @return it, in 1..2^32-1
     * @throws IllegalArgumentException if it is not such a number
     */
    public static long taskId(String text) {
        String value = text == null ? "" : text.strip();
        long id = TASK_ID.matcher(value).matches() ? Long.parseLong(value) : -1;
        if (id < 1 || id > ContributionManifest.MAX_TASK_ID) {
            throw new IllegalArgumentException("'" + text + "' is not a task id: expected a whole number from 1 to "
                    + ContributionManifest.MAX_TASK_ID);
        }
        return id;
    }

    /**
     * A manifest digest given on the command line (a record: picocli takes a {@code byte[]} option for a list of
     * bytes).
     *
     * @param bytes the 32 bytes
     */
    public record Digest(byte[] bytes) {}

    /** picocli's converter for {@code --manifest}. */
    public static final class DigestConverter implements ITypeConverter<Digest> {
        @Override
        public Digest convert(String value) {
            try {
                return new Digest(digest(value));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** picocli's converter for {@code --task}. */
    public static final class TaskIdConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return taskId(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
