package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QualityScoreTest {

    @Test
    void anchorPoints() {
        assertThat(QualityScore.score(800, 800, 1000)).isEqualTo(50);
        assertThat(QualityScore.score(850, 800, 1000)).isEqualTo(100); // +5 points
        assertThat(QualityScore.score(900, 800, 1000)).isEqualTo(100); // clamped
        assertThat(QualityScore.score(750, 800, 1000)).isEqualTo(40); // -5 points: -2 per point lost
        assertThat(QualityScore.score(700, 800, 1000)).isEqualTo(30); // -10 points: the slash threshold
        assertThat(QualityScore.score(698, 800, 1000)).isEqualTo(30); // -10.2 points: 29.6 rounds to 30
        assertThat(QualityScore.score(697, 800, 1000)).isEqualTo(29); // -10.3 points: slashed
        assertThat(QualityScore.score(553, 800, 1000)).isEqualTo(1); // -24.7 points: 0.6 rounds to 1
        assertThat(QualityScore.score(550, 800, 1000)).isEqualTo(1); // -25 points: 0, clamped to the floor
        assertThat(QualityScore.score(0, 1000, 1000)).isEqualTo(1);
        assertThat(QualityScore.score(810, 800, 1000)).isEqualTo(60); // +1 point: +10
        assertThat(QualityScore.score(0.80, 0.80)).isEqualTo(50);
        assertThat(QualityScore.score(0.85, 0.80)).isEqualTo(100);
        assertThat(QualityScore.score(0.70, 0.80)).isEqualTo(30);
        assertThat(QualityScore.score(0.50, 0.80)).isEqualTo(1);
        assertThat(QualityScore.score(Double.NaN, 0.80)).isEqualTo(QualityScore.FLOOR);
    }

    @Test
    void roundsHalvesUpExactly() {
        // 1000 * 1 / 2000 = 0.5 -> rounds up to 51; losses: 200 * -5 / 2000 = -0.5 -> 50, -15 / 2000 -> -1.5 -> -1
        assertThat(QualityScore.score(1001, 1000, 2000)).isEqualTo(51);
        assertThat(QualityScore.score(995, 1000, 2000)).isEqualTo(50);
        assertThat(QualityScore.score(985, 1000, 2000)).isEqualTo(49);
    }

    @Test
    void monotoneInCandidateAccuracyAndWithinRange() {
        for (int rows : new int[] {1, 7, 1000, 2000, 10_000}) {
            for (int baseline : new int[] {0, rows / 3, rows / 2, rows}) {
                int previous = Integer.MIN_VALUE;
                for (int candidate = 0; candidate <= rows; candidate++) {
                    int score = QualityScore.score(candidate, baseline, rows);
                    assertThat(score)
                            .isBetween(QualityScore.FLOOR, QualityScore.MAX)
                            .isGreaterThanOrEqualTo(previous);
                    // the double form agrees except where floating-point error moves an exact half
                    assertThat(QualityScore.score((double) candidate / rows, (double) baseline / rows))
                            .isBetween(score - 1, score + 1);
                    previous = score;
                }
            }
        }
    }

    @Test
    void monotoneForFractions() {
        int previous = Integer.MIN_VALUE;
        for (int i = 0; i <= 100_000; i++) {
            int score = QualityScore.score(i / 100_000.0, 0.5);
            assertThat(score).isGreaterThanOrEqualTo(previous);
            previous = score;
        }
        assertThat(previous).isEqualTo(QualityScore.MAX);
    }

    @Test
    void rejectsImpossibleCounts() {
        assertThatThrownBy(() -> QualityScore.score(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QualityScore.score(11, 1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QualityScore.score(-1, 1, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
