package io.cotrain.oracle.scoring;

import io.cotrain.client.EventQuery;
import io.cotrain.client.EventReader;
import io.cotrain.client.RetryPolicy;
import io.cotrain.contracts.generated.ModelRegistry;
import java.math.BigInteger;
import java.util.List;
import org.web3j.protocol.Web3j;

/** The model registry's {@code HeldOutShared} announcements: the port {@link InboxDuty} reads them through. */
@FunctionalInterface
interface HeldOutShares {
    /**
     * An owner's announcement of its task's held-out set, encrypted to validators.
     *
     * @param taskId the task (model id)
     * @param envelopeDigest the sha256 of the envelope document on IPFS
     * @param block the block it was announced in
     */
    record Share(long taskId, byte[] envelopeDigest, BigInteger block) {}

    /**
     * @return the announcements in blocks {@code fromBlock} to {@code toBlock}, in chain order
     * @throws RuntimeException if the chain cannot be read
     */
    List<Share> between(BigInteger fromBlock, BigInteger toBlock);

    /** @return the announcements as the model registry's events record them */
    static HeldOutShares events(Web3j web3j, String modelRegistry, int maxBlocksPerQuery, RetryPolicy retry) {
        EventReader reader = new EventReader(EventReader.of(web3j, retry), maxBlocksPerQuery);
        EventQuery query = EventQuery.of(List.of(ModelRegistry.HELDOUTSHARED_EVENT), modelRegistry);
        return (fromBlock, toBlock) -> reader.read(query, fromBlock, toBlock).stream()
                .map(log -> {
                    var event = ModelRegistry.getHeldOutSharedEventFromLog(log);
                    return new Share(event.modelId.longValueExact(), event.envelopeDigest, log.getBlockNumber());
                })
                .toList();
    }
}
