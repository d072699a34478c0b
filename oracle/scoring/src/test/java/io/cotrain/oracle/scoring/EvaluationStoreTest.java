package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationStoreTest {
    @TempDir
    Path data;

    @Test
    void aNewInstanceReadsJudgementsWithTheirReasonsAndMetrics() {
        ScoredContribution floored = new ScoredContribution(
                BigInteger.valueOf(3),
                BigInteger.ONE,
                1,
                0,
                1,
                Optional.of("not a DL4J model"),
                Map.of(),
                Instant.parse("2026-11-25T02:00:00Z"),
                12);
        ScoredContribution scored = new ScoredContribution(
                BigInteger.valueOf(4),
                BigInteger.ONE,
                1,
                1,
                73,
                Optional.empty(),
                Map.of("accuracy", 0.71, "baselineAccuracy", 0.47),
                Instant.parse("2026-11-25T02:00:01Z"),
                840);
        EvaluationStore store = new EvaluationStore(data);
        store.put(floored);
        store.put(scored);

        EvaluationStore reopened = new EvaluationStore(data);
        assertThat(reopened.get(BigInteger.valueOf(3))).contains(floored);
        assertThat(reopened.get(BigInteger.valueOf(4))).contains(scored);
        assertThat(reopened.get(BigInteger.valueOf(5))).isEmpty();
    }
}
