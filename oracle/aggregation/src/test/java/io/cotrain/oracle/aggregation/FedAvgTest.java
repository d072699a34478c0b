package io.cotrain.oracle.aggregation;

import static io.cotrain.oracle.aggregation.Fixtures.bits;
import static io.cotrain.oracle.aggregation.Fixtures.random;
import static io.cotrain.oracle.aggregation.Fixtures.shuffled;
import static io.cotrain.oracle.aggregation.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FedAvgTest {
    private final FedAvg rule = new FedAvg();

    @Test
    void weighsBySamples() {
        // weights 1 and 3: 0.25 * 1 + 0.75 * 5 = 4; 0.25 * 2 + 0.75 * 10 = 8
        float[] out = rule.aggregate(List.of(update(1, 1, 1, 1f, 2f), update(2, 3, 1, 5f, 10f)));
        assertThat(out).containsExactly(4f, 8f);
    }

    @Test
    void weighsBySamplesTimesScore() {
        // weights 2 x 50 = 100 and 1 x 100 = 100: the plain mean
        assertThat(rule.aggregate(List.of(update(7, 2, 50, 0f), update(3, 1, 100, 10f))))
                .containsExactly(5f);
        // weights 1 x 10, 1 x 10, 1 x 20: 0.25 * 0 + 0.25 * 4 + 0.5 * 8 = 5
        assertThat(rule.aggregate(
                        List.of(update(1, 1, 10, 0f, -2f), update(2, 1, 10, 4f, 2f), update(3, 1, 20, 8f, 1f))))
                .containsExactly(5f, 0.5f);
    }

    @Test
    void singleUpdateIsReturnedUnchanged() {
        float[] p = {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, -3.25e-20f};
        assertThat(bits(rule.aggregate(List.of(update(5, 17, 33, p))))).containsExactly(bits(p));
    }

    @Test
    void emptyModelsGiveAnEmptyModel() {
        assertThat(rule.aggregate(List.of(update(1), update(2)))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13})
    void matchesTheReferenceDefinitionToTheBitAcrossBlocks(int n) {
        List<ModelUpdate> updates = random(11 + n, n, 3 * Updates.BLOCK + 17);
        List<ModelUpdate> ordered = new ArrayList<>(updates);
        ordered.sort(Comparator.comparingLong(ModelUpdate::contributionId));
        double total = 0;
        for (ModelUpdate u : ordered) total += u.weight();
        int d = ordered.get(0).size();
        float[][] xs = ordered.stream().map(ModelUpdate::parameters).toArray(float[][]::new);
        float[] expected = new float[d];
        for (int j = 0; j < d; j++) {
            double acc = ordered.get(0).weight() / total * xs[0][j];
            for (int i = 1; i < n; i++) {
                acc += ordered.get(i).weight() / total * xs[i][j];
            }
            expected[j] = (float) acc;
        }
        assertThat(bits(rule.aggregate(updates))).containsExactly(bits(expected));
    }

    @Test
    void inputOrderDoesNotMatter() {
        List<ModelUpdate> updates = random(1, 10, 5000);
        int[] expected = bits(rule.aggregate(updates));
        for (long seed = 0; seed < 10; seed++) {
            assertThat(bits(rule.aggregate(shuffled(updates, seed)))).containsExactly(expected);
        }
    }

    @Test
    void rejectsAnEmptyList() {
        assertThatThrownBy(() -> rule.aggregate(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void rejectsDifferentLengthsNamingTheContribution() {
        assertThatThrownBy(() -> rule.aggregate(List.of(update(1, 1f, 2f), update(2, 1f, 2f, 3f))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("contribution 2 has 3 parameters but contribution 1 has 2");
    }

    @Test
    void rejectsDuplicateIds() {
        assertThatThrownBy(() -> rule.aggregate(List.of(update(4, 1f), update(4, 2f))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate contribution id 4");
    }

    @Test
    void doesNotModifyTheUpdates() {
        List<ModelUpdate> updates = random(3, 4, 100);
        List<int[]> before = updates.stream().map(u -> bits(u.parameters())).toList();
        rule.aggregate(updates);
        for (int i = 0; i < updates.size(); i++) {
            assertThat(bits(updates.get(i).parameters())).containsExactly(before.get(i));
        }
    }
}
