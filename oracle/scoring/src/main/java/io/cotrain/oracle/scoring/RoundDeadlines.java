package io.cotrain.oracle.scoring;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;

/** When fetching a round's content from IPFS must be over (see {@link ContentFetching} for the rule on chain). */
@FunctionalInterface
public interface RoundDeadlines {
    /**
     * When one fetch of a round's content ends, and what content missing by then means.
     *
     * @param at when every fetch started now must be over
     * @param last whether the round's submissions are closed: content a healthy node has not found by {@code at} is
     *     floored. Before that a fetch is provisional: content not found yet stays pending, and the round's last
     *     fetch (in its commit window) decides, so content nobody stored costs the round one deadline, not one per
     *     batch of submissions
     */
    record Deadline(Instant at, boolean last) {}

    /**
     * @param round a round
     * @param now when the fetch starts
     * @return the deadline of every fetch of the round's content started now
     */
    Deadline deadline(BigInteger round, Instant now);

    /**
     * @param budget the time every round gets
     * @return last deadlines a fixed time from the start of the fetch, for a scorer with no chain to read windows from
     */
    static RoundDeadlines fixed(Duration budget) {
        return (round, now) -> new Deadline(now.plus(budget), true);
    }
}
