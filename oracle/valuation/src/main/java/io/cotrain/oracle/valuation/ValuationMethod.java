package io.cotrain.oracle.valuation;

/**
 * How a round's players are valued. {@link #SHAPLEY} is what validators use; the others are kept because the
 * adversarial economics benchmark measures them side by side (docs/benchmarks.md), which is how the choice was made.
 */
public enum ValuationMethod {
    /** {@link ShapleyEstimator}: exact up to 6 players, truncated Monte Carlo within 6 evaluations per player. */
    SHAPLEY {
        @Override
        PlayerValues estimate(int players, CoalitionGame game, long seed) {
            return ShapleyEstimator.estimate(players, game, seed, ShapleyEstimator.Settings.defaults());
        }
    },
    /** {@link BanzhafEstimator} over {@code max(32, 2n)} sampled coalitions. */
    BANZHAF {
        @Override
        PlayerValues estimate(int players, CoalitionGame game, long seed) {
            return BanzhafEstimator.estimate(players, game, seed, Math.max(32, 2 * players));
        }
    },
    /** {@link LeaveOneOut}: n + 1 evaluations. */
    LEAVE_ONE_OUT {
        @Override
        PlayerValues estimate(int players, CoalitionGame game, long seed) {
            return LeaveOneOut.estimate(players, game);
        }
    };

    abstract PlayerValues estimate(int players, CoalitionGame game, long seed);
}
