package io.cotrain.oracle.aggregation;

import static io.cotrain.oracle.aggregation.Fixtures.bits;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Benchmark of aggregation throughput: every rule on 10 updates of 1M and 10M parameters, sequential and on a pool of
 * one thread per core, beside the machine's memory bandwidth measured in the same run by STREAM-like copy and triad
 * loops over float arrays as large as the rules' input (10 x n floats).
 *
 * <p>What is counted: a rule's time is one {@code aggregate} call (sorting the updates by id, the checks, the
 * arithmetic, allocating the result). Throughput is given as model parameters per second (n / t), and as effective
 * GB/s of input read (10 x n x 4 bytes / t; the n x 4 bytes written are not counted), and as a percentage of the
 * bandwidth reference. Copy ({@code a[i] = b[i]}) counts 8 bytes per element (4 read, 4 written), triad
 * ({@code a[i] = b[i] + s * c[i]}) 12, as STREAM does (the write-allocate reads of the destination are not counted).
 * The reference is the highest median of copy and triad, on one thread or all. Each repetition runs every measure
 * once, in turn, so noise from other work on the machine spreads over all of them; best and median are reported.
 *
 * <p>Prints figures for docs/benchmarks.md; asserts only that parallel results equal sequential ones, never a time.
 */
class AggregationThroughputBenchmarkIT {
    private static final int UPDATES = 10;
    private static final int[] SIZES = {1_000_000, 10_000_000};
    private static final int REPETITIONS_1M = 15;
    private static final int REPETITIONS_10M = 9;
    private static final float TRIAD_SCALAR = 3f;

    @Test
    void parametersAggregatedPerSecond() throws IOException {
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf(
                "%naggregation throughput: %d updates; %d cores (availableProcessors), %s; %s %s%n",
                UPDATES,
                threads,
                cpuModel(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"));
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            Parallelism sequential = Parallelism.sequential();
            Parallelism parallel = Parallelism.on(pool);
            warmUp(sequential, parallel);
            for (int n : SIZES) measure(n, n < 5_000_000 ? REPETITIONS_1M : REPETITIONS_10M, sequential, parallel);
        } finally {
            pool.shutdown();
        }
    }

    private static Map<String, Function<Parallelism, AggregationRule>> rules() {
        Map<String, Function<Parallelism, AggregationRule>> rules = new LinkedHashMap<>();
        rules.put("fedavg", FedAvg::new);
        rules.put("median", CoordinateMedian::new);
        rules.put("trimmed-mean(trim=0.2)", p -> new TrimmedMean(0.2, p));
        rules.put("krum(f=2)", p -> new Krum(2, p));
        rules.put("multi-krum(f=2, m=5)", p -> new MultiKrum(2, 5, p));
        return rules;
    }

    /** Enough calls on a small input that the JIT compiles every loop before anything is timed. */
    private static void warmUp(Parallelism sequential, Parallelism parallel) {
        List<ModelUpdate> updates = updates(100_000);
        float[] a = new float[UPDATES * 100_000], b = new float[a.length], c = new float[a.length];
        for (int round = 0; round < 30; round++) {
            for (Parallelism p : List.of(sequential, parallel)) {
                copy(p, a, b);
                triad(p, a, b, c);
                for (var rule : rules().values()) rule.apply(p).aggregate(updates);
            }
        }
    }

    private void measure(int n, int repetitions, Parallelism sequential, Parallelism parallel) {
        List<ModelUpdate> updates = updates(n);
        float[] a = new float[UPDATES * n], b = random(-1, a.length), c = random(-2, a.length);
        Map<String, Runnable> measures = new LinkedHashMap<>();
        measures.put("copy, 1 thread", () -> copy(sequential, a, b));
        measures.put("copy, " + parallel.threads() + " threads", () -> copy(parallel, a, b));
        measures.put("triad, 1 thread", () -> triad(sequential, a, b, c));
        measures.put("triad, " + parallel.threads() + " threads", () -> triad(parallel, a, b, c));
        for (var rule : rules().entrySet()) {
            AggregationRule one = rule.getValue().apply(sequential),
                    all = rule.getValue().apply(parallel);
            assertThat(bits(all.aggregate(updates))).as(rule.getKey()).isEqualTo(bits(one.aggregate(updates)));
            measures.put(rule.getKey() + ", 1 thread", () -> one.aggregate(updates));
            measures.put(rule.getKey() + ", " + parallel.threads() + " threads", () -> all.aggregate(updates));
        }
        Map<String, long[]> nanos = new LinkedHashMap<>();
        measures.forEach((name, run) -> nanos.put(name, new long[repetitions]));
        measures.values().forEach(Runnable::run);
        for (int r = 0; r < repetitions; r++) {
            for (var measure : measures.entrySet()) {
                long start = System.nanoTime();
                measure.getValue().run();
                nanos.get(measure.getKey())[r] = System.nanoTime() - start;
            }
        }

        double inputBytes = (double) UPDATES * n * Float.BYTES;
        double reference = 0;
        System.out.printf(
                "%n%d updates x %,d parameters (%.0f MB of input), best and median of %d:%n",
                UPDATES, n, inputBytes / 1e6, repetitions);
        System.out.printf(
                "  %-34s %9s %9s %12s %10s %10s %8s%n",
                "measure", "best ms", "median ms", "Mparams/s", "GB/s best", "GB/s med", "% of bw");
        for (var measure : nanos.entrySet()) {
            if (!measure.getKey().startsWith("copy") && !measure.getKey().startsWith("triad")) continue;
            double bytes = (measure.getKey().startsWith("copy") ? 8.0 : 12.0) * a.length;
            double best = best(measure.getValue()), median = median(measure.getValue());
            reference = Math.max(reference, bytes / median);
            System.out.printf(
                    "  %-34s %9.1f %9.1f %12s %10.1f %10.1f %8s%n",
                    measure.getKey(), best / 1e6, median / 1e6, "", bytes / best, bytes / median, "");
        }
        for (var measure : nanos.entrySet()) {
            if (measure.getKey().startsWith("copy") || measure.getKey().startsWith("triad")) continue;
            double best = best(measure.getValue()), median = median(measure.getValue());
            System.out.printf(
                    "  %-34s %9.1f %9.1f %12.0f %10.1f %10.1f %7.0f%%%n",
                    measure.getKey(),
                    best / 1e6,
                    median / 1e6,
                    n / (median / 1e3),
                    inputBytes / best,
                    inputBytes / median,
                    100 * inputBytes / median / reference);
        }
        System.out.printf(
                "  (bandwidth reference: %.1f GB/s, the highest median of copy and triad; Mparams/s and %%"
                        + " from medians)%n",
                reference);
    }

    private static void copy(Parallelism parallelism, float[] to, float[] from) {
        parallelism.forEachRange(to.length, (start, end) -> {
            for (int i = start; i < end; i++) to[i] = from[i];
        });
    }

    private static void triad(Parallelism parallelism, float[] a, float[] b, float[] c) {
        parallelism.forEachRange(a.length, (start, end) -> {
            for (int i = start; i < end; i++) a[i] = b[i] + TRIAD_SCALAR * c[i];
        });
    }

    private static List<ModelUpdate> updates(int n) {
        List<ModelUpdate> updates = new ArrayList<>();
        for (int i = 0; i < UPDATES; i++) {
            updates.add(new ModelUpdate(1000 + 7L * i, random(i, n), 1_000 + 37L * i, 40 + 5 * i));
        }
        return updates;
    }

    /** Values in [-1, 1) from the seed. */
    private static float[] random(long seed, int length) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float) (2 * random.nextDouble() - 1);
        return values;
    }

    private static double best(long[] nanos) {
        return Arrays.stream(nanos).min().orElseThrow();
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String cpuModel() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) return System.getProperty("os.arch");
        return Files.readAllLines(cpuinfo).stream()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst()
                .orElse(System.getProperty("os.arch"));
    }
}
