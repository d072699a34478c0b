package io.cotrain.oracle.evaluation;

/**
 * The function from held-out improvement to the 1..100 quality score a validator commits on chain.
 *
 * <p>Let {@code delta} be the candidate's held-out accuracy minus the current global model's held-out accuracy, both
 * as fractions of the held-out rows (for a dataset, the candidate is the global model after a short, fixed training
 * run on the dataset); for a task of another {@link TaskMetric}, the difference of the metric's values (for regression,
 * the error removed as a share of the reference error), see {@link #score(HeldOutMetrics, HeldOutMetrics)}. Then
 *
 * <pre>
 *   score = clamp(round(50 + 50 * delta / 0.05), 1, 100)   for delta &gt;= 0   (10 score points per accuracy point)
 *   score = clamp(round(50 + 50 * delta / 0.25), 1, 100)   for delta &lt; 0    ( 2 score points per accuracy point)
 * </pre>
 *
 * <p>with {@code round} rounding halves up. Anchor points:
 * <ul>
 *   <li>no change in accuracy scores {@value #NEUTRAL};</li>
 *   <li>+5 accuracy points ({@value #FULL_MARKS_DELTA}) or more scores {@value #MAX};</li>
 *   <li>-10 points scores 30, the protocol's default slash threshold (30 is still rewarded);</li>
 *   <li>a loss of 24.75 points or more ({@value #FLOOR_DELTA}) scores {@value #FLOOR}, the floor.</li>
 * </ul>
 *
 * <p>Why losses weigh less than gains: an honest update trained on one contributor's share of the data (not
 * distributed like the held-out set) often measures a few points below the global model on its own, yet improves the
 * aggregate; the score must not slash it. Destructive updates lose far more: a label-flipped (poisoned) model scores
 * the floor, and whatever the slope, a model that gains nothing earns at most {@value #NEUTRAL}.
 *
 * <p>The score depends on accuracy only (loss is reported in the metrics but never moves the score), so it is monotone
 * non-decreasing in the candidate's accuracy. {@link #score(long, long, long)} computes it exactly in integers from
 * counts of correctly classified rows, so every validator gets the same score from the same predictions, with no
 * floating-point rounding at the boundaries.
 *
 * <p>Guards that reject a contribution (hostile or malformed input, free riding) give {@link #FLOOR} directly.
 */
public final class QualityScore {

    /**
     * The lowest score: rejected contributions, and those 24.75 accuracy points or more worse than the global model.
     */
    public static final int FLOOR = 1;
    /** The highest score: at least 5 accuracy points better than the global model. */
    public static final int MAX = 100;
    /** The score of a contribution that leaves held-out accuracy unchanged. */
    public static final int NEUTRAL = 50;
    /** The accuracy gain (as a fraction) that earns {@link #MAX}. */
    public static final double FULL_MARKS_DELTA = 0.05;
    /** The accuracy loss (as a fraction) that scores zero before clamping to {@link #FLOOR}. */
    public static final double FLOOR_DELTA = -0.25;

    /** Score points per unit of accuracy gained: 50 / {@link #FULL_MARKS_DELTA}. */
    private static final long GAIN_SLOPE = 1_000;
    /** Score points per unit of accuracy lost: 50 / -{@link #FLOOR_DELTA}. */
    private static final long LOSS_SLOPE = 200;

    private QualityScore() {}

    /**
     * The score from counts of correctly classified held-out rows: {@code clamp(floor(50 + k * (c - b) / rows + 1/2))}
     * with {@code k} 1000 for a gain and 200 for a loss.
     *
     * @param candidateCorrect held-out rows the candidate classifies correctly
     * @param baselineCorrect  held-out rows the global model classifies correctly
     * @param rows             held-out rows, at least 1
     */
    public static int score(long candidateCorrect, long baselineCorrect, long rows) {
        if (rows <= 0
                || candidateCorrect < 0
                || baselineCorrect < 0
                || candidateCorrect > rows
                || baselineCorrect > rows) {
            throw new IllegalArgumentException("counts out of range");
        }
        // 50 + round(k * d / rows) with halves rounded up, in exact integer arithmetic (|d| <= rows <= 2^31 here).
        long difference = candidateCorrect - baselineCorrect;
        long slope = difference >= 0 ? GAIN_SLOPE : LOSS_SLOPE;
        long offset = Math.floorDiv(2L * slope * difference + rows, 2L * rows);
        return clamp(NEUTRAL + offset);
    }

    /**
     * The score of a candidate's metrics against the global model's on the same rows, by the task's metric: exactly
     * from counts of correctly classified rows for accuracy ({@link #score(long, long, long)}), otherwise from the
     * metric's values ({@link #score(double, double)}), which every validator computes to the same bits from the same
     * outputs. For regression the values are skill scores, so the delta is the error removed as a share of the
     * reference error.
     *
     * @throws IllegalArgumentException when the two were not measured by the same metric on as many rows
     */
    public static int score(HeldOutMetrics candidate, HeldOutMetrics baseline) {
        if (candidate.metric() != baseline.metric() || candidate.rows() != baseline.rows()) {
            throw new IllegalArgumentException("metrics measured differently: " + candidate + " and " + baseline);
        }
        return candidate.metric() == TaskMetric.ACCURACY
                ? score(candidate.correct(), baseline.correct(), candidate.rows())
                : score(candidate.value(), baseline.value());
    }

    /**
     * The score from metric values given as fractions:
     * {@code clamp(round(50 + k * (candidate - baseline)), 1, 100)} with {@code k} 1000 for a gain and 200 for a
     * loss. A NaN value scores the floor.
     */
    public static int score(double candidateAccuracy, double baselineAccuracy) {
        if (Double.isNaN(candidateAccuracy) || Double.isNaN(baselineAccuracy)) {
            return FLOOR;
        }
        double delta = candidateAccuracy - baselineAccuracy;
        double raw = NEUTRAL + (delta >= 0 ? GAIN_SLOPE : LOSS_SLOPE) * delta;
        return clamp(Math.round(Math.max(-1e6, Math.min(1e6, raw))));
    }

    private static int clamp(long value) {
        return (int) Math.max(FLOOR, Math.min(MAX, value));
    }
}
