package io.cotrain.oracle.scoring;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;

/** When fetching a round's content from IPFS must be over (see {@link ContentFetching} for the rule on chain). */
@FunctionalInterface
public interface RoundDeadlines {
    /**
     * @param round a round
     * @param now when the fetch starts
     * @return the deadline of every fetch of the round's content started now
     */
    Instant deadline(BigInteger round, Instant now);

    /**
     * @param budget the time every round gets
     * @return deadlines a fixed time from the start of the fetch, for a scorer with no chain to read windows from
     */
    static RoundDeadlines fixed(Duration budget) {
        return (round, now) -> now.plus(budget);
    }
}
