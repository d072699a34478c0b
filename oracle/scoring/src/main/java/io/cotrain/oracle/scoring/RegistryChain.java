package io.cotrain.oracle.scoring;

import io.cotrain.contracts.generated.CotrainProtocol.ContributionView;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import io.cotrain.contracts.generated.ModelRegistry.CommitAttestation;
import io.cotrain.contracts.generated.ModelRegistry.CommitView;
import io.cotrain.contracts.generated.ModelRegistry.ModelSpec;
import java.math.BigInteger;
import java.util.Optional;

/**
 * What a validator's model-registry duty ({@link ModelCommitter}) asks of the chain: the port between it and the RPC
 * client, so that its branches are testable without a node. Reads retry I/O failures; an attestation that reverts
 * throws {@link io.cotrain.client.ContractRevertedException} with the decoded error.
 */
interface RegistryChain {
    /**
     * A registered model.
     *
     * @param branchCount branches, ids 0 to this minus one
     * @param lastRound the last protocol round aggregated on its default branch
     */
    record Model(ModelSpec spec, BigInteger defaultBranch, BigInteger branchCount, BigInteger lastRound) {}

    /** A merge requested into a branch: the source head (0 when none is pending) and the request's number. */
    record PendingMerge(BigInteger sourceHead, BigInteger request) {}

    /** What an attestation proposes: the next commit of a branch, from a round's updates or from a merge. */
    record Proposal(BigInteger task, BigInteger branch, BigInteger parent, BigInteger mergeParent, BigInteger round) {}

    /** @return models registered; their ids run from 1 to this */
    BigInteger modelCount();

    /** @return the model registered as {@code task} */
    Model model(BigInteger task);

    /** @return the account that owns model {@code task} (its NFT's holder) */
    String ownerOf(BigInteger task);

    /** @return the head commit of the task's branch */
    BigInteger branchHead(BigInteger task, BigInteger branch);

    /** @return the commit */
    CommitView commit(BigInteger commitId);

    /** @return the merge pending into the task's branch */
    PendingMerge pendingMerge(BigInteger task, BigInteger branch);

    /** @return whether the proposal is still open and validator {@code index} has not attested it */
    boolean awaitsAttestation(Proposal proposal, int index);

    /**
     * @param task a registered task
     * @return its base commit: the first of its commits
     */
    BigInteger baseCommit(BigInteger task);

    /**
     * @param task a task
     * @param index this validator's index
     * @return whether the task's base metrics are neither recorded nor attested from this index
     */
    boolean awaitsBaseMetrics(BigInteger task, int index);

    /** Sends the validator registry's {@code attestBaseMetrics} and waits for it to be mined. */
    void attestBaseMetrics(BigInteger task, long accuracyPpm, long lossMicros);

    /** @return this validator's index in the set while it is active, else empty */
    Optional<Integer> activeIndex();

    /** @return the round as the protocol reports it */
    RoundView round(BigInteger round);

    /** @return the contribution with that content digest, with its consensus score */
    ContributionView contribution(byte[] contentDigest);

    /** @return the neutral score in force for the round */
    int neutralScore(BigInteger round);

    /** Sends {@code attestCommit} and waits for it to be mined. */
    void attestCommit(String action, CommitAttestation attestation);
}
