package io.cotrain.oracle.aggregation;

import java.util.Arrays;
import java.util.List;

/**
 * The coordinate-wise median, unweighted.
 *
 * <p>Exactly: for each coordinate, the n values are sorted ascending ({@link Arrays#sort(float[])}, so ties are
 * broken by value only and -0.0 sorts before 0.0); with n odd the result is the middle value, with n even it is
 * (float) ((lower middle + upper middle) / 2) computed in double.
 */
public final class CoordinateMedian implements AggregationRule {

    @Override
    public float[] aggregate(List<ModelUpdate> updates) {
        ModelUpdate[] sorted = Updates.sorted(updates);
        int n = sorted.length;
        int d = sorted[0].size();
        float[][] xs = new float[n][];
        for (int i = 0; i < n; i++) xs[i] = sorted[i].params();
        float[] scratch = new float[n];
        float[] out = new float[d];
        int mid = n / 2;
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < n; i++) scratch[i] = xs[i][j];
            Arrays.sort(scratch);
            out[j] = (n & 1) == 1 ? scratch[mid] : (float) (((double) scratch[mid - 1] + scratch[mid]) / 2.0);
        }
        return out;
    }

    @Override
    public String name() {
        return "median";
    }

    @Override
    public String toString() {
        return name();
    }
}
