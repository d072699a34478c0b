package io.cotrain.oracle.aggregation;

import static io.cotrain.oracle.aggregation.Fixtures.bits;
import static io.cotrain.oracle.aggregation.Fixtures.random;
import static io.cotrain.oracle.aggregation.Fixtures.shuffled;
import static io.cotrain.oracle.aggregation.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CoordinateMedianTest {
    private final CoordinateMedian rule = new CoordinateMedian();

    @Test
    void oddCountTakesTheMiddleValuePerCoordinate() {
        // coordinate 0: {3, 1, 2} -> 2; coordinate 1: {-5, 100, 0} -> 0; coordinate 2: ties {5, 5, 1} -> 5
        float[] out = rule.aggregate(List.of(update(1, 3f, -5f, 5f), update(2, 1f, 100f, 5f), update(3, 2f, 0f, 1f)));
        assertThat(out).containsExactly(2f, 0f, 5f);
    }

    @Test
    void evenCountAveragesTheTwoMiddleValues() {
        // {1, 2, 3, 10} -> 2.5; {4, 4, 4, 4} -> 4; {-1, 0, 1, 7} -> 0.5
        float[] out = rule.aggregate(
                List.of(update(1, 10f, 4f, 7f), update(2, 1f, 4f, -1f), update(3, 3f, 4f, 1f), update(4, 2f, 4f, 0f)));
        assertThat(out).containsExactly(2.5f, 4f, 0.5f);
    }

    @Test
    void ignoresWeights() {
        float[] out = rule.aggregate(List.of(update(1, 1_000_000, 100, 0f), update(2, 1, 1, 1f), update(3, 1, 1, 2f)));
        assertThat(out).containsExactly(1f);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 17})
    void matchesTheReferenceDefinitionToTheBit(int n) {
        List<ModelUpdate> updates = Fixtures.withTiesAndSignedZeros(20 + n, n, 2 * SortingNetwork.COLUMNS + 9);
        float[][] xs = Updates.params(Updates.sorted(updates));
        int d = xs[0].length;
        float[] expected = new float[d];
        float[] column = new float[n];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < n; i++) column[i] = xs[i][j];
            Arrays.sort(column);
            expected[j] = n % 2 == 1 ? column[n / 2] : (float) (((double) column[n / 2 - 1] + column[n / 2]) / 2.0);
        }
        assertThat(bits(rule.aggregate(updates))).isEqualTo(bits(expected));
    }

    @Test
    void inputOrderDoesNotMatter() {
        List<ModelUpdate> updates = random(2, 9, 3000);
        int[] expected = bits(rule.aggregate(updates));
        for (long seed = 0; seed < 10; seed++) {
            assertThat(bits(rule.aggregate(shuffled(updates, seed)))).containsExactly(expected);
        }
    }

    @Test
    void rejectsAnEmptyListAndDifferentLengths() {
        assertThatThrownBy(() -> rule.aggregate(List.of())).hasMessageContaining("empty");
        assertThatThrownBy(() -> rule.aggregate(List.of(update(8, 1f), update(3, 1f, 2f))))
                .hasMessage("contribution 8 has 1 parameters but contribution 3 has 2");
    }
}
