package io.cotrain.oracle.aggregation;

import static io.cotrain.oracle.aggregation.Fixtures.distance;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Six honest updates near a point and two Byzantine ones (an honest update times -10). */
class RobustnessTest {
    private static final int D = 50;
    private static final List<ModelUpdate> UPDATES = new ArrayList<>();
    private static float[] honestMean;
    private static double honestNorm;

    @BeforeAll
    static void build() {
        Random random = new Random(2017);
        float[] center = new float[D];
        for (int j = 0; j < D; j++) center[j] = 0.5f + random.nextFloat();
        double[] sum = new double[D];
        for (int i = 0; i < 6; i++) {
            float[] p = new float[D];
            for (int j = 0; j < D; j++) {
                p[j] = center[j] + (random.nextFloat() - 0.5f) * 0.02f;
                sum[j] += p[j];
            }
            UPDATES.add(new ModelUpdate(100 + i, p, 1000, 80));
        }
        honestMean = new float[D];
        double norm = 0;
        for (int j = 0; j < D; j++) {
            honestMean[j] = (float) (sum[j] / 6);
            norm += (double) honestMean[j] * honestMean[j];
        }
        honestNorm = Math.sqrt(norm);
        for (int i = 0; i < 2; i++) {
            float[] p = UPDATES.get(i).parameters();
            for (int j = 0; j < D; j++) p[j] *= -10f;
            // Byzantine updates claim a large share of the data to pull FedAvg further
            UPDATES.add(new ModelUpdate(200 + i, p, 2000, 80));
        }
    }

    @Test
    void fedAvgIsPulledAway() {
        // weights 6 x 1000 and 2 x 2000: (6 * c - 20 * 2 * c) / 10 ≈ -3.4 c, 4.4 |c| away
        assertThat(distance(new FedAvg().aggregate(UPDATES), honestMean)).isGreaterThan(4 * honestNorm);
    }

    @Test
    void medianStaysNearTheHonestMean() {
        assertThat(distance(new CoordinateMedian().aggregate(UPDATES), honestMean))
                .isLessThan(0.1);
    }

    @Test
    void trimmedMeanStaysNearTheHonestMean() {
        assertThat(distance(new TrimmedMean(0.25).aggregate(UPDATES), honestMean))
                .isLessThan(0.1);
    }

    @Test
    void krumPicksAnHonestUpdate() {
        float[] out = new Krum(2).aggregate(UPDATES);
        assertThat(distance(out, honestMean)).isLessThan(0.1);
        assertThat(UPDATES.subList(0, 6))
                .anySatisfy(u -> assertThat(u.parameters()).containsExactly(out));
    }

    @Test
    void multiKrumStaysNearTheHonestMean() {
        // m = n - f = 6: exactly the honest updates are selected, so the result is their (equal-weight) mean
        float[] out = new MultiKrum(2, 6).aggregate(UPDATES);
        assertThat(distance(out, honestMean)).isLessThan(1e-5);
        assertThat(distance(new MultiKrum(2, 3).aggregate(UPDATES), honestMean)).isLessThan(0.1);
    }

    @Test
    void theHonestSpreadIsSmallAndTheAttackLarge() {
        assertThat(honestNorm).isGreaterThan(3);
        for (ModelUpdate u : UPDATES.subList(0, 6))
            assertThat(distance(u.parameters(), honestMean)).isLessThan(0.1);
        for (ModelUpdate u : UPDATES.subList(6, 8)) {
            assertThat(distance(u.parameters(), honestMean)).isGreaterThan(10 * honestNorm);
        }
    }
}
