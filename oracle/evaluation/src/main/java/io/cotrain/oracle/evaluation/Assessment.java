package io.cotrain.oracle.evaluation;

import java.util.Objects;
import java.util.Optional;

/**
 * A model update's evaluation together with its parameters, for valuing the update next to the round's others.
 *
 * @param evaluation the contribution's evaluation on its own
 * @param parameters the update's flat parameters ({@link ModelCodec#parameters}); present iff no guard rejected it
 */
public record Assessment(Evaluation evaluation, Optional<float[]> parameters) {
    public Assessment {
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(parameters, "parameters");
        if (evaluation.rejected() == parameters.isPresent()) {
            throw new IllegalArgumentException("an assessment holds parameters iff no guard rejected the contribution");
        }
    }

    /** A contribution a guard rejected, or one that was not evaluated: no update to value. */
    public static Assessment rejected(Evaluation floor) {
        return new Assessment(floor, Optional.empty());
    }
}
