package io.cotrain.oracle.aggregation;

import java.util.Arrays;

/**
 * Sorts each coordinate's values across the updates, a block of coordinates at a time, with a fixed sorting network:
 * Batcher's merge exchange (Knuth, The Art of Computer Programming, vol. 3, 5.2.2, Algorithm M), valid for any n.
 *
 * <p>Why a network rather than {@code Arrays.sort} per coordinate: its comparisons do not depend on the data, so
 * each compare-exchange is a min and a max over two whole rows of a block, a loop the JIT vectorizes (about ten
 * times faster for 10 updates).
 *
 * <p>Why each sorted column is, to the bit, what {@code Arrays.sort(float[])} gives: a compare-exchange is
 * ({@link Math#min}, {@link Math#max}), which keeps both values and, like {@code Arrays.sort}, orders -0.0 before
 * 0.0; the inputs hold no NaN ({@link ModelUpdate} rejects it); and the sorted order of a column is unique, as equal
 * values have equal bits.
 */
final class SortingNetwork {
    /** Coordinates per block: n rows of 512 floats (2 KiB each) stay in cache while the network runs over them. */
    static final int COLUMNS = 512;

    /** A block of sorted columns: {@code rows[i][c]} is the i-th smallest value of coordinate {@code start + c}. */
    @FunctionalInterface
    interface SortedBlock {
        void accept(float[][] rows, int start, int length);
    }

    private final int n;
    /** Pairs of rows (lower, upper), in the order the network compares them. */
    private final int[] comparators;

    SortingNetwork(int n) {
        this.n = n;
        this.comparators = mergeExchange(n);
    }

    /**
     * Sorts coordinates {@code from} (inclusive) to {@code to} (exclusive) across the updates {@code xs} (n arrays),
     * handing each sorted block to {@code block} in ascending order.
     */
    void sortBlocks(float[][] xs, int from, int to, SortedBlock block) {
        float[][] rows = new float[n][COLUMNS];
        for (int start = from; start < to; start += COLUMNS) {
            int length = Math.min(COLUMNS, to - start);
            for (int i = 0; i < n; i++) System.arraycopy(xs[i], start, rows[i], 0, length);
            for (int c = 0; c < comparators.length; c += 2) {
                compareExchange(rows[comparators[c]], rows[comparators[c + 1]], length);
            }
            block.accept(rows, start, length);
        }
    }

    private static void compareExchange(float[] lower, float[] upper, int length) {
        for (int c = 0; c < length; c++) {
            float a = lower[c], b = upper[c];
            lower[c] = Math.min(a, b);
            upper[c] = Math.max(a, b);
        }
    }

    /** Algorithm M's comparators for n inputs, as pairs (i, i + d). */
    private static int[] mergeExchange(int n) {
        if (n < 2) return new int[0];
        int[] pairs = new int[16];
        int count = 0;
        int top = Integer.highestOneBit(n - 1); // 2^(t-1), where 2^t is the least power of two >= n
        for (int p = top; p > 0; p >>= 1) {
            int q = top, r = 0, d = p;
            while (true) {
                for (int i = 0; i < n - d; i++) {
                    if ((i & p) == r) {
                        if (count + 2 > pairs.length) pairs = Arrays.copyOf(pairs, 2 * pairs.length);
                        pairs[count++] = i;
                        pairs[count++] = i + d;
                    }
                }
                if (q == p) break;
                d = q - p;
                q >>= 1;
                r = p;
            }
        }
        return Arrays.copyOf(pairs, count);
    }
}
