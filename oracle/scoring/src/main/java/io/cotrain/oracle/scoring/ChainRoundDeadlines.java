package io.cotrain.oracle.scoring;

import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;

/**
 * Round deadlines from the chain: the round's submission and commit end blocks from {@code roundInfo}, the current
 * block, and the chain's recent block time (the timestamps of the last {@value #BLOCK_TIME_SAMPLE} blocks), put
 * through the rule of {@link ContentFetching#deadline}. Block number and block time are read once per fetch start.
 */
final class ChainRoundDeadlines implements RoundDeadlines {
    static final int BLOCK_TIME_SAMPLE = 16;
    /** Assumed when recent blocks share a timestamp (mined in a burst): seconds are the timestamps' resolution. */
    private static final Duration BURST_BLOCK_TIME = Duration.ofSeconds(1);

    private final Web3j web3j;
    private final CotrainProtocol protocol;
    private final ChainReads chain;
    private final ContentFetching fetching;
    private Instant sampledAt;
    private BigInteger block;
    private Duration blockTime;

    ChainRoundDeadlines(Web3j web3j, CotrainProtocol protocol, ChainReads chain, ContentFetching fetching) {
        this.web3j = web3j;
        this.protocol = protocol;
        this.chain = chain;
        this.fetching = fetching;
    }

    @Override
    public synchronized Deadline deadline(BigInteger round, Instant now) {
        try {
            RoundView info = chain.read(
                    "roundInfo(" + round + ")", () -> protocol.roundInfo(round).send());
            if (!now.equals(sampledAt)) sample(now);
            return fetching.deadline(
                    now, blocksUntil(info.submissionEndBlock), blocksUntil(info.commitEndBlock), blockTime);
        } catch (RuntimeException e) {
            throw new TransientFailureException("cannot read the windows of round " + round + ": " + e.getMessage(), e);
        }
    }

    private long blocksUntil(BigInteger end) {
        BigInteger left = end.subtract(block);
        return left.bitLength() < 63 ? left.longValue() : left.signum() * Long.MAX_VALUE;
    }

    private void sample(Instant now) {
        EthBlock.Block latest = header(DefaultBlockParameter.valueOf(
                chain.read("blockNumber", () -> web3j.ethBlockNumber().send().getBlockNumber())));
        block = latest.getNumber();
        BigInteger back = block.min(BigInteger.valueOf(BLOCK_TIME_SAMPLE));
        blockTime = BURST_BLOCK_TIME;
        if (back.signum() > 0) {
            EthBlock.Block earlier = header(DefaultBlockParameter.valueOf(block.subtract(back)));
            long millis = latest.getTimestamp().subtract(earlier.getTimestamp()).longValueExact()
                    * 1000
                    / back.longValueExact();
            if (millis > 0) blockTime = Duration.ofMillis(millis);
        }
        sampledAt = now;
    }

    private EthBlock.Block header(DefaultBlockParameter number) {
        EthBlock.Block header = chain.read(
                        "block " + number.getValue(),
                        () -> web3j.ethGetBlockByNumber(number, false).send())
                .getBlock();
        if (header == null) throw new IllegalStateException("the chain has no block " + number.getValue());
        return header;
    }
}
