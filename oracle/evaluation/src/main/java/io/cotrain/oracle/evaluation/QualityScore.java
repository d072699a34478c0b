package io.cotrain.oracle.evaluation;

/**
 * The function from held-out improvement to the 1..100 quality score a validator commits on chain.
 *
 * <p>Let {@code delta} be the candidate's held-out accuracy minus the current global model's held-out accuracy, both
 * as fractions of the held-out rows (for a dataset, the candidate is the global model after a short, fixed training
 * run on the dataset). Then
 *
 * <pre>
 *   score = clamp(round(50 + 50 * delta / 0.05), 1, 100)      // = clamp(round(50 + 1000 * delta), 1, 100)
 * </pre>
 *
 * <p>with {@code round} rounding halves up. Anchor points:
 * <ul>
 *   <li>no change in accuracy scores {@value #NEUTRAL};</li>
 *   <li>+5 accuracy points ({@code delta = 0.05}, {@value #FULL_MARKS_DELTA}) or more scores {@value #MAX};</li>
 *   <li>a loss of more than 4.85 points ({@code 50 + 1000 * delta < 1.5}) scores {@value #FLOOR}, the floor.</li>
 * </ul>
 *
 * <p>Each accuracy point is worth 10 score points: -2 points scores 30, the protocol's default slash threshold (30 is
 * still rewarded), and anything worse than -2.05 points is slashed.
 *
 * <p>A label-flipped (poisoned) update loses far more than 5 points and lands at the floor. The score depends on
 * accuracy only (loss is reported in the metrics but never moves the score), so it is monotone non-decreasing in the
 * candidate's accuracy. {@link #score(long, long, long)} computes it exactly in integers from counts of correctly
 * classified rows, so every validator gets the same score from the same predictions, with no floating-point rounding
 * at the boundaries.
 *
 * <p>Guards that reject a contribution (hostile or malformed input, free riding) give {@link #FLOOR} directly.
 */
public final class QualityScore {

    /** The lowest score: rejected contributions, and those more than 4.85 accuracy points worse than the global model. */
    public static final int FLOOR = 1;
    /** The highest score: at least 5 accuracy points better than the global model. */
    public static final int MAX = 100;
    /** The score of a contribution that leaves held-out accuracy unchanged. */
    public static final int NEUTRAL = 50;
    /** The accuracy gain (as a fraction) that earns {@link #MAX}. */
    public static final double FULL_MARKS_DELTA = 0.05;

    private QualityScore() {
    }

    /**
     * The score from counts of correctly classified held-out rows: {@code clamp(floor(50 + 1000 * (c - b) / rows + 1/2))}.
     *
     * @param candidateCorrect held-out rows the candidate classifies correctly
     * @param baselineCorrect  held-out rows the global model classifies correctly
     * @param rows             held-out rows, at least 1
     */
    public static int score(long candidateCorrect, long baselineCorrect, long rows) {
        if (rows <= 0 || candidateCorrect < 0 || baselineCorrect < 0 || candidateCorrect > rows || baselineCorrect > rows) {
            throw new IllegalArgumentException("counts out of range");
        }
        // 50 + round(1000 * d / rows) with halves rounded up, in exact integer arithmetic (|d| <= rows <= 2^31 here).
        long offset = Math.floorDiv(2000L * (candidateCorrect - baselineCorrect) + rows, 2L * rows);
        return clamp(NEUTRAL + offset);
    }

    /**
     * The score from accuracies given as fractions: {@code clamp(round(50 + 1000 * (candidate - baseline)), 1, 100)}.
     * A NaN accuracy scores the floor.
     */
    public static int score(double candidateAccuracy, double baselineAccuracy) {
        if (Double.isNaN(candidateAccuracy) || Double.isNaN(baselineAccuracy)) {
            return FLOOR;
        }
        double raw = NEUTRAL + NEUTRAL * (candidateAccuracy - baselineAccuracy) / FULL_MARKS_DELTA;
        return clamp(Math.round(Math.max(-1e6, Math.min(1e6, raw))));
    }

    private static int clamp(long value) {
        return (int) Math.max(FLOOR, Math.min(MAX, value));
    }
}
