package io.cotrain.oracle.scoring;

import java.math.BigInteger;
import java.util.List;

/**
 * Where contributions the scorer was not handed come from when it must know them: the {@link ArtifactIndex} has to
 * resolve every contribution below one it judges, including those judged before a restart or before the index
 * existed.
 */
@FunctionalInterface
public interface ContributionHistory {
    /** No history: every contribution below a judged one must be handed to the scorer. */
    ContributionHistory NONE = (fromBlock, toBlock) -> List.of();

    /**
     * @param fromBlock the first block to read (clamped to where the protocol was deployed)
     * @param toBlock the last block to read
     * @return the contributions submitted in those blocks, in id order
     */
    List<ContributionRecord> submitted(BigInteger fromBlock, BigInteger toBlock);
}
