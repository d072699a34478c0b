package io.cotrain.oracle.scoring;

import java.time.Duration;
import java.time.Instant;

/**
 * How a validator fetches a round's content from IPFS: every manifest and artifact of the round in parallel, all
 * against one deadline, so that content nobody stored costs the round one deadline however much of it is submitted.
 *
 * <p>While a round still takes submissions, a fetch is provisional: it gets {@link #MINIMUM_FETCH}, and content not
 * found by then stays pending (a contributor's node may still be announcing it). Once submissions are closed, the
 * fetch is the round's last: it gets {@code roundDeadline} from its start, but ends early enough before the round's
 * commit window closes for the health probe ({@code healthProbeTimeout}) and {@code commitReserveBlocks} blocks (at
 * the chain's recent block time) to judge and commit in; each fetch gets at least {@link #MINIMUM_FETCH} even when
 * the round is late. A round whose commit window is over has nothing left to commit and gets the whole
 * {@code roundDeadline}.
 *
 * @param roundDeadline the most a round's content may take to arrive
 * @param concurrency how many fetches may be in flight at once: at least the most contributions a round can hold, so
 *     that none of them waits for a free slot while others run into the deadline
 * @param commitReserveBlocks the blocks before the commit window ends by which fetching is over
 * @param healthProbeTimeout how long each step of the IPFS node's health probe may take
 */
public record ContentFetching(
        Duration roundDeadline, int concurrency, int commitReserveBlocks, Duration healthProbeTimeout) {
    /** The least time any fetch is given: a healthy node serves content it holds in milliseconds. */
    public static final Duration MINIMUM_FETCH = Duration.ofSeconds(1);

    public ContentFetching {
        if (roundDeadline.compareTo(MINIMUM_FETCH) < 0) {
            throw new IllegalArgumentException(
                    "the round deadline must be at least " + MINIMUM_FETCH + ", got " + roundDeadline);
        }
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        if (commitReserveBlocks < 0) {
            throw new IllegalArgumentException("commitReserveBlocks must be 0 or more, got " + commitReserveBlocks);
        }
        if (healthProbeTimeout.toMillis() <= 0) {
            throw new IllegalArgumentException("the health probe timeout must be positive, got " + healthProbeTimeout);
        }
    }

    /** @return 5 s per round, 64 fetches in flight, 3 blocks of reserve, 3 s per health probe step */
    public static ContentFetching defaults() {
        return new ContentFetching(Duration.ofSeconds(5), 64, 3, Duration.ofSeconds(3));
    }

    /**
     * The deadline rule.
     *
     * @param now when the fetch starts
     * @param blocksUntilSubmissionEnd the round's submission end block minus the current block
     * @param blocksUntilCommitEnd the round's commit end block minus the current block
     * @param blockTime the chain's recent time per block
     * @return when fetching the round's content must be over, and whether that fetch is the round's last
     */
    public RoundDeadlines.Deadline deadline(
            Instant now, long blocksUntilSubmissionEnd, long blocksUntilCommitEnd, Duration blockTime) {
        if (blocksUntilSubmissionEnd > 0) return new RoundDeadlines.Deadline(now.plus(MINIMUM_FETCH), false);
        if (blocksUntilCommitEnd <= 0) return new RoundDeadlines.Deadline(now.plus(roundDeadline), true);
        Duration untilReserve = blockTime
                .multipliedBy(Math.max(0, blocksUntilCommitEnd - commitReserveBlocks))
                .minus(healthProbeTimeout);
        Duration budget = untilReserve.compareTo(roundDeadline) < 0 ? untilReserve : roundDeadline;
        return new RoundDeadlines.Deadline(
                now.plus(budget.compareTo(MINIMUM_FETCH) < 0 ? MINIMUM_FETCH : budget), true);
    }
}
