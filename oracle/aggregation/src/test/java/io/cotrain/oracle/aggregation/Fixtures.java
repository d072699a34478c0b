package io.cotrain.oracle.aggregation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Helpers shared by the tests. */
final class Fixtures {
    private Fixtures() {}

    static ModelUpdate update(long id, long samples, int score, float... parameters) {
        return new ModelUpdate(id, parameters, samples, score);
    }

    static ModelUpdate update(long id, float... parameters) {
        return new ModelUpdate(id, parameters, 1, 1);
    }

    static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) out[i] = Float.floatToIntBits(values[i]);
        return out;
    }

    /** n updates of d random parameters with varied weights and scattered ids, built from the seed. */
    static List<ModelUpdate> random(long seed, int n, int d) {
        Random random = new Random(seed);
        List<ModelUpdate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] p = new float[d];
            for (int j = 0; j < d; j++) p[j] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
            out.add(new ModelUpdate(
                    1000L * i + random.nextInt(1000) - 3000, p, 1 + random.nextInt(100_000), 1 + random.nextInt(100)));
        }
        return out;
    }

    /** Like {@link #random}, but half the values drawn from a few, -0.0 and 0.0 among them, so coordinates tie. */
    static List<ModelUpdate> withTiesAndSignedZeros(long seed, int n, int d) {
        float[] few = {-0f, 0f, 1f, -1f, 0.5f, -Float.MIN_VALUE};
        Random random = new Random(seed);
        List<ModelUpdate> out = new ArrayList<>();
        for (ModelUpdate u : random(seed, n, d)) {
            float[] p = u.parameters();
            for (int j = 0; j < d; j++) if (random.nextBoolean()) p[j] = few[random.nextInt(few.length)];
            out.add(new ModelUpdate(u.contributionId(), p, u.trainingSamples(), u.consensusScore()));
        }
        return out;
    }

    static List<ModelUpdate> shuffled(List<ModelUpdate> updates, long seed) {
        List<ModelUpdate> copy = new ArrayList<>(updates);
        Collections.shuffle(copy, new Random(seed));
        return copy;
    }

    static double distance(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double diff = (double) a[j] - b[j];
            s += diff * diff;
        }
        return Math.sqrt(s);
    }

    static List<AggregationRule> allRules() {
        return List.of(new FedAvg(), new CoordinateMedian(), new TrimmedMean(0.25), new Krum(1), new MultiKrum(1, 3));
    }
}
