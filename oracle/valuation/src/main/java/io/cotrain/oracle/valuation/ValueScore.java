package io.cotrain.oracle.valuation;

/**
 * The map from a contribution's value (what it adds to the round's aggregate, as a {@link PlayerValue} in held-out
 * loss per row) to the 1..100 score validators commit.
 *
 * <p>The value is first told from the held-out set's sampling noise, by {@code t = |value| / standard error}: within
 * {@value #NOISE_MARGIN} standard errors of zero it is no measurable value and scores the neutral score (paid nothing,
 * slashed nothing). Beyond that, its size relative to the global model's held-out loss, {@code share = value / loss},
 * gives the points:
 * <ul>
 *   <li>a gain: {@code (100 - neutral) * share / }{@value #FULL_MARKS} points above neutral, at least 1 (measurable
 *       help is always paid), at most 100: removing 5% of the global model's loss earns full marks;</li>
 *   <li>a loss: {@code (neutral - slashThreshold) * share / }{@value #CLEARLY_HARMFUL} points below neutral (the slash
 *       threshold at 2% of the loss added), at least 1. It is slashed (below the threshold) only when the harm is
 *       both that large and beyond doubt, more than {@value #HARM_MARGIN} standard errors below zero; short of either
 *       it is unpaid and never slashed, so an honest update is not slashed for the held-out set's noise, nor for a
 *       harm too small to matter. A value of exactly zero (an update that changes no output) is neutral.</li>
 * </ul>
 * The points also grow with the certainty, {@value #POINTS_PER_STANDARD_ERROR} per standard error past the noise
 * margin (and the slash threshold is passed one point at a time past the harm margin), so the score is continuous:
 * a value that moves in its last bits, as it may on another CPU, moves the score by at most one point. Where the
 * certainty does not bind, the score is linear in the value, so splitting one piece of work over several
 * contributions earns no more than submitting it once. Rounding is half up.
 */
public final class ValueScore {
    /** Standard errors within which a value is no measurable value. */
    public static final double NOISE_MARGIN = 2.0;
    /** Score points per standard error of certainty past a margin: what keeps the score continuous. */
    public static final double POINTS_PER_STANDARD_ERROR = 20;
    /** Standard errors below zero beyond which harm is certain enough to slash. */
    public static final double HARM_MARGIN = 3.0;
    /** The share of the global model's held-out loss whose removal earns the full score. */
    public static final double FULL_MARKS = 0.05;
    /** The share of the global model's held-out loss whose addition scores the slash threshold. */
    public static final double CLEARLY_HARMFUL = 0.02;
    /** The least reference loss: a global model that is already near perfect does not make every value huge. */
    static final double MIN_REFERENCE_LOSS = 1e-3;

    /**
     * The protocol's score scale, as the round's parameters on chain set it.
     *
     * @param neutral the score of no measurable value (NeutralScore)
     * @param slashThreshold scores below it are slashed (SlashThreshold)
     */
    public record Scale(int neutral, int slashThreshold) {
        public Scale {
            if (slashThreshold < 1 || slashThreshold > neutral || neutral >= 100) {
                throw new IllegalArgumentException(
                        "need 1 <= slashThreshold <= neutral < 100, got " + slashThreshold + " and " + neutral);
            }
        }

        /** @return the deploy defaults: neutral 50, slash threshold 30 */
        public static Scale defaults() {
            return new Scale(50, 30);
        }
    }

    private ValueScore() {}

    /**
     * @param value the contribution's value and its noise
     * @param referenceLoss the global model's mean held-out loss
     * @param scale the protocol's scale
     * @return the score, 1..100
     */
    public static int score(PlayerValue value, double referenceLoss, Scale scale) {
        double mean = value.mean();
        if (Double.isNaN(mean) || Double.isNaN(value.standardError())) return 1;
        if (mean == 0) return scale.neutral();
        double t = certainty(value);
        if (t <= NOISE_MARGIN) return scale.neutral();
        double share = Math.abs(mean) / Math.max(referenceLoss, MIN_REFERENCE_LOSS);
        long certain = ramp(POINTS_PER_STANDARD_ERROR * (t - NOISE_MARGIN));
        if (mean > 0) {
            long size = size((100 - scale.neutral()) * share / FULL_MARKS);
            return (int) Math.min(100, scale.neutral() + Math.min(size, certain));
        }
        long size = size((scale.neutral() - scale.slashThreshold()) * share / CLEARLY_HARMFUL);
        if (t <= HARM_MARGIN) return (int) Math.max(scale.slashThreshold(), scale.neutral() - Math.min(size, certain));
        // beyond doubt: below the threshold one point at a time, down to what its size says (so a harm smaller than
        // CLEARLY_HARMFUL stays above the threshold however certain it is)
        long beyond = ramp(POINTS_PER_STANDARD_ERROR * (t - HARM_MARGIN));
        long below = Math.min(size, scale.neutral() - scale.slashThreshold() + beyond);
        return (int) Math.max(1, scale.neutral() - below);
    }

    /**
     * The score by held-out loss ({@link #score(PlayerValue, double, Scale)}), with accuracy beside it: a contribution
     * is slashed only as far as its harm to accuracy is beyond doubt too (one point per step of certainty past
     * {@value #HARM_MARGIN} standard errors), and paid only as far as the rows it gains show it: at most
     * {@value #POINTS_PER_STANDARD_ERROR} points above neutral per standard error of held-out rows gained, nothing when
     * it gains none. Loss alone pays a model for being less sure: a label flipper averaged into an overconfident
     * aggregate lowers its loss on the rows it gets wrong, without getting one more row right. Both caps move the score
     * continuously, so last-bit differences move it by a point at most.
     *
     * @param loss the value in held-out loss removed per row
     * @param accuracy the value in held-out rows gained per row (hits)
     * @param referenceLoss the global model's mean held-out loss
     * @param scale the protocol's scale
     * @return the score, 1..100
     */
    public static int score(PlayerValue loss, PlayerValue accuracy, double referenceLoss, Scale scale) {
        int byLoss = score(loss, referenceLoss, scale);
        if (byLoss < scale.slashThreshold()) {
            double lost = accuracy.mean() < 0 ? certainty(accuracy) : 0;
            long allowed = lost > HARM_MARGIN ? ramp(POINTS_PER_STANDARD_ERROR * (lost - HARM_MARGIN)) : 0;
            return (int) Math.max(byLoss, scale.slashThreshold() - allowed);
        }
        if (byLoss > scale.neutral()) {
            double gained = accuracy.mean() > 0 ? certainty(accuracy) : 0;
            double room = Math.min(100 - scale.neutral(), POINTS_PER_STANDARD_ERROR * gained);
            return (int) Math.min(byLoss, scale.neutral() + Math.round(room));
        }
        return byLoss;
    }

    /** {@code |mean| / standard error}, infinite for a nonzero value without noise. */
    private static double certainty(PlayerValue value) {
        if (value.standardError() > 0) return Math.abs(value.mean()) / value.standardError();
        return value.mean() == 0 ? 0 : Double.POSITIVE_INFINITY;
    }

    /** The points a value's size earns: {@code round(x)}, at least 1, bounded so that nothing overflows. */
    private static long size(double x) {
        return Math.max(1, Math.round(Math.min(1e6, x)));
    }

    /** The points a certainty allows: one at the margin, then {@code round(x)} more. */
    private static long ramp(double x) {
        return 1 + Math.round(Math.min(1e6, Math.max(0, x)));
    }
}
