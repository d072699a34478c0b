package io.cotrain.validator.gateway;

import java.math.BigInteger;
import java.util.Map;

/**
 * Something the gateway's event index has just read from the chain, pushed to the API's live clients: its kind, the
 * block it happened in, and its facts as the API's JSON names them. A client that misses updates loses nothing: each
 * kind names what to read again ({@code GET /models/{id}/rounds}, {@code /contributions/{id}}, ...).
 *
 * @param kind what happened
 * @param block the block it happened in (for {@link Kind#BLOCK}, the last block the index has read)
 * @param facts the update's facts, JSON-ready (numbers, strings, booleans)
 */
public record LiveUpdate(Kind kind, BigInteger block, Map<String, Object> facts) {
    /** The kinds of update, by their name on the wire (the SSE event name). */
    public enum Kind {
        /** The index has read the chain up to a new block. */
        BLOCK("block"),
        /** The chain dropped blocks the index had read: everything is read again, and the views may go back. */
        REORG("reorg"),
        /** A contribution was submitted. */
        CONTRIBUTION("contribution"),
        /** A contribution was settled with its consensus score. */
        SCORE("score"),
        /** A round opened or was finalized. */
        ROUND("round"),
        /** A validator committed its scores of a round. */
        SCORE_COMMIT("score-commit"),
        /** A model's branch got a new commit (an aggregated global model, a revert or a merge). */
        MODEL_COMMIT("model-commit");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /** @return the name clients listen for */
        public String wireName() {
            return wireName;
        }
    }

    public LiveUpdate {
        facts = Map.copyOf(facts);
    }
}
