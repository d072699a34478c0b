package io.cotrain.oracle.evaluation;

/**
 * The standardization of one feature column, computed from the owner's sample when a task is derived: a value
 * {@code x} enters the model as {@code (x - mean) / scale}, in 32-bit float arithmetic, so that every party computes
 * the same bits.
 *
 * @param mean  the column's mean in the sample, finite
 * @param scale the column's standard deviation in the sample, finite and positive (1 for a constant column)
 */
public record FeatureScaling(float mean, float scale) {

    public FeatureScaling {
        if (!Float.isFinite(mean) || !Float.isFinite(scale) || !(scale > 0)) {
            throw new IllegalArgumentException(
                    "a feature's mean must be finite and its scale finite and positive, got " + mean + ", " + scale);
        }
    }

    /** The standardized value of {@code x}. */
    public float apply(float x) {
        return (x - mean) / scale;
    }
}
