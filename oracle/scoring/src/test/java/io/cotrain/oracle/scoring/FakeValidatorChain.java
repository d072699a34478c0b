package io.cotrain.oracle.scoring;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.ScoreCommitment;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A {@link ValidatorChain} for the duties' unit tests: records what is sent, reverts as told. */
final class FakeValidatorChain implements ValidatorChain {
    /** This validator's address. */
    String address = "0x00000000000000000000000000000000000000a1";

    final List<String> sent = new ArrayList<>();
    Optional<Integer> index = Optional.of(0);
    BigInteger block = BigInteger.ZERO;
    /** The tasks declared served, in order. */
    final List<Long> served = new ArrayList<>();
    /** Serving masks by task; a task not in it is served by nobody. */
    final Map<Long, BigInteger> masks = new HashMap<>();
    /** The error the next transaction reverts with, e.g. {@code AlreadyCommitted(round=3)}; null: it is mined. */
    String revertWith;

    /** A round in {@code phase} with validator 0's bits as given and {@code count} contributions. */
    static RoundView round(RoundPhase phase, boolean expected, boolean committed, boolean revealed, int count) {
        return new RoundView(
                true,
                BigInteger.valueOf(phase.ordinal()),
                BigInteger.ONE,
                BigInteger.valueOf(count),
                BigInteger.ZERO,
                BigInteger.valueOf(100),
                BigInteger.valueOf(110),
                BigInteger.valueOf(120),
                expected ? BigInteger.ONE : BigInteger.ZERO,
                committed ? BigInteger.ONE : BigInteger.ZERO,
                revealed ? BigInteger.ONE : BigInteger.ZERO,
                false,
                BigInteger.ONE);
    }

    @Override
    public String validator() {
        return address;
    }

    @Override
    public long chainId() {
        return 31337;
    }

    @Override
    public byte[] commitmentHash(ScoreCommitment commitment) {
        return commitment.hash(chainId(), "0x00000000000000000000000000000000000000b2", validator());
    }

    @Override
    public BigInteger currentRound() {
        return BigInteger.ONE;
    }

    @Override
    public BigInteger blockNumber() {
        return block;
    }

    @Override
    public RoundView round(BigInteger round) {
        throw new UnsupportedOperationException("the duties are handed their round");
    }

    @Override
    public Optional<Integer> validatorIndex() {
        return index;
    }

    @Override
    public List<Long> servedTasks() {
        return List.copyOf(served);
    }

    @Override
    public BigInteger servingMask(long taskId, BigInteger round) {
        return masks.getOrDefault(taskId, BigInteger.ZERO);
    }

    @Override
    public void serveTask(long taskId) {
        send("serveTask(" + taskId + ")");
        served.add(taskId);
    }

    @Override
    public void stopServingTask(long taskId) {
        send("stopServingTask(" + taskId + ")");
        served.remove(taskId);
    }

    /** Whether the registry has this validator's public key. */
    boolean publicKeyPublished;
    /** The validators content had to be sealed to, whatever the block. */
    Set<String> sealingRecipients = Set.of();

    @Override
    public Set<String> sealingRecipients(BigInteger block) {
        return sealingRecipients;
    }

    /** Whether sealing fault reports are taken, whatever the round. */
    boolean sealingFaultsOpen;
    /** The sealing fault reports on chain, whatever the round; a report sent is added. */
    final List<SealingFaultReport> sealingFaults = new ArrayList<>();

    @Override
    public boolean sealingFaultsOpen(BigInteger round) {
        return sealingFaultsOpen;
    }

    @Override
    public void reportSealingFault(byte[] contentDigest, byte[] evidence) {
        send("reportSealingFault(" + HexFormat.of().formatHex(contentDigest) + ")");
        sealingFaults.add(new SealingFaultReport(BigInteger.ZERO, contentDigest, address, evidence));
    }

    @Override
    public List<SealingFaultReport> sealingFaults(BigInteger round, BigInteger fromBlock) {
        return List.copyOf(sealingFaults);
    }

    @Override
    public boolean publicKeyPublished() {
        return publicKeyPublished;
    }

    @Override
    public void publishPublicKey() {
        send("publishPublicKey");
        publicKeyPublished = true;
    }

    @Override
    public void commitScores(BigInteger round, byte[] hash) {
        send("commitScores(" + round + ")");
    }

    @Override
    public void revealScores(ScoreCommitment commitment) {
        send("revealScores(" + commitment.round() + ")");
    }

    @Override
    public void finalizeRound(BigInteger round, List<byte[]> page) {
        send("finalize(" + round + ", " + page.size() + ")");
    }

    private void send(String call) {
        sent.add(call);
        if (revertWith != null) throw new ContractRevertedException(call, revertWith, "0x");
    }
}
