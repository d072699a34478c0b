package io.cotrain.oracle.aggregation;

import java.util.Objects;

/**
 * Moves an update trained from one global model onto another: the change the contributor made ({@code update -
 * trainedFrom}) applied to {@code parent}. An update judged against an older global model than the one being
 * aggregated onto contributes only what it changed, so a copy of an older global model (no change) cannot pull the
 * next model back to it, and honest work done on an older model still counts.
 */
public final class Rebase {
    private Rebase() {}

    /**
     * @param update the update's parameters
     * @param trainedFrom the parameters of the global model it was judged against
     * @param parent the parameters of the global model the aggregate is built on
     * @return {@code parent + (update - trainedFrom)} per coordinate, computed in double and rounded once; a result
     *     beyond the float range is clamped to it, so no input makes the aggregation fail
     * @throws IllegalArgumentException if the lengths differ
     */
    public static float[] onto(float[] update, float[] trainedFrom, float[] parent) {
        Objects.requireNonNull(update, "update");
        Objects.requireNonNull(trainedFrom, "trainedFrom");
        Objects.requireNonNull(parent, "parent");
        if (update.length != trainedFrom.length || update.length != parent.length) {
            throw new IllegalArgumentException("cannot rebase " + update.length + " parameters trained from "
                    + trainedFrom.length + " onto " + parent.length);
        }
        float[] out = new float[update.length];
        for (int i = 0; i < out.length; i++) {
            double moved = (double) parent[i] + ((double) update[i] - trainedFrom[i]);
            out[i] = (float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, moved));
        }
        return out;
    }
}
