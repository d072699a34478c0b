package io.cotrain.oracle.scoring;

import io.cotrain.oracle.evaluation.EvaluationFailedException;
import java.math.BigInteger;

/** Hears what the validator loop does: a hook for metrics. */
public interface ScoringListener {
    ScoringListener NONE = new ScoringListener() {};

    /** A contribution was judged (not called again for one already judged before a restart). */
    default void evaluated(ScoredContribution scored) {}

    /** A judged contribution was valued with its round's others, before the commit: its score may have changed. */
    default void valued(ScoredContribution valued) {}

    /**
     * This node failed to evaluate a contribution for a reason that is not the input's: the contribution stays
     * unjudged (retried every tick) and its round is not committed until it is judged.
     */
    default void evaluationFailed(EvaluationFailedException failure) {}

    /** The round accepting submissions is now {@code round}. */
    default void currentRound(BigInteger round) {}
}
