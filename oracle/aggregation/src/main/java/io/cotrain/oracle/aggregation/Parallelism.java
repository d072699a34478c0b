package io.cotrain.oracle.aggregation;

import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * The threading policy of the aggregation rules: which threads a rule may run its work on.
 *
 * <p>Threads never change a result. Work is only split where the pieces are independent (disjoint ranges of
 * coordinates, or whole pairwise distances), and every value is computed in the same order as on one thread, so a
 * rule gives the same bits for any pool and any number of threads.
 *
 * <p>{@link #sequential()}, the default of every rule, runs everything on the calling thread. {@link #on} splits the
 * work into tasks on a {@link ForkJoinPool} that the caller owns: it sizes the pool (e.g. to the cores a validator
 * grants aggregation), may share it between rules and rounds, and shuts it down. Inputs too small to gain from
 * threads stay on the calling thread either way.
 */
public final class Parallelism {
    /**
     * Coordinates per task at most, and the size below which work stays on the calling thread: 8 blocks, some
     * hundreds of microseconds of work for 10 updates, so scheduling stays negligible while a model of millions of
     * parameters still gives tens of tasks to balance between threads.
     */
    static final int TASK_COORDINATES = 8 * Updates.BLOCK;

    private static final Parallelism SEQUENTIAL = new Parallelism(null);

    private final ForkJoinPool pool;

    private Parallelism(ForkJoinPool pool) {
        this.pool = pool;
    }

    /** Everything on the calling thread. */
    public static Parallelism sequential() {
        return SEQUENTIAL;
    }

    /** Tasks on the given pool, which the caller keeps owning; the calling thread waits for them. */
    public static Parallelism on(ForkJoinPool pool) {
        return new Parallelism(Objects.requireNonNull(pool, "pool"));
    }

    /** The number of threads the work may run on: 1, or the pool's parallelism. */
    public int threads() {
        return pool == null ? 1 : pool.getParallelism();
    }

    /** Work on the coordinates {@code from} (inclusive) to {@code to} (exclusive). */
    @FunctionalInterface
    interface RangeTask {
        void run(int from, int to);
    }

    /**
     * Runs {@code task} over disjoint ranges that together cover coordinates 0 to {@code size}, each range starting on
     * a block boundary (so every range is walked in whole blocks), possibly on several threads at once.
     */
    void forEachRange(int size, RangeTask task) {
        if (pool == null || size <= TASK_COORDINATES) {
            task.run(0, size);
        } else {
            pool.invoke(new Ranges(task, 0, size));
        }
    }

    /** Runs {@code task} for each index 0 to {@code count} (exclusive), possibly on several threads at once. */
    void forEachIndex(int count, IntConsumer task) {
        if (pool == null || count <= 1) {
            for (int i = 0; i < count; i++) task.accept(i);
        } else {
            pool.invoke(new Indexes(task, 0, count));
        }
    }

    @Override
    public String toString() {
        return pool == null ? "sequential" : "on a pool of " + pool.getParallelism() + " threads";
    }

    private static final class Ranges extends RecursiveAction {
        private final RangeTask task;
        private final int from;
        private final int to;

        Ranges(RangeTask task, int from, int to) {
            this.task = task;
            this.from = from;
            this.to = to;
        }

        @Override
        protected void compute() {
            if (to - from <= TASK_COORDINATES) {
                task.run(from, to);
                return;
            }
            int mid = from + (to - from) / 2 / Updates.BLOCK * Updates.BLOCK;
            invokeAll(new Ranges(task, from, mid), new Ranges(task, mid, to));
        }
    }

    private static final class Indexes extends RecursiveAction {
        private final IntConsumer task;
        private final int from;
        private final int to;

        Indexes(IntConsumer task, int from, int to) {
            this.task = task;
            this.from = from;
            this.to = to;
        }

        @Override
        protected void compute() {
            if (to - from == 1) {
                task.accept(from);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new Indexes(task, from, mid), new Indexes(task, mid, to));
        }
    }
}
