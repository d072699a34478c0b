package io.cotrain.testing;

/**
 * How large a benchmark runs: small in CI, which checks that it still works and that its figures stay sane, and at
 * the size docs/benchmarks.md records with {@code -Dbenchmark.full=true}.
 */
public final class BenchmarkSize {
    /** The system property (a Maven {@code -D} on the command line) that asks for the recorded size. */
    public static final String FULL = "benchmark.full";

    private BenchmarkSize() {}

    /** @return whether the benchmark runs at the size docs/benchmarks.md records */
    public static boolean full() {
        return Boolean.getBoolean(FULL);
    }

    /**
     * @param full the size the recorded figures were measured at
     * @param ci the size CI runs
     * @return {@code full} when asked for, else {@code ci}
     */
    public static int of(int full, int ci) {
        return full() ? full : ci;
    }
}
