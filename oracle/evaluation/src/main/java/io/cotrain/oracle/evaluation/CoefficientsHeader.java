package io.cotrain.oracle.evaluation;

/** Structural check of a coefficients.bin before ND4J reads it (placeholder: checked by ND4J itself for now). */
final class CoefficientsHeader {

    private CoefficientsHeader() {
    }

    static void check(byte[] coefficients, long expectedCount) {
        long minimum = expectedCount * 2; // half floats at least
        if (coefficients.length < minimum) {
            throw new InvalidModelException("coefficients.bin has " + coefficients.length + " bytes, too few for "
                    + expectedCount + " parameters");
        }
    }
}
