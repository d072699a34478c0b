package io.cotrain.oracle.evaluation;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The outcome of evaluating one contribution: the score a validator commits on chain, the held-out metrics behind it,
 * and, when a guard rejected the contribution, why.
 *
 * @param score       1..100 (see {@link QualityScore})
 * @param metrics     named metrics, sorted by name: the task metric's value and its baseline (by its
 *                    {@link TaskMetric#metricKey()}, e.g. {@code accuracy} and {@code baselineAccuracy}), {@code loss},
 *                    {@code baselineLoss}, for classification {@code accuracy}, {@code baselineAccuracy} and
 *                    {@code accuracyDelta}, {@code rows} (held-out rows), and for datasets {@code datasetRows};
 *                    partial or empty when a guard failed
 * @param floorReason present iff a guard failed; then {@code score == QualityScore.FLOOR}
 */
public record Evaluation(int score, Map<String, Double> metrics, Optional<String> floorReason) {

    public Evaluation {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(floorReason, "floorReason");
        if (score < QualityScore.FLOOR || score > QualityScore.MAX) {
            throw new IllegalArgumentException("score out of 1..100: " + score);
        }
        if (floorReason.isPresent() && score != QualityScore.FLOOR) {
            throw new IllegalArgumentException("a rejected contribution scores the floor");
        }
        metrics = Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
    }

    /** A contribution a guard rejected: the floor score and the reason. */
    public static Evaluation floor(String reason, Map<String, Double> metrics) {
        return new Evaluation(QualityScore.FLOOR, metrics, Optional.of(Objects.requireNonNull(reason, "reason")));
    }

    /** A contribution a guard rejected, without metrics. */
    public static Evaluation floor(String reason) {
        return floor(reason, Map.of());
    }

    /** A contribution that passed every guard and was scored on the held-out set. */
    public static Evaluation scored(int score, Map<String, Double> metrics) {
        return new Evaluation(score, metrics, Optional.empty());
    }

    /** Whether a guard rejected the contribution. */
    public boolean rejected() {
        return floorReason.isPresent();
    }
}
