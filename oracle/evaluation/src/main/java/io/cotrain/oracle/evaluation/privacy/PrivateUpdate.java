package io.cotrain.oracle.evaluation.privacy;

/**
 * A model update released by the {@link GaussianMechanism}: the parameters to publish and what clipping did.
 * The parameters are copied out on each call, so an instance never changes.
 */
public final class PrivateUpdate {

    private final float[] parameters;
    private final double updateNorm;
    private final boolean clipped;

    PrivateUpdate(float[] parameters, double updateNorm, boolean clipped) {
        this.parameters = parameters;
        this.updateNorm = updateNorm;
        this.clipped = clipped;
    }

    /** The released parameters: base plus the clipped, noised update, in the base's order. */
    public float[] parameters() {
        return parameters.clone();
    }

    /** The L2 norm of the update (trained minus base) before clipping. */
    public double updateNorm() {
        return updateNorm;
    }

    /** Whether clipping shrank the update, that is its norm was above the clip norm. */
    public boolean clipped() {
        return clipped;
    }
}
