package io.cotrain.oracle.evaluation;

import java.util.Objects;
import java.util.Optional;

/**
 * A contribution's evaluation on its own, with what its round's judgement needs beside it: a model update's
 * parameters, to value it next to the round's others, or a dataset's row fingerprints, to tell whether it is mostly
 * rows an earlier dataset submitted.
 *
 * @param evaluation the contribution's evaluation on its own
 * @param parameters the update's flat parameters ({@link ModelCodec#parameters}); present for a model update that no
 *     guard rejected
 * @param rowFingerprints the dataset's distinct row fingerprints ({@link TabularDataset#rowFingerprints}); present
 *     for a dataset that no guard rejected
 */
public record Assessment(Evaluation evaluation, Optional<float[]> parameters, Optional<long[]> rowFingerprints) {
    public Assessment {
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(rowFingerprints, "rowFingerprints");
        if (parameters.isPresent() && rowFingerprints.isPresent()) {
            throw new IllegalArgumentException("an assessment holds parameters or row fingerprints, not both");
        }
        if (evaluation.rejected() == (parameters.isPresent() || rowFingerprints.isPresent())) {
            throw new IllegalArgumentException("an assessment holds what it judged iff no guard rejected it");
        }
    }

    /** A contribution a guard rejected, or one that was not evaluated: nothing to judge with its round. */
    public static Assessment rejected(Evaluation floor) {
        return new Assessment(floor, Optional.empty(), Optional.empty());
    }
}
