package io.cotrain.oracle.scoring;

import io.cotrain.client.ContractCalls;
import io.cotrain.client.ContractRevertedException;
import io.cotrain.client.TransactionSender;
import io.cotrain.contracts.AggregationMethod;
import io.cotrain.contracts.AggregationWeight;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.ProtocolParameter;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionView;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ModelRegistry.ModelSpec;
import io.cotrain.contracts.generated.ValidatorRegistry;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.aggregation.AggregationRule;
import io.cotrain.oracle.aggregation.AggregationRules;
import io.cotrain.oracle.aggregation.Parallelism;
import io.cotrain.oracle.evaluation.TaskContext;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.tuples.generated.Tuple2;
import org.web3j.tuples.generated.Tuple4;

/**
 * A validator's part in the model registry, once per tick for every task it evaluates:
 * <ol>
 *   <li>answer merge requests: average the two heads and attest the merge commit;</li>
 *   <li>once a round is finalized, aggregate its model updates for the task that scored at least neutral, each weighed
 *       by its consensus score ({@link AggregationWeight}), with the task's rule onto the head and attest the result
 *       as the next commit.</li>
 * </ol>
 * Every model it computes is written to {@code <data>/models/<sha256>.zip} and uploaded to IPFS before it is attested,
 * so contributors can fetch what the chain records. Rounds without accepted updates for a task are skipped; a round
 * whose commit this node attested waits for the quorum.
 *
 * <p>The rules run on a pool of one thread per core that the committer owns (closed with it): the rules' results are
 * bit-identical whatever the thread count, and two threads reach about 70% of memory bandwidth for FedAvg where one
 * reaches about 45% (docs/benchmarks.md).
 */
public final class ModelCommitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCommitter.class);
    /** Reverts meaning another attestation or an owner's action got there first: nothing is wrong with this node. */
    private static final Set<String> OVERTAKEN =
            Set.of("CommitAlreadyRecorded", "AlreadyAttested", "StaleParent", "NoSuchMerge", "RoundNotAggregatable");

    private final ModelRegistry models;
    private final CotrainProtocol protocol;
    private final ValidatorRegistry validators;
    private final TransactionSender sender;
    private final ContentStore content;
    private final TaskCatalog tasks;
    private final GlobalModels globalModels;
    private final ChainReads chain;
    private final RoundContributions roundContributions;
    private final ForkJoinPool aggregationPool =
            new ForkJoinPool(Runtime.getRuntime().availableProcessors());
    private final Parallelism parallelism = Parallelism.on(aggregationPool);
    /**
     * Per task, the highest round known to hold no accepted model update for it (a scan cursor, rebuilt on restart).
     */
    private final Map<Long, BigInteger> scannedThrough = new HashMap<>();

    private final Set<Long> unregisteredReported = new HashSet<>();

    /**
     * @param models a read-only binding of the model registry (calls only; transactions go through {@code sender})
     * @param protocol a read-only binding of the protocol
     * @param validators a read-only binding of the validator registry
     * @param globalModels where the commits' models come from and computed ones are kept
     */
    ModelCommitter(
            ModelRegistry models,
            CotrainProtocol protocol,
            ValidatorRegistry validators,
            TransactionSender sender,
            ContentStore content,
            TaskCatalog tasks,
            GlobalModels globalModels,
            ChainReads chain,
            RoundContributions roundContributions) {
        this.models = models;
        this.protocol = protocol;
        this.validators = validators;
        this.sender = sender;
        this.content = content;
        this.tasks = tasks;
        this.globalModels = globalModels;
        this.chain = chain;
        this.roundContributions = roundContributions;
    }

    /**
     * Does what is due for every task. Never throws: a task's failure goes to {@code errors} and is retried next tick.
     *
     * @param currentRound the protocol's current round
     * @param errors receives what failed and why
     */
    public void tick(BigInteger currentRound, BiConsumer<String, RuntimeException> errors) {
        for (long taskId : tasks.taskIds()) {
            try {
                tick(taskId, currentRound);
            } catch (RuntimeException e) {
                errors.accept("model registry, task " + taskId, e);
            }
        }
    }

    private void tick(long taskId, BigInteger currentRound) {
        BigInteger task = BigInteger.valueOf(taskId);
        BigInteger registered = read("modelCount", () -> models.modelCount().send());
        if (task.compareTo(registered) > 0) {
            if (unregisteredReported.add(taskId)) {
                LOG.warn(
                        "task {} is not registered in the model registry: its rounds are scored but not aggregated",
                        taskId);
            }
            return;
        }
        Tuple4<ModelSpec, BigInteger, BigInteger, BigInteger> model =
                read("model(" + taskId + ")", () -> models.model(task).send());
        BigInteger defaultBranch = model.component2();
        BigInteger head =
                read("branchHead", () -> models.branchHead(task, defaultBranch).send());
        TaskContext context = globalModels.ofCommit(
                taskId, read("commit(" + head + ")", () -> models.commit(head).send()));

        ValidatorRegistry.ValidatorInfo me = read(
                "validatorInfo",
                () -> validators.validatorInfo(sender.address()).send());
        if (!me.active) return;
        int index = me.index.intValueExact();
        answerMergeRequests(task, context, model.component3(), index);
        aggregateNextRound(
                task, context, model.component1(), defaultBranch, head, model.component4(), currentRound, index);
    }

    private void answerMergeRequests(BigInteger task, TaskContext context, BigInteger branchCount, int index) {
        for (BigInteger branch = BigInteger.ZERO;
                branch.compareTo(branchCount) < 0;
                branch = branch.add(BigInteger.ONE)) {
            BigInteger target = branch;
            Tuple2<BigInteger, BigInteger> pending =
                    read("pendingMerge", () -> models.pendingMerge(task, target).send());
            BigInteger source = pending.component1();
            if (source.signum() == 0) continue;
            BigInteger request = pending.component2(); // a merge attestation names its request number as its round
            BigInteger targetHead =
                    read("branchHead", () -> models.branchHead(task, target).send());
            if (!due(task, target, targetHead, source, request, index)) continue;
            TaskContext targetContext = globalModels.ofCommit(
                    task.longValueExact(),
                    read(
                            "commit(" + targetHead + ")",
                            () -> models.commit(targetHead).send()));
            byte[] sourceModel = globalModels.modelOf(
                    read("commit(" + source + ")", () -> models.commit(source).send()));
            attest(task, target, targetHead, source, request, ModelAggregator.merge(targetContext, sourceModel));
        }
    }

    private void aggregateNextRound(
            BigInteger task,
            TaskContext context,
            ModelSpec spec,
            BigInteger branch,
            BigInteger head,
            BigInteger lastRound,
            BigInteger currentRound,
            int index) {
        long taskId = task.longValueExact();
        BigInteger round = lastRound
                .max(scannedThrough.getOrDefault(taskId, BigInteger.ZERO))
                .add(BigInteger.ONE);
        for (; round.compareTo(currentRound) < 0; round = round.add(BigInteger.ONE)) {
            BigInteger r = round;
            RoundView info =
                    read("roundInfo(" + r + ")", () -> protocol.roundInfo(r).send());
            if (info.exists && RoundPhase.of(info.phase) != RoundPhase.FINALIZED) return;
            List<Accepted> accepted = info.exists ? acceptedUpdates(task, r, info) : List.of();
            if (accepted.isEmpty()) {
                scannedThrough.put(taskId, r);
                continue;
            }
            if (!due(task, branch, head, BigInteger.ZERO, r, index)) return;
            List<ModelAggregator.Input> inputs =
                    accepted.stream().map(this::input).toList();
            attest(
                    task,
                    branch,
                    head,
                    BigInteger.ZERO,
                    r,
                    ModelAggregator.aggregate(context, ruleOf(spec, parallelism), inputs));
            return;
        }
    }

    /** Whether the proposal is still open and this node has not attested it yet. */
    private boolean due(
            BigInteger task,
            BigInteger branch,
            BigInteger parent,
            BigInteger mergeParent,
            BigInteger round,
            int index) {
        byte[] key = read(
                "proposalKey",
                () -> models.proposalKey(task, branch, parent, mergeParent, round)
                        .send());
        Tuple2<BigInteger, BigInteger> state =
                read("proposalState", () -> models.proposalState(key).send());
        return state.component2().signum() == 0 && !state.component1().testBit(index);
    }

    private record Accepted(BigInteger id, ContributionView view, long weight) {}

    /** The round's model updates for the task that go into its aggregate ({@link AggregationWeight}), by id. */
    private List<Accepted> acceptedUpdates(BigInteger task, BigInteger round, RoundView info) {
        List<Accepted> accepted = new ArrayList<>();
        Integer neutral = null;
        for (ContributionRecord record : roundContributions.of(round, info)) {
            if (record.taskId() != task.longValueExact()
                    || record.kind() != ContributionKind.MODEL_UPDATE.onChain().intValue()) continue;
            ContributionView view = read(
                    "contribution(" + record.id() + ")",
                    () -> protocol.contribution(record.contentDigest()).send());
            if (neutral == null) {
                neutral = read(
                                "roundParameter(" + round + ", NeutralScore)",
                                () -> protocol.roundParameter(round, ProtocolParameter.NEUTRAL_SCORE.index())
                                        .send())
                        .intValueExact();
            }
            long weight = AggregationWeight.of(view.consensusScore.intValueExact(), neutral);
            if (weight > 0) accepted.add(new Accepted(record.id(), view, weight));
        }
        return accepted;
    }

    /** Fetches an accepted update again (the scorer keeps judgements, not artifacts; its manifest was verified). */
    private ModelAggregator.Input input(Accepted accepted) {
        ContributionManifest manifest = content.fetchManifest(accepted.view().contentDigest);
        byte[] model = content.fetchArtifact(manifest.artifacts().getFirst());
        return new ModelAggregator.Input(accepted.id(), model, accepted.weight());
    }

    private void attest(
            BigInteger task,
            BigInteger branch,
            BigInteger parent,
            BigInteger mergeParent,
            BigInteger round,
            ModelAggregator.Result result) {
        globalModels.keep(result.model());
        ModelFile file = content.putModel(result.model());
        var attestation = new ModelRegistry.CommitAttestation(
                task,
                branch,
                parent,
                mergeParent,
                round,
                file.sha256(),
                file.root(),
                result.contributionIds(),
                BigInteger.valueOf(result.accuracyPpm()),
                BigInteger.valueOf(result.lossMicros()));
        String action = "attestCommit(task " + task + ", branch " + branch + ", parent " + parent
                + (mergeParent.signum() == 0 ? ", round " + round : ", merging " + mergeParent) + ")";
        try {
            sender.send(
                    action,
                    models.getContractAddress(),
                    models.attestCommit(attestation).encodeFunctionCall());
            LOG.info(
                    "{}: attested {} ({} updates, held-out accuracy {})",
                    action,
                    result.sha256(),
                    result.contributionIds().size(),
                    result.metrics().accuracy());
        } catch (ContractRevertedException e) {
            if (!OVERTAKEN.contains(e.errorName())) throw e;
            LOG.info("{}: overtaken ({})", action, e.errorName());
        }
    }

    /** Stops the aggregation threads; an aggregation in progress finishes first. */
    @Override
    public void close() {
        aggregationPool.shutdown();
    }

    /** The registry's rule and parameters as an {@link AggregationRule} running on {@code parallelism}. */
    static AggregationRule ruleOf(ModelSpec spec, Parallelism parallelism) {
        AggregationMethod method = AggregationMethod.of(spec.rule);
        String a = spec.ruleParameterA.toString();
        return AggregationRules.byName(
                method.ruleName(),
                switch (method) {
                    case TRIMMED_MEAN -> Map.of("trim", Double.toString(spec.ruleParameterA.doubleValue() / 10_000d));
                    case KRUM -> Map.of("f", a);
                    case MULTI_KRUM -> Map.of("f", a, "m", spec.ruleParameterB.toString());
                    case FED_AVG, COORDINATE_MEDIAN -> Map.of();
                },
                parallelism);
    }

    private <T> T read(String what, ContractCalls.Call<T> call) {
        return chain.read(what, call);
    }
}
