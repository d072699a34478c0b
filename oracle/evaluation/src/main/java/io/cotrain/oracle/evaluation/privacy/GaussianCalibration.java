package io.cotrain.oracle.evaluation.privacy;

import java.util.Locale;

/**
 * The smallest Gaussian noise that keeps releases within an (epsilon, delta) budget by the {@link RdpAccountant}.
 *
 * <p>The noise multiplier is found by doubling, then bisection, to a relative precision of
 * {@value #RELATIVE_PRECISION}. The search only ever returns a multiplier whose spent epsilon it has computed to be at
 * most the target, so the result rounds up: it may exceed the exact smallest multiplier by that relative precision,
 * never fall below it.
 *
 * <p>The conversion from RDP to (epsilon, delta) has a floor: with no release at all it still gives
 * {@code min over alpha of log((alpha - 1) / alpha) - (log(delta) + log(alpha)) / (alpha - 1)}, about 0.103 at
 * {@code delta = 1e-5} over the default orders (largest 63). A smaller epsilon cannot be certified at any noise and is
 * refused up front.
 */
public final class GaussianCalibration {

    /** Relative width of the final bracket around the smallest noise multiplier. */
    public static final double RELATIVE_PRECISION = 1e-4;
    /** Largest noise multiplier tried; a budget that needs more is refused. */
    public static final double MAX_NOISE_MULTIPLIER = 1e6;

    private GaussianCalibration() {}

    /** {@link #calibrate(PrivacyBudget, int)} for a single release. */
    public static NoiseCalibration calibrate(PrivacyBudget budget) {
        return calibrate(budget, 1);
    }

    /**
     * The noise for {@code releases} updates of the same dataset, each on all of it ({@code q = 1}) with sensitivity
     * {@code budget.clip()}, together within the budget.
     *
     * @throws IllegalArgumentException when releases is below 1, or the budget needs a noise multiplier above
     *                                  {@value #MAX_NOISE_MULTIPLIER}
     */
    public static NoiseCalibration calibrate(PrivacyBudget budget, int releases) {
        double noiseMultiplier = noiseMultiplier(budget.epsilon(), budget.delta(), releases);
        double spent = new RdpAccountant().add(1, noiseMultiplier, releases).epsilon(budget.delta());
        return new NoiseCalibration(noiseMultiplier, spent, budget.delta(), budget.clip(), releases);
    }

    /**
     * The smallest noise multiplier for {@code releases} releases each computed on the whole dataset ({@code q = 1}),
     * as {@link #noiseMultiplier(double, double, double, int)}.
     *
     * @throws IllegalArgumentException when an argument is out of range, or the budget needs a noise multiplier above
     *                                  {@value #MAX_NOISE_MULTIPLIER}
     */
    public static double noiseMultiplier(double epsilon, double delta, int releases) {
        return noiseMultiplier(epsilon, delta, 1, Checks.count("releases", releases));
    }

    /**
     * The smallest noise multiplier (to {@value #RELATIVE_PRECISION}, rounded up) such that {@code steps} releases of
     * the sampled Gaussian mechanism with sampling probability {@code q} spend at most {@code epsilon} at
     * {@code delta}, over the {@linkplain RdpAccountant#defaultOrders default orders}.
     *
     * @param epsilon target epsilon, a finite number above 0
     * @param delta   target delta, in (0, 1)
     * @param q       sampling probability, in (0, 1]; 1 for a release computed on the whole dataset
     * @param steps   number of releases, at least 1
     * @throws IllegalArgumentException when an argument is out of range, epsilon is not above the conversion's floor
     *                                  at delta, or the budget needs a noise multiplier above
     *                                  {@value #MAX_NOISE_MULTIPLIER}
     */
    public static double noiseMultiplier(double epsilon, double delta, double q, int steps) {
        Checks.positive("epsilon", epsilon);
        Checks.delta(delta);
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("q (sampling probability) must be in (0, 1], got " + q);
        }
        Checks.count("steps", steps);
        double floor = new RdpAccountant().epsilon(delta);
        if (epsilon <= floor) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "epsilon %s is out of reach at delta %s: the RDP conversion over the default orders gives at"
                            + " least %.5f whatever the noise",
                    epsilon,
                    delta,
                    floor));
        }
        double low = 0;
        double high = 1;
        while (spent(high, delta, q, steps) > epsilon) {
            low = high;
            high *= 2;
            if (high > MAX_NOISE_MULTIPLIER) {
                throw new IllegalArgumentException("epsilon " + epsilon + " at delta " + delta + " over " + steps
                        + " release(s) with q = " + q + " needs a noise multiplier above " + MAX_NOISE_MULTIPLIER);
            }
        }
        while (high - low > RELATIVE_PRECISION * high) {
            double middle = (low + high) / 2;
            if (spent(middle, delta, q, steps) <= epsilon) {
                high = middle;
            } else {
                low = middle;
            }
        }
        return high;
    }

    private static double spent(double noiseMultiplier, double delta, double q, int steps) {
        return new RdpAccountant().add(q, noiseMultiplier, steps).epsilon(delta);
    }
}
