package io.cotrain.validator.gateway;

import io.cotrain.contracts.ContributionStatus;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The gateway's answers, as JSON documents. Token amounts are decimal strings in the token's smallest unit (18
 * decimals), since they exceed what a JSON number carries exactly; addresses are EIP-55; digests are 0x-hex.
 */
public final class GatewayViews {
    private GatewayViews() {}

    /** The protocol's {@link ContributionStatus} titles by number, as a settled contribution's status shows them. */
    public static final List<String> STATUSES = Arrays.stream(ContributionStatus.values())
            .map(ContributionStatus::title)
            .toList();

    /**
     * An OpenAPI extension on a string naming the protocol enum its values come from, {@link #CONTRIBUTION_STATUS} or
     * {@link #CONTRIBUTION_KIND}: annotations hold only constants, so {@code api/} fills in the values and what they
     * mean from the enum when it builds the document, and drops the extension.
     */
    public static final String VALUES_FROM = "x-cotrain-values-from";
    /** The values of {@link ContributionStatus} a contribution shows. */
    public static final String CONTRIBUTION_STATUS = "ContributionStatus";
    /** The values of {@code ContributionKind}, as the API names them. */
    public static final String CONTRIBUTION_KIND = "ContributionKind";

    /** What the owner registered: digests, aggregation rule and reward weights. */
    public record ModelSpecView(
            String baseWeightsDigest,
            String baseWeightsRoot,
            String heldOutDigest,
            String schemaDigest,
            String rule,
            int ruleParameterA,
            int ruleParameterB,
            int modelUpdateWeightBps,
            int datasetWeightBps,
            int validationWeightBps) {}

    /** A branch of a model and its head commit. */
    public record BranchView(BigInteger id, String name, BigInteger head, boolean isDefault) {}

    /**
     * A task and where its training stands.
     *
     * @param roundOpen whether the current round has received its first contribution
     * @param phaseEndBlock the block at which the current round's phase ends; for a round without contributions yet,
     *     the end of its submission window (null only when the chain reports none)
     * @param submissionEndBlock the block at which the current round's submission window ends (null only when the chain
     *     reports none)
     * @param commitEndBlock the block at which its commit window ends; before its first contribution, the end that
     *     contribution would fix, from the latest window lengths (null only when the chain reports none)
     * @param revealEndBlock the block at which its reveal window ends, finalization starting; before its first
     *     contribution, as for commitEndBlock (null only when the chain reports none)
     * @param paused whether the protocol is paused (its round windows stand still until unpause)
     * @param latestAccuracy held-out accuracy (0..1) of the default branch's head
     * @param neutralScore the current round's neutral score: only a consensus score above it is rewarded
     * @param slashThresholdScore the current round's slash threshold: a consensus score below it is slashed
     */
    public record ModelStatusView(
            long taskId,
            String owner,
            ModelSpecView spec,
            BigInteger currentRound,
            String phase,
            boolean roundOpen,

            @Schema(
                    description = "The block the current round's phase ends at; before the round's first "
                            + "contribution, the end of its submission window. Estimated assuming no pause.")
            BigInteger phaseEndBlock,

            @Schema(
                    description = "The block the current round's submission window ends at, even before its first "
                            + "contribution. Estimated assuming no pause.")
            BigInteger submissionEndBlock,

            @Schema(
                    description = "The block the current round's commit window ends at. Before its first "
                            + "contribution, the end that contribution would fix with the latest window lengths: a "
                            + "change of them before then moves it. Estimated assuming no pause.")
            BigInteger commitEndBlock,

            @Schema(
                    description = "The block the current round's reveal window ends at, its finalization starting. "
                            + "Before its first contribution, as for commitEndBlock. Estimated assuming no pause.")
            BigInteger revealEndBlock,

            BigInteger block,
            BigInteger lastAggregatedRound,

            @Schema(
                    description = "While the protocol is paused its clock stops: no window runs, and phaseEndBlock "
                            + "moves on by the blocks the pause lasts")
            boolean paused,

            List<BranchView> branches,
            BigInteger defaultBranch,
            BigInteger headCommit,
            double latestAccuracy,

            @Schema(description = "Only a consensus score above it is rewarded, in proportion to the distance above it")
            int neutralScore,

            @Schema(description = "A consensus score below it slashes part of the contribution's stake")
            int slashThresholdScore,

            long contributors,
            long contributions,
            long activeValidators,
            long validators) {}

    /** A global model recorded in the model registry, with the branches it is the head of. */
    public record CommitView(
            BigInteger id,
            BigInteger branchId,
            List<BigInteger> parents,
            BigInteger round,
            double accuracy,
            double loss,
            String weightsDigest,
            String weightsRoot,
            long contributionCount,
            BigInteger recordedBlock,
            List<String> headOf) {}

    /** A contribution to a task, with its settlement once its round is finalized. */
    public record ContributionView(
            BigInteger id,
            String contributor,
            String kind,
            long taskId,
            BigInteger round,

            @Schema(description = "sha256 of the manifest: the contribution's key on chain, submitted once ever")
            String contentDigest,

            BigInteger submittedBlock,

            @Schema(extensions = @Extension(name = VALUES_FROM, value = CONTRIBUTION_STATUS))
            String status,

            @Schema(description = "1..100 once finalized with quorum, 0 without quorum, null while pending")
            Integer consensusScore,

            String reward,
            String slashed,

            @Schema(description = "This node's own judgement, null until it judged the contribution")
            JudgementView judgement) {}

    /**
     * One validator's judgement of a contribution, and why.
     *
     * @param score its score, 1..100 (once the round is valued, by what the contribution adds to the aggregate)
     * @param why the guard or screen that floored it (a copy names the contribution it copies, a free rider says so),
     *     or what it adds to the round's aggregate and the noise of that measure
     * @param copyOf the contribution it copies, when it was floored as a copy
     * @param value the held-out loss per row it removes from the round's aggregate (negative: adds), when valued
     * @param valueStandardError that value's standard error over the held-out rows
     * @param scoreAlone its score on its own, before the round's valuation
     */
    public record JudgementView(
            int score, String why, BigInteger copyOf, Double value, Double valueStandardError, Integer scoreAlone) {}

    /** How one validator's revealed scores of a round compared with the consensus, and what it earned. */
    public record ValidatorOutcomeView(String validator, long agreements, long deviations, String reward) {}

    /**
     * A round with contributions to a task.
     *
     * @param parameterVersion the protocol parameters the round is priced by (fixed when it opened)
     */
    public record RoundView(
            BigInteger round,
            String phase,
            BigInteger submissionEndBlock,
            BigInteger commitEndBlock,
            BigInteger revealEndBlock,
            int expectedValidators,

            @Schema(
                    description = "The parameter version the round opened with: its stakes, caps, thresholds, "
                            + "rewards and penalties")
            BigInteger parameterVersion,

            Boolean quorumReached,
            List<ContributionView> contributions,
            List<ValidatorOutcomeView> validators) {}

    /**
     * An account's tokens in Cotrain.
     *
     * @param stake active stake, including the locked part
     * @param lockedStake what backs pending contributions (each locks its round's stake per contribution)
     * @param freeStake stake that neither backs a contribution nor unbonds: what a new contribution can lock
     * @param unbondingStake requested for withdrawal and not withdrawn yet, ready or not
     * @param withdrawableStake the part of {@code unbondingStake} that withdrawStake pays now
     * @param unbondingReadyBlock the block from which all of {@code unbondingStake} is withdrawable (0 when none)
     * @param lastRound the last round the account submitted to (0 before its first contribution)
     * @param lastRoundSubmissions how many contributions it submitted to that round (each contributor has a cap per
     *     round)
     */
    public record BalanceView(
            String address,
            boolean registered,
            String claimable,
            String stake,
            String lockedStake,
            String freeStake,
            String unbondingStake,

            @Schema(description = "The part of unbondingStake whose unbonding delay has passed: withdrawStake pays it")
            String withdrawableStake,

            @Schema(description = "The block from which all of unbondingStake is withdrawable (0 when none)")
            BigInteger unbondingReadyBlock,

            int reputationBps,

            @Schema(description = "The last round the account submitted to (0 before its first contribution)")
            BigInteger lastRound,

            @Schema(
                    description = "Contributions it submitted to lastRound; a contributor's submissions per round are "
                            + "capped (MaxContributionsPerContributor)")
            long lastRoundSubmissions,

            String tokenBalance,
            String validatorBond) {}

    /** One reward, slash or claim of an account. */
    public record EntryView(
            String type, String amount, BigInteger block, BigInteger round, BigInteger contributionId) {}

    /** Everything that changed an account's tokens, with totals. */
    public record AccountHistoryView(
            String address, String rewarded, String slashed, String claimed, List<EntryView> entries) {}

    /** What is staked, bonded, in the pool and paid, network-wide. */
    public record TotalsView(
            BigInteger block,
            String contributorStake,
            String validatorBonds,
            String poolAvailable,
            String funded,
            String slashed,
            String credited,
            String paid,
            long models,
            long activeValidators) {}

    /** An unsigned transaction for the caller's wallet: it signs and sends it as it is. */
    public record UnsignedTransaction(
            String description, long chainId, String from, String to, String data, String value, String gas) {}

    /** What to send, in order; empty when nothing is needed. */
    public record TransactionPlan(String summary, List<UnsignedTransaction> transactions) {}

    /**
     * A validator content is sealed to.
     *
     * @param address its address, lower case
     * @param publicKey its 64-byte secp256k1 public key (x then y), 0x-hex
     */
    public record SealingKeyView(String address, String publicKey) {}

    /** A signed transaction the gateway passed on to the chain. */
    public record RelayedTransaction(String transactionHash, String from, String to) {}

    /** How this node's validator would judge a candidate model against a task's held-out set. */
    public record EvaluationView(
            long taskId,
            String cid,
            BigInteger againstCommit,
            int score,
            String floorReason,
            Map<String, Double> metrics) {}
}
