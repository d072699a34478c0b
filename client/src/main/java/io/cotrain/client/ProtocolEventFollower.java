package io.cotrain.client;

import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionSubmittedEventResponse;
import io.cotrain.contracts.generated.CotrainProtocol.RoundFinalizedEventResponse;
import io.cotrain.contracts.generated.CotrainProtocol.RoundOpenedEventResponse;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Follows the protocol's round events block by block: only blocks with at least {@code confirmations} blocks on top
 * are read, events are handed over in chain order, and the last fully handled block is checkpointed durably, so a
 * restarted follower resumes where it stopped. A handler that throws stops the poll before its block is
 * checkpointed: that block's events come again on the next poll, so handlers must be idempotent.
 */
public final class ProtocolEventFollower {
    private static final String CONTRIBUTION_SUBMITTED =
            EventEncoder.encode(CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT);
    private static final String ROUND_OPENED = EventEncoder.encode(CotrainProtocol.ROUNDOPENED_EVENT);
    private static final String ROUND_FINALIZED = EventEncoder.encode(CotrainProtocol.ROUNDFINALIZED_EVENT);

    /** Receives the events of confirmed blocks, in chain order. */
    public interface Handler {
        default void contributionSubmitted(ContributionSubmittedEventResponse event) {}

        default void roundOpened(RoundOpenedEventResponse event) {}

        default void roundFinalized(RoundFinalizedEventResponse event) {}
    }

    private final Web3j web3j;
    private final EventQuery query;
    private final EventReader reader;
    private final int confirmations;
    private final DurableNumber checkpoint;
    private final RetryPolicy retry;
    private BigInteger lastProcessed;

    /**
     * @param startBlock the first block to read when there is no checkpoint yet (the deployment block)
     * @param confirmations blocks that must be mined on top of a block before its events are read
     * @param maxBlocksPerQuery the widest eth_getLogs range, for nodes that cap it
     */
    public ProtocolEventFollower(
            Web3j web3j,
            String protocol,
            BigInteger startBlock,
            int confirmations,
            int maxBlocksPerQuery,
            DurableNumber checkpoint,
            RetryPolicy retry) {
        if (confirmations < 0) throw new IllegalArgumentException("confirmations must be >= 0, got " + confirmations);
        this.web3j = web3j;
        this.query = EventQuery.of(
                List.of(
                        CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT,
                        CotrainProtocol.ROUNDOPENED_EVENT,
                        CotrainProtocol.ROUNDFINALIZED_EVENT),
                protocol);
        this.reader = new EventReader(EventReader.of(web3j, retry), maxBlocksPerQuery);
        this.confirmations = confirmations;
        this.checkpoint = checkpoint;
        this.retry = retry;
        this.lastProcessed = checkpoint.load().orElse(startBlock.subtract(BigInteger.ONE));
    }

    /** @return the last block whose events were all handled (start block - 1 before any) */
    public synchronized BigInteger lastProcessedBlock() {
        return lastProcessed;
    }

    /**
     * Reads and hands over the events of newly confirmed blocks: all of them, or {@link EventReader#PAGES_PER_CATCH_UP}
     * pages' worth when it is far behind (the next poll goes on from there).
     *
     * @param handler receives the events
     * @return the last block handled
     */
    public synchronized BigInteger poll(Handler handler) {
        BigInteger latest = retry.call(
                        "read block number", () -> web3j.ethBlockNumber().send())
                .getBlockNumber();
        BigInteger confirmedHead = latest.subtract(BigInteger.valueOf(confirmations));
        reader.forEachPage(
                query, lastProcessed.add(BigInteger.ONE), confirmedHead, EventReader.PAGES_PER_CATCH_UP, (to, logs) -> {
                    for (Log log : logs) dispatch(log, handler);
                    checkpoint.save(to);
                    lastProcessed = to;
                });
        return lastProcessed;
    }

    private static void dispatch(Log log, Handler handler) {
        String topic = log.getTopics().getFirst();
        if (topic.equals(CONTRIBUTION_SUBMITTED)) {
            handler.contributionSubmitted(CotrainProtocol.getContributionSubmittedEventFromLog(log));
        } else if (topic.equals(ROUND_OPENED)) {
            handler.roundOpened(CotrainProtocol.getRoundOpenedEventFromLog(log));
        } else if (topic.equals(ROUND_FINALIZED)) {
            handler.roundFinalized(CotrainProtocol.getRoundFinalizedEventFromLog(log));
        }
    }
}
