package io.cotrain.oracle.evaluation.privacy;

/** Argument checks shared by this package; each failure is an {@link IllegalArgumentException} naming the value. */
final class Checks {

    private Checks() {}

    /** {@code value}, when it is a finite number above 0. */
    static double positive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number above 0, got " + value);
        }
        return value;
    }

    /** {@code value}, when it is a finite number of at least 0. */
    static double nonNegative(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number of at least 0, got " + value);
        }
        return value;
    }

    /** {@code value}, when it lies strictly between 0 and 1. */
    static double delta(double value) {
        if (!(value > 0 && value < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + value);
        }
        return value;
    }

    /** {@code value}, when it is at least 1. */
    static int count(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
        return value;
    }
}
