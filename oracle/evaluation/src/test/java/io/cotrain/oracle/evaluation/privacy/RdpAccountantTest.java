package io.cotrain.oracle.evaluation.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Random;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The accountant against the values published in the reference implementations' own tests:
 * <ul>
 *   <li>TF: tensorflow/privacy, {@code tensorflow_privacy/privacy/analysis/rdp_accountant_test.py},
 *       {@code rdp_privacy_accountant_test.py} and {@code compute_dp_sgd_privacy_test.py};</li>
 *   <li>Opacus: pytorch/opacus, {@code opacus/tests/accountants_test.py} and the example in the docstring of
 *       {@code opacus/accountants/analysis/rdp.py}.</li>
 * </ul>
 */
class RdpAccountantTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    /** The orders of TF's {@code compute_dp_sgd_privacy_lib.compute_dp_sgd_privacy}. */
    private static final double[] TF_DP_SGD_ORDERS = DoubleStream.concat(
                    DoubleStream.of(1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5),
                    DoubleStream.concat(IntStream.range(5, 64).asDoubleStream(), DoubleStream.of(128, 256, 512)))
            .toArray();

    private static double[] range(int fromInclusive, int toExclusive) {
        return IntStream.range(fromInclusive, toExclusive).asDoubleStream().toArray();
    }

    @Test
    void rdpOfSampledGaussianMatchesTensorFlowPrivacy() {
        // TF rdp_accountant_test: test_compute_rdp_no_data, _no_sampling, _scalar (places=5), _sequence (delta=1e-5)
        assertThat(RdpAccountant.computeRdp(0, 10, 1, new double[] {20})).containsExactly(0);
        assertThat(RdpAccountant.computeRdp(1, 10, 1, new double[] {20})).containsExactly(0.1);
        assertThat(RdpAccountant.computeRdp(0.1, 2, 10, new double[] {5})[0]).isCloseTo(0.07737, within(5e-6));
        double[] sequence = RdpAccountant.computeRdp(0.01, 2.5, 50, new double[] {1.5, 2.5, 5, 50, 100, INF});
        double[] expected = {0.00065, 0.001085, 0.00218075, 0.023846, 167.416307, INF};
        for (int i = 0; i < expected.length - 1; i++) {
            assertThat(sequence[i]).as("order index %d", i).isCloseTo(expected[i], within(1e-5));
        }
        assertThat(sequence[expected.length - 1]).isEqualTo(INF);
    }

    @Test
    void rdpOfPlainGaussianMatchesTensorFlowPrivacy() {
        // TF rdp_privacy_accountant_test: test_compute_rdp_gaussian, test_epsilon_non_private_gaussian, and the RDP
        // of test_zero_poisson_sample (its epsilon of 0 comes from TF's extra KL-divergence rule, which Opacus's
        // conversion, ours, does not have)
        assertThat(new RdpAccountant(3.14159).add(1, 2.71828, 1).rdp()[0])
                .isCloseTo(3.14159 / (2 * 2.71828 * 2.71828), within(1e-7));
        assertThat(new RdpAccountant(3.14159).add(0, 1, 1).rdp()).containsExactly(0);
        assertThat(new RdpAccountant(3.14159).add(1, 0, 1).epsilon(1e-1)).isEqualTo(INF);
    }

    @Test
    void logAMatchesNumericalIntegration() {
        // TF test_compute_log_a_equals_mp: its ten (q, sigma, order) cases, against log(A_alpha) integrated with
        // mpmath.quad(..., maxdegree=8) as that test does (values computed with mpmath 1.3.0), rtol 1e-4 as there
        double[][] cases = {
            {1e-7, 0.1, 1.01, 4.003415962982348e-08},
            {1e-6, 0.1, 256, 3260234.5099259755},
            {1e-5, 0.1, 256.1, 3263356.2822869574},
            {1e-6, 1, 27, 8.769502897783603e-10},
            {1e-4, 1, 1.5, 6.442687029768869e-09},
            {1e-3, 1, 2, 1.7182803521333247e-06},
            {0.01, 10, 20, 0.00019129699912815486},
            {0.1, 100, 20.5, 0.00019991818458118805},
            {0.99, 0.1, 256, 3263768.707742836},
            {0.999, 100, 256.1, 3.260108037973113},
        };
        for (double[] c : cases) {
            assertThat(RdpAccountant.logA(c[0], c[1], c[2]))
                    .as("log A for q=%s sigma=%s order=%s", c[0], c[1], c[2])
                    .isCloseTo(c[3], withinPercentage(1e-2));
        }
    }

    @Test
    void logAMatchesHighPrecisionValues() {
        // Not published values; computed with mpmath 1.3.0: for integer orders the binomial sum of Mironov et al. at
        // 50 digits, for fractional ones the integral of TF's test at 30 digits with mpmath.quad split every sigma / 4
        // over [-1, order + 2]. This pins the port far tighter than rtol 1e-4. (Opacus's own code is off by up to
        // 6e-8 relative in the small-q cases, from log(1 - q); the port takes log1p(-q).) The fractional series stops
        // at terms below exp(-30), hence the absolute 1e-12 besides the relative 1e-9.
        double[][] cases = {
            {1e-6, 0.1, 256, 3260463.22929716078},
            {1e-6, 1, 27, 8.76951130484849788e-10},
            {1e-3, 1, 2, 1.71828035221451537e-6},
            {0.01, 10, 20, 0.000191296999128429626},
            {0.99, 0.1, 256, 3263997.42711402114},
            {0.1, 2, 5, 0.0309478739591834606},
            {0.5, 0.7, 40, 1564.11084747147994},
            {1e-4, 0.4, 64, 12010.5382161935229},
            {1e-7, 0.1, 1.01, 4.0034123225263985848e-8},
            {1e-4, 1, 1.5, 6.4426869538366497255e-9},
            {0.1, 100, 20.5, 0.0001999181845806829614},
            {1e-5, 0.1, 256.1, 3263607.0397884213428},
            {0.999, 100, 256.1, 3.2601080379731126889},
        };
        for (double[] c : cases) {
            assertThat(RdpAccountant.logA(c[0], c[1], c[2]))
                    .as("log A for q=%s sigma=%s order=%s", c[0], c[1], c[2])
                    .isCloseTo(c[3], within(1e-9 * Math.abs(c[3]) + 1e-12));
        }
    }

    @Test
    void privacySpentOfConstantRdpMatchesTensorFlowPrivacy() {
        // TF test_get_privacy_spent_check_target_delta / rdp_privacy_accountant_test test_compute_epsilon_delta_pure_dp
        double[] orders = range(2, 33);
        double[] rdp = DoubleStream.generate(() -> 1.1).limit(orders.length).toArray();
        PrivacySpent spent = RdpAccountant.privacySpent(orders, rdp, 1e-5);
        assertThat(spent.epsilon()).isCloseTo(1.32783806176, within(5e-8));
        assertThat(spent.order()).isEqualTo(32);
    }

    @Test
    void privacySpentOfExactGaussianMatchesTensorFlowPrivacy() {
        // TF test_get_privacy_spent_check_target_delta (second part): noise 4.530877117 gives (1, 1e-6)-DP over the
        // orders 0.001 * i; TF starts at i = 1000 (order 1, where the conversion is undefined and skipped), we at 1001
        double[] orders =
                IntStream.range(1001, 100_000).mapToDouble(i -> 0.001 * i).toArray();
        double[] rdp = RdpAccountant.computeRdp(1, 4.530877117, 1, orders);
        assertThat(RdpAccountant.privacySpent(orders, rdp, 1e-6).epsilon()).isCloseTo(1, within(5e-8));
    }

    @Test
    void rdpAccountantMatchesOpacus() {
        // Opacus accountants_test test_rdp_accountant: noise 1.5, sample rate 0.04, int(90 / 0.04) steps, delta 1e-5
        RdpAccountant accountant = new RdpAccountant().add(0.04, 1.5, 2250);
        assertThat(accountant.epsilon(1e-5)).isCloseTo(7.32911117143, within(5e-8));
        assertThat(new RdpAccountant().add(0.04, 1.5, 1000).add(0.04, 1.5, 1250).epsilon(1e-5))
                .isCloseTo(7.32911117143, within(5e-8));
    }

    @Test
    void compositionOfTwoMechanismsMatchesOpacusDocstring() {
        // opacus/accountants/analysis/rdp.py docstring: [(1e-5, 1.0, 10), (1e-4, 3.0, 4)], orders 2..32, delta 1e-5
        // gives (0.336, 23)
        PrivacySpent spent = new RdpAccountant(range(2, 33))
                .add(1e-5, 1.0, 10)
                .add(1e-4, 3.0, 4)
                .privacySpent(1e-5);
        assertThat(spent.epsilon()).isCloseTo(0.336, within(5e-4));
        assertThat(spent.order()).isEqualTo(23);
    }

    @Test
    void compositionStaysBelowTensorFlowPrivacyBound() {
        // TF test_check_composition: still an upper bound with the improved conversion
        double[] orders = {1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 64, 256};
        RdpAccountant accountant =
                new RdpAccountant(orders).add(1e-4, 0.4, 40_000).add(0.1, 2, 100);
        assertThat(accountant.epsilon(1e-5)).isLessThanOrEqualTo(8.509656);
    }

    @Test
    void dpSgdSettingsMatchTensorFlowPrivacy() {
        // TF compute_dp_sgd_privacy_test test_compute_dp_sgd_privacy: (n, batch, noise, epochs, delta) -> (eps, order),
        // q = batch / n, steps = ceil(epochs * n / batch); the first is the MNIST-sized setting of Abadi et al. 2016
        Object[][] cases = {
            {60_000, 150, 1.3, 15, 1e-5, 0.7242234026109595, 19.0},
            {100_000, 100, 1.0, 30, 1e-7, 1.4154988495444842, 13.0},
            {100_000_000, 1024, 0.1, 10, 1e-7, 5907982.3113978775, 1.25},
        };
        for (Object[] c : cases) {
            int n = (Integer) c[0];
            int batch = (Integer) c[1];
            int epochs = (Integer) c[3];
            double q = (double) batch / n;
            int steps = (int) Math.ceil((double) epochs * n / batch);
            PrivacySpent spent = new RdpAccountant(TF_DP_SGD_ORDERS)
                    .add(q, (Double) c[2], steps)
                    .privacySpent((Double) c[4]);
            double expected = (Double) c[5];
            assertThat(spent.epsilon()).as("n=%d", n).isCloseTo(expected, within(1e-9 * expected));
            assertThat(spent.order()).as("n=%d", n).isEqualTo((Double) c[6]);
        }
    }

    @Test
    void fullBatchRdpIsTheClosedForm() {
        Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            double sigma = 0.05 + 20 * random.nextDouble();
            double order = trial % 2 == 0 ? 2 + random.nextInt(200) : 1 + 100 * random.nextDouble();
            int steps = 1 + random.nextInt(50);
            assertThat(RdpAccountant.computeRdp(1, sigma, steps, new double[] {order})[0])
                    .isCloseTo(steps * order / (2 * sigma * sigma), within(1e-12 * steps * order / (sigma * sigma)));
        }
    }

    @Test
    void fractionalOrdersJoinIntegerOrdersContinuously() {
        for (double q : new double[] {1e-4, 0.01, 0.3, 0.9}) {
            for (double sigma : new double[] {0.7, 2.5, 10}) {
                for (int order = 2; order <= 40; order++) {
                    double atInteger = RdpAccountant.computeRdp(q, sigma, order);
                    assertThat(RdpAccountant.computeRdp(q, sigma, order + 1e-7))
                            .as("q=%s sigma=%s order=%d", q, sigma, order)
                            .isCloseTo(atInteger, withinPercentage(1e-3));
                }
            }
        }
    }

    @Test
    void epsilonFallsWithNoiseAndGrowsWithStepsAndSamplingRate() {
        Random random = new Random(23);
        for (int trial = 0; trial < 60; trial++) {
            // q = 1 (Cotrain's case) or the sampling rates of DP-SGD, 1e-4 to 0.1
            double q = trial % 3 == 0 ? 1 : Math.pow(10, -1 - 3 * random.nextDouble());
            double sigma = 0.5 + 5 * random.nextDouble();
            int steps = 1 + random.nextInt(200);
            double delta = Math.pow(10, -3 - 6 * random.nextDouble());
            double epsilon = new RdpAccountant().add(q, sigma, steps).epsilon(delta);
            String setting = "q=" + q + " sigma=" + sigma + " steps=" + steps + " delta=" + delta;
            assertThat(epsilon).as(setting).isPositive().isFinite();
            assertThat(new RdpAccountant().add(q, sigma * 1.1, steps).epsilon(delta))
                    .as("more noise, " + setting)
                    .isLessThan(epsilon);
            assertThat(new RdpAccountant().add(q, sigma, steps + 1).epsilon(delta))
                    .as("one more step, " + setting)
                    .isGreaterThan(epsilon);
            assertThat(new RdpAccountant().add(q, sigma, steps).epsilon(delta / 10))
                    .as("smaller delta, " + setting)
                    .isGreaterThan(epsilon);
            if (q < 1) {
                assertThat(new RdpAccountant()
                                .add(Math.min(1, q * 1.5), sigma, steps)
                                .epsilon(delta))
                        .as("larger sampling rate, " + setting)
                        .isGreaterThan(epsilon);
            }
        }
    }

    @Test
    void addReturnsANewAccountantAndComposesByAddingRdp() {
        RdpAccountant empty = new RdpAccountant();
        RdpAccountant once = empty.add(0.1, 2, 10);
        RdpAccountant twice = once.add(1, 3, 2);

        assertThat(empty.rdp()).containsOnly(0.0);
        assertThat(empty.epsilon(1e-5))
                .as("nothing released yet: the conversion's floor, reached at the largest order, 63")
                .isCloseTo(-(Math.log(1e-5) + Math.log(63)) / 62 + Math.log(62.0 / 63), within(1e-15));
        double[] first = RdpAccountant.computeRdp(0.1, 2, 10, RdpAccountant.defaultOrders());
        double[] second = RdpAccountant.computeRdp(1, 3, 2, RdpAccountant.defaultOrders());
        assertThat(once.rdp()).containsExactly(first);
        double[] sum = IntStream.range(0, first.length)
                .mapToDouble(i -> first[i] + second[i])
                .toArray();
        assertThat(twice.rdp()).containsExactly(sum);
        assertThat(twice.epsilon(1e-5)).isGreaterThan(once.epsilon(1e-5));
    }

    @Test
    void defaultOrdersAreOpacus() {
        double[] orders = RdpAccountant.defaultOrders();
        assertThat(orders).hasSize(151);
        assertThat(orders[0]).isEqualTo(1.1);
        assertThat(orders[98]).isEqualTo(10.9);
        assertThat(orders[99]).isEqualTo(12);
        assertThat(orders[150]).isEqualTo(63);
        assertThat(new RdpAccountant().orders()).containsExactly(orders);
        orders[0] = 99;
        assertThat(RdpAccountant.defaultOrders()[0]).as("a copy").isEqualTo(1.1);
    }

    @Test
    void noNoiseMeansNoPrivacy() {
        assertThat(RdpAccountant.computeRdp(0.5, 0, 3.5)).isEqualTo(INF);
        PrivacySpent spent = new RdpAccountant().add(0.5, 0, 1).privacySpent(1e-5);
        assertThat(spent.epsilon()).isEqualTo(INF);
        PrivacySpent undefined = RdpAccountant.privacySpent(new double[] {INF}, new double[] {INF}, 1e-5);
        assertThat(undefined.epsilon()).isEqualTo(INF);
        assertThat(undefined.order()).isNaN();
    }

    @Test
    void badArgumentsAreRefusedByName() {
        assertThatThrownBy(() -> RdpAccountant.computeRdp(1.5, 1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("q (sampling probability) must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> RdpAccountant.computeRdp(Double.NaN, 1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got NaN");
        assertThatThrownBy(() -> RdpAccountant.computeRdp(0.5, -1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("noiseMultiplier must be a finite number of at least 0, got -1.0");
        assertThatThrownBy(() -> RdpAccountant.computeRdp(0.5, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a Renyi order must be above 1, got 1.0");
        assertThatThrownBy(() -> RdpAccountant.computeRdp(0.5, 1, 0, new double[] {2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("steps must be at least 1, got 0");
        assertThatThrownBy(() -> new RdpAccountant(new double[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one Renyi order");
        assertThatThrownBy(() -> new RdpAccountant().epsilon(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delta must be in (0, 1), got 0.0");
        assertThatThrownBy(() -> new RdpAccountant().epsilon(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delta must be in (0, 1), got 1.0");
        assertThatThrownBy(() -> RdpAccountant.privacySpent(new double[] {2, 3}, new double[] {1}, 1e-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 orders but 1 RDP values");
        assertThatThrownBy(() -> RdpAccountant.privacySpent(new double[] {2}, new double[] {-1}, 1e-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RDP must be at least 0, got -1.0 at order 2.0");
    }

    @Test
    void logSpaceArithmetic() {
        assertThat(RdpAccountant.logAdd(Math.log(2), Math.log(3))).isCloseTo(Math.log(5), within(1e-15));
        assertThat(RdpAccountant.logAdd(Double.NEGATIVE_INFINITY, 1.5)).isEqualTo(1.5);
        assertThat(RdpAccountant.logAdd(1000, 1000)).isCloseTo(1000 + Math.log(2), within(1e-12));
        assertThat(RdpAccountant.logSubtract(Math.log(5), Math.log(3))).isCloseTo(Math.log(2), within(1e-15));
        assertThat(RdpAccountant.logSubtract(2, Double.NEGATIVE_INFINITY)).isEqualTo(2);
        assertThat(RdpAccountant.logSubtract(2, 2)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(RdpAccountant.logSubtract(1000, -1000)).isEqualTo(1000);
        assertThatThrownBy(() -> RdpAccountant.logSubtract(1, 2)).isInstanceOf(ArithmeticException.class);
    }
}
