package io.cotrain.cli;

import io.cotrain.client.EventQuery;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.generated.CotrainProtocol;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * A contributor's contributions and how each was settled, from the protocol's events (the contributor profile keeps
 * no list): {@code ContributionSubmitted} by contributor, then {@code ContributionFinalized} of those ids. A
 * contribution without a finalized event is pending.
 */
final class ContributionLedger {
    /** Ids per log query: each is one topic of an OR list. */
    private static final int IDS_PER_QUERY = 100;

    /**
     * One contribution.
     *
     * @param id its id
     * @param round the round it was submitted to
     * @param kind the ContributionType number (0 model update, 1 dataset, 2 validation work)
     * @param digest its manifest's sha256
     * @param status its status
     * @param score its consensus score: 0 while pending or when its round had no quorum
     * @param reward the reward credited for it
     * @param slashed the stake slashed for it
     */
    record Entry(
            BigInteger id,
            BigInteger round,
            int kind,
            byte[] digest,
            ContributionStatus status,
            int score,
            BigInteger reward,
            BigInteger slashed) {
        /** @return what it delivers, e.g. {@code model update} */
        String kindName() {
            try {
                return ContributionKind.of(kind).label();
            } catch (IllegalArgumentException newer) {
                return "kind " + kind;
            }
        }
    }

    private ContributionLedger() {}

    /**
     * @param chain the chain
     * @param contributor the account
     * @return its contributions in id order
     * @throws io.cotrain.client.EventQueryException when the endpoint refuses the log queries even for one block
     */
    static List<Entry> of(Chain chain, String contributor) {
        EventQuery byContributor = EventQuery.of(
                        List.of(CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT),
                        chain.addresses().protocol())
                .anyIndexed()
                .indexed(Numeric.toBigInt(contributor));
        Map<BigInteger, CotrainProtocol.ContributionSubmittedEventResponse> submitted = new LinkedHashMap<>();
        BigInteger firstBlock = null; // no contribution settles before its submission: the settled scan starts there
        for (Log log : chain.events(byContributor)) {
            var event = CotrainProtocol.getContributionSubmittedEventFromLog(log);
            submitted.put(event.id, event);
            if (firstBlock == null) firstBlock = log.getBlockNumber();
        }
        List<BigInteger> ids = new ArrayList<>(submitted.keySet());
        ids.sort(null);
        Map<BigInteger, CotrainProtocol.ContributionFinalizedEventResponse> finalized = new LinkedHashMap<>();
        for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
            EventQuery settled = EventQuery.of(
                            List.of(CotrainProtocol.CONTRIBUTIONFINALIZED_EVENT),
                            chain.addresses().protocol())
                    .indexed(ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY))
                            .toArray(BigInteger[]::new));
            for (Log log : chain.events(settled, firstBlock)) {
                var event = CotrainProtocol.getContributionFinalizedEventFromLog(log);
                if (submitted.containsKey(event.id)) finalized.put(event.id, event);
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (BigInteger id : ids) {
            var event = submitted.get(id);
            var settled = finalized.get(id);
            entries.add(new Entry(
                    id,
                    event.round,
                    event.kind.intValue(),
                    event.contentDigest,
                    settled == null ? ContributionStatus.PENDING : ContributionStatus.of(settled.status),
                    settled == null ? 0 : settled.consensusScore.intValue(),
                    settled == null ? BigInteger.ZERO : settled.reward,
                    settled == null ? BigInteger.ZERO : settled.slashed));
        }
        return entries;
    }

    /**
     * @param entries contributions
     * @return how many have each status, in the statuses' order, only those with any
     */
    static Map<ContributionStatus, Integer> countByStatus(List<Entry> entries) {
        Map<ContributionStatus, Integer> counts = new EnumMap<>(ContributionStatus.class);
        for (Entry entry : entries) counts.merge(entry.status(), 1, Integer::sum);
        return counts;
    }
}
