package io.cotrain.oracle.evaluation.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogErfcTest {

    /** {@code x, log(erfc(x))}: mpmath 1.3.0 at 40 significant digits ({@code mp.log(mp.erfc(x))}), rounded. */
    private static final double[][] REFERENCE = {
        {-30.0, 0.693147180559945309},
        {-5.0, 0.69314718055917658},
        {-1.5, 0.676054502733960564},
        {-0.3, 0.28414589714140825},
        {-1e-10, 1.12837916703185064e-10},
        {0.0, 0.0},
        {1e-12, -1.12837916709614917e-12},
        {1e-05, -0.0000112838553330351358},
        {0.1, -0.119304973737395605},
        {0.5, -0.735011129837084403},
        {1.0, -1.84960550993324825},
        {1.5, -3.38449208955155272},
        {1.9999, -5.36449945777353013},
        {2.0, -5.36494126461663757},
        {2.0001, -5.36538308993476283},
        {2.5, -7.80681527272726436},
        {3.0, -10.7203630419811126},
        {4.0, -17.9877783121030065},
        {6.0, -38.3775611732233884},
        {10.0, -102.879889024844889},
        {26.0, -679.83119976319423},
        {30.0, -903.974117110643878},
        {100.0, -10005.1775851226643},
        {10000.0, -100000009.78270532},
        {1e10, -1.0e20},
    };

    @Test
    void logErfcMatchesMultiPrecisionValuesAcrossTheLine() {
        for (double[] point : REFERENCE) {
            double tolerance = 2e-14 * Math.abs(point[1]);
            assertThat(LogErfc.of(point[0])).as("log erfc(%s)", point[0]).isCloseTo(point[1], within(tolerance));
        }
    }

    @Test
    void logErfcOfTheInfinitiesAndNaN() {
        assertThat(LogErfc.of(Double.NEGATIVE_INFINITY)).isEqualTo(Math.log(2));
        assertThat(LogErfc.of(Double.POSITIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(LogErfc.of(Double.NaN)).isNaN();
    }

    @Test
    void logErfcIsDecreasingAcrossTheSeriesAndFractionBoundary() {
        double previous = LogErfc.of(-5);
        for (double x = -4.99; x < 40; x += 0.01) {
            double value = LogErfc.of(x);
            assertThat(value).as("at %s", x).isLessThan(previous);
            previous = value;
        }
    }
}
