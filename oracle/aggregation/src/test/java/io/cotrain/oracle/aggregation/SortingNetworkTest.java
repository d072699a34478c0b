package io.cotrain.oracle.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SortingNetworkTest {

    /** The 0-1 principle: a comparator network that sorts every input of zeros and ones sorts every input. */
    @Test
    void sortsEveryInputOfZerosAndOnesUpToSixteenUpdates() {
        for (int n = 1; n <= 16; n++) {
            int columns = 1 << n;
            float[][] xs = new float[n][columns];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < columns; c++) xs[i][c] = (c >>> i) & 1;
            }
            int updates = n;
            new SortingNetwork(n).sortBlocks(xs, 0, columns, (rows, start, length) -> {
                for (int c = 0; c < length; c++) {
                    int ones = Integer.bitCount(start + c);
                    for (int i = 0; i < updates; i++) {
                        assertThat(rows[i][c])
                                .as("n=%d column %d row %d", updates, start + c, i)
                                .isEqualTo(i < updates - ones ? 0f : 1f);
                    }
                }
            });
        }
    }

    /** Ties, -0.0 beside 0.0, and ranges not starting at 0 nor ending on a block: each column as Arrays.sort has it. */
    @Test
    void eachColumnIsWhatArraysSortGivesToTheBit() {
        Random random = new Random(5);
        float[] values = {-0f, 0f, 1f, -1f, 2.5f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -3e-20f};
        for (int n = 1; n <= 40; n++) {
            int d = 3 * SortingNetwork.COLUMNS + 11;
            float[][] xs = new float[n][d];
            for (float[] x : xs) {
                for (int j = 0; j < d; j++) {
                    x[j] = random.nextBoolean() ? values[random.nextInt(values.length)] : (float) random.nextGaussian();
                }
            }
            int from = 5, to = d - 3, updates = n;
            int[] next = {from};
            new SortingNetwork(n).sortBlocks(xs, from, to, (rows, start, length) -> {
                assertThat(start).isEqualTo(next[0]);
                for (int c = 0; c < length; c++) {
                    float[] column = new float[updates];
                    for (int i = 0; i < updates; i++) column[i] = xs[i][start + c];
                    Arrays.sort(column);
                    for (int i = 0; i < updates; i++) {
                        assertThat(Float.floatToRawIntBits(rows[i][c]))
                                .as("n=%d coordinate %d row %d", updates, start + c, i)
                                .isEqualTo(Float.floatToRawIntBits(column[i]));
                    }
                }
                next[0] += length;
            });
            assertThat(next[0]).isEqualTo(to);
        }
    }
}
