package io.cotrain.oracle.scoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every contribution this validator judged, one file each under {@code <data>/evaluations}: a restart neither
 * re-evaluates nor changes a score, and the node can explain any score it committed.
 */
public final class EvaluationStore {
    private record Stored(
            String id,
            String round,
            long taskId,
            int kind,
            int score,
            String floorReason,
            Map<String, Double> metrics,
            String evaluatedAt,
            long evaluationMillis) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final Map<BigInteger, ScoredContribution> cache = new ConcurrentHashMap<>();

    /** @param dataDirectory the validator's data directory */
    public EvaluationStore(Path dataDirectory) {
        this.directory = PrivateFiles.directory(dataDirectory.resolve("evaluations"));
    }

    public void put(ScoredContribution scored) {
        Stored stored = new Stored(
                scored.id().toString(),
                scored.round().toString(),
                scored.taskId(),
                scored.kind(),
                scored.score(),
                scored.floorReason().orElse(null),
                scored.metrics(),
                scored.evaluatedAt().toString(),
                scored.evaluationMillis());
        try {
            PrivateFiles.write(file(scored.id()), JSON.writeValueAsBytes(stored));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the evaluation of contribution " + scored.id(), e);
        }
        cache.put(scored.id(), scored);
    }

    /**
     * @param id a contribution id
     * @return this validator's judgement of it, if it made one
     */
    public Optional<ScoredContribution> get(BigInteger id) {
        ScoredContribution cached = cache.get(id);
        if (cached != null) return Optional.of(cached);
        Path file = file(id);
        if (!Files.exists(file)) return Optional.empty();
        try {
            Stored stored = JSON.readValue(file.toFile(), Stored.class);
            ScoredContribution scored = new ScoredContribution(
                    new BigInteger(stored.id()),
                    new BigInteger(stored.round()),
                    stored.taskId(),
                    stored.kind(),
                    stored.score(),
                    Optional.ofNullable(stored.floorReason()),
                    stored.metrics(),
                    Instant.parse(stored.evaluatedAt()),
                    stored.evaluationMillis());
            cache.put(id, scored);
            return Optional.of(scored);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("evaluation file " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    private Path file(BigInteger id) {
        return directory.resolve("contribution-" + id + ".json");
    }
}
