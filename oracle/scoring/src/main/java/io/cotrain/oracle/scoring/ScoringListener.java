package io.cotrain.oracle.scoring;

/** Hears what the validator loop does: a hook for metrics. */
public interface ScoringListener {
    ScoringListener NONE = new ScoringListener() {};

    /** A contribution was judged (not called again for one already judged before a restart). */
    default void evaluated(ScoredContribution scored) {}

    /** A judged contribution was valued with its round's others, before the commit: its score may have changed. */
    default void valued(ScoredContribution valued) {}

    /** The round accepting submissions is now {@code round}. */
    default void currentRound(java.math.BigInteger round) {}
}
