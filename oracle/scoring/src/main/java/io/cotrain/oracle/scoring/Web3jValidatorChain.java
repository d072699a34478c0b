package io.cotrain.oracle.scoring;

import io.cotrain.client.RetryPolicy;
import io.cotrain.client.TransactionSender;
import io.cotrain.contracts.ScoreCommitment;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import io.cotrain.contracts.generated.ValidatorRegistry;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.web3j.protocol.Web3j;
import org.web3j.tuples.generated.Tuple3;

/** {@link ValidatorChain} over web3j: reads through read-only bindings, transactions through the node's sender. */
final class Web3jValidatorChain implements ValidatorChain {
    private final Web3j web3j;
    private final CotrainProtocol protocol;
    private final ValidatorRegistry registry;
    private final long chainId;
    private final TransactionSender sender;
    private final ChainReads reads;

    /**
     * @param protocol a read-only binding of the protocol (calls only; transactions go through {@code sender})
     * @param registry a read-only binding of the validator registry
     */
    Web3jValidatorChain(
            Web3j web3j,
            CotrainProtocol protocol,
            ValidatorRegistry registry,
            long chainId,
            TransactionSender sender,
            RetryPolicy retry) {
        this.web3j = web3j;
        this.protocol = protocol;
        this.registry = registry;
        this.chainId = chainId;
        this.sender = sender;
        this.reads = new ChainReads(retry);
    }

    @Override
    public String validator() {
        return sender.address();
    }

    @Override
    public long chainId() {
        return chainId;
    }

    @Override
    public byte[] commitmentHash(ScoreCommitment commitment) {
        return commitment.hash(chainId, protocol.getContractAddress(), sender.address());
    }

    @Override
    public BigInteger currentRound() {
        return reads.read("currentRound", () -> protocol.currentRound().send());
    }

    @Override
    public BigInteger blockNumber() {
        return reads.read("blockNumber", () -> web3j.ethBlockNumber().send().getBlockNumber());
    }

    @Override
    public RoundView round(BigInteger round) {
        return reads.read(
                "roundInfo(" + round + ")", () -> protocol.roundInfo(round).send());
    }

    @Override
    public Optional<Integer> validatorIndex() {
        // only the index is read: the stake (at risk in round 0 here) is not
        Tuple3<Boolean, BigInteger, BigInteger> slot = reads.read(
                "validatorSlot",
                () -> registry.validatorSlot(sender.address(), BigInteger.ZERO).send());
        return slot.component1() ? Optional.of(slot.component2().intValueExact()) : Optional.empty();
    }

    @Override
    public void commitScores(BigInteger round, byte[] hash) {
        send(
                "commitScores(round " + round + ")",
                protocol.commitScores(round, hash).encodeFunctionCall());
    }

    @Override
    public void revealScores(ScoreCommitment commitment) {
        send(
                "revealScores(round " + commitment.round() + ")",
                protocol.revealScores(commitment.round(), commitment.scores(), commitment.salt())
                        .encodeFunctionCall());
    }

    @Override
    public void finalizeRound(BigInteger round, List<byte[]> page) {
        send("finalize(round " + round + ")", protocol.finalize(round, page).encodeFunctionCall());
    }

    private void send(String what, String data) {
        sender.send(what, protocol.getContractAddress(), data);
    }
}
