package io.cotrain.oracle.scoring;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.contracts.AggregationMethod;
import io.cotrain.contracts.AggregationWeight;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionView;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import io.cotrain.contracts.generated.ModelRegistry.CommitAttestation;
import io.cotrain.contracts.generated.ModelRegistry.CommitView;
import io.cotrain.contracts.generated.ModelRegistry.ModelSpec;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.aggregation.AggregationRule;
import io.cotrain.oracle.aggregation.AggregationRules;
import io.cotrain.oracle.aggregation.Parallelism;
import io.cotrain.oracle.evaluation.TaskContext;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validator's part in the model registry, once per tick for every task it evaluates:
 * <ol>
 *   <li>answer merge requests: average the two heads and attest the merge commit;</li>
 *   <li>once a round is finalized, aggregate its model updates for the task that scored at least neutral, each weighed
 *       by its consensus score ({@link AggregationWeight}), with the task's rule onto the head and attest the result
 *       as the next commit. An update judged against an older global model than the head counts by its change from
 *       that model ({@link io.cotrain.oracle.aggregation.Rebase}).</li>
 * </ol>
 * Every model it computes is published ({@link ModelStore}) before it is attested, so contributors can fetch what the
 * chain records. Rounds without accepted updates for a task are skipped; a round
 * whose commit this node attested waits for the quorum. It reaches the chain through {@link RegistryChain}.
 *
 * <p>The rules run on a pool of one thread per core but one, which the committer owns (closed with it): the rules'
 * results are bit-identical whatever the thread count; more threads aggregate faster (docs/benchmarks.md), but the
 * core left over keeps the judging of the round being committed from waiting for an aggregation.
 */
public final class ModelCommitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCommitter.class);
    /** Reverts meaning another attestation or an owner's action got there first: nothing is wrong with this node. */
    private static final Set<String> OVERTAKEN =
            Set.of("CommitAlreadyRecorded", "AlreadyAttested", "StaleParent", "NoSuchMerge", "RoundNotAggregatable");

    private final RegistryChain chain;
    private final ModelStore store;
    private final TaskCatalog tasks;
    private final RoundContributions roundContributions;
    /** One core stays free for the duties' evaluation: aggregating round R-1 overlaps round R's commit window. */
    private final ForkJoinPool aggregationPool =
            new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));

    private final Parallelism parallelism = Parallelism.on(aggregationPool);
    /**
     * Per task, the highest round known to hold no accepted model update for it (a scan cursor, rebuilt on restart).
     */
    private final Map<Long, BigInteger> scannedThrough = new HashMap<>();

    private final Set<Long> unregisteredReported = new HashSet<>();
    /** Rounds whose aggregate this validator leaves to others: an update in it is sealed to them only. */
    private final Set<BigInteger> unopenedReported = new HashSet<>();
    /**
     * Proposals a quorum recorded before this node's attestation landed: settled for good, never attested again (the
     * chain may still say one awaits this node until the new head is read; a second try would revert the same way).
     */
    private final Set<RegistryChain.Proposal> overtaken = new HashSet<>();

    /**
     * @param chain the registry, the protocol and the validator set
     * @param store where commits' models come from and computed ones go
     */
    ModelCommitter(RegistryChain chain, ModelStore store, TaskCatalog tasks, RoundContributions roundContributions) {
        this.chain = chain;
        this.store = store;
        this.tasks = tasks;
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
        if (task.compareTo(chain.modelCount()) > 0) {
            if (unregisteredReported.add(taskId)) {
                LOG.warn(
                        "task {} is not registered in the model registry: its rounds are scored but not aggregated",
                        taskId);
            }
            return;
        }
        RegistryChain.Model model = chain.model(task);
        // a round the registry has recorded is never proposed again: its overtaken proposals need no guard
        overtaken.removeIf(proposal -> proposal.task().equals(task)
                && proposal.mergeParent().signum() == 0
                && proposal.round().compareTo(model.lastRound()) <= 0);
        BigInteger head = chain.branchHead(task, model.defaultBranch());
        CommitView headCommit = chain.commit(head);
        TaskContext context = store.context(taskId, headCommit);
        Optional<Integer> index = chain.activeIndex();
        if (index.isEmpty()) return;
        answerMergeRequests(task, model.branchCount(), index.get());
        aggregateNextRound(task, context, model, headCommit, head, currentRound, index.get());
    }

    private void answerMergeRequests(BigInteger task, BigInteger branchCount, int index) {
        for (BigInteger branch = BigInteger.ZERO;
                branch.compareTo(branchCount) < 0;
                branch = branch.add(BigInteger.ONE)) {
            RegistryChain.PendingMerge pending = chain.pendingMerge(task, branch);
            if (pending.sourceHead().signum() == 0) continue;
            BigInteger targetHead = chain.branchHead(task, branch);
            // a merge attestation names its request number as its round
            var proposal =
                    new RegistryChain.Proposal(task, branch, targetHead, pending.sourceHead(), pending.request());
            if (overtaken.contains(proposal) || !chain.awaitsAttestation(proposal, index)) continue;
            TaskContext targetContext = store.context(task.longValueExact(), chain.commit(targetHead));
            byte[] sourceModel = store.model(chain.commit(pending.sourceHead()));
            attest(proposal, ModelAggregator.merge(targetContext, sourceModel));
        }
    }

    private void aggregateNextRound(
            BigInteger task,
            TaskContext context,
            RegistryChain.Model model,
            CommitView headCommit,
            BigInteger head,
            BigInteger currentRound,
            int index) {
        long taskId = task.longValueExact();
        BigInteger round = model.lastRound()
                .max(scannedThrough.getOrDefault(taskId, BigInteger.ZERO))
                .add(BigInteger.ONE);
        for (; round.compareTo(currentRound) < 0; round = round.add(BigInteger.ONE)) {
            RoundView info = chain.round(round);
            if (info.exists && RoundPhase.of(info.phase) != RoundPhase.FINALIZED) return;
            List<Accepted> accepted = info.exists ? acceptedUpdates(task, round, info) : List.of();
            if (accepted.isEmpty()) {
                scannedThrough.put(taskId, round);
                continue;
            }
            var proposal = new RegistryChain.Proposal(task, model.defaultBranch(), head, BigInteger.ZERO, round);
            if (overtaken.contains(proposal) || !chain.awaitsAttestation(proposal, index)) return;
            List<ModelAggregator.Input> inputs = new ArrayList<>();
            for (Accepted update : accepted) {
                Optional<byte[]> opened = store.update(update.record());
                if (opened.isEmpty()) {
                    if (unopenedReported.add(round)) {
                        LOG.info(
                                "round {} of task {}: update {} is sealed to other validators only; its aggregate is "
                                        + "theirs to attest",
                                round,
                                task,
                                update.record().id());
                    }
                    return;
                }
                inputs.add(new ModelAggregator.Input(
                        update.record().id(), opened.get(), update.weight(), olderGlobalModel(update, headCommit)));
            }
            attest(proposal, ModelAggregator.aggregate(context, ruleOf(model.spec(), parallelism), inputs));
            return;
        }
    }

    private record Accepted(ContributionRecord record, long weight) {}

    /**
     * The global model an update was judged against when it is not the head being aggregated onto: an update submitted
     * before the last commit was recorded (a round spilling over, a contributor behind) counts by its change alone.
     */
    private Optional<byte[]> olderGlobalModel(Accepted update, CommitView head) {
        return store.judgedAgainst(update.record())
                .filter(judged -> !Arrays.equals(judged.weightsDigest, head.weightsDigest))
                .map(store::model);
    }

    /** The round's model updates for the task that go into its aggregate ({@link AggregationWeight}), by id. */
    private List<Accepted> acceptedUpdates(BigInteger task, BigInteger round, RoundView info) {
        List<Accepted> accepted = new ArrayList<>();
        Integer neutral = null;
        for (ContributionRecord record : roundContributions.of(round, info)) {
            if (record.taskId() != task.longValueExact()
                    || record.kind() != ContributionKind.MODEL_UPDATE.onChain().intValue()) continue;
            ContributionView view = chain.contribution(record.contentDigest());
            if (neutral == null) neutral = chain.neutralScore(round);
            long weight = AggregationWeight.of(view.consensusScore.intValueExact(), neutral);
            if (weight > 0) accepted.add(new Accepted(record, weight));
        }
        return accepted;
    }

    private void attest(RegistryChain.Proposal proposal, ModelAggregator.Result result) {
        ModelFile file = store.publish(result.model());
        var attestation = new CommitAttestation(
                proposal.task(),
                proposal.branch(),
                proposal.parent(),
                proposal.mergeParent(),
                proposal.round(),
                file.sha256(),
                file.root(),
                result.contributionIds(),
                BigInteger.valueOf(result.metrics().valuePpm()),
                BigInteger.valueOf(result.metrics().lossMicros()));
        String action = "attestCommit(task " + proposal.task() + ", branch " + proposal.branch() + ", parent "
                + proposal.parent()
                + (proposal.mergeParent().signum() == 0
                        ? ", round " + proposal.round()
                        : ", merging " + proposal.mergeParent())
                + ")";
        try {
            chain.attestCommit(action, attestation);
            LOG.info(
                    "{}: attested {} ({} updates, held-out accuracy {})",
                    action,
                    result.sha256(),
                    result.contributionIds().size(),
                    result.metrics().accuracy());
        } catch (ContractRevertedException e) {
            if (!OVERTAKEN.contains(e.errorName())) throw e;
            overtaken.add(proposal);
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
}
