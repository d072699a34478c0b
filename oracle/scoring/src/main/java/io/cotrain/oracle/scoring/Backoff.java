package io.cotrain.oracle.scoring;

import java.util.HashMap;
import java.util.Map;

/**
 * Retries of work that failed for a reason that may pass (IPFS down, a document not found yet), counted in calls of
 * the duty that does it: after the n-th failure in a row an item waits 2^(n-1) calls, at most {@value #MAX_WAIT}, so
 * a document nobody will ever provide costs a fetch timeout now and then, not on every tick.
 */
final class Backoff<K> {
    static final int MAX_WAIT = 64;

    private record Wait(int failures, long until) {}

    private final Map<K, Wait> waiting = new HashMap<>();
    private long call;

    /** Starts a call of the duty. */
    void tick() {
        call++;
    }

    /** @return whether {@code key} may be tried in this call */
    boolean due(K key) {
        Wait wait = waiting.get(key);
        return wait == null || call >= wait.until();
    }

    /** Records a failure of {@code key} in this call. */
    void failed(K key) {
        int failures = waiting.containsKey(key) ? waiting.get(key).failures() + 1 : 1;
        waiting.put(key, new Wait(failures, call + Math.min(MAX_WAIT, 1L << Math.min(failures - 1, 30))));
    }

    /** Forgets {@code key}: it succeeded or was given up. */
    void done(K key) {
        waiting.remove(key);
    }
}
