package io.cotrain.oracle.scoring;

import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Each open round's contributions in position order, as the protocol's {@code ContributionSubmitted} events list them.
 * The chain keeps contributions by content digest only, so a validator needs the events to commit to a round (its
 * scores are in position order) and to finalize it (finalize is given the digests in position order). Records come
 * from the events the node follows; whatever is missing (a node started after the round opened, or events not yet
 * confirmed) is read from the chain's history around the round's submission window, then from the deployment on.
 */
public final class RoundContributions {
    /** Where to look for a round's events: blocks at or before its first submission and at or after its last. */
    @FunctionalInterface
    public interface Window {
        /**
         * @param round the round
         * @param info its state on chain
         * @return {from, to} block numbers
         */
        BigInteger[] of(BigInteger round, RoundView info);
    }

    private final ContributionHistory history;
    private final Window window;
    private final Map<BigInteger, NavigableMap<BigInteger, ContributionRecord>> byRound = new HashMap<>();

    /**
     * @param history where missing records are read from
     * @param window where in the history a round's records are
     */
    public RoundContributions(ContributionHistory history, Window window) {
        this.history = history;
        this.window = window;
    }

    /** Remembers a contribution the node saw submitted. */
    synchronized void seen(ContributionRecord contribution) {
        byRound.computeIfAbsent(contribution.round(), round -> new TreeMap<>()).put(contribution.id(), contribution);
    }

    /** Forgets a round that needs nothing more from this node. */
    synchronized void forget(BigInteger round) {
        byRound.remove(round);
    }

    /**
     * @param round a round with contributions
     * @param info its state on chain
     * @return its contributions, position 0 first
     * @throws IllegalStateException if the chain's history lacks one of them (the RPC endpoint serves no such logs)
     */
    synchronized List<ContributionRecord> of(BigInteger round, RoundView info) {
        BigInteger firstId = info.firstContributionId;
        int count = info.contributionCount.intValueExact();
        if (!complete(round, firstId, count)) {
            BigInteger[] blocks = window.of(round, info);
            read(blocks[0].max(BigInteger.ZERO), blocks[1]);
            if (!complete(round, firstId, count)) read(BigInteger.ZERO, blocks[1]); // a pause may have stretched it
            if (!complete(round, firstId, count)) {
                throw new IllegalStateException("round " + round + " has " + count + " contributions from id "
                        + firstId + " but the chain's ContributionSubmitted events up to block " + blocks[1] + " list "
                        + byRound.getOrDefault(round, new TreeMap<>()).size());
            }
        }
        NavigableMap<BigInteger, ContributionRecord> known = byRound.get(round);
        List<ContributionRecord> ordered = new ArrayList<>(count);
        for (int position = 0; position < count; position++) {
            ordered.add(known.get(firstId.add(BigInteger.valueOf(position))));
        }
        return ordered;
    }

    private boolean complete(BigInteger round, BigInteger firstId, int count) {
        NavigableMap<BigInteger, ContributionRecord> known = byRound.get(round);
        if (count == 0) return true;
        if (known == null) return false;
        BigInteger last = firstId.add(BigInteger.valueOf(count - 1L));
        return known.subMap(firstId, true, last, true).size() == count;
    }

    private void read(BigInteger fromBlock, BigInteger toBlock) {
        history.submitted(fromBlock, toBlock).forEach(this::seen);
    }
}
