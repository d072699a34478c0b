package io.cotrain.oracle.scoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which contribution first submitted each artifact, by the artifact's sha256 (for sealed content, by its manifest's
 * {@link io.cotrain.ipfs.ContributionManifest#copyKey() copy key}): the evidence for flooring copies. A
 * contribution whose manifest names an artifact that a contribution with a lower id already named is a copy, whoever
 * submitted either of them; the lowest id keeps the credit.
 *
 * <p>Contributions are <em>resolved</em> in any order as their manifests are fetched: a resolution registers the
 * artifact of a valid manifest that agrees with the chain, or nothing for a manifest that is missing or invalid. A
 * registration only ever lowers an artifact's earliest id, so the index does not depend on the order manifests
 * arrive in. Whether contribution N is a copy depends on every contribution below N, so it may only be decided once
 * all of them (and N itself) are resolved: {@link #decidable} says so, and the index tracks the highest id through
 * which every contribution is resolved.
 *
 * <p>Durable under {@code <data>/artifacts}, owner-only like the rest of the data directory: one file per artifact
 * sha256 holding the earliest id, each replaced atomically, and {@code resolved} holding the resolved-through id and
 * the block of that contribution (where a rebuild resumes reading events); {@code opened/} holds, by sha256, the
 * earliest contribution (id and round) whose content this validator verified ({@link #recordOpened}). Registrations
 * are written before the resolved-through mark, so a crash between them only makes the next run resolve some
 * contributions again. An empty directory is rebuilt by resolving every contribution from the first.
 */
public final class ArtifactIndex {
    /**
     * What one contribution's manifest registers.
     *
     * @param id the contribution
     * @param block the block it was submitted in
     * @param artifactSha256 the sha256 of the one artifact its valid manifest names, or empty for a manifest that is
     *     missing, invalid or disagrees with the chain
     */
    public record Resolution(BigInteger id, BigInteger block, Optional<String> artifactSha256) {}

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final String RESOLVED = "resolved";

    private final Path directory;
    private final Path opened;
    /** Resolved above the mark, not yet contiguous with it: kept in memory only, resolved again after a restart. */
    private final TreeMap<BigInteger, BigInteger> resolvedAbove = new TreeMap<>();

    private BigInteger resolvedThrough;
    private BigInteger resolvedThroughBlock;

    /** @param dataDirectory the validator's data directory */
    public ArtifactIndex(Path dataDirectory) {
        this.directory = PrivateFiles.directory(dataDirectory.resolve("artifacts"));
        this.opened = PrivateFiles.directory(directory.resolve("opened"));
        Path mark = directory.resolve(RESOLVED);
        resolvedThrough = BigInteger.ZERO;
        if (Files.exists(mark)) {
            try {
                String[] fields = Files.readString(mark, StandardCharsets.US_ASCII)
                        .strip()
                        .split(" ");
                resolvedThrough = new BigInteger(fields[0]);
                resolvedThroughBlock = new BigInteger(fields[1]);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(
                        mark + " is unreadable (delete the artifacts directory to rebuild it): " + e.getMessage(), e);
            }
        }
    }

    /**
     * Records resolutions: registers their artifacts, then advances the resolved-through mark. Resolving a
     * contribution again is harmless.
     *
     * @param resolutions resolved contributions, in any order
     */
    public synchronized void record(List<Resolution> resolutions) {
        for (Resolution resolution : resolutions) {
            resolution.artifactSha256().ifPresent(sha256 -> register(resolution.id(), sha256));
            if (resolution.id().compareTo(resolvedThrough) > 0) resolvedAbove.put(resolution.id(), resolution.block());
        }
        BigInteger through = resolvedThrough;
        BigInteger block = resolvedThroughBlock;
        while (!resolvedAbove.isEmpty() && resolvedAbove.firstKey().equals(through.add(BigInteger.ONE))) {
            through = resolvedAbove.firstKey();
            block = resolvedAbove.pollFirstEntry().getValue();
        }
        if (!through.equals(resolvedThrough)) {
            byte[] mark = (through + " " + block + "\n").getBytes(StandardCharsets.US_ASCII);
            PrivateFiles.write(directory.resolve(RESOLVED), mark);
            resolvedThrough = through;
            resolvedThroughBlock = block;
        }
    }

    /** @return the highest id through which every contribution is resolved (0 before any) */
    public synchronized BigInteger resolvedThrough() {
        return resolvedThrough;
    }

    /** @return the block of contribution {@link #resolvedThrough()}, empty before any */
    public synchronized Optional<BigInteger> resolvedThroughBlock() {
        return Optional.ofNullable(resolvedThroughBlock);
    }

    /**
     * @param id a contribution id
     * @return whether it and every contribution below it are resolved, so whether it is a copy can be decided
     */
    public synchronized boolean decidable(BigInteger id) {
        return id.compareTo(resolvedThrough) <= 0;
    }

    /**
     * @param sha256 an artifact's sha256, lower-case hex
     * @return the lowest contribution id registered for it so far
     */
    public Optional<BigInteger> earliest(String sha256) {
        requireSha256(sha256);
        // read from disk every time: files are replaced atomically, and memory stays flat however long the chain
        Path file = directory.resolve(sha256);
        if (!Files.exists(file)) return Optional.empty();
        try {
            return Optional.of(new BigInteger(
                    Files.readString(file, StandardCharsets.US_ASCII).strip()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + " does not hold a contribution id", e);
        }
    }

    /**
     * @param id a resolved contribution whose manifest names the artifact
     * @param sha256 the artifact's sha256, lower-case hex
     * @return the contribution it copies: the earliest to name the artifact, if that is below {@code id}
     * @throws IllegalStateException if {@code id} is not {@linkplain #decidable decidable} yet
     */
    public Optional<BigInteger> copyOf(BigInteger id, String sha256) {
        if (!decidable(id)) {
            throw new IllegalStateException("contribution " + id + " cannot be checked for copies before contributions "
                    + resolvedThrough().add(BigInteger.ONE) + ".." + id + " are resolved");
        }
        return earliest(sha256).filter(first -> first.compareTo(id) < 0);
    }

    /**
     * The earliest contribution whose content this validator opened and verified.
     *
     * @param id the contribution
     * @param round its round
     */
    public record Opened(BigInteger id, BigInteger round) {}

    /**
     * @param sha256 content's sha256, lower-case hex
     * @return the earliest contribution whose content this validator verified to have that sha256
     */
    public synchronized Optional<Opened> opened(String sha256) {
        requireSha256(sha256);
        Path file = opened.resolve(sha256);
        if (!Files.exists(file)) return Optional.empty();
        try {
            String[] fields =
                    Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
            return Optional.of(new Opened(new BigInteger(fields[0]), new BigInteger(fields[1])));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(file + " does not hold a contribution id and round", e);
        }
    }

    /**
     * Registers content this validator holds in full and checked against its sha256 (open content's bytes, sealed
     * content's plaintext): proof that its contributor held it, unlike a digest a manifest merely names, which anyone
     * can copy. Kept apart from the artifacts manifests name, so that a claimed digest never makes such content a copy.
     *
     * @param id the contribution the content came from
     * @param round its round
     * @param sha256 the content's sha256, lower-case hex
     */
    public synchronized void recordOpened(BigInteger id, BigInteger round, String sha256) {
        Optional<Opened> known = opened(sha256);
        if (known.isPresent() && known.get().id().compareTo(id) <= 0) return;
        PrivateFiles.write(opened.resolve(sha256), (id + " " + round + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void register(BigInteger id, String sha256) {
        Optional<BigInteger> known = earliest(sha256);
        if (known.isPresent() && known.get().compareTo(id) <= 0) return;
        PrivateFiles.write(directory.resolve(sha256), (id + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void requireSha256(String sha256) {
        // also keeps anything but a plain file name out of the directory
        if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a lower-case hex sha256: " + sha256);
        }
    }
}
