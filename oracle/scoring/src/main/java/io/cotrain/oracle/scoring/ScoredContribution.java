package io.cotrain.oracle.scoring;

import io.cotrain.contracts.ScoreCommitment;
import io.cotrain.oracle.evaluation.QualityScore;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * This validator's judgement of one contribution, kept durably so that a restart neither re-evaluates nor changes it.
 *
 * @param id the contribution
 * @param round its round
 * @param taskId its task
 * @param kind the on-chain ContributionType
 * @param score 1..100, or {@link ScoreCommitment#ABSTAIN} when this validator abstains on it
 * @param floorReason why a guard or a screen set it aside: it scored the floor, or just under neutral
 *     (a free rider, the same work again); or why this validator abstains (sealed content it could not be sealed to)
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
        if (score < ScoreCommitment.ABSTAIN || score > ScoreCommitment.MAX_SCORE) {
            throw new IllegalArgumentException("score " + score + " is outside 0..100");
        }
        if (score == ScoreCommitment.ABSTAIN && floorReason.isEmpty()) {
            throw new IllegalArgumentException("an abstention says why");
        }
        metrics = Map.copyOf(metrics);
    }

    /**
     * This validator's abstention on a contribution it cannot judge through nobody's fault.
     *
     * @param contribution the contribution
     * @param reason why
     * @param at when it decided
     * @param millis how long fetching and opening took
     * @return the judgement, scoring {@link ScoreCommitment#ABSTAIN}
     */
    static ScoredContribution abstained(ContributionRecord contribution, String reason, Instant at, long millis) {
        return new ScoredContribution(
                contribution.id(),
                contribution.round(),
                contribution.taskId(),
                contribution.kind(),
                ScoreCommitment.ABSTAIN,
                Optional.of(reason),
                Map.of(),
                at,
                millis);
    }

    /**
     * @param reason why it scores the floor after all (the fault a sealing fault report proved)
     * @param at when that was decided
     * @return this judgement floored for that reason, its metrics kept
     */
    ScoredContribution floored(String reason, Instant at) {
        return new ScoredContribution(
                id, round, taskId, kind, QualityScore.FLOOR, Optional.of(reason), metrics, at, evaluationMillis);
    }

    /** @return whether this validator abstains on it */
    public boolean abstains() {
        return score == ScoreCommitment.ABSTAIN;
    }

    /**
     * @return why it scored as it did, in a sentence: the guard or screen that floored it (a copy names the
     *     contribution it copies), a resubmission, or what it adds to its round's aggregate and the noise of that
     *     measure ({@link RoundValuer}); a contribution not valued with its round says so
     */
    public String why() {
        if (floorReason.isPresent()) return floorReason.get();
        Double again = metrics.get("resubmissionOf");
        if (again != null) {
            return "its author's update of contribution " + again.longValue() + " again: no new work, neither paid "
                    + "nor slashed";
        }
        Double share = metrics.get("valueShare");
        Double value = metrics.get("value");
        Double error = metrics.get("valueStandardError");
        Double players = metrics.get("roundPlayers");
        if (share == null || value == null || error == null || players == null) {
            return "scored on its own: its held-out accuracy against the global model's";
        }
        double noise = value == 0 ? 0 : Math.abs(share * error / value);
        String why = String.format(
                Locale.ROOT,
                "%s %.2f%% of the global model's held-out loss %s the aggregate of "
                        + "the round's %d admitted updates (noise: one standard error is %.2f%%)",
                share >= 0 ? "removes" : "adds",
                100 * Math.abs(share),
                share >= 0 ? "from" : "to",
                players.intValue(),
                100 * noise);
        Double accuracy = metrics.get("accuracyValue");
        Double accuracyError = metrics.get("accuracyValueStandardError");
        if (accuracy == null || accuracyError == null) return why;
        return why
                + String.format(
                        Locale.ROOT,
                        "; held-out accuracy %+.2f points (noise %.2f)",
                        100 * accuracy,
                        100 * accuracyError);
    }
}
