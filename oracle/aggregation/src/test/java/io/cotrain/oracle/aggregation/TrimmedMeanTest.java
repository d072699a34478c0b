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

class TrimmedMeanTest {

    @Test
    void dropsTheKLowestAndHighestPerCoordinate() {
        // n = 5, trim 0.2: k = 1. {1, 2, 3, 4, 100} -> mean(2, 3, 4) = 3; {-50, 0, 1, 2, 9} -> mean(0, 1, 2) = 1
        List<ModelUpdate> updates = List.of(
                update(1, 100f, 0f), update(2, 1f, 9f), update(3, 3f, -50f), update(4, 2f, 1f), update(5, 4f, 2f));
        assertThat(new TrimmedMean(0.2).aggregate(updates)).containsExactly(3f, 1f);
    }

    @Test
    void kIsTheFloorOfTrimTimesN() {
        // n = 4, trim 0.25: k = 1. {0, 1, 3, 100} -> 2
        List<ModelUpdate> four = List.of(update(1, 0f), update(2, 100f), update(3, 3f), update(4, 1f));
        assertThat(new TrimmedMean(0.25).aggregate(four)).containsExactly(2f);
        // n = 3, trim 0.3: k = floor(0.9) = 0, the plain mean: (0 + 3 + 9) / 3 = 4
        List<ModelUpdate> three = List.of(update(1, 0f), update(2, 9f), update(3, 3f));
        assertThat(new TrimmedMean(0.3).aggregate(three)).containsExactly(4f);
        assertThat(new TrimmedMean(0.3).trimmedPerSide(3)).isZero();
        assertThat(new TrimmedMean(0.49).trimmedPerSide(10)).isEqualTo(4);
    }

    @Test
    void trimZeroIsTheUnweightedMean() {
        assertThat(new TrimmedMean(0).aggregate(List.of(update(1, 1_000, 100, 1f), update(2, 1, 1, 2f))))
                .containsExactly(1.5f);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 17})
    void matchesTheReferenceDefinitionToTheBit(int n) {
        List<ModelUpdate> updates = Fixtures.withTiesAndSignedZeros(40 + n, n, 2 * SortingNetwork.COLUMNS + 9);
        float[][] xs = Updates.params(Updates.sorted(updates));
        int d = xs[0].length;
        for (double trim : new double[] {0, 0.1, 0.25, 0.49}) {
            TrimmedMean rule = new TrimmedMean(trim);
            int k = rule.trimmedPerSide(n);
            float[] expected = new float[d];
            float[] column = new float[n];
            for (int j = 0; j < d; j++) {
                for (int i = 0; i < n; i++) column[i] = xs[i][j];
                Arrays.sort(column);
                double sum = 0;
                for (int i = k; i < n - k; i++) sum += column[i];
                expected[j] = (float) (sum / (n - 2 * k));
            }
            assertThat(bits(rule.aggregate(updates))).as("trim %s", trim).isEqualTo(bits(expected));
        }
    }

    @Test
    void inputOrderDoesNotMatter() {
        TrimmedMean rule = new TrimmedMean(0.25);
        List<ModelUpdate> updates = random(3, 10, 3000);
        int[] expected = bits(rule.aggregate(updates));
        for (long seed = 0; seed < 10; seed++) {
            assertThat(bits(rule.aggregate(shuffled(updates, seed)))).containsExactly(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 0.5, 0.75, 1.0, Double.NaN, Double.POSITIVE_INFINITY})
    void rejectsABadTrimFraction(double trim) {
        assertThatThrownBy(() -> new TrimmedMean(trim))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trim fraction must be in [0, 0.5), got " + trim);
    }

    @Test
    void rejectsAnEmptyList() {
        assertThatThrownBy(() -> new TrimmedMean(0.1).aggregate(List.of())).hasMessageContaining("empty");
    }
}
