package io.cotrain.oracle.aggregation;

import java.util.Arrays;
import java.util.Objects;

/**
 * One accepted model update: the flat parameter vector of a contributor's model (as {@code ModelCodec.parameters}
 * produces it on the DL4J side), with what the aggregation rules weigh it by.
 *
 * <p>The constructor copies {@code parameters} and rejects NaN and infinite values (the evaluation already floors
 * such models, so reaching aggregation with one is an error). {@link #parameters()} returns a fresh copy; the rules
 * in this package read the internal array directly and never modify it.
 *
 * @param contributionId the contribution's id on chain; the rules order updates by it
 * @param parameters the model's parameters, in the model's canonical order
 * @param trainingSamples the number of samples the update was trained on, &gt; 0
 * @param consensusScore the validators' consensus score, 1..100
 */
public record ModelUpdate(long contributionId, float[] parameters, long trainingSamples, int consensusScore) {

    public ModelUpdate {
        Objects.requireNonNull(parameters, () -> "parameters of contribution " + contributionId + " are null");
        if (trainingSamples <= 0) {
            throw new IllegalArgumentException(
                    "trainingSamples of contribution " + contributionId + " must be > 0, got " + trainingSamples);
        }
        if (consensusScore < 1 || consensusScore > 100) {
            throw new IllegalArgumentException(
                    "consensusScore of contribution " + contributionId + " must be in 1..100, got " + consensusScore);
        }
        parameters = parameters.clone();
        for (int i = 0; i < parameters.length; i++) {
            if (!Float.isFinite(parameters[i])) {
                throw new IllegalArgumentException("contribution " + contributionId + " has a non-finite parameter "
                        + parameters[i] + " at index " + i);
            }
        }
    }

    /**
     * An update weighed by {@code weight} alone (FedAvg's weight is then {@code weight}; the consensus score is 1).
     *
     * @param weight how much it counts, &gt; 0
     * @return the update
     */
    public static ModelUpdate weighted(long contributionId, float[] parameters, long weight) {
        return new ModelUpdate(contributionId, parameters, weight, 1);
    }

    /** A copy of the parameters. */
    @Override
    public float[] parameters() {
        return parameters.clone();
    }

    /** The internal array, without copying: for the rules of this package, which only read it. */
    float[] params() {
        return parameters;
    }

    /** The number of parameters. */
    public int size() {
        return parameters.length;
    }

    /** This update's FedAvg weight: training samples times consensus score, as a double (no overflow). */
    public double weight() {
        return (double) trainingSamples * consensusScore;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelUpdate u
                && contributionId == u.contributionId
                && trainingSamples == u.trainingSamples
                && consensusScore == u.consensusScore
                && Arrays.equals(parameters, u.parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(contributionId, trainingSamples, consensusScore, Arrays.hashCode(parameters));
    }

    @Override
    public String toString() {
        return "ModelUpdate[contributionId=" + contributionId + ", parameters=" + parameters.length
                + ", trainingSamples=" + trainingSamples + ", consensusScore=" + consensusScore + "]";
    }
}
