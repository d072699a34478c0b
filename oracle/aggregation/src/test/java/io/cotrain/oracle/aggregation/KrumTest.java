package io.cotrain.oracle.aggregation;

import static io.cotrain.oracle.aggregation.Fixtures.bits;
import static io.cotrain.oracle.aggregation.Fixtures.random;
import static io.cotrain.oracle.aggregation.Fixtures.shuffled;
import static io.cotrain.oracle.aggregation.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class KrumTest {

    @Test
    void picksTheUpdateClosestToItsNeighbours() {
        // f = 1, n = 5, n - f - 2 = 2 neighbours. Points 0, 1, 2, 3, 50 (ids 1..5).
        // Scores: 0 -> 1 + 4 = 5; 1 -> 1 + 1 = 2; 2 -> 1 + 1 = 2; 3 -> 1 + 4 = 5; 50 -> 47^2 + 48^2.
        // 1 and 2 tie at 2: the lower id (2, holding 1) wins.
        List<ModelUpdate> updates =
                List.of(update(1, 0f, 0f), update(2, 1f, 0f), update(3, 2f, 0f), update(4, 3f, 0f), update(5, 50f, 0f));
        assertThat(new Krum(1).aggregate(updates)).containsExactly(1f, 0f);
    }

    @Test
    void scoresAreSumsOfSquaredDistances() {
        // f = 0, n = 3, 1 neighbour. Points (0,0), (3,4), (6,8): squared distances 25, 25, 100.
        // Scores: 25, 25, 25: all tie, the lowest id wins. Give the middle point the lowest id.
        List<ModelUpdate> updates = List.of(update(10, 0f, 0f), update(5, 3f, 4f), update(20, 6f, 8f));
        assertThat(new Krum(0).aggregate(updates)).containsExactly(3f, 4f);
        int[] ranking = Krum.ranking(Updates.sorted(updates), 0, "krum", Parallelism.sequential());
        assertThat(ranking).containsExactly(0, 1, 2);
    }

    @Test
    void distancesMatchThePlainLoopToTheBit() {
        for (int n = 2; n <= 13; n++) {
            float[][] xs = Updates.params(Updates.sorted(random(30 + n, n, 2 * Updates.BLOCK + 5)));
            double[][] expected = new double[n][n];
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    double s = 0;
                    for (int j = 0; j < xs[a].length; j++) {
                        double diff = (double) xs[a][j] - xs[b][j];
                        s += diff * diff;
                    }
                    expected[a][b] = s;
                }
            }
            ForkJoinPool pool = new ForkJoinPool(3);
            try {
                for (Parallelism parallelism : List.of(Parallelism.sequential(), Parallelism.on(pool))) {
                    double[][] dist = Krum.distances(xs, parallelism);
                    for (int a = 0; a < n; a++) {
                        for (int b = 0; b < n; b++) {
                            assertThat(Double.doubleToRawLongBits(dist[a][b]))
                                    .as("n=%d (%d, %d)", n, a, b)
                                    .isEqualTo(Double.doubleToRawLongBits(expected[a][b]));
                        }
                    }
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void tiesAreBrokenByTheLowerContributionId() {
        // f = 0, 1 neighbour. Points 0, 1, 10: scores 1, 1, 81.
        assertThat(new Krum(0).aggregate(List.of(update(1, 0f), update(2, 1f), update(3, 10f))))
                .containsExactly(0f);
        assertThat(new Krum(0).aggregate(List.of(update(2, 0f), update(1, 1f), update(3, 10f))))
                .containsExactly(1f);
    }

    @Test
    void ignoresWeights() {
        assertThat(new Krum(0)
                        .aggregate(List.of(update(1, 1, 1, 0f), update(2, 1, 1, 1f), update(3, 1_000_000, 100, 10f))))
                .containsExactly(0f);
    }

    @Test
    void returnsTheChosenUpdateBitForBit() {
        List<ModelUpdate> updates = random(4, 7, 500);
        float[] out = new Krum(2).aggregate(updates);
        assertThat(updates).anySatisfy(u -> assertThat(bits(u.parameters())).containsExactly(bits(out)));
    }

    @Test
    void inputOrderDoesNotMatter() {
        Krum rule = new Krum(2);
        List<ModelUpdate> updates = random(5, 9, 2000);
        int[] expected = bits(rule.aggregate(updates));
        for (long seed = 0; seed < 10; seed++) {
            assertThat(bits(rule.aggregate(shuffled(updates, seed)))).containsExactly(expected);
        }
    }

    @Test
    void requiresAtLeastTwoFPlusThreeUpdates() {
        List<ModelUpdate> four = List.of(update(1, 0f), update(2, 1f), update(3, 2f), update(4, 3f));
        assertThatThrownBy(() -> new Krum(1).aggregate(four))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("krum with f=1 needs at least 2f+3=5 updates, got 4");
    }

    @Test
    void rejectsNegativeF() {
        assertThatThrownBy(() -> new Krum(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Krum's Byzantine count f must be >= 0, got -1");
    }

    @Test
    void rejectsAnEmptyList() {
        assertThatThrownBy(() -> new Krum(0).aggregate(List.of())).hasMessageContaining("empty");
    }
}
