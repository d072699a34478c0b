package io.cotrain.oracle.scoring;

import io.cotrain.contracts.ScoreCommitment;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a validator's round duties ask of the chain: the port between them and the RPC client, so that each duty's
 * failure branches are testable without a node. Reads retry I/O failures; a transaction that reverts throws
 * {@link io.cotrain.client.ContractRevertedException} with the decoded error, and one the node does not answer throws
 * {@link io.cotrain.client.ChainUnavailableException}.
 */
interface ValidatorChain {
    /** @return this validator's account */
    String validator();

    /** @return the chain's id */
    long chainId();

    /** @return the hash this validator commits for {@code commitment}, bound to the chain and protocol */
    byte[] commitmentHash(ScoreCommitment commitment);

    /** @return the protocol's current round */
    BigInteger currentRound();

    /** @return the latest block number */
    BigInteger blockNumber();

    /** @return the round as the protocol reports it */
    RoundView round(BigInteger round);

    /** @return this validator's index in the set, empty when it is not in it */
    Optional<Integer> validatorIndex();

    /** @return the tasks this validator has declared it serves (from the next round, or the open one if empty) */
    List<Long> servedTasks();

    /** @return the validators that serve {@code taskId} in {@code round}, as a bitmap by index */
    BigInteger servingMask(long taskId, BigInteger round);

    /** Sends {@code serveTask} and waits for it to be mined. */
    void serveTask(long taskId);

    /** Sends {@code stopServingTask} and waits for it to be mined. */
    void stopServingTask(long taskId);

    /** @return whether the validator registry has this validator's public key */
    boolean publicKeyPublished();

    /**
     * @param block a block
     * @return the validators content had to be sealed to as of that block ({@link SealingRecipients}): lower-case
     *     addresses of the admitted validators whose public key the registry held
     */
    Set<String> sealingRecipients(BigInteger block);

    /**
     * A validator's evidence, published on chain, that content sealed to it does not open with what it was given.
     *
     * @param contributionId the contribution
     * @param contentDigest its content digest
     * @param validator the reporting validator, lower case with 0x
     * @param evidence the evidence's bytes ({@link io.cotrain.ipfs.SealingFault})
     */
    record SealingFaultReport(BigInteger contributionId, byte[] contentDigest, String validator, byte[] evidence) {}

    /** @return whether the protocol still takes sealing fault reports for {@code round} (validators commit after) */
    boolean sealingFaultsOpen(BigInteger round);

    /** Sends {@code reportSealingFault} and waits for it to be mined. */
    void reportSealingFault(byte[] contentDigest, byte[] evidence);

    /**
     * @param round a round
     * @param fromBlock the block its first contribution was submitted in (no report comes before it)
     * @return the sealing fault reports on its contributions, in chain order
     */
    List<SealingFaultReport> sealingFaults(BigInteger round, BigInteger fromBlock);

    /** Sends {@code publishPublicKey} with this validator's public key and waits for it to be mined. */
    void publishPublicKey();

    /** Sends {@code commitScores} and waits for it to be mined. */
    void commitScores(BigInteger round, byte[] hash);

    /** Sends {@code revealScores} with the committed scores and salt and waits for it to be mined. */
    void revealScores(ScoreCommitment commitment);

    /** Sends {@code finalize} for a page of the round's contributions (their content digests, in position order). */
    void finalizeRound(BigInteger round, List<byte[]> page);
}
