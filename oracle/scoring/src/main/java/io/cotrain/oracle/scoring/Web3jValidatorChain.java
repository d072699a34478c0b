package io.cotrain.oracle.scoring;

import io.cotrain.client.EventQuery;
import io.cotrain.client.EventReader;
import io.cotrain.client.RetryPolicy;
import io.cotrain.client.SealingRecipients;
import io.cotrain.client.TransactionSender;
import io.cotrain.contracts.ProtocolParameter;
import io.cotrain.contracts.ScoreCommitment;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionView;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ModelRegistry.CommitAttestation;
import io.cotrain.contracts.generated.ModelRegistry.CommitView;
import io.cotrain.contracts.generated.ValidatorRegistry;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.tuples.generated.Tuple2;
import org.web3j.tuples.generated.Tuple3;
import org.web3j.tuples.generated.Tuple4;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.utils.Numeric;

/**
 * {@link ValidatorChain} and {@link RegistryChain} over web3j: reads through read-only bindings, transactions through
 * the node's sender.
 */
final class Web3jValidatorChain implements ValidatorChain, RegistryChain {
    private final Web3j web3j;
    private final CotrainProtocol protocol;
    private final ValidatorRegistry registry;
    private final ModelRegistry models;
    private final long chainId;
    private final TransactionSender sender;
    private final ChainReads reads;
    private final BigInteger publicKey;
    private final EventReader events;
    /** Blocks whose sealing recipients are kept. */
    private static final int RECIPIENT_BLOCKS_KEPT = 256;

    /**
     * @param protocol a read-only binding of the protocol (calls only; transactions go through {@code sender})
     * @param registry a read-only binding of the validator registry
     * @param models a read-only binding of the model registry
     * @param publicKey the public key of the sender's account
     * @param events reads the protocol's logs, a bounded range per query
     */
    Web3jValidatorChain(
            Web3j web3j,
            CotrainProtocol protocol,
            ValidatorRegistry registry,
            ModelRegistry models,
            long chainId,
            TransactionSender sender,
            BigInteger publicKey,
            RetryPolicy retry,
            EventReader events) {
        this.web3j = web3j;
        this.events = events;
        this.publicKey = publicKey;
        this.protocol = protocol;
        this.registry = registry;
        this.models = models;
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
    public List<Long> servedTasks() {
        List<?> tasks = reads.read(
                "servedTasks", () -> registry.servedTasks(sender.address()).send());
        return tasks.stream().map(task -> ((BigInteger) task).longValueExact()).toList();
    }

    @Override
    public BigInteger servingMask(long taskId, BigInteger round) {
        return reads.read(
                "servingMask(" + taskId + ", " + round + ")",
                () -> registry.servingMask(BigInteger.valueOf(taskId), round).send());
    }

    @Override
    public void serveTask(long taskId) {
        sender.send(
                "serveTask(" + taskId + ")",
                registry.getContractAddress(),
                registry.serveTask(BigInteger.valueOf(taskId)).encodeFunctionCall());
    }

    /** Sealing recipients by block: a block's answer never changes, and a round's contributions share blocks. */
    private final Map<BigInteger, Set<String>> recipientsByBlock =
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<BigInteger, Set<String>> eldest) {
                    return size() > RECIPIENT_BLOCKS_KEPT;
                }
            });

    @Override
    public Set<String> sealingRecipients(BigInteger block) {
        Set<String> known = recipientsByBlock.get(block);
        if (known != null) return known;
        ValidatorRegistry atBlock = ValidatorRegistry.load(
                registry.getContractAddress(),
                web3j,
                new ReadonlyTransactionManager(web3j, sender.address()),
                new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO));
        atBlock.setDefaultBlockParameter(DefaultBlockParameter.valueOf(block));
        Set<String> recipients = reads.read(
                "the sealing recipients at block " + block,
                () -> Set.copyOf(SealingRecipients.of(atBlock).keySet()));
        recipientsByBlock.put(block, recipients);
        return recipients;
    }

    @Override
    public boolean sealingFaultsOpen(BigInteger round) {
        return reads.read(
                "sealingFaultsOpen(" + round + ")",
                () -> protocol.sealingFaultsOpen(round).send());
    }

    @Override
    public void reportSealingFault(byte[] contentDigest, byte[] evidence) {
        send(
                "reportSealingFault(" + HexFormat.of().formatHex(contentDigest) + ")",
                protocol.reportSealingFault(contentDigest, evidence).encodeFunctionCall());
    }

    @Override
    public List<SealingFaultReport> sealingFaults(BigInteger round, BigInteger fromBlock) {
        EventQuery query =
                EventQuery.of(List.of(CotrainProtocol.SEALINGFAULTREPORTED_EVENT), protocol.getContractAddress());
        return events.read(query, fromBlock, blockNumber()).stream()
                .map(CotrainProtocol::getSealingFaultReportedEventFromLog)
                .filter(event -> event.round.equals(round))
                .map(event -> new SealingFaultReport(
                        event.id, event.contentDigest, event.validator.toLowerCase(Locale.ROOT), event.evidence))
                .toList();
    }

    @Override
    public boolean publicKeyPublished() {
        byte[] key = reads.read(
                "publicKeyOf", () -> registry.publicKeyOf(sender.address()).send());
        return key.length > 0;
    }

    @Override
    public void publishPublicKey() {
        sender.send(
                "publishPublicKey",
                registry.getContractAddress(),
                registry.publishPublicKey(Numeric.toBytesPadded(publicKey, 64)).encodeFunctionCall());
    }

    @Override
    public void stopServingTask(long taskId) {
        sender.send(
                "stopServingTask(" + taskId + ")",
                registry.getContractAddress(),
                registry.stopServingTask(BigInteger.valueOf(taskId)).encodeFunctionCall());
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

    @Override
    public BigInteger modelCount() {
        return reads.read("modelCount", () -> models.modelCount().send());
    }

    @Override
    public Model model(BigInteger task) {
        Tuple4<ModelRegistry.ModelSpec, BigInteger, BigInteger, BigInteger> model =
                reads.read("model(" + task + ")", () -> models.model(task).send());
        return new Model(model.component1(), model.component2(), model.component3(), model.component4());
    }

    @Override
    public String ownerOf(BigInteger task) {
        return reads.read("ownerOf(" + task + ")", () -> models.ownerOf(task).send());
    }

    @Override
    public BigInteger branchHead(BigInteger task, BigInteger branch) {
        return reads.read(
                "branchHead(" + task + ", " + branch + ")",
                () -> models.branchHead(task, branch).send());
    }

    @Override
    public CommitView commit(BigInteger commitId) {
        return reads.read(
                "commit(" + commitId + ")", () -> models.commit(commitId).send());
    }

    @Override
    public PendingMerge pendingMerge(BigInteger task, BigInteger branch) {
        Tuple2<BigInteger, BigInteger> pending = reads.read(
                "pendingMerge(" + task + ", " + branch + ")",
                () -> models.pendingMerge(task, branch).send());
        return new PendingMerge(pending.component1(), pending.component2());
    }

    @Override
    public boolean awaitsAttestation(Proposal proposal, int index) {
        byte[] key = reads.read(
                "proposalKey",
                () -> models.proposalKey(
                                proposal.task(),
                                proposal.branch(),
                                proposal.parent(),
                                proposal.mergeParent(),
                                proposal.round())
                        .send());
        Tuple2<BigInteger, BigInteger> state =
                reads.read("proposalState", () -> models.proposalState(key).send());
        // component1: the validators who attested, by index; component2: the commit recorded, 0 while open
        return state.component2().signum() == 0 && !state.component1().testBit(index);
    }

    @Override
    public BigInteger baseCommit(BigInteger task) {
        List<BigInteger> first = reads.read(
                "commitsOf(" + task + ")",
                () -> models.commitsOf(task, BigInteger.ZERO, BigInteger.ONE)
                        .send()
                        .component1());
        if (first.isEmpty()) throw new IllegalStateException("task " + task + " has no commits");
        return first.getFirst();
    }

    @Override
    public boolean awaitsBaseMetrics(BigInteger task, int index) {
        Tuple2<BigInteger, Boolean> state = reads.read(
                "baseMetricsState(" + task + ")",
                () -> registry.baseMetricsState(task).send());
        return !state.component2() && !state.component1().testBit(index);
    }

    @Override
    public void attestBaseMetrics(BigInteger task, long accuracyPpm, long lossMicros) {
        sender.send(
                "attest the base metrics of task " + task,
                registry.getContractAddress(),
                registry.attestBaseMetrics(task, BigInteger.valueOf(accuracyPpm), BigInteger.valueOf(lossMicros))
                        .encodeFunctionCall());
    }

    @Override
    public Optional<Integer> activeIndex() {
        ValidatorRegistry.ValidatorInfo me = reads.read(
                "validatorInfo", () -> registry.validatorInfo(sender.address()).send());
        return me.active ? Optional.of(me.index.intValueExact()) : Optional.empty();
    }

    @Override
    public ContributionView contribution(byte[] contentDigest) {
        return reads.read(
                "contribution(0x" + HexFormat.of().formatHex(contentDigest) + ")",
                () -> protocol.contribution(contentDigest).send());
    }

    @Override
    public int neutralScore(BigInteger round) {
        return reads.read(
                        "roundParameter(" + round + ", NeutralScore)",
                        () -> protocol.roundParameter(round, ProtocolParameter.NEUTRAL_SCORE.index())
                                .send())
                .intValueExact();
    }

    @Override
    public void attestCommit(String action, CommitAttestation attestation) {
        sender.send(
                action,
                models.getContractAddress(),
                models.attestCommit(attestation).encodeFunctionCall());
    }

    private void send(String what, String data) {
        sender.send(what, protocol.getContractAddress(), data);
    }
}
