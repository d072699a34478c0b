package io.cotrain.oracle.evaluation.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GaussianCalibrationTest {

    private static double spent(double noiseMultiplier, double delta, double q, int steps) {
        return new RdpAccountant().add(q, noiseMultiplier, steps).epsilon(delta);
    }

    /**
     * The exact delta at epsilon of the Gaussian mechanism of sensitivity 1 and noise {@code sigma} (Balle and Wang
     * 2018, "Improving the Gaussian Mechanism for Differential Privacy", theorem 8; the bound TF's
     * rdp_accountant_test compares against): {@code Phi(1/(2 sigma) - eps sigma) - e^eps Phi(-1/(2 sigma) - eps
     * sigma)}.
     */
    private static double exactGaussianDelta(double epsilon, double sigma) {
        double a = 1 / (2 * sigma) - epsilon * sigma;
        double b = -1 / (2 * sigma) - epsilon * sigma;
        return Math.exp(logPhi(a)) - Math.exp(epsilon + logPhi(b));
    }

    private static double logPhi(double x) {
        return LogErfc.of(-x / Math.sqrt(2)) - Math.log(2);
    }

    @Test
    void noiseMultiplierMatchesOpacus() {
        // Opacus accountants_test: test_get_noise_multiplier_rdp_epochs (epsilon 8, delta 1e-5, sample rate 0.04,
        // 90 epochs = 2250 steps) gives 1.416 and test_get_noise_multiplier_rdp_steps (2000 steps) 1.3562, to 4 places.
        // Opacus stops once its epsilon is within 0.01 of the target, so its multiplier lies a little above the
        // smallest one; ours is the smallest to 1e-4, rounded up: at most Opacus's, and close to it.
        double epochs = GaussianCalibration.noiseMultiplier(8, 1e-5, 0.04, 2250);
        assertThat(epochs).isBetween(1.416 - 1e-3, 1.416 + 5e-5);
        assertThat(spent(epochs, 1e-5, 0.04, 2250)).isLessThanOrEqualTo(8);
        double steps = GaussianCalibration.noiseMultiplier(8, 1e-5, 0.04, 2000);
        assertThat(steps).isBetween(1.3562 - 1e-3, 1.3562 + 5e-5);
        assertThat(spent(steps, 1e-5, 0.04, 2000)).isLessThanOrEqualTo(8);
    }

    @Test
    void singleReleaseNoiseMatchesTensorFlowPrivacy() {
        // TF rdp_accountant_test: noise 4.530877117 gives exactly (1, 1e-6)-DP over a fine grid of orders; the
        // default orders are coarser, so the smallest multiplier over them is that or a hair above
        double sigma = GaussianCalibration.noiseMultiplier(1, 1e-6, 1);
        assertThat(sigma).isBetween(4.530877117, 4.530877117 * (1 + 2 * GaussianCalibration.RELATIVE_PRECISION));
    }

    @Test
    void calibratedNoiseIsTheSmallestRoundedUp() {
        Random random = new Random(5);
        for (int trial = 0; trial < 40; trial++) {
            double epsilon = 0.1 + 20 * random.nextDouble();
            double delta = Math.pow(10, -3 - 7 * random.nextDouble());
            int releases = 1 + random.nextInt(10);
            double sigma = GaussianCalibration.noiseMultiplier(epsilon, delta, releases);
            String setting = "epsilon=" + epsilon + " delta=" + delta + " releases=" + releases;
            assertThat(spent(sigma, delta, 1, releases)).as(setting).isLessThanOrEqualTo(epsilon);
            assertThat(spent(sigma * (1 - GaussianCalibration.RELATIVE_PRECISION), delta, 1, releases))
                    .as("a hair less noise overspends, " + setting)
                    .isGreaterThan(epsilon);
        }
    }

    @Test
    void calibratedNoiseIsSoundByTheExactGaussianBound() {
        for (double epsilon : new double[] {0.5, 1, 2, 4, 8, 16}) {
            for (double delta : new double[] {1e-3, 1e-5, 1e-7, 1e-9}) {
                for (int releases : new int[] {1, 4}) {
                    NoiseCalibration calibration =
                            GaussianCalibration.calibrate(new PrivacyBudget(epsilon, delta, 1), releases);
                    // k releases of noise sigma on all of the data: one Gaussian of noise sigma / sqrt(k)
                    double effective = calibration.noiseMultiplier() / Math.sqrt(releases);
                    assertThat(exactGaussianDelta(calibration.spentEpsilon(), effective))
                            .as("epsilon=%s delta=%s releases=%d", epsilon, delta, releases)
                            .isLessThanOrEqualTo(delta);
                }
            }
        }
    }

    @Test
    void releasesOnAllTheDataComposeLikeOneWithLessNoise() {
        // RDP of k Gaussian releases of noise sigma is that of one of noise sigma / sqrt(k)
        double one = GaussianCalibration.noiseMultiplier(2, 1e-5, 1);
        for (int releases : new int[] {2, 5, 16}) {
            assertThat(GaussianCalibration.noiseMultiplier(2, 1e-5, releases))
                    .isCloseTo(
                            one * Math.sqrt(releases),
                            within(3 * GaussianCalibration.RELATIVE_PRECISION * one * Math.sqrt(releases)));
        }
    }

    @Test
    void calibrateReportsWhatTheManifestStates() {
        PrivacyBudget budget = new PrivacyBudget(2, 1e-5, 0.5);
        NoiseCalibration calibration = GaussianCalibration.calibrate(budget, 3);

        assertThat(calibration.noiseMultiplier()).isEqualTo(GaussianCalibration.noiseMultiplier(2, 1e-5, 3));
        assertThat(calibration.spentEpsilon())
                .isEqualTo(spent(calibration.noiseMultiplier(), 1e-5, 1, 3))
                .isLessThanOrEqualTo(2)
                .isGreaterThan(2 * 0.999);
        assertThat(calibration.delta()).isEqualTo(1e-5);
        assertThat(calibration.clip()).isEqualTo(0.5);
        assertThat(calibration.releases()).isEqualTo(3);
        assertThat(calibration.noiseStandardDeviation()).isEqualTo(calibration.noiseMultiplier() * 0.5);
        assertThat(GaussianCalibration.calibrate(budget).releases()).isEqualTo(1);
    }

    @Test
    void badArgumentsAreRefusedByName() {
        for (double epsilon : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> GaussianCalibration.noiseMultiplier(epsilon, 1e-5, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("epsilon must be a finite number above 0, got " + epsilon);
        }
        for (double delta : new double[] {0, 1, -1e-5, Double.NaN}) {
            assertThatThrownBy(() -> GaussianCalibration.noiseMultiplier(1, delta, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("delta must be in (0, 1), got " + delta);
        }
        assertThatThrownBy(() -> GaussianCalibration.noiseMultiplier(1, 1e-5, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("releases must be at least 1, got 0");
        assertThatThrownBy(() -> GaussianCalibration.noiseMultiplier(1, 1e-5, 0.0, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("q (sampling probability) must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> GaussianCalibration.noiseMultiplier(0.1, 1e-5, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("epsilon 0.1 is out of reach at delta 1.0E-5: the RDP conversion over the default orders"
                        + " gives at least 0.10287 whatever the noise");
        double justAboveTheFloor = new RdpAccountant().epsilon(1e-5) + 1e-12;
        assertThatThrownBy(() -> GaussianCalibration.noiseMultiplier(justAboveTheFloor, 1e-5, 0.5, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("epsilon " + justAboveTheFloor + " at delta 1.0E-5 over 3 release(s) with q = 0.5 needs a"
                        + " noise multiplier above 1000000.0");
        assertThatThrownBy(() -> new PrivacyBudget(1, 1e-5, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clip must be a finite number above 0, got 0.0");
        assertThatThrownBy(() -> new PrivacyBudget(1, 1e-5, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clip must be a finite number above 0, got Infinity");
        assertThatThrownBy(() -> new PrivacyBudget(-2, 1e-5, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("epsilon must be a finite number above 0, got -2.0");
        assertThatThrownBy(() -> new PrivacyBudget(1, 2, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delta must be in (0, 1), got 2.0");
        assertThatThrownBy(() -> GaussianCalibration.calibrate(new PrivacyBudget(1, 1e-5, 1), -3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("releases must be at least 1, got -3");
        assertThatThrownBy(() -> new NoiseCalibration(0, 1, 1e-5, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("noiseMultiplier must be a finite number above 0, got 0.0");
    }
}
