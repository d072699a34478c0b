package io.cotrain.oracle.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/** The logs of an {@code eth_getLogs} answer, in the order the chain made them. */
public final class EventLogs {
    private EventLogs() {}

    /**
     * @param response the node's answer for blocks {@code from..to}
     * @return its logs sorted by block, then by index in the block
     * @throws IllegalStateException naming the range if the node answered with an error
     */
    public static List<Log> inChainOrder(EthLog response, BigInteger from, BigInteger to) {
        if (response.hasError()) {
            throw new IllegalStateException("eth_getLogs " + from + ".." + to + ": " + response.getError().getMessage());
        }
        List<Log> logs = new ArrayList<>();
        for (EthLog.LogResult<?> result : response.getLogs()) logs.add((Log) result.get());
        logs.sort(Comparator.comparing(Log::getBlockNumber).thenComparing(Log::getLogIndex));
        return logs;
    }
}
