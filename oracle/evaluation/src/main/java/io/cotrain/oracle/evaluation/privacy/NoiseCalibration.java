package io.cotrain.oracle.evaluation.privacy;

/**
 * The noise chosen for a {@link PrivacyBudget} ({@link GaussianCalibration#calibrate}), what a contributor's release
 * states: each parameter of the clipped update gets Gaussian noise of standard deviation
 * {@code noiseMultiplier * clip}.
 *
 * @param noiseMultiplier ratio of the noise's standard deviation to the clip norm, above 0
 * @param spentEpsilon    the epsilon the RDP accountant gives for these releases at {@code delta}, at most the
 *                        budget's
 * @param delta           the budget's delta, in (0, 1)
 * @param clip            the L2 norm the update is clipped to, above 0
 * @param releases        how many updates of the same dataset the budget covers, at least 1
 */
public record NoiseCalibration(double noiseMultiplier, double spentEpsilon, double delta, double clip, int releases) {

    /** Checks the values; {@link IllegalArgumentException} naming the first one out of range. */
    public NoiseCalibration {
        Checks.positive("noiseMultiplier", noiseMultiplier);
        Checks.nonNegative("spentEpsilon", spentEpsilon);
        Checks.delta(delta);
        Checks.positive("clip", clip);
        Checks.count("releases", releases);
    }

    /** The standard deviation of the noise added to each parameter: {@code noiseMultiplier * clip}. */
    public double noiseStandardDeviation() {
        return noiseMultiplier * clip;
    }
}
