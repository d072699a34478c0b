package io.cotrain.validator.gateway;

import java.math.BigInteger;
import java.util.List;

/**
 * The gateway's answers, as JSON documents. Token amounts are decimal strings in the token's smallest unit (18
 * decimals), since they exceed what a JSON number carries exactly; addresses are EIP-55; digests are 0x-hex.
 */
public final class GatewayViews {
    private GatewayViews() {}

    /** The phase names of the protocol's RoundPhase enum, by number. */
    public static final List<String> PHASES = List.of("Submission", "Commit", "Reveal", "Finalization", "Finalized");
    /** The protocol's ContributionType names, by number. */
    public static final List<String> KINDS = List.of("MODEL_UPDATE", "DATASET", "VALIDATION_WORK");
    /** The protocol's ContributionStatus names, by number. */
    public static final List<String> STATUSES = List.of("None", "Pending", "Accepted", "Rejected", "Released");
    /** The model registry's AggregationRule names, by number. */
    public static final List<String> RULES = List.of("fedavg", "median", "trimmed-mean", "krum", "multi-krum");

    public record ModelSpecView(String baseWeightsDigest, String baseWeightsRoot, String heldOutDigest,
            String schemaDigest, String rule, int ruleParameterA, int ruleParameterB, int modelUpdateWeightBps,
            int datasetWeightBps, int validationWeightBps) {}

    public record BranchView(BigInteger id, String name, BigInteger head, boolean isDefault) {}

    /**
     * @param phaseEndBlock the block at which the current round's phase ends (null when the round has not opened)
     * @param latestAccuracy held-out accuracy (0..1) of the default branch's head
     */
    public record ModelStatusView(long taskId, String owner, ModelSpecView spec, BigInteger currentRound, String phase,
            boolean roundOpen, BigInteger phaseEndBlock, BigInteger block, BigInteger lastAggregatedRound,
            List<BranchView> branches, BigInteger defaultBranch, BigInteger headCommit, double latestAccuracy,
            long contributors, long contributions, long activeValidators, long validators) {}

    public record CommitView(BigInteger id, BigInteger branchId, List<BigInteger> parents, BigInteger round,
            double accuracy, double loss, String weightsDigest, String weightsRoot, long contributionCount,
            BigInteger recordedBlock, List<String> headOf) {}

    public record ContributionView(BigInteger id, String contributor, String kind, long taskId, BigInteger round,
            String contentDigest, BigInteger submittedBlock, String status, Integer consensusScore, String reward,
            String slashed) {}

    public record ValidatorOutcomeView(String validator, long agreements, long deviations, String reward) {}

    public record RoundView(BigInteger round, String phase, BigInteger submissionEndBlock, BigInteger commitEndBlock,
            BigInteger revealEndBlock, int expectedValidators, Boolean quorumReached,
            List<ContributionView> contributions, List<ValidatorOutcomeView> validators) {}

    public record BalanceView(String address, boolean registered, String claimable, String stake, String lockedStake,
            String freeStake, String unbondingStake, BigInteger unbondingReadyBlock, int reputationBps,
            long pendingContributions, long submittedContributions, String tokenBalance, String validatorBond) {}

    public record EntryView(String type, String amount, BigInteger block, BigInteger round, BigInteger contributionId) {}

    /** Everything that changed an account's tokens, with totals. */
    public record AccountHistoryView(String address, String rewarded, String slashed, String claimed,
            List<EntryView> entries) {}

    public record TotalsView(BigInteger block, String contributorStake, String validatorBonds, String poolAvailable,
            String funded, String slashed, String credited, String paid, long models, long activeValidators) {}

    /** An unsigned transaction for the caller's wallet: it signs and sends it as it is. */
    public record UnsignedTransaction(String description, long chainId, String from, String to, String data,
            String value, String gas) {}

    /** What to send, in order; empty when nothing is needed. */
    public record TransactionPlan(String summary, List<UnsignedTransaction> transactions) {}

    public record RelayedTransaction(String transactionHash, String from, String to) {}

    public record EvaluationView(long taskId, String cid, BigInteger againstCommit, int score, String floorReason,
            java.util.Map<String, Double> metrics) {}
}
