package io.cotrain.oracle.evaluation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;

/** What both evaluators share: metrics, scoring, and the guard that turns rejected input into the floor. */
final class Scoring {

    private Scoring() {}

    /**
     * The candidate's and the baseline's loss and metric value (under the metric's key, and {@code baseline} + key),
     * and for classification their accuracy and {@code accuracyDelta} whatever the metric.
     */
    static Map<String, Double> metrics(HeldOutMetrics candidate, HeldOutMetrics baseline) {
        var metrics = new LinkedHashMap<String, Double>();
        TaskMetric metric = candidate.metric();
        if (!metric.regression()) {
            metrics.put("accuracy", candidate.accuracy());
            metrics.put("baselineAccuracy", baseline.accuracy());
            metrics.put("accuracyDelta", (double) (candidate.correct() - baseline.correct()) / candidate.rows());
        }
        String key = metric.metricKey();
        metrics.put(key, candidate.value());
        metrics.put("baseline" + Character.toUpperCase(key.charAt(0)) + key.substring(1), baseline.value());
        metrics.put("loss", candidate.loss());
        metrics.put("baselineLoss", baseline.loss());
        metrics.put("rows", (double) candidate.rows());
        return metrics;
    }

    /** The score of a candidate's metrics against the global model's on the same rows. */
    static Evaluation scored(HeldOutMetrics candidate, HeldOutMetrics baseline, Map<String, Double> extra) {
        var metrics = metrics(candidate, baseline);
        metrics.putAll(extra);
        int score = QualityScore.score(candidate, baseline);
        return Evaluation.scored(score, metrics);
    }

    /** The evaluation with the update it judged, which is kept only when no guard rejected the contribution. */
    static Assessment assessment(Evaluation evaluation, float[] parameters) {
        return evaluation.rejected() || parameters == null
                ? Assessment.rejected(evaluation)
                : new Assessment(evaluation, Optional.of(parameters), Optional.empty());
    }

    /** The evaluation with the dataset's row fingerprints, kept only when no guard rejected the contribution. */
    static Assessment assessment(Evaluation evaluation, long[] rowFingerprints) {
        return evaluation.rejected() || rowFingerprints == null
                ? Assessment.rejected(evaluation)
                : new Assessment(evaluation, Optional.empty(), Optional.of(rowFingerprints));
    }

    interface Body {
        Evaluation run();
    }

    /**
     * Runs an evaluation, turning input a guard rejects ({@link RejectedInputException}) into the floor with its
     * reason, and logs one line (never the data). Anything else that fails (a runtime exception, running out of memory
     * or stack) is the node's failure, not proof of a bad contribution: every validator runs the same code, so
     * flooring it would slash honest work for a bug. It propagates as {@link EvaluationFailedException}; other errors
     * (natives that fail to load) propagate as they are.
     */
    static Evaluation guarded(Logger log, String kind, TaskContext task, byte[] input, Body body) {
        Objects.requireNonNull(task, "task");
        long start = System.nanoTime();
        Evaluation result;
        try {
            result = input == null ? Evaluation.floor("no " + kind + " bytes") : body.run();
        } catch (RejectedInputException e) {
            result = Evaluation.floor(e.reason());
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw new EvaluationFailedException(
                    "evaluating a " + kind + " of " + input.length + " bytes for task " + task.taskId()
                            + " failed in this node: " + e,
                    e);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (log.isInfoEnabled()) {
            log.info(
                    "task {} {} of {} bytes: score {}{} in {} ms",
                    task.taskId(),
                    kind,
                    input == null ? 0 : input.length,
                    result.score(),
                    result.floorReason().map(r -> " (" + r + ")").orElse(""),
                    millis);
        }
        return result;
    }
}
