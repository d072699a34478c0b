package io.cotrain.oracle.aggregation;

import static io.cotrain.oracle.aggregation.Fixtures.bits;
import static io.cotrain.oracle.aggregation.Fixtures.random;
import static io.cotrain.oracle.aggregation.Fixtures.shuffled;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Threads change no bit: every rule on a pool gives what it gives on the calling thread. */
class ParallelismTest {
    private static final int TASK = Parallelism.TASK_COORDINATES;
    /** Sizes that take the parallel path and are no multiple of the block (nor of the sorting network's). */
    private static final int[] SIZES = {TASK + 1, 3 * TASK + Updates.BLOCK / 2 + 7};

    private static final List<ForkJoinPool> POOLS =
            List.of(new ForkJoinPool(2), new ForkJoinPool(3), new ForkJoinPool(4));

    @AfterAll
    static void shutDown() {
        POOLS.forEach(ForkJoinPool::shutdown);
    }

    private static final List<Function<Parallelism, AggregationRule>> RULES = List.of(
            FedAvg::new,
            CoordinateMedian::new,
            p -> new TrimmedMean(0.2, p),
            p -> new Krum(1, p),
            p -> new Krum(3, p),
            p -> new MultiKrum(1, 3, p));

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 9, 10, 13})
    void everyRuleOnAPoolEqualsTheSequentialRuleBitForBit(int n) {
        for (int d : SIZES) {
            List<ModelUpdate> updates = random(100 + n, n, d);
            for (var rule : RULES) {
                AggregationRule sequential = rule.apply(Parallelism.sequential());
                if (n < minimumUpdates(sequential)) continue;
                int[] expected = bits(sequential.aggregate(updates));
                for (ForkJoinPool pool : POOLS) {
                    AggregationRule parallel = rule.apply(Parallelism.on(pool));
                    assertThat(bits(parallel.aggregate(updates)))
                            .as("%s on %s, d=%d", parallel, pool, d)
                            .isEqualTo(expected);
                    assertThat(bits(parallel.aggregate(shuffled(updates, d))))
                            .as("%s shuffled", parallel)
                            .isEqualTo(expected);
                }
            }
        }
    }

    private static int minimumUpdates(AggregationRule rule) {
        return switch (rule) {
            case Krum krum -> 2 * krum.f() + 3;
            case MultiKrum multiKrum -> Math.max(2 * multiKrum.f() + 3, multiKrum.m() + multiKrum.f());
            default -> 1;
        };
    }

    @Test
    void rangesTileTheCoordinatesOnBlockBoundariesOnThePoolsThreads() {
        ForkJoinPool pool = POOLS.get(1);
        for (int size : new int[] {TASK + 1, 2 * TASK, 7 * TASK + 3, 100 * Updates.BLOCK + 1}) {
            List<int[]> ranges = Collections.synchronizedList(new ArrayList<>());
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            Parallelism.on(pool).forEachRange(size, (from, to) -> {
                ranges.add(new int[] {from, to});
                threads.add(Thread.currentThread());
            });
            ranges.sort(Comparator.comparingInt(r -> r[0]));
            assertThat(ranges).hasSizeGreaterThan(1);
            int next = 0;
            for (int[] range : ranges) {
                assertThat(range[0]).isEqualTo(next);
                assertThat(range[0] % Updates.BLOCK).isZero();
                assertThat(range[1] - range[0]).isPositive().isLessThanOrEqualTo(TASK);
                next = range[1];
            }
            assertThat(next).isEqualTo(size);
            assertThat(threads)
                    .allSatisfy(t -> assertThat(t)
                            .isInstanceOfSatisfying(
                                    ForkJoinWorkerThread.class,
                                    w -> assertThat(w.getPool()).isSameAs(pool)));
        }
    }

    @Test
    void smallInputsAndTheSequentialPolicyRunOneRangeOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        for (Parallelism parallelism : List.of(Parallelism.sequential(), Parallelism.on(POOLS.get(0)))) {
            for (int size : new int[] {0, 1, Updates.BLOCK + 1, TASK}) {
                List<int[]> ranges = new ArrayList<>();
                parallelism.forEachRange(size, (from, to) -> {
                    assertThat(Thread.currentThread()).isSameAs(caller);
                    ranges.add(new int[] {from, to});
                });
                assertThat(ranges).singleElement().satisfies(r -> assertThat(r).containsExactly(0, size));
            }
        }
        List<int[]> ranges = new ArrayList<>();
        Parallelism.sequential().forEachRange(10 * TASK, (from, to) -> ranges.add(new int[] {from, to}));
        assertThat(ranges).singleElement().satisfies(r -> assertThat(r).containsExactly(0, 10 * TASK));
    }

    @Test
    void everyIndexRunsOnce() {
        for (Parallelism parallelism : List.of(Parallelism.sequential(), Parallelism.on(POOLS.get(2)))) {
            for (int count : new int[] {0, 1, 2, 7, 45}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                parallelism.forEachIndex(count, runs::incrementAndGet);
                for (int i = 0; i < count; i++) assertThat(runs.get(i)).isEqualTo(1);
            }
        }
    }

    @Test
    void threadsAreTheCallersOrThePools() {
        assertThat(Parallelism.sequential().threads()).isEqualTo(1);
        assertThat(Parallelism.on(POOLS.get(1)).threads()).isEqualTo(3);
    }
}
