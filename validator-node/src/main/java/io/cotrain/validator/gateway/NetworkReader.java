package io.cotrain.validator.gateway;

import io.cotrain.client.ChainUnavailableException;
import io.cotrain.client.ContractCalls;
import io.cotrain.client.ReadOnlyContracts;
import io.cotrain.contracts.AggregationMethod;
import io.cotrain.contracts.CommitPages;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.ProtocolParameter;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainToken;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ValidatorRegistry;
import io.cotrain.oracle.scoring.ScoredContribution;
import io.cotrain.validator.gateway.GatewayViews.AccountHistoryView;
import io.cotrain.validator.gateway.GatewayViews.BalanceView;
import io.cotrain.validator.gateway.GatewayViews.BranchView;
import io.cotrain.validator.gateway.GatewayViews.CommitView;
import io.cotrain.validator.gateway.GatewayViews.ContributionView;
import io.cotrain.validator.gateway.GatewayViews.EntryView;
import io.cotrain.validator.gateway.GatewayViews.JudgementView;
import io.cotrain.validator.gateway.GatewayViews.ModelSpecView;
import io.cotrain.validator.gateway.GatewayViews.ModelStatusView;
import io.cotrain.validator.gateway.GatewayViews.RoundView;
import io.cotrain.validator.gateway.GatewayViews.TotalsView;
import io.cotrain.validator.gateway.GatewayViews.ValidatorOutcomeView;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.utils.Numeric;

/**
 * Reads the network's state for the gateway: the contracts' views for what is current (phases, heads, balances,
 * totals) and the {@link LedgerIndex} for history. Commits never change once recorded, so each is read once.
 */
public final class NetworkReader {
    private static final int PAGE = 200;
    /** How a copy's floor reason names the contribution it copies (ContributionScorer, UpdateScreen). */
    private static final Pattern COPY_OF = Pattern.compile("(?:near-)?copy of contribution (\\d+)");

    private final Web3j web3j;
    private final LedgerIndex ledger;
    private final CotrainProtocol protocol;
    private final CotrainToken token;
    private final ModelRegistry models;
    private final ValidatorRegistry validators;
    private final Map<BigInteger, Recorded> commits = new ConcurrentHashMap<>();
    private final Function<BigInteger, Optional<ScoredContribution>> judgements;

    private record Recorded(ModelRegistry.CommitView commit, List<BigInteger> parents) {}

    /** @param judgements this node's judgement of a contribution, if it made one */
    public NetworkReader(
            Web3j web3j,
            DeploymentAddresses deployment,
            LedgerIndex ledger,
            Function<BigInteger, Optional<ScoredContribution>> judgements) {
        this.web3j = web3j;
        this.ledger = ledger;
        this.judgements = judgements;
        ReadOnlyContracts contracts = ReadOnlyContracts.of(web3j, deployment, deployment.protocol());
        this.protocol = contracts.protocol();
        this.token = contracts.token();
        this.models = contracts.models();
        this.validators = contracts.validators();
    }

    /**
     * @param taskId a model id
     * @return the task's registration, round, branches and latest accuracy
     * @throws UnknownTaskException if the registry has no such model
     */
    public ModelStatusView status(long taskId) {
        BigInteger id = requireModel(taskId);
        var model = read(models.model(id));
        ModelRegistry.ModelSpec spec = model.component1();
        BigInteger defaultBranch = model.component2();
        List<BranchView> branches = branches(taskId, model.component3(), defaultBranch);
        BigInteger head = branches.get(defaultBranch.intValueExact()).head();
        BigInteger current = read(protocol.currentRound());
        CotrainProtocol.RoundView round = read(protocol.roundInfo(current));
        RoundPhase phase = RoundPhase.of(round.phase);
        long contributions = ledger.contributionCount(taskId);
        int neutral = read(protocol.roundParameter(current, ProtocolParameter.NEUTRAL_SCORE.index()))
                .intValueExact();
        int threshold = read(protocol.roundParameter(current, ProtocolParameter.SLASH_THRESHOLD_SCORE.index()))
                .intValueExact();
        return new ModelStatusView(
                taskId,
                Keys.toChecksumAddress(read(models.ownerOf(id))),
                spec(spec),
                current,
                phase.title(),
                round.exists,
                phaseEnd(round),
                blockOrNull(round.submissionEndBlock),
                blockOrNull(round.commitEndBlock),
                blockOrNull(round.revealEndBlock),
                blockNumber(),
                model.component4(),
                read(protocol.paused()),
                branches,
                defaultBranch,
                head,
                recorded(head).commit().accuracyPpm.doubleValue() / 1e6,
                neutral,
                threshold,
                ledger.contributorCount(taskId),
                contributions,
                read(validators.activeValidatorCount()).longValueExact(),
                read(validators.validators()).size());
    }

    /**
     * The block the round's phase ends at. The round open now reports its submission window's end even before its
     * first contribution; a round in finalization has no deadline.
     */
    static BigInteger phaseEnd(CotrainProtocol.RoundView round) {
        BigInteger end = switch (RoundPhase.of(round.phase)) {
            case SUBMISSION -> round.submissionEndBlock;
            case COMMIT -> round.commitEndBlock;
            case REVEAL -> round.revealEndBlock;
            case FINALIZATION, FINALIZED -> null;
        };
        return end == null ? null : blockOrNull(end);
    }

    /**
     * A window end as the chain reports it: zero for a round without contributions other than the round open now,
     * whose windows are not determined.
     *
     * @param block a block number from a RoundView
     * @return the block, or null for zero
     */
    static BigInteger blockOrNull(BigInteger block) {
        return block.signum() == 0 ? null : block;
    }

    /** @return the model's commits, oldest first, with the branches each is the head of */
    public List<CommitView> commits(long taskId) {
        BigInteger id = requireModel(taskId);
        var model = read(models.model(id));
        Map<BigInteger, List<String>> heads = new HashMap<>();
        for (BranchView branch : branches(taskId, model.component3(), model.component2())) {
            heads.computeIfAbsent(branch.head(), h -> new ArrayList<>()).add(branch.name());
        }
        List<CommitView> views = new ArrayList<>();
        for (BigInteger commitId :
                CommitPages.all((offset, limit) -> read(models.commitsOf(id, offset, limit)), PAGE)) {
            Recorded recorded = recorded(commitId);
            ModelRegistry.CommitView c = recorded.commit();
            views.add(new CommitView(
                    commitId,
                    c.branchId,
                    recorded.parents(),
                    c.round,
                    c.accuracyPpm.doubleValue() / 1e6,
                    c.lossMicros.doubleValue() / 1e6,
                    Numeric.toHexString(c.weightsDigest),
                    Numeric.toHexString(c.weightsRoot),
                    c.contributionCount.longValueExact(),
                    c.recordedBlock,
                    heads.getOrDefault(commitId, List.of())));
        }
        return views;
    }

    /** @return the task's latest rounds, newest first, with their contributions and how validators agreed */
    public List<RoundView> rounds(long taskId, int limit) {
        requireModel(taskId);
        List<RoundView> views = new ArrayList<>();
        for (LedgerIndex.Round round : ledger.rounds(taskId, limit)) {
            String phase =
                    RoundPhase.of(read(protocol.roundInfo(round.round())).phase).title();
            List<ContributionView> contributions = round.contributionIds().stream()
                    // read apart from its round: a rollback between the two reads drops it
                    .flatMap(id -> ledger.contribution(id).stream())
                    .filter(c -> c.taskId() == taskId)
                    .map(c -> contributionView(c, judgements.apply(c.id())))
                    .toList();
            views.add(new RoundView(
                    round.round(),
                    phase,
                    round.submissionEndBlock(),
                    round.commitEndBlock(),
                    round.revealEndBlock(),
                    round.expectedValidators(),
                    round.parameterVersion(),
                    round.quorumReached().orElse(null),
                    contributions,
                    round.validators().stream()
                            .map(v -> new ValidatorOutcomeView(
                                    Keys.toChecksumAddress(v.validator()),
                                    v.agreements(),
                                    v.deviations(),
                                    v.reward().toString()))
                            .toList()));
        }
        return views;
    }

    /** @return an account's claimable rewards, stake, reputation and balances */
    public BalanceView balance(String address) {
        CotrainProtocol.ContributorProfile profile = read(protocol.contributorProfile(address));
        ValidatorRegistry.ValidatorInfo validator = read(validators.validatorInfo(address));
        return new BalanceView(
                Keys.toChecksumAddress(address),
                profile.registered,
                read(protocol.claimable(address)).toString(),
                profile.stake.toString(),
                profile.lockedStake.toString(),
                profile.stake.subtract(profile.lockedStake).toString(),
                profile.unbondingStake.toString(),
                profile.withdrawableStake.toString(),
                profile.unbondingReadyBlock,
                profile.reputation.intValueExact(),
                profile.lastRound,
                profile.lastRoundSubmissions.longValueExact(),
                read(token.balanceOf(address)).toString(),
                validator.bond.toString());
    }

    /** @return every reward, slash and claim of an account, oldest first, with totals */
    public AccountHistoryView history(String address) {
        BigInteger rewarded = BigInteger.ZERO;
        BigInteger slashed = BigInteger.ZERO;
        BigInteger claimed = BigInteger.ZERO;
        List<EntryView> views = new ArrayList<>();
        for (LedgerIndex.Entry entry : ledger.entries(address)) {
            switch (entry.type()) {
                case CONTRIBUTION_REWARD, VALIDATION_REWARD -> rewarded = rewarded.add(entry.amount());
                case CONTRIBUTION_SLASH, VALIDATOR_SLASH -> slashed = slashed.add(entry.amount());
                case CLAIM -> claimed = claimed.add(entry.amount());
            }
            views.add(new EntryView(
                    entry.type().name(),
                    entry.amount().toString(),
                    entry.block(),
                    entry.round(),
                    entry.contributionId()));
        }
        return new AccountHistoryView(
                Keys.toChecksumAddress(address), rewarded.toString(), slashed.toString(), claimed.toString(), views);
    }

    /** @return what is staked, bonded, in the pool and paid, network-wide */
    public TotalsView totals() {
        var pool = read(protocol.poolTotals());
        return new TotalsView(
                blockNumber(),
                read(protocol.totalContributorStake()).toString(),
                read(validators.totalBond()).toString(),
                pool.component1().toString(),
                pool.component2().toString(),
                pool.component3().toString(),
                pool.component4().toString(),
                pool.component5().toString(),
                read(models.modelCount()).longValueExact(),
                read(validators.activeValidatorCount()).longValueExact());
    }

    /** @return the model ids the registry knows, 1..count */
    public long modelCount() {
        return read(models.modelCount()).longValueExact();
    }

    /** @return the commit at the head of the task's default branch */
    public ModelRegistry.CommitView headCommit(long taskId) {
        BigInteger id = requireModel(taskId);
        BigInteger defaultBranch = read(models.model(id)).component2();
        return recorded(read(models.branchHead(id, defaultBranch))).commit();
    }

    /** @return the head commit's id of the task's default branch */
    public BigInteger headCommitId(long taskId) {
        BigInteger id = requireModel(taskId);
        return read(models.branchHead(id, read(models.model(id)).component2()));
    }

    /**
     * @param taskId a task id from a request
     * @return it as a uint256
     * @throws UnknownTaskException naming the known range if the registry has no such model
     */
    public BigInteger requireModel(long taskId) {
        long count = modelCount();
        if (taskId < 1 || taskId > count) throw new UnknownTaskException(taskId, count);
        return BigInteger.valueOf(taskId);
    }

    static ContributionView contributionView(LedgerIndex.Contribution c) {
        return contributionView(c, Optional.empty());
    }

    /** The contribution with this node's judgement of it, if it made one. */
    static ContributionView contributionView(LedgerIndex.Contribution c, Optional<ScoredContribution> judged) {
        var settlement = c.settlement();
        return new ContributionView(
                c.id(),
                Keys.toChecksumAddress(c.contributor()),
                ContributionKind.of(c.kind()).apiName(),
                c.taskId(),
                c.round(),
                c.contentDigest(),
                c.submittedBlock(),
                settlement.map(s -> GatewayViews.STATUSES.get(s.status())).orElse(ContributionStatus.PENDING.title()),
                settlement.map(LedgerIndex.Settlement::consensusScore).orElse(null),
                settlement.map(s -> s.reward().toString()).orElse("0"),
                settlement.map(s -> s.slashed().toString()).orElse("0"),
                judged.map(NetworkReader::judgementView).orElse(null));
    }

    static JudgementView judgementView(ScoredContribution scored) {
        Double scoreAlone = scored.metrics().get("scoreAlone");
        BigInteger copyOf = scored.floorReason().flatMap(NetworkReader::copied).orElse(null);
        return new JudgementView(
                scored.score(),
                scored.why(),
                copyOf,
                scored.metrics().get("value"),
                scored.metrics().get("valueStandardError"),
                scoreAlone == null ? null : scoreAlone.intValue());
    }

    /** The contribution a copy's floor reason names ("copy of contribution N", "near-copy of contribution N"). */
    private static Optional<BigInteger> copied(String floorReason) {
        Matcher matcher = COPY_OF.matcher(floorReason);
        return matcher.lookingAt() ? Optional.of(new BigInteger(matcher.group(1))) : Optional.empty();
    }

    private List<BranchView> branches(long taskId, BigInteger count, BigInteger defaultBranch) {
        Map<BigInteger, String> names = new HashMap<>();
        for (LedgerIndex.Branch branch : ledger.branches(taskId)) names.put(branch.branchId(), branch.name());
        List<BranchView> branches = new ArrayList<>();
        BigInteger id = BigInteger.valueOf(taskId);
        for (BigInteger b = BigInteger.ZERO; b.compareTo(count) < 0; b = b.add(BigInteger.ONE)) {
            String name = names.getOrDefault(b, b.signum() == 0 ? "main" : "");
            if (name.isEmpty()) name = "branch-" + b;
            branches.add(new BranchView(b, name, read(models.branchHead(id, b)), b.equals(defaultBranch)));
        }
        return branches;
    }

    private Recorded recorded(BigInteger commitId) {
        Recorded known = commits.get(commitId);
        if (known != null) return known;
        @SuppressWarnings("unchecked")
        List<BigInteger> parents = (List<BigInteger>) (List<?>) read(models.parents(commitId));
        Recorded recorded = new Recorded(read(models.commit(commitId)), List.copyOf(parents));
        commits.put(commitId, recorded);
        return recorded;
    }

    private static ModelSpecView spec(ModelRegistry.ModelSpec spec) {
        return new ModelSpecView(
                Numeric.toHexString(spec.baseWeightsDigest),
                Numeric.toHexString(spec.baseWeightsRoot),
                Numeric.toHexString(spec.heldOutDigest),
                Numeric.toHexString(spec.schemaDigest),
                AggregationMethod.of(spec.rule).ruleName(),
                spec.ruleParameterA.intValueExact(),
                spec.ruleParameterB.intValueExact(),
                spec.modelUpdateWeightBps.intValueExact(),
                spec.datasetWeightBps.intValueExact(),
                spec.validationWeightBps.intValueExact());
    }

    private BigInteger blockNumber() {
        return ContractCalls.read(
                "eth_blockNumber", () -> web3j.ethBlockNumber().send().getBlockNumber());
    }

    /** @throws ChainUnavailableException when the chain does not answer (api/ makes it a 503) */
    static <T> T read(RemoteCall<T> call) {
        return ContractCalls.read("a contract call", call::send);
    }
}
