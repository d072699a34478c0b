package io.cotrain.oracle.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelUpdateTest {

    @Test
    void copiesTheParametersInAndOut() {
        float[] p = {1f, 2f};
        ModelUpdate u = new ModelUpdate(7, p, 10, 50);
        p[0] = 99f;
        assertThat(u.parameters()).containsExactly(1f, 2f);
        u.parameters()[1] = 99f;
        assertThat(u.parameters()).containsExactly(1f, 2f);
        assertThat(u.size()).isEqualTo(2);
        assertThat(u.weight()).isEqualTo(500.0);
    }

    @Test
    void weightDoesNotOverflow() {
        ModelUpdate u = new ModelUpdate(1, new float[] {0f}, Long.MAX_VALUE, 100);
        assertThat(u.weight()).isEqualTo((double) Long.MAX_VALUE * 100);
    }

    @Test
    void equalityComparesParameterContents() {
        assertThat(new ModelUpdate(1, new float[] {1f}, 2, 3))
                .isEqualTo(new ModelUpdate(1, new float[] {1f}, 2, 3))
                .hasSameHashCodeAs(new ModelUpdate(1, new float[] {1f}, 2, 3))
                .isNotEqualTo(new ModelUpdate(1, new float[] {2f}, 2, 3));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -5, Long.MIN_VALUE})
    void rejectsNonPositiveSamples(long samples) {
        assertThatThrownBy(() -> new ModelUpdate(42, new float[] {1f}, samples, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trainingSamples")
                .hasMessageContaining("contribution 42")
                .hasMessageEndingWith("got " + samples);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 101, 1000})
    void rejectsScoreOutsideOneToHundred(int score) {
        assertThatThrownBy(() -> new ModelUpdate(42, new float[] {1f}, 10, score))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consensusScore")
                .hasMessageContaining("1..100")
                .hasMessageEndingWith("got " + score);
    }

    @Test
    void acceptsTheScoreBounds() {
        assertThat(new ModelUpdate(1, new float[0], 1, 1).consensusScore()).isEqualTo(1);
        assertThat(new ModelUpdate(1, new float[0], 1, 100).consensusScore()).isEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void rejectsNonFiniteParameters(float bad) {
        assertThatThrownBy(() -> new ModelUpdate(9, new float[] {0f, 1f, bad}, 10, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contribution 9")
                .hasMessageContaining(String.valueOf(bad))
                .hasMessageContaining("index 2");
    }

    @Test
    void rejectsNullParameters() {
        assertThatThrownBy(() -> new ModelUpdate(3, null, 10, 50))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("contribution 3");
    }
}
