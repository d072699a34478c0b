package io.cotrain.oracle.valuation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ValueScoreTest {
    private static final ValueScore.Scale SCALE = ValueScore.Scale.defaults();
    private static final double LOSS = 0.5;

    @Test
    void score_withinTheNoiseMargin_isNeutral() {
        assertThat(ValueScore.score(new PlayerValue(0.019, 0.01), LOSS, SCALE)).isEqualTo(50);
        assertThat(ValueScore.score(new PlayerValue(-0.019, 0.01), LOSS, SCALE)).isEqualTo(50);
    }

    @Test
    void score_measurableGain_isPaidInProportion_atLeastOnePoint_atMostFullMarks() {
        // 1% of the loss removed: 50 + 50 * 0.01 / 0.05 = 60
        assertThat(ValueScore.score(new PlayerValue(0.005, 0.001), LOSS, SCALE)).isEqualTo(60);
        assertThat(ValueScore.score(new PlayerValue(0.0001, 0.00001), LOSS, SCALE))
                .isEqualTo(51);
        assertThat(ValueScore.score(new PlayerValue(1, 0.001), LOSS, SCALE)).isEqualTo(100);
    }

    @Test
    void score_harmWithinThreeStandardErrors_isUnpaidButNeverSlashed() {
        // 4% of the loss added would score 10; at 2.5 standard errors the certainty allows 11 points
        assertThat(ValueScore.score(new PlayerValue(-0.02, 0.008), LOSS, SCALE)).isEqualTo(39);
        assertThat(ValueScore.score(new PlayerValue(-0.02, 0.0067), LOSS, SCALE))
                .isEqualTo(SCALE.slashThreshold());
        assertThat(ValueScore.score(new PlayerValue(-0.001, 0.0004), LOSS, SCALE))
                .isEqualTo(48);
    }

    @Test
    void score_harmBeyondDoubtAndLarge_isSlashed() {
        // 4% of the loss added: 50 - 20 * 0.04 / 0.02 = 10
        assertThat(ValueScore.score(new PlayerValue(-0.02, 0.001), LOSS, SCALE)).isEqualTo(10);
        assertThat(ValueScore.score(new PlayerValue(-0.0106, 0.0001), LOSS, SCALE))
                .as("2.12%% of the loss")
                .isEqualTo(SCALE.slashThreshold() - 1);
        assertThat(ValueScore.score(new PlayerValue(Double.NaN, 0), LOSS, SCALE))
                .isEqualTo(1);
    }

    @Test
    void score_harmBeyondDoubtButSmall_isUnpaidAndNotSlashed() {
        // 0.2% of the loss added, 10 standard errors below zero: 50 - 20 * 0.002 / 0.02 = 48
        assertThat(ValueScore.score(new PlayerValue(-0.001, 0.0001), LOSS, SCALE))
                .isEqualTo(48);
        assertThat(ValueScore.score(new PlayerValue(-0.0099, 0.00001), LOSS, SCALE))
                .as("just under 2%%")
                .isEqualTo(SCALE.slashThreshold());
    }

    @Test
    void score_exactlyNoValue_isNeutralEvenWithoutNoise() {
        // an update that changes no output: every marginal is zero, and so is its standard error
        assertThat(ValueScore.score(new PlayerValue(0, 0), LOSS, SCALE)).isEqualTo(SCALE.neutral());
    }

    @Test
    void score_withAccuracy_slashedOnlyWhenAccuracyHarmIsBeyondDoubtToo() {
        PlayerValue harmful = new PlayerValue(-0.02, 0.001); // 10 by loss alone
        // the flipped model that happens to classify as many rows: loss says slash, accuracy does not agree
        assertThat(ValueScore.score(harmful, new PlayerValue(0.001, 0.01), LOSS, SCALE))
                .isEqualTo(SCALE.slashThreshold());
        assertThat(ValueScore.score(harmful, new PlayerValue(-0.03, 0.01), LOSS, SCALE))
                .as("3 standard errors")
                .isEqualTo(SCALE.slashThreshold());
        assertThat(ValueScore.score(harmful, new PlayerValue(-0.05, 0.01), LOSS, SCALE))
                .as("5: 41 points allowed")
                .isEqualTo(10);
        assertThat(ValueScore.score(harmful, new PlayerValue(-0.0301, 0.01), LOSS, SCALE))
                .as("just past 3")
                .isEqualTo(SCALE.slashThreshold() - 1);
    }

    @Test
    void score_withAccuracy_lossGainIsPaidOnlyAsFarAsRowsGainedShowIt() {
        PlayerValue gain = new PlayerValue(0.005, 0.001); // 60 by loss alone
        assertThat(ValueScore.score(gain, new PlayerValue(-0.01, 0.01), LOSS, SCALE))
                .as("rows lost, within the noise")
                .isEqualTo(SCALE.neutral());
        assertThat(ValueScore.score(gain, new PlayerValue(0, 0), LOSS, SCALE))
                .as("no row changed")
                .isEqualTo(SCALE.neutral());
        // 0.25 standard errors of rows gained: 20 * 0.25 = 5 points of room
        assertThat(ValueScore.score(gain, new PlayerValue(0.0025, 0.01), LOSS, SCALE))
                .isEqualTo(55);
        assertThat(ValueScore.score(gain, new PlayerValue(0.01, 0.01), LOSS, SCALE))
                .as("room 20, loss earns 10")
                .isEqualTo(60);
    }

    @Test
    void score_withAccuracy_lessConfidentModelThatGainsNoRows_isNotPaid() {
        // a label flipper averaged into an overconfident aggregate: the loss falls a lot, the rows do not follow
        PlayerValue lessConfident = new PlayerValue(0.2, 0.05); // 4 standard errors: 91 by loss alone
        assertThat(ValueScore.score(lessConfident, LOSS, SCALE)).isEqualTo(91);
        assertThat(ValueScore.score(lessConfident, new PlayerValue(-0.002, 0.008), LOSS, SCALE))
                .isEqualTo(SCALE.neutral());
    }

    @Test
    void score_withAccuracy_lostRowsMovingInTheirLastBits_moveTheScoreAtMostOnePoint() {
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 100_000; i++) {
            PlayerValue loss = new PlayerValue(random.nextDouble(-0.05, 0.05), random.nextDouble(0, 0.01));
            PlayerValue accuracy = new PlayerValue(random.nextDouble(-0.1, 0.1), random.nextDouble(0, 0.02));
            PlayerValue moved = new PlayerValue(
                    accuracy.mean() + 64 * Math.ulp(accuracy.mean()),
                    accuracy.standardError() - 64 * Math.ulp(accuracy.standardError()));
            assertThat(Math.abs(
                            ValueScore.score(loss, accuracy, LOSS, SCALE) - ValueScore.score(loss, moved, LOSS, SCALE)))
                    .as("%s %s", loss, accuracy)
                    .isLessThanOrEqualTo(1);
        }
    }

    @Test
    void score_atTheMargins_movesOnePointAtATime() {
        // a large value whose certainty crosses the noise margin and then the harm margin
        int previous = ValueScore.score(new PlayerValue(-0.04, 0.04 / 1.9), LOSS, SCALE);
        for (double t = 1.9; t < 6; t += 0.001) {
            int score = ValueScore.score(new PlayerValue(-0.04, 0.04 / t), LOSS, SCALE);
            assertThat(Math.abs(score - previous)).as("t = %s", t).isLessThanOrEqualTo(1);
            previous = score;
        }
        assertThat(previous).as("8% of the loss added, beyond doubt").isEqualTo(1);
    }

    @Test
    void score_valueMovedInItsLastBits_movesAtMostOnePoint() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 100_000; i++) {
            PlayerValue value = new PlayerValue(random.nextDouble(-0.05, 0.05), random.nextDouble(0, 0.01));
            PlayerValue moved = new PlayerValue(
                    value.mean() + 64 * Math.ulp(value.mean()),
                    value.standardError() - 64 * Math.ulp(value.standardError()));
            assertThat(Math.abs(ValueScore.score(value, LOSS, SCALE) - ValueScore.score(moved, LOSS, SCALE)))
                    .as("%s", value)
                    .isLessThanOrEqualTo(1);
        }
    }
}
