package io.cotrain.oracle.aggregation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Shared input checks and the canonical order of updates. */
final class Updates {
    /** Coordinates per block in the blocked loops: 2048 doubles, 16 KiB of accumulator, well inside L1/L2. */
    static final int BLOCK = 2048;

    private Updates() {}

    /**
     * Checks the updates and returns them sorted by contribution id.
     *
     * @throws IllegalArgumentException if the list is empty, holds null, repeats an id, or the lengths differ
     */
    static ModelUpdate[] sorted(List<ModelUpdate> updates) {
        Objects.requireNonNull(updates, "updates");
        if (updates.isEmpty()) throw new IllegalArgumentException("no updates to aggregate (empty list)");
        ModelUpdate[] sorted = new ArrayList<>(updates).toArray(new ModelUpdate[0]);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] == null) throw new IllegalArgumentException("update at position " + i + " is null");
        }
        java.util.Arrays.sort(sorted, Comparator.comparingLong(ModelUpdate::contributionId));
        int length = sorted[0].size();
        for (int i = 0; i < sorted.length; i++) {
            if (i > 0 && sorted[i].contributionId() == sorted[i - 1].contributionId()) {
                throw new IllegalArgumentException("duplicate contribution id " + sorted[i].contributionId());
            }
            if (sorted[i].size() != length) {
                throw new IllegalArgumentException("contribution " + sorted[i].contributionId() + " has "
                        + sorted[i].size() + " parameters but contribution " + sorted[0].contributionId()
                        + " has " + length);
            }
        }
        return sorted;
    }

    /**
     * The weighted mean per coordinate of updates already in canonical order: with w_i = samples_i x score_i and
     * W = sum of w_i (summed in order), out[j] = (float) sum_i (w_i / W) * x_ij, the sum accumulated in double in
     * the given order, starting from the first term.
     */
    static float[] weightedMean(ModelUpdate[] sorted) {
        int n = sorted.length;
        int d = sorted[0].size();
        double total = 0;
        for (ModelUpdate u : sorted) total += u.weight();
        double[] coef = new double[n];
        float[][] xs = new float[n][];
        for (int i = 0; i < n; i++) {
            coef[i] = sorted[i].weight() / total;
            xs[i] = sorted[i].params();
        }
        float[] out = new float[d];
        double[] acc = new double[Math.min(BLOCK, Math.max(d, 1))];
        for (int start = 0; start < d; start += BLOCK) {
            int len = Math.min(BLOCK, d - start);
            float[] x0 = xs[0];
            double c0 = coef[0];
            for (int k = 0; k < len; k++) acc[k] = c0 * x0[start + k];
            int i = 1;
            // Four updates per pass over the block (fewer loads and stores of acc); the additions stay in id order,
            // so the result is the same, to the bit, as adding one update at a time.
            for (; i + 3 < n; i += 4) {
                float[] xa = xs[i], xb = xs[i + 1], xc = xs[i + 2], xd = xs[i + 3];
                double ca = coef[i], cb = coef[i + 1], cc = coef[i + 2], cd = coef[i + 3];
                for (int k = 0; k < len; k++) {
                    int j = start + k;
                    acc[k] = (((acc[k] + ca * xa[j]) + cb * xb[j]) + cc * xc[j]) + cd * xd[j];
                }
            }
            for (; i < n; i++) {
                float[] x = xs[i];
                double c = coef[i];
                for (int k = 0; k < len; k++) acc[k] += c * x[start + k];
            }
            for (int k = 0; k < len; k++) out[start + k] = (float) acc[k];
        }
        return out;
    }
}
