package io.cotrain.oracle.evaluation.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cotrain.oracle.evaluation.TabularModels;
import io.cotrain.oracle.evaluation.TaskModel;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GaussianMechanismTest {

    private static float[] gaussian(int length, double scale, long seed) {
        Random random = new Random(seed);
        float[] values = new float[length];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (scale * random.nextGaussian());
        }
        return values;
    }

    private static double[] difference(float[] a, float[] b) {
        double[] difference = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            difference[i] = (double) a[i] - b[i];
        }
        return difference;
    }

    private static double norm(double[] values) {
        double squares = 0;
        for (double v : values) {
            squares += v * v;
        }
        return Math.sqrt(squares);
    }

    @Test
    void clippingBoundsTheUpdateNormToTheClip() {
        float[] base = gaussian(5_000, 0.1, 1);
        float[] trained = base.clone();
        float[] step = gaussian(5_000, 0.05, 2);
        for (int i = 0; i < trained.length; i++) {
            trained[i] += step[i];
        }
        double before = norm(difference(trained, base));
        assertThat(before).as("the update is well outside the ball").isGreaterThan(3);

        PrivateUpdate update = GaussianMechanism.release(base, trained, 1.5, 0, new Random(3));

        double[] released = difference(update.parameters(), base);
        assertThat(norm(released)).isCloseTo(1.5, within(1e-5));
        assertThat(update.updateNorm()).isCloseTo(before, within(1e-9 * before));
        assertThat(update.clipped()).isTrue();
        double[] original = difference(trained, base);
        for (int i = 0; i < released.length; i++) {
            assertThat(released[i])
                    .as("clipping scales, it keeps the direction")
                    .isCloseTo(original[i] * 1.5 / before, within(1e-7));
        }
    }

    @Test
    void anUpdateInsideTheBallIsUnchangedWithoutNoise() {
        float[] base = gaussian(1_000, 1, 4);
        float[] trained = base.clone();
        trained[7] += 0.25f;
        trained[999] -= 0.5f;

        PrivateUpdate update = GaussianMechanism.release(base, trained, 1, 0, new Random(5));

        assertThat(update.parameters()).containsExactly(trained);
        assertThat(update.clipped()).isFalse();
        assertThat(update.updateNorm()).isCloseTo(Math.hypot(0.25, 0.5), within(1e-6));
    }

    @Test
    void noiseHasStandardDeviationNoiseMultiplierTimesClip() {
        int n = 200_000;
        float[] base = gaussian(n, 1, 6);
        double clip = 0.2;
        double sigma = 3.5;

        PrivateUpdate update = GaussianMechanism.release(base, base.clone(), clip, sigma, new Random(7));

        double[] noise = difference(update.parameters(), base);
        double sum = 0;
        double squares = 0;
        for (double v : noise) {
            sum += v;
            squares += v * v;
        }
        double mean = sum / n;
        double deviation = Math.sqrt(squares / n - mean * mean);
        double expected = sigma * clip;
        // standard errors: expected / sqrt(n) for the mean, expected / sqrt(2n) for the deviation; five of each
        assertThat(mean).isCloseTo(0, within(5 * expected / Math.sqrt(n)));
        assertThat(deviation).isCloseTo(expected, within(5 * expected / Math.sqrt(2.0 * n)));
        assertThat(update.updateNorm()).isZero();
        assertThat(update.clipped()).isFalse();
    }

    @Test
    void theSameSeedGivesTheSameRelease() {
        float[] base = gaussian(100, 1, 8);
        float[] trained = gaussian(100, 1, 9);
        float[] first =
                GaussianMechanism.release(base, trained, 1, 1, new Random(10)).parameters();
        float[] second =
                GaussianMechanism.release(base, trained, 1, 1, new Random(10)).parameters();
        float[] other =
                GaussianMechanism.release(base, trained, 1, 1, new Random(11)).parameters();
        assertThat(first).containsExactly(second);
        assertThat(first).isNotEqualTo(other);
    }

    @Test
    void releasedParametersAreACopy() {
        float[] base = new float[] {0, 0};
        PrivateUpdate update = GaussianMechanism.release(base, new float[] {3, 4}, 1, 0, new Random(1));
        update.parameters()[0] = 42;
        assertThat(update.parameters()).containsExactly(0.6f, 0.8f);
        assertThat(update.updateNorm()).isEqualTo(5);
    }

    @Test
    void taskModelsAreReleasedAsACopyOfTheBase() {
        var schema = SyntheticTabularTask.standard().schema();
        TaskModel base = TabularModels.baseModel(schema, 42);
        TaskModel trained = TabularModels.baseModel(schema, 43);
        float[] baseParameters = base.parameters();
        float[] trainedParameters = trained.parameters();

        TaskModel released = GaussianMechanism.releaseModel(base, trained, 0.75, 0, new Random(12));

        assertThat(norm(difference(released.parameters(), baseParameters))).isCloseTo(0.75, within(1e-5));
        assertThat(base.parameters()).as("base unchanged").containsExactly(baseParameters);
        assertThat(trained.parameters()).as("trained unchanged").containsExactly(trainedParameters);
        assertThat(released.configurationJson()).isEqualTo(base.configurationJson());
    }

    @Test
    void mismatchedOrNonFiniteParametersAreRefused() {
        Random random = new Random(13);
        assertThatThrownBy(() -> GaussianMechanism.release(new float[3], new float[4], 1, 1, random))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("base has 3 parameters but trained has 4");
        assertThatThrownBy(() -> GaussianMechanism.release(new float[] {0, Float.NaN}, new float[2], 1, 1, random))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("base has NaN or infinite parameters (1 of 2)");
        float[] infinite = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1};
        assertThatThrownBy(() -> GaussianMechanism.release(new float[3], infinite, 1, 1, random))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trained has NaN or infinite parameters (2 of 3)");
        assertThatThrownBy(() -> GaussianMechanism.release(new float[1], new float[1], 0, 1, random))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clip must be a finite number above 0, got 0.0");
        assertThatThrownBy(() -> GaussianMechanism.release(new float[1], new float[1], 1, -0.5, random))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("noiseMultiplier must be a finite number of at least 0, got -0.5");
        assertThatThrownBy(() -> GaussianMechanism.release(new float[1], new float[1], 1e300, 1e300, random))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("noise standard deviation must be a finite number of at least 0, got Infinity");
        assertThatThrownBy(() -> GaussianMechanism.release(new float[1], new float[1], 1, 1e60, random))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("released parameter 0 overflows float");
        var schema = SyntheticTabularTask.standard().schema();
        TaskModel small = TabularModels.baseModel(schema, 42);
        TaskModel wide = TabularModels.mlp(schema, new int[] {64}, 42);
        assertThatThrownBy(() -> GaussianMechanism.releaseModel(small, wide, 1, 1, random))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameters but trained has");
    }
}
