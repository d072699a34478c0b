package io.cotrain.oracle.scoring;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * This validator's judgement of one contribution, kept durably so that a restart neither re-evaluates nor changes it.
 *
 * @param id the contribution
 * @param round its round
 * @param taskId its task
 * @param kind the on-chain ContributionType
 * @param score 1..100
 * @param floorReason why it scored the floor, when a guard failed
 * @param metrics the evaluation's figures (accuracy, loss, baseline, rows...)
 * @param evaluatedAt when
 * @param evaluationMillis how long fetching, verifying and evaluating took
 */
public record ScoredContribution(
        BigInteger id,
        BigInteger round,
        long taskId,
        int kind,
        int score,
        Optional<String> floorReason,
        Map<String, Double> metrics,
        Instant evaluatedAt,
        long evaluationMillis) {
    public ScoredContribution {
        if (score < 1 || score > 100) throw new IllegalArgumentException("score " + score + " is outside 1..100");
        metrics = Map.copyOf(metrics);
    }
}
