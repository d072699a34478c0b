package io.cotrain.oracle.evaluation.privacy;

import io.cotrain.oracle.evaluation.TaskModel;
import java.util.Objects;
import java.util.Random;

/**
 * Releases a contributor's model update with differential privacy: the update (trained minus base parameters) is
 * clipped to L2 norm {@code clip} and each of its coordinates gets independent Gaussian noise of standard deviation
 * {@code noiseMultiplier * clip}. With the noise multiplier of {@link GaussianCalibration} the released parameters are
 * (epsilon, delta)-differentially private with respect to the whole dataset the update was trained on (the
 * sensitivity of the clipped update is {@code clip}); the base parameters are public.
 *
 * <p>Arithmetic is in double, the released parameters rounded to float at the end. The noise comes from
 * {@link Random#nextGaussian()} of the given generator, one draw per parameter in order: pass a
 * {@link java.security.SecureRandom} for a real release (a seeded {@link Random} only in tests). Like the reference
 * implementations (Opacus, TensorFlow Privacy), this samples floating-point Gaussians, which leaves the known
 * floating-point side channel of Mironov (CCS 2012) open; it does not implement a discrete or snapping mechanism.
 */
public final class GaussianMechanism {

    private GaussianMechanism() {}

    /**
     * {@code base + clip(trained - base, clip) + N(0, (noiseMultiplier * clip)^2)} per parameter.
     *
     * @param base            the public parameters the update starts from
     * @param trained         the parameters after training on the private dataset, as many as {@code base}
     * @param clip            the L2 norm bound of the update, a finite number above 0
     * @param noiseMultiplier ratio of the noise's standard deviation to {@code clip}, at least 0 (0: no privacy)
     * @param random          the source of the noise
     * @throws IllegalArgumentException when the lengths differ, a parameter is NaN or infinite, an argument is out of
     *                                  range, or a released parameter overflows float
     */
    public static PrivateUpdate release(
            float[] base, float[] trained, double clip, double noiseMultiplier, Random random) {
        if (base.length != trained.length) {
            throw new IllegalArgumentException(
                    "base has " + base.length + " parameters but trained has " + trained.length);
        }
        checkFinite("base", base);
        checkFinite("trained", trained);
        Checks.positive("clip", clip);
        Checks.nonNegative("noiseMultiplier", noiseMultiplier);
        Objects.requireNonNull(random, "random");
        double noiseStandardDeviation = Checks.nonNegative("noise standard deviation", noiseMultiplier * clip);

        double[] update = new double[base.length];
        double squares = 0;
        for (int i = 0; i < update.length; i++) {
            update[i] = (double) trained[i] - base[i];
            squares += update[i] * update[i];
        }
        double norm = Math.sqrt(squares);
        boolean clipped = norm > clip;
        double scale = clipped ? clip / norm : 1;

        float[] released = new float[base.length];
        for (int i = 0; i < released.length; i++) {
            double value = base[i] + update[i] * scale + noiseStandardDeviation * random.nextGaussian();
            released[i] = (float) value;
            if (!Float.isFinite(released[i])) {
                throw new IllegalArgumentException("released parameter " + i + " overflows float: " + value);
            }
        }
        return new PrivateUpdate(released, norm, clipped);
    }

    /**
     * {@link #release(float[], float[], double, double, Random)} on two models of one architecture: a copy of
     * {@code base} carrying the released parameters; neither model changes.
     *
     * @throws IllegalArgumentException as the array form, such as when the models differ in parameter count
     */
    public static TaskModel releaseModel(
            TaskModel base, TaskModel trained, double clip, double noiseMultiplier, Random random) {
        PrivateUpdate update = release(base.parameters(), trained.parameters(), clip, noiseMultiplier, random);
        return base.withParameters(update.parameters());
    }

    private static void checkFinite(String name, float[] parameters) {
        int bad = 0;
        for (float value : parameters) {
            if (!Float.isFinite(value)) {
                bad++;
            }
        }
        if (bad > 0) {
            throw new IllegalArgumentException(
                    name + " has NaN or infinite parameters (" + bad + " of " + parameters.length + ")");
        }
    }
}
