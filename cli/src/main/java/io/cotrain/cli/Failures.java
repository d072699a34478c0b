package io.cotrain.cli;

import io.cotrain.cli.FailureContext.RoundTimes;
import io.cotrain.cli.FailureContext.Submission;
import io.cotrain.client.ChainUnavailableException;
import io.cotrain.client.ContractRevertedException;
import io.cotrain.client.EventQueryException;
import io.cotrain.client.InsufficientBalanceException;
import io.cotrain.client.StakeBelowMinimumException;
import io.cotrain.client.TransactionRejectedException;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.ipfs.ContentMismatchException;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.ipfs.ManifestException;
import io.cotrain.oracle.evaluation.DatasetFormatException;
import io.cotrain.oracle.evaluation.InvalidModelException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns whatever a command ran into into one message that says what to fix: the protocol's custom errors (decoded by
 * {@link io.cotrain.client.RevertDecoder}), an unreachable chain or IPFS node, bad content on IPFS, and the
 * account's ETH for gas. The messages for conditions the commands check before sending anything are here too, so a
 * pre-check and a revert of the same condition read the same.
 */
public final class Failures {
    /** The protocol is paused. */
    static final String PAUSED = "the protocol is paused: registrations, stake increases, submissions and model "
            + "registrations wait until it is resumed, and round windows stand still meanwhile; claims, unstake "
            + "requests and withdrawals still work";

    /** The kinds there are, as a revert of an unknown kind lists them: "0 model update, 1 dataset, ...". */
    private static final String KNOWN_KINDS = Arrays.stream(ContributionKind.values())
            .map(kind -> kind.onChain() + " " + kind.label())
            .collect(Collectors.joining(", "));

    private Failures() {}

    /**
     * @param failure what a command threw
     * @param context where the CLI connected and what it may look up
     * @return the message and exit code for the user
     */
    public static CliException describe(Throwable failure, FailureContext context) {
        return switch (failure) {
            case CliException known -> known;
            case ContractRevertedException reverted -> reverted(reverted, context);
            case ChainUnavailableException down ->
                down.getCause() instanceof IOException
                        ? chainDown(context.rpcUrl(), down)
                        : new CliException(down.getMessage(), CliException.UNAVAILABLE, down);
            case EventQueryException refused ->
                new CliException(
                        "the chain endpoint at " + context.rpcUrl()
                                + " refused to serve the protocol's events even for block " + refused.fromBlock() + " ("
                                + refused.getMessage() + "): use an endpoint that serves eth_getLogs, with --rpc-url / "
                                + "COTRAIN_RPC_URL",
                        CliException.UNAVAILABLE,
                        refused);
            case InsufficientBalanceException poor ->
                insufficientBalance(poor.account(), poor.balance(), poor.needed());
            case StakeBelowMinimumException low ->
                new CliException("a first stake must be at least " + TokenAmount.format(low.minimum()) + ", got "
                        + TokenAmount.format(low.stake()) + ": cotrain register --stake "
                        + TokenAmount.plain(low.minimum()));
            case IpfsException ipfs -> ipfs(ipfs, context);
            case ContentMismatchException mismatch ->
                new CliException(
                        "the IPFS node at " + context.ipfsUrl()
                                + " served other bytes than asked for (" + mismatch.getMessage()
                                + "): nothing was used; check "
                                + "the node, or use another with --ipfs-url / COTRAIN_IPFS_URL",
                        CliException.FAILED,
                        mismatch);
            case ManifestException manifest ->
                new CliException(
                        "the manifest on IPFS is not a valid Cotrain manifest: " + manifest.getMessage(),
                        CliException.FAILED,
                        manifest);
            case DatasetFormatException csv ->
                new CliException(
                        "the CSV does not follow the task's schema: " + csv.getMessage(), CliException.FAILED, csv);
            case InvalidModelException model ->
                new CliException(
                        "the task's global model is not a usable model: " + model.getMessage(),
                        CliException.FAILED,
                        model);
            case TransactionRejectedException refused
            when refused.lacksFunds() ->
                new CliException(
                        "the account has not enough ETH to pay for gas: send it some ETH first (" + refused.getMessage()
                                + ")",
                        CliException.FAILED,
                        refused);
            case TransactionRejectedException refused ->
                new CliException(refused.getMessage(), CliException.FAILED, refused);
            default ->
                new CliException(
                        "unexpected error: " + failure.getClass().getSimpleName()
                                + (failure.getMessage() == null ? "" : ": " + failure.getMessage())
                                + " (run with --verbose for the stack trace)",
                        CliException.FAILED,
                        failure);
        };
    }

    /** The chain's endpoint does not answer. */
    public static CliException chainDown(String rpcUrl, Throwable cause) {
        return new CliException(
                "cannot reach the chain at " + rpcUrl + ": start it (e.g. deployment/local-chain.sh) "
                        + "or point --rpc-url / COTRAIN_RPC_URL at a running JSON-RPC endpoint"
                        + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"),
                CliException.UNAVAILABLE,
                cause);
    }

    /** The IPFS node's API does not answer. */
    public static CliException ipfsDown(String ipfsUrl, Throwable cause) {
        return new CliException(
                "cannot reach the IPFS node at " + ipfsUrl + ": start it (e.g. deployment/"
                        + "local-network.sh runs one) or point --ipfs-url / COTRAIN_IPFS_URL at a running IPFS API",
                CliException.UNAVAILABLE,
                cause);
    }

    /** The account is not a registered contributor. */
    public static CliException notRegistered(String account, Optional<BigInteger> minStake) {
        String stake = minStake.map(TokenAmount::plain).orElse("100");
        return new CliException(account + " is not registered as a contributor: register first: cotrain register "
                + "--stake " + stake
                + (minStake.isPresent() ? " (the minimum stake is " + stake + " " + TokenAmount.SYMBOL + ")" : ""));
    }

    /** The account holds fewer tokens than an action needs. */
    public static CliException insufficientBalance(String account, BigInteger balance, BigInteger needed) {
        return new CliException("insufficient token balance: " + account + " has " + TokenAmount.format(balance)
                + ", " + TokenAmount.format(needed) + " needed: get more " + TokenAmount.SYMBOL
                + " first, or stake less");
    }

    /** Too little free stake for what the command does. */
    public static CliException insufficientFreeStake(String command, BigInteger free, BigInteger required) {
        String fix = "unstake".equals(command)
                ? "unstake at most " + TokenAmount.format(free) + " now (cotrain unstake --amount "
                        + TokenAmount.plain(free)
                        + "), or wait until your pending contributions are scored and their stake is unlocked"
                : "add stake with 'cotrain register --stake AMOUNT', or wait until your pending contributions are "
                        + "scored and their stake is unlocked";
        return new CliException("not enough free stake: " + TokenAmount.format(free) + " of your stake is free (not "
                + "locked by pending contributions), " + TokenAmount.format(required) + " needed: " + fix);
    }

    /** No unbonding request is withdrawable yet: the earliest becomes so at {@code readyBlock}. */
    public static CliException unbondingNotReady(BigInteger readyBlock, BigInteger currentBlock) {
        return new CliException("no unbonding stake is withdrawable yet: your earliest unbonding request is "
                + "withdrawable from block " + readyBlock + "; the chain is at block " + currentBlock + " ("
                + blocks(readyBlock.subtract(currentBlock)) + " to go): run 'cotrain unstake --withdraw' again then");
    }

    /**
     * A content digest was submitted before: the same work is paid once.
     *
     * @param digest the manifest's sha256
     * @param id the contribution it was submitted as
     * @param earlier that contribution, when it could be read
     * @param account the wallet's address, or null
     * @return the failure
     */
    public static CliException duplicateContent(
            byte[] digest, BigInteger id, Optional<Submission> earlier, String account) {
        StringBuilder message = new StringBuilder("this exact manifest (" + Arguments.hex(digest) + ") was already "
                + "submitted, as contribution " + id);
        earlier.ifPresent(known -> {
            boolean mine = account != null && known.contributor().equalsIgnoreCase(account);
            message.append(" (round ")
                    .append(known.round())
                    .append(", ")
                    .append(mine ? "by you" : "by " + known.contributor())
                    .append(", ")
                    .append(known.status().label())
                    .append(known.score() > 0 ? " with score " + known.score() : "")
                    .append(")");
        });
        message.append(": a digest is accepted once, ever, and copies earn nothing; nothing was submitted. Submit new "
                + "work instead (other data, or an update trained with other data, epochs or --seed)");
        return new CliException(message.toString());
    }

    /**
     * The round open now holds the most contributions a round takes.
     *
     * @param round the round
     * @param max MaxContributionsPerRound of that round
     * @param times the round's deadlines, when known
     * @return the failure
     */
    public static CliException roundFull(BigInteger round, BigInteger max, Optional<RoundTimes> times) {
        return new CliException("round " + round + " is full: it holds " + max + " contributions, the most a round "
                + "takes; nothing was submitted: " + nextRound(round, times));
    }

    /**
     * The account submitted the most contributions one contributor may submit to the round open now.
     *
     * @param round the round
     * @param max MaxContributionsPerContributor of that round
     * @param times the round's deadlines, when known
     * @return the failure
     */
    public static CliException contributorRoundLimit(BigInteger round, BigInteger max, Optional<RoundTimes> times) {
        return new CliException("you already submitted " + max + " contribution"
                + (max.equals(BigInteger.ONE) ? "" : "s")
                + " to round " + round + ", the most one contributor may submit to a round; nothing was submitted: "
                + nextRound(round, times));
    }

    private static String nextRound(BigInteger round, Optional<RoundTimes> times) {
        String when = times.map(known -> ", from block " + known.submissionEnd() + " (the chain is at block "
                        + known.currentBlock() + ")")
                .orElse("");
        return "submit again once round " + round.add(BigInteger.ONE) + " accepts submissions" + when;
    }

    private static String blocks(BigInteger count) {
        return count + " block" + (count.equals(BigInteger.ONE) ? "" : "s");
    }

    private static CliException reverted(ContractRevertedException reverted, FailureContext context) {
        if (reverted.error() == null) {
            return new CliException(
                    "the transaction was reverted with data the CLI does not recognise (" + reverted.revertData()
                            + "): is --deployment / COTRAIN_DEPLOYMENT the deployment of this chain?",
                    CliException.FAILED,
                    reverted);
        }
        DecodedError error = DecodedError.parse(reverted.error());
        try {
            return new CliException(explain(error, context), CliException.FAILED, reverted);
        } catch (IllegalArgumentException malformed) {
            return new CliException("the transaction was reverted: " + reverted.error(), CliException.FAILED, reverted);
        }
    }

    private static String explain(DecodedError error, FailureContext context) {
        return switch (error.name()) {
            case "NotRegistered" ->
                notRegistered(error.text("account", 0), context.minContributorStake())
                        .getMessage();
            case "AlreadyRegistered" ->
                error.text("contributor", 0) + " is already registered: 'cotrain register "
                        + "--stake AMOUNT' adds AMOUNT to its stake";
            case "InsufficientStake" ->
                "a first stake must be at least "
                        + TokenAmount.format(error.number("required", 1)) + ", got "
                        + TokenAmount.format(error.number("provided", 0)) + ": cotrain register --stake "
                        + TokenAmount.plain(error.number("required", 1));
            case "InsufficientFreeStake" ->
                insufficientFreeStake(context.command(), error.number("free", 0), error.number("required", 1))
                        .getMessage();
            case "DuplicateContent" -> {
                byte[] digest = Arguments.digest(error.text("contentDigest", 0));
                yield duplicateContent(digest, error.number("id", 1), context.contribution(digest), context.account())
                        .getMessage();
            }
            case "RoundFull" ->
                roundFull(
                                error.number("round", 0),
                                error.number("maxContributions", 1),
                                context.roundTimes(error.number("round", 0)))
                        .getMessage();
            case "ContributorRoundLimit" ->
                contributorRoundLimit(
                                error.number("round", 1),
                                error.number("maxContributions", 2),
                                context.roundTimes(error.number("round", 1)))
                        .getMessage();
            case "TaskUnderserved" ->
                "task " + error.text("taskId", 0) + " is served by " + error.text("servers", 1)
                        + " of this round's validators, fewer than the " + error.text("required", 2)
                        + " a quorum needs: nobody could judge your contribution, so it was not sent; submit again "
                        + "once enough validators serve the task (its owner hands them its held-out set)";
            case "TooManyUnbondingRequests" ->
                "you have " + error.text("maxRequests", 0) + " unbonding requests, the "
                        + "most at once: withdraw the ready ones first with 'cotrain unstake --withdraw' ('cotrain "
                        + "status' "
                        + "shows when they are ready), then request again";
            case "UnbondingNotReady" ->
                unbondingNotReady(error.number("readyBlock", 0), error.number("currentBlock", 1))
                        .getMessage();
            case "NothingToWithdraw" ->
                "nothing to withdraw: no stake is unbonding; request it first with "
                        + "'cotrain unstake --amount AMOUNT', then withdraw once its unbonding delay has passed";
            case "NothingToClaim" ->
                "nothing to claim for " + error.text("account", 0) + ": rewards are credited "
                        + "when a round is finalized in which your contributions scored above the neutral score "
                        + "('cotrain status --contributions' shows how each was settled)";
            case "WrongPhase" -> wrongPhase(error, context);
            case "ProtocolPaused" -> PAUSED;
            case "RevealBeforeFinalized" ->
                "round " + error.text("round", 1) + " of that contribution is not finalized yet: its content stays "
                        + "sealed until the round is scored; reveal it then";
            case "NotTheContributor" ->
                "only the contribution's contributor may reveal it, not " + error.text("caller", 1);
            case "UnknownContribution" ->
                "no contribution was submitted with manifest digest " + error.text("contentDigest", 0);
            case "ERC20InsufficientBalance" ->
                insufficientBalance(error.text("sender", 0), error.number("balance", 1), error.number("needed", 2))
                        .getMessage();
            case "ERC20InsufficientAllowance" ->
                "the protocol may spend only "
                        + TokenAmount.format(error.number("allowance", 1)) + " of your tokens, "
                        + TokenAmount.format(error.number("needed", 2)) + " needed: run the command again (it approves "
                        + "the amount first)";
            case "ZeroAmount" -> "the amount must be more than 0";
            case "AmountTooLarge" -> "the amount is more than the protocol can hold (2^96 - 1 wei)";
            case "TaskIdTooLarge" -> "task " + error.text("taskId", 0) + " is out of range: task ids are below 2^32";
            case "ZeroContentDigest" -> "the manifest digest must not be zero";
            case "UnknownContributionType" ->
                "contribution kind " + error.text("kind", 0) + " does not exist (" + KNOWN_KINDS + ")";
            case "NotModelOwner" ->
                error.text("caller", 1) + " does not own model " + error.text("modelId", 0)
                        + ": branch operations and sharing its held-out set are the model NFT holder's; use its wallet";
            case "UnknownBranch" ->
                "model " + error.text("modelId", 0) + " has no branch " + error.text("branchId", 1)
                        + ": 'cotrain history --task " + error.text("modelId", 0) + "' lists its branches";
            case "UnknownCommit" ->
                "commit " + error.text("commitId", 1) + " is not a commit of model " + error.text("modelId", 0)
                        + ": 'cotrain history' lists its commits";
            case "NotAnAncestor" ->
                "commit " + error.text("commitId", 1) + " is not an earlier commit of branch "
                        + error.text("branchId", 0) + " (first parents from its head): pick one from 'cotrain history'";
            case "NothingToMerge" ->
                "branch " + error.text("sourceBranch", 0) + " has nothing to merge into branch "
                        + error.text("targetBranch", 1) + ": the same branch, or the same head";
            case "InvalidRuleParameters" ->
                "the aggregation rule's parameters are out of range (trimmed-mean: "
                        + "--rule-a below 5000; multi-krum: --rule-b at least 1; fedavg and median take none)";
            case "RewardWeightsNotWhole" ->
                "--reward-weights must sum to 10000, they sum to " + error.text("sumBps", 0);
            case "Error" -> "the contract refused it: " + error.text("message", 0);
            case "Panic" -> "the contract failed (panic code " + error.text("code", 0) + "): please report it";
            default -> "the transaction was reverted: " + error.name() + error.arguments();
        };
    }

    private static String wrongPhase(DecodedError error, FailureContext context) {
        BigInteger round = error.number("round", 0);
        Optional<RoundPhase> expected = phase(error.number("expected", 1));
        Optional<RoundPhase> actual = phase(error.number("actual", 2));
        StringBuilder message = new StringBuilder("round " + round + " is in its "
                + actual.map(RoundPhase::label).orElse("unknown (" + error.number("actual", 2) + ")")
                + " phase, this needs its "
                + expected.map(RoundPhase::label).orElse("unknown (" + error.number("expected", 1) + ")")
                + " phase");
        context.roundTimes(round).ifPresent(times -> {
            BigInteger end = actual.map(phase -> switch (phase) {
                        case SUBMISSION -> times.submissionEnd();
                        case COMMIT -> times.commitEnd();
                        case REVEAL -> times.revealEnd();
                        default -> null;
                    })
                    .orElse(null);
            if (end != null) {
                message.append(": the ")
                        .append(actual.get().label())
                        .append(" phase ends at block ")
                        .append(end)
                        .append(" (the chain is at block ")
                        .append(times.currentBlock())
                        .append(")");
            }
        });
        return message.toString();
    }

    /** The phase of that number, or empty for one this code does not know (a newer protocol). */
    private static Optional<RoundPhase> phase(BigInteger ordinal) {
        try {
            return Optional.of(RoundPhase.of(ordinal));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }

    private static CliException ipfs(IpfsException failure, FailureContext context) {
        return switch (failure.failure()) {
            case NODE_UNREACHABLE -> ipfsDown(context.ipfsUrl(), failure);
            case TIMEOUT ->
                new CliException(
                        "the IPFS node at " + context.ipfsUrl() + " did not deliver in time ("
                                + failure.getMessage()
                                + "): the content may not be on any node it can reach; check the node, "
                                + "or use another with --ipfs-url / COTRAIN_IPFS_URL",
                        CliException.UNAVAILABLE,
                        failure);
            default ->
                new CliException(
                        "the IPFS node at " + context.ipfsUrl() + " failed: " + failure.getMessage(),
                        CliException.FAILED,
                        failure);
        };
    }
}
