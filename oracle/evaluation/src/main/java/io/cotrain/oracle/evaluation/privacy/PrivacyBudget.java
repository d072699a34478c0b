package io.cotrain.oracle.evaluation.privacy;

/**
 * What a contributor grants about their dataset: the released model update is (epsilon, delta)-differentially
 * private with the whole dataset as the unit of privacy, once the update is clipped to L2 norm {@code clip} (its
 * sensitivity) and noised ({@link GaussianCalibration}, {@link GaussianMechanism}).
 *
 * @param epsilon the privacy loss bound, a finite number above 0
 * @param delta   the probability with which the bound may fail, in (0, 1); well below one over the number of
 *                contributors in practice
 * @param clip    the L2 norm the update (trained minus base parameters) is clipped to, a finite number above 0
 */
public record PrivacyBudget(double epsilon, double delta, double clip) {

    /** Checks the budget; {@link IllegalArgumentException} naming the first value out of range. */
    public PrivacyBudget {
        Checks.positive("epsilon", epsilon);
        Checks.delta(delta);
        Checks.positive("clip", clip);
    }
}
