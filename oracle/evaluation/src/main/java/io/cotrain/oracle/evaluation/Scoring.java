package io.cotrain.oracle.evaluation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;

/** What both evaluators share: metrics, scoring, and the catch-all that turns any failure into the floor. */
final class Scoring {

    private Scoring() {
    }

    static Map<String, Double> metrics(HeldOutMetrics candidate, HeldOutMetrics baseline) {
        var metrics = new LinkedHashMap<String, Double>();
        metrics.put("accuracy", candidate.accuracy());
        metrics.put("loss", candidate.loss());
        metrics.put("baselineAccuracy", baseline.accuracy());
        metrics.put("baselineLoss", baseline.loss());
        metrics.put("accuracyDelta", (double) (candidate.correct() - baseline.correct()) / candidate.rows());
        metrics.put("rows", (double) candidate.rows());
        return metrics;
    }

    /** The score of a candidate's metrics against the global model's on the same rows. */
    static Evaluation scored(HeldOutMetrics candidate, HeldOutMetrics baseline, Map<String, Double> extra) {
        var metrics = metrics(candidate, baseline);
        metrics.putAll(extra);
        int score = QualityScore.score(candidate.correct(), baseline.correct(), candidate.rows());
        return Evaluation.scored(score, metrics);
    }

    /** The evaluation with the update it judged, which is kept only when no guard rejected the contribution. */
    static Assessment assessment(Evaluation evaluation, float[] parameters) {
        return evaluation.rejected() || parameters == null ? Assessment.rejected(evaluation)
                : new Assessment(evaluation, Optional.of(parameters), Optional.empty());
    }

    /** The evaluation with the dataset's row fingerprints, kept only when no guard rejected the contribution. */
    static Assessment assessment(Evaluation evaluation, long[] rowFingerprints) {
        return evaluation.rejected() || rowFingerprints == null ? Assessment.rejected(evaluation)
                : new Assessment(evaluation, Optional.empty(), Optional.of(rowFingerprints));
    }

    interface Body {
        Evaluation run();
    }

    /**
     * Runs an evaluation, turning rejected input, runtime exceptions, OutOfMemoryError and StackOverflowError into the
     * floor with a reason, and logs one line (never the data). Other errors (e.g. natives that fail to load) are a
     * broken node, not a bad contribution: they propagate, so that the validator does not commit a floor score.
     */
    static Evaluation guarded(Logger log, String kind, TaskContext task, byte[] input, Body body) {
        java.util.Objects.requireNonNull(task, "task");
        long start = System.nanoTime();
        Evaluation result;
        try {
            result = input == null ? Evaluation.floor("no " + kind + " bytes") : body.run();
        } catch (RejectedInputException e) {
            result = Evaluation.floor(e.reason());
        } catch (RuntimeException e) {
            result = Evaluation.floor("evaluation failed: " + e.getClass().getSimpleName());
        } catch (OutOfMemoryError e) {
            result = Evaluation.floor("evaluation failed: out of memory");
        } catch (StackOverflowError e) {
            result = Evaluation.floor("evaluation failed: stack overflow");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (log.isInfoEnabled()) {
            log.info("task {} {} of {} bytes: score {}{} in {} ms", task.taskId(), kind, input == null ? 0 : input.length,
                    result.score(), result.floorReason().map(r -> " (" + r + ")").orElse(""), millis);
        }
        return result;
    }
}
