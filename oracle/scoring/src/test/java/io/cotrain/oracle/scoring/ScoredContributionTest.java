package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScoredContributionTest {
    @Test
    void test_why_floored_isTheFloorReason() {
        assertThat(judged(1, Optional.of("near-copy of contribution 4: ..."), Map.of())
                        .why())
                .isEqualTo("near-copy of contribution 4: ...");
    }

    @Test
    void test_why_valued_saysWhatItAddsToTheAggregateAndTheNoise() {
        var valued = judged(
                70,
                Optional.empty(),
                Map.of("value", 0.02, "valueStandardError", 0.005, "valueShare", 0.04, "roundPlayers", 5d));

        assertThat(valued.why())
                .isEqualTo("removes 4.00% of the global model's held-out loss from the aggregate of "
                        + "the round's 5 admitted updates (noise: one standard error is 1.00%)");
    }

    @Test
    void test_why_valuedInAccuracyToo_saysBoth() {
        var valued = judged(
                70,
                Optional.empty(),
                Map.of(
                        "value",
                        0.02,
                        "valueStandardError",
                        0.005,
                        "valueShare",
                        0.04,
                        "roundPlayers",
                        5d,
                        "accuracyValue",
                        -0.004,
                        "accuracyValueStandardError",
                        0.01));

        assertThat(valued.why())
                .endsWith("(noise: one standard error is 1.00%); held-out accuracy -0.40 points " + "(noise 1.00)");
    }

    @Test
    void test_why_harmful_saysItAddsLoss() {
        var valued = judged(
                20,
                Optional.empty(),
                Map.of("value", -0.05, "valueStandardError", 0.01, "valueShare", -0.1, "roundPlayers", 4d));

        assertThat(valued.why()).startsWith("adds 10.00% of the global model's held-out loss to the aggregate");
    }

    @Test
    void test_why_resubmissionOrNotValued_saySo() {
        assertThat(judged(50, Optional.empty(), Map.of("resubmissionOf", 3d)).why())
                .startsWith("its author's update of contribution 3 again");
        assertThat(judged(60, Optional.empty(), Map.of("accuracy", 0.8)).why()).startsWith("scored on its own");
    }

    private static ScoredContribution judged(int score, Optional<String> floorReason, Map<String, Double> metrics) {
        return new ScoredContribution(
                BigInteger.ONE, BigInteger.TWO, 1, 0, score, floorReason, metrics, Instant.EPOCH, 3);
    }
}
