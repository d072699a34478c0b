package io.cotrain.oracle.scoring;

import io.cotrain.client.EventQuery;
import io.cotrain.client.EventReader;
import io.cotrain.client.RetryPolicy;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionSubmittedEventResponse;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.Log;

/** The protocol's {@code ContributionSubmitted} events as contribution records, read in bounded block ranges. */
final class ContributionEvents implements ContributionHistory {
    private final EventReader reader;
    private final EventQuery query;
    private final BigInteger deployBlock;

    ContributionEvents(Web3j web3j, String protocol, BigInteger deployBlock, int maxBlocksPerQuery, RetryPolicy retry) {
        this.reader = new EventReader(EventReader.of(web3j, retry), maxBlocksPerQuery);
        this.query = EventQuery.of(List.of(CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT), protocol);
        this.deployBlock = deployBlock;
    }

    @Override
    public List<ContributionRecord> submitted(BigInteger fromBlock, BigInteger toBlock) {
        List<ContributionRecord> records = new ArrayList<>();
        for (Log log : reader.read(query, fromBlock.max(deployBlock), toBlock)) {
            ContributionSubmittedEventResponse event = CotrainProtocol.getContributionSubmittedEventFromLog(log);
            records.add(new ContributionRecord(
                    event.id,
                    event.round,
                    event.contributor,
                    event.kind.intValue(),
                    event.taskId.longValueExact(),
                    event.contentDigest,
                    log.getBlockNumber()));
        }
        return records;
    }
}
