package io.cotrain.oracle.evaluation.privacy;

/**
 * Privacy accounting of the sampled Gaussian mechanism with Renyi differential privacy (RDP, the "moments
 * accountant"): a release adds Gaussian noise of standard deviation {@code noiseMultiplier * sensitivity} to a query
 * of L2 sensitivity {@code sensitivity}, run on a Poisson sample of the data taken with probability {@code q}
 * ({@code q = 1}: on all of it, as Cotrain's one clipped model update per contributor is).
 *
 * <p>The RDP of one release at order {@code alpha} is that of Mironov, Talwar and Zhang, "Renyi Differential Privacy
 * of the Sampled Gaussian Mechanism" (2019), section 3.3, computed as TensorFlow Privacy's {@code rdp_accountant.py}
 * and Opacus's {@code opacus/accountants/analysis/rdp.py} do: a finite binomial sum for integer orders, two
 * half-line series with the complementary error function for fractional ones, both in log space; 0 when
 * {@code q = 0}, {@code alpha / (2 sigma^2)} when {@code q = 1}, infinite when {@code sigma = 0}. Two details differ
 * from Opacus, both in the direction of accuracy: {@code log(1 - q)} is taken as {@code log1p(-q)}, and a result a
 * rounding error below 0 (very large noise) is reported as 0.
 *
 * <p>Releases compose by adding their RDP order by order. The (epsilon, delta) guarantee is the conversion of Balle
 * et al., "Hypothesis Testing Interpretations and Renyi Differential Privacy" (2020, theorem 21), minimized over the
 * orders, as Opacus's {@code get_privacy_spent}: {@code epsilon = rdp - (log(delta) + log(alpha)) / (alpha - 1) +
 * log((alpha - 1) / alpha)}, reported as 0 when that is negative (as TensorFlow Privacy does).
 *
 * <p>Immutable and thread-safe: {@link #add} returns a new accountant holding the sum.
 */
public final class RdpAccountant {

    private static final double[] DEFAULT_ORDERS = buildDefaultOrders();
    /** The fractional-order series stops once both of its terms fall below {@code exp(-30)}, as in the references. */
    private static final double SERIES_CUTOFF = -30;

    private static final double LOG_HALF = Math.log(0.5);
    private static final double SQRT_2 = Math.sqrt(2);

    private final double[] orders;
    private final double[] rdp;

    /** An accountant of no release yet over the {@linkplain #defaultOrders default orders}. */
    public RdpAccountant() {
        this(DEFAULT_ORDERS, new double[DEFAULT_ORDERS.length]);
    }

    /**
     * An accountant of no release yet over other Renyi orders.
     *
     * @param orders the orders, each above 1 (positive infinity allowed)
     * @throws IllegalArgumentException when there is no order or one is not above 1
     */
    public RdpAccountant(double... orders) {
        this(checkOrders(orders), new double[orders.length]);
    }

    private RdpAccountant(double[] orders, double[] rdp) {
        this.orders = orders;
        this.rdp = rdp;
    }

    /**
     * The orders Opacus's {@code RDPAccountant} uses by default: 1.1, 1.2, ..., 10.9 ({@code 1 + x / 10} for x in 1 to
     * 99), then 12, 13, ..., 63.
     */
    public static double[] defaultOrders() {
        return DEFAULT_ORDERS.clone();
    }

    /**
     * This accountant's releases and {@code steps} more of the sampled Gaussian mechanism.
     *
     * @param q               sampling probability, in [0, 1]
     * @param noiseMultiplier ratio of the noise's standard deviation to the query's L2 sensitivity, at least 0
     * @param steps           number of such releases, at least 1
     * @return a new accountant; this one is unchanged
     */
    public RdpAccountant add(double q, double noiseMultiplier, int steps) {
        double[] added = computeRdp(q, noiseMultiplier, steps, orders);
        double[] sum = new double[orders.length];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = rdp[i] + added[i];
        }
        return new RdpAccountant(orders, sum);
    }

    /** The Renyi orders this accountant tracks. */
    public double[] orders() {
        return orders.clone();
    }

    /** The RDP spent so far at each of {@link #orders()}. */
    public double[] rdp() {
        return rdp.clone();
    }

    /**
     * The (epsilon, delta) guarantee of every release so far at this delta, and the order that gave it.
     *
     * @throws IllegalArgumentException when delta is not in (0, 1)
     */
    public PrivacySpent privacySpent(double delta) {
        return privacySpent(orders, rdp, delta);
    }

    /**
     * The epsilon of every release so far at this delta ({@link #privacySpent(double)}).
     *
     * @throws IllegalArgumentException when delta is not in (0, 1)
     */
    public double epsilon(double delta) {
        return privacySpent(delta).epsilon();
    }

    /**
     * The RDP at one order of one release of the sampled Gaussian mechanism (Opacus's {@code _compute_rdp}).
     *
     * @param q               sampling probability, in [0, 1]
     * @param noiseMultiplier ratio of the noise's standard deviation to the L2 sensitivity, at least 0
     * @param order           Renyi order, above 1 (positive infinity allowed)
     * @return the RDP, possibly positive infinity
     */
    public static double computeRdp(double q, double noiseMultiplier, double order) {
        checkMechanism(q, noiseMultiplier);
        return rdpOfOrder(q, noiseMultiplier, checkOrder(order));
    }

    /**
     * The RDP at each order of {@code steps} releases of the sampled Gaussian mechanism (Opacus's
     * {@code compute_rdp}).
     *
     * @param q               sampling probability, in [0, 1]
     * @param noiseMultiplier ratio of the noise's standard deviation to the L2 sensitivity, at least 0
     * @param steps           number of releases, at least 1
     * @param orders          Renyi orders, each above 1 (positive infinity allowed)
     * @return the RDP at each order, possibly positive infinity
     */
    public static double[] computeRdp(double q, double noiseMultiplier, int steps, double[] orders) {
        checkMechanism(q, noiseMultiplier);
        Checks.count("steps", steps);
        double[] checked = checkOrders(orders);
        double[] rdp = new double[checked.length];
        for (int i = 0; i < rdp.length; i++) {
            rdp[i] = rdpOfOrder(q, noiseMultiplier, checked[i]) * steps;
        }
        return rdp;
    }

    /**
     * The (epsilon, delta) guarantee of RDP given at several orders (Opacus's {@code get_privacy_spent}): the smallest
     * epsilon of the conversion over the orders, the first order in case of a tie; an order where the conversion is
     * undefined (an infinite order) is skipped; positive infinity and NaN order when every order is undefined.
     *
     * @param orders Renyi orders, each above 1 (positive infinity allowed)
     * @param rdp    the RDP at each order, at least 0 (positive infinity allowed)
     * @param delta  target delta, in (0, 1)
     * @throws IllegalArgumentException when the arrays differ in length or a value is out of range
     */
    public static PrivacySpent privacySpent(double[] orders, double[] rdp, double delta) {
        double[] checked = checkOrders(orders);
        if (rdp.length != checked.length) {
            throw new IllegalArgumentException(
                    "there are " + checked.length + " orders but " + rdp.length + " RDP values");
        }
        Checks.delta(delta);
        double logDelta = Math.log(delta);
        double best = Double.NaN;
        double bestOrder = Double.NaN;
        for (int i = 0; i < checked.length; i++) {
            if (!(rdp[i] >= 0)) {
                throw new IllegalArgumentException("RDP must be at least 0, got " + rdp[i] + " at order " + checked[i]);
            }
            double alpha = checked[i];
            double epsilon = rdp[i] - (logDelta + Math.log(alpha)) / (alpha - 1) + Math.log1p(-1 / alpha);
            if (!Double.isNaN(epsilon) && (Double.isNaN(best) || epsilon < best)) {
                best = epsilon;
                bestOrder = alpha;
            }
        }
        return Double.isNaN(best)
                ? new PrivacySpent(Double.POSITIVE_INFINITY, Double.NaN)
                : new PrivacySpent(Math.max(0, best), bestOrder);
    }

    /** RDP at one order, arguments checked (Opacus's {@code _compute_rdp}). */
    private static double rdpOfOrder(double q, double sigma, double alpha) {
        if (q == 0) {
            return 0;
        }
        if (sigma == 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (q == 1) {
            return alpha / (2 * sigma * sigma);
        }
        if (Double.isInfinite(alpha)) {
            return Double.POSITIVE_INFINITY;
        }
        // RDP is never negative; with very large noise the series can end a rounding error below 0 (-1e-13)
        return Math.max(0, logA(q, sigma, alpha) / (alpha - 1));
    }

    /** {@code log(A_alpha)} of Mironov et al. section 3.3, for {@code 0 < q < 1}, {@code sigma > 0}, finite alpha. */
    static double logA(double q, double sigma, double alpha) {
        return alpha == Math.rint(alpha) ? logAOfIntegerOrder(q, sigma, alpha) : logAOfFractionalOrder(q, sigma, alpha);
    }

    /** {@code log(sum_i binom(alpha, i) q^i (1-q)^(alpha-i) exp((i^2 - i) / (2 sigma^2)))}, i from 0 to alpha. */
    private static double logAOfIntegerOrder(double q, double sigma, double alpha) {
        double logQ = Math.log(q);
        double logOneMinusQ = Math.log1p(-q);
        double twoVariance = 2 * sigma * sigma;
        double logA = Double.NEGATIVE_INFINITY;
        double logBinomial = 0;
        for (double i = 0; i <= alpha; i++) {
            if (i > 0) {
                logBinomial += Math.log(alpha - i + 1) - Math.log(i);
            }
            double logTerm = logBinomial + i * logQ + (alpha - i) * logOneMinusQ + i * (i - 1) / twoVariance;
            logA = logAdd(logA, logTerm);
        }
        return logA;
    }

    /**
     * {@code log(A_alpha)} for a fractional order: the integrals over {@code (-inf, z0]} and {@code [z0, +inf)}
     * expanded in generalized binomial series, summed term by term until both terms fall below {@code exp(-30)}.
     */
    private static double logAOfFractionalOrder(double q, double sigma, double alpha) {
        double logQ = Math.log(q);
        double logOneMinusQ = Math.log1p(-q);
        double twoVariance = 2 * sigma * sigma;
        double erfcScale = SQRT_2 * sigma;
        double z0 = sigma * sigma * (logOneMinusQ - logQ) + 0.5;
        double logA0 = Double.NEGATIVE_INFINITY;
        double logA1 = Double.NEGATIVE_INFINITY;
        double logCoefficient = 0; // log|binom(alpha, i)|, binom(alpha, 0) = 1
        boolean positive = true; // the sign of binom(alpha, i)
        for (double i = 0; ; i++) {
            if (i > 0) {
                double ratio = (alpha - i + 1) / i;
                logCoefficient += Math.log(Math.abs(ratio));
                positive ^= ratio < 0;
            }
            double j = alpha - i;
            double logT0 = logCoefficient + i * logQ + j * logOneMinusQ;
            double logT1 = logCoefficient + j * logQ + i * logOneMinusQ;
            double logE0 = LOG_HALF + LogErfc.of((i - z0) / erfcScale);
            double logE1 = LOG_HALF + LogErfc.of((z0 - j) / erfcScale);
            double logS0 = logT0 + i * (i - 1) / twoVariance + logE0;
            double logS1 = logT1 + j * (j - 1) / twoVariance + logE1;
            if (positive) {
                logA0 = logAdd(logA0, logS0);
                logA1 = logAdd(logA1, logS1);
            } else {
                logA0 = logSubtract(logA0, logS0);
                logA1 = logSubtract(logA1, logS1);
            }
            if (Math.max(logS0, logS1) < SERIES_CUTOFF) {
                return logAdd(logA0, logA1);
            }
        }
    }

    /** {@code log(exp(logX) + exp(logY))}. */
    static double logAdd(double logX, double logY) {
        double low = Math.min(logX, logY);
        double high = Math.max(logX, logY);
        if (low == Double.NEGATIVE_INFINITY) {
            return high;
        }
        return Math.log1p(Math.exp(low - high)) + high;
    }

    /** {@code log(exp(logX) - exp(logY))}, for {@code logX >= logY}. */
    static double logSubtract(double logX, double logY) {
        if (logX < logY) {
            throw new ArithmeticException("log-space subtraction of " + logY + " from " + logX + " is negative");
        }
        if (logY == Double.NEGATIVE_INFINITY) {
            return logX;
        }
        if (logX == logY) {
            return Double.NEGATIVE_INFINITY;
        }
        return logX + Math.log(-Math.expm1(logY - logX));
    }

    private static void checkMechanism(double q, double noiseMultiplier) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q (sampling probability) must be in [0, 1], got " + q);
        }
        Checks.nonNegative("noiseMultiplier", noiseMultiplier);
    }

    private static double checkOrder(double order) {
        if (!(order > 1)) {
            throw new IllegalArgumentException("a Renyi order must be above 1, got " + order);
        }
        return order;
    }

    private static double[] checkOrders(double[] orders) {
        if (orders.length == 0) {
            throw new IllegalArgumentException("at least one Renyi order is needed");
        }
        double[] copy = orders.clone();
        for (double order : copy) {
            checkOrder(order);
        }
        return copy;
    }

    private static double[] buildDefaultOrders() {
        double[] orders = new double[99 + 52];
        for (int x = 1; x <= 99; x++) {
            orders[x - 1] = 1 + x / 10.0;
        }
        for (int order = 12; order <= 63; order++) {
            orders[order - 12 + 99] = order;
        }
        return orders;
    }
}
