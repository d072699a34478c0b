package io.cotrain.oracle.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RebaseTest {
    @Test
    void onto_copyOfTheOlderModel_isExactlyTheParent() {
        float[] older = random(1, 1_000);
        float[] parent = random(2, 1_000);

        assertThat(Rebase.onto(older.clone(), older, parent)).isEqualTo(parent);
    }

    @Test
    void onto_updateTrainedFromTheParent_isUnchanged() {
        float[] parent = random(3, 1_000);
        float[] update = random(4, 1_000);

        assertThat(Rebase.onto(update, parent, parent)).isEqualTo(update);
    }

    @Test
    void onto_movesTheContributorsChangeOntoTheParent() {
        float[] out = Rebase.onto(new float[] {1.5f, -2f}, new float[] {1f, -1f}, new float[] {10f, 20f});

        assertThat(out).containsExactly(10.5f, 19f);
    }

    @Test
    void onto_resultBeyondTheFloatRange_isClampedNotInfinite() {
        float max = Float.MAX_VALUE;

        float[] out = Rebase.onto(new float[] {max, -max}, new float[] {-max, max}, new float[] {max, -max});

        assertThat(out).containsExactly(max, -max);
    }

    @Test
    void onto_lengthsDiffer_isRefused() {
        assertThatThrownBy(() -> Rebase.onto(new float[2], new float[3], new float[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot rebase 2 parameters trained from 3 onto 2");
    }

    private static float[] random(long seed, int size) {
        Random random = new Random(seed);
        float[] values = new float[size];
        for (int i = 0; i < size; i++) values[i] = (float) random.nextGaussian();
        return values;
    }
}
