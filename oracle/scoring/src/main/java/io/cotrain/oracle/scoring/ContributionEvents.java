package io.cotrain.oracle.scoring;

import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionSubmittedEventResponse;
import io.cotrain.oracle.chain.EventLogs;
import io.cotrain.oracle.chain.RetryPolicy;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/** The protocol's {@code ContributionSubmitted} events as contribution records, read in bounded block ranges. */
final class ContributionEvents implements ContributionHistory {
    private static final String CONTRIBUTION_SUBMITTED =
            EventEncoder.encode(CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT);

    private final Web3j web3j;
    private final String protocol;
    private final BigInteger deployBlock;
    private final int maxBlocksPerQuery;
    private final RetryPolicy retry;

    ContributionEvents(Web3j web3j, String protocol, BigInteger deployBlock, int maxBlocksPerQuery, RetryPolicy retry) {
        this.web3j = web3j;
        this.protocol = protocol;
        this.deployBlock = deployBlock;
        this.maxBlocksPerQuery = maxBlocksPerQuery;
        this.retry = retry;
    }

    @Override
    public List<ContributionRecord> submitted(BigInteger fromBlock, BigInteger toBlock) {
        List<ContributionRecord> records = new ArrayList<>();
        BigInteger from = fromBlock.max(deployBlock);
        while (from.compareTo(toBlock) <= 0) {
            BigInteger to = from.add(BigInteger.valueOf(maxBlocksPerQuery - 1)).min(toBlock);
            EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(from), DefaultBlockParameter.valueOf(to),
                    protocol);
            filter.addSingleTopic(CONTRIBUTION_SUBMITTED);
            BigInteger rangeFrom = from;
            EthLog logs = retry.call("read ContributionSubmitted " + from + ".." + to,
                    () -> web3j.ethGetLogs(filter).send());
            for (Log log : EventLogs.inChainOrder(logs, rangeFrom, to)) {
                ContributionSubmittedEventResponse event = CotrainProtocol.getContributionSubmittedEventFromLog(log);
                records.add(new ContributionRecord(event.id, event.round, event.contributor, event.kind.intValue(),
                        event.taskId.longValueExact(), event.contentDigest, log.getBlockNumber()));
            }
            from = to.add(BigInteger.ONE);
        }
        return records;
    }
}
