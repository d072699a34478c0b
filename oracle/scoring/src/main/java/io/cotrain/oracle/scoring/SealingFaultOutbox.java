package io.cotrain.oracle.scoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The sealing fault evidence this validator made and has not published yet, one file each under
 * {@code <data>/sealing-faults}: the contribution is judged once (its floor is kept in the {@link EvaluationStore}), so
 * evidence lost in a crash before its transaction would leave this validator's floor unproven to the others.
 */
final class SealingFaultOutbox {
    /**
     * Evidence waiting to be published.
     *
     * @param contributionId the contribution
     * @param round its round
     * @param contentDigest its content digest
     * @param evidence the evidence's bytes
     */
    record Pending(BigInteger contributionId, BigInteger round, byte[] contentDigest, byte[] evidence) {}

    private record Stored(String contributionId, String round, String contentDigest, String evidence) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private final Path directory;

    /** @param dataDirectory the validator's data directory */
    SealingFaultOutbox(Path dataDirectory) {
        this.directory = PrivateFiles.directory(dataDirectory.resolve("sealing-faults"));
    }

    /** Keeps evidence durably until it is {@link #remove removed}. */
    void put(Pending pending) {
        Stored stored = new Stored(
                pending.contributionId().toString(),
                pending.round().toString(),
                HEX.formatHex(pending.contentDigest()),
                HEX.formatHex(pending.evidence()));
        try {
            PrivateFiles.write(file(pending.contributionId()), JSON.writeValueAsBytes(stored));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the sealing fault of " + pending.contributionId(), e);
        }
    }

    /** @return the evidence waiting, by contribution id */
    List<Pending> pending() {
        List<Pending> pending = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .toList()) {
                Stored stored = JSON.readValue(file.toFile(), Stored.class);
                pending.add(new Pending(
                        new BigInteger(stored.contributionId()),
                        new BigInteger(stored.round()),
                        HEX.parseHex(stored.contentDigest()),
                        HEX.parseHex(stored.evidence())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sealing faults waiting in " + directory, e);
        }
        pending.sort(Comparator.comparing(Pending::contributionId));
        return pending;
    }

    /** Forgets the evidence of a contribution: published, or too late to be. */
    void remove(BigInteger contributionId) {
        try {
            Files.deleteIfExists(file(contributionId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the sealing fault of " + contributionId, e);
        }
    }

    private Path file(BigInteger contributionId) {
        return directory.resolve("contribution-" + contributionId + ".json");
    }
}
