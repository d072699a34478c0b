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
        assertThat(QualityScore.score(751, 800, 1000)).isEqualTo(1);   // -4.9 points
        assertThat(QualityScore.score(750, 800, 1000)).isEqualTo(1);   // -5 points
        assertThat(QualityScore.score(0, 1000, 1000)).isEqualTo(1);
        assertThat(QualityScore.score(780, 800, 1000)).isEqualTo(30);  // -2 points: the slash threshold
        assertThat(QualityScore.score(810, 800, 1000)).isEqualTo(60);  // +1 point: +10
        assertThat(QualityScore.score(0.80, 0.80)).isEqualTo(50);
        assertThat(QualityScore.score(0.85, 0.80)).isEqualTo(100);
        assertThat(QualityScore.score(0.75, 0.80)).isEqualTo(1);
        assertThat(QualityScore.score(Double.NaN, 0.80)).isEqualTo(QualityScore.FLOOR);
    }

    @Test
    void roundsHalvesUpExactly() {
        // 1000 * 1 / 2000 = 0.5 -> rounds up to 51; -0.5 rounds up to 50
        assertThat(QualityScore.score(1001, 1000, 2000)).isEqualTo(51);
        assertThat(QualityScore.score(999, 1000, 2000)).isEqualTo(50);
        assertThat(QualityScore.score(997, 1000, 2000)).isEqualTo(49); // -1.5 -> -1
    }

    @Test
    void monotoneInCandidateAccuracyAndWithinRange() {
        for (int rows : new int[] {1, 7, 1000, 2000, 10_000}) {
            for (int baseline : new int[] {0, rows / 3, rows / 2, rows}) {
                int previous = Integer.MIN_VALUE;
                for (int candidate = 0; candidate <= rows; candidate++) {
                    int score = QualityScore.score(candidate, baseline, rows);
                    assertThat(score).isBetween(QualityScore.FLOOR, QualityScore.MAX).isGreaterThanOrEqualTo(previous);
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
