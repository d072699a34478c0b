package io.cotrain.oracle.scoring;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a validator node is doing, as of its last tick.
 *
 * @param address the validator's signing address
 * @param chainId the chain it follows
 * @param lastProcessedBlock the last block whose events it handled
 * @param currentRound the round accepting submissions
 * @param rounds the phase of every round it still works on, by round
 * @param pendingEvaluations contributions seen but not judged yet
 * @param lastErrors the most recent failures, newest last, each with its time
 * @param updatedAt when this snapshot was taken (null before the first tick)
 */
public record ValidatorStatus(
        String address,
        long chainId,
        BigInteger lastProcessedBlock,
        BigInteger currentRound,
        Map<BigInteger, String> rounds,
        int pendingEvaluations,
        List<String> lastErrors,
        Instant updatedAt) {}
