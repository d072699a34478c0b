package io.cotrain.oracle.scoring;

import java.math.BigInteger;

/**
 * A contribution as the chain records it: what a validator needs to find and judge it.
 *
 * @param id the contribution id
 * @param round the round it belongs to
 * @param contributor the submitting address
 * @param kind the on-chain ContributionType (0 model update, 1 dataset, 2 validation work)
 * @param taskId the task it is for
 * @param contentDigest the sha256 of its manifest, 32 bytes
 * @param submittedBlock the block it was submitted in: its task's global model as of that block is what it is judged
 *     against
 */
public record ContributionRecord(
        BigInteger id,
        BigInteger round,
        String contributor,
        int kind,
        long taskId,
        byte[] contentDigest,
        BigInteger submittedBlock) {}
