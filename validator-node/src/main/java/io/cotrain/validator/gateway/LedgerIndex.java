package io.cotrain.validator.gateway;

import io.cotrain.client.ChainUnavailableException;
import io.cotrain.client.EventQuery;
import io.cotrain.client.EventQueryException;
import io.cotrain.client.EventReader;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ValidatorRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.datatypes.Event;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * What the Cotrain contracts' events say about contributions, rounds, rewards, slashes and branches, read block by
 * block from the deployment block on and kept in memory: the history the views of the contracts do not keep (which
 * contributions a round had, what each account earned and lost and when, how validators agreed). {@link #refresh}
 * reads the blocks mined since the last call; readers get immutable snapshots. Each event read, and each new block
 * read up to, is also handed to a listener as a {@link LiveUpdate}, for the API's live clients.
 *
 * <p>Only blocks with the configured confirmations on top are read. A reorganisation deeper than that is detected at
 * the next refresh (the last block read no longer has the hash it had) and the index is read again from the deployment
 * block, with a {@link LiveUpdate.Kind#REORG} update, so that no event of a dropped block stays in the views.
 */
public final class LedgerIndex {
    /** What happened to an account's tokens. */
    public enum EntryType {
        CONTRIBUTION_REWARD,
        CONTRIBUTION_SLASH,
        VALIDATION_REWARD,
        VALIDATOR_SLASH,
        CLAIM
    }

    /**
     * @param consensusScore 1..100, or 0 when the round had no quorum
     * @param status the on-chain ContributionStatus number (2 accepted, 3 rejected, 4 released, 5 unrewarded)
     */
    public record Settlement(
            int consensusScore,
            int status,
            BigInteger reward,
            BigInteger slashed,
            BigInteger reputation,
            BigInteger block) {}

    /** A submitted contribution, with its settlement once its round is finalized. */
    public record Contribution(
            BigInteger id,
            String contributor,
            int kind,
            String contentDigest,
            long taskId,
            BigInteger round,
            BigInteger submittedBlock,
            Optional<Settlement> settlement) {}

    /** How one validator's scores of a round compared with the consensus. */
    public record ValidatorOutcome(String validator, long agreements, long deviations, BigInteger reward) {}

    /**
     * A round as its events tell it.
     *
     * @param parameterVersion the protocol parameters the round opened with
     * @param quorumReached empty until the round is finalized
     */
    public record Round(
            BigInteger round,
            BigInteger submissionEndBlock,
            BigInteger commitEndBlock,
            BigInteger revealEndBlock,
            int expectedValidators,
            BigInteger parameterVersion,
            List<BigInteger> contributionIds,
            Optional<Boolean> quorumReached,
            List<ValidatorOutcome> validators) {

        Round withContributions(List<BigInteger> ids) {
            return new Round(
                    round,
                    submissionEndBlock,
                    commitEndBlock,
                    revealEndBlock,
                    expectedValidators,
                    parameterVersion,
                    List.copyOf(ids),
                    quorumReached,
                    validators);
        }

        Round withQuorum(boolean reached) {
            return new Round(
                    round,
                    submissionEndBlock,
                    commitEndBlock,
                    revealEndBlock,
                    expectedValidators,
                    parameterVersion,
                    contributionIds,
                    Optional.of(reached),
                    validators);
        }

        Round withValidators(List<ValidatorOutcome> outcomes) {
            return new Round(
                    round,
                    submissionEndBlock,
                    commitEndBlock,
                    revealEndBlock,
                    expectedValidators,
                    parameterVersion,
                    contributionIds,
                    quorumReached,
                    List.copyOf(outcomes));
        }
    }

    /** One change to an account's tokens, in chain order. */
    public record Entry(
            EntryType type, BigInteger amount, BigInteger block, BigInteger round, BigInteger contributionId) {}

    /** A branch of a model, named by its creator. */
    public record Branch(long modelId, BigInteger branchId, String name, BigInteger fromCommit) {}

    private static final Map<String, Event> PROTOCOL_EVENTS = Map.of(
            topic(CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT), CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT,
            topic(CotrainProtocol.ROUNDOPENED_EVENT), CotrainProtocol.ROUNDOPENED_EVENT,
            topic(CotrainProtocol.CONTRIBUTIONFINALIZED_EVENT), CotrainProtocol.CONTRIBUTIONFINALIZED_EVENT,
            topic(CotrainProtocol.VALIDATORSCORED_EVENT), CotrainProtocol.VALIDATORSCORED_EVENT,
            topic(CotrainProtocol.ROUNDFINALIZED_EVENT), CotrainProtocol.ROUNDFINALIZED_EVENT,
            topic(CotrainProtocol.REWARDSCLAIMED_EVENT), CotrainProtocol.REWARDSCLAIMED_EVENT,
            topic(CotrainProtocol.SCORESCOMMITTED_EVENT), CotrainProtocol.SCORESCOMMITTED_EVENT);
    private static final String VALIDATOR_SLASHED = topic(ValidatorRegistry.VALIDATORSLASHED_EVENT);
    private static final String BRANCH_CREATED = topic(ModelRegistry.BRANCHCREATED_EVENT);
    private static final String COMMIT_RECORDED = topic(ModelRegistry.COMMITRECORDED_EVENT);

    private final Web3j web3j;
    private final DeploymentAddresses deployment;
    private final EventReader reader;
    private final EventQuery query;
    private final Consumer<LiveUpdate> updates;
    private final BigInteger confirmations;

    /** Read without the lock by {@link #lastBlock()}, which may run on an event loop thread while a refresh waits. */
    private volatile BigInteger lastBlock;
    /** The hash {@link #lastBlock} had when it was read; null before the first block is read. */
    private String lastHash;

    private final TreeMap<BigInteger, Contribution> contributions = new TreeMap<>();
    private final TreeMap<BigInteger, Round> rounds = new TreeMap<>();
    private final Map<String, List<Entry>> entries = new HashMap<>();
    private final Map<Long, List<Branch>> branches = new HashMap<>();

    /**
     * @param web3j the chain
     * @param deployment the contracts, and the block to start reading at
     * @param maxBlocksPerQuery the widest eth_getLogs range
     * @param confirmations blocks on top of a block before its events are read
     * @param updates told of each event as it is read, and of each new last block, under the index's lock: it must
     *     not block
     */
    public LedgerIndex(
            Web3j web3j,
            DeploymentAddresses deployment,
            int maxBlocksPerQuery,
            int confirmations,
            Consumer<LiveUpdate> updates) {
        this.web3j = web3j;
        this.deployment = deployment;
        this.updates = updates;
        this.confirmations = BigInteger.valueOf(confirmations);
        this.reader = new EventReader(EventReader.of(web3j), maxBlocksPerQuery);
        List<Event> events = new ArrayList<>(PROTOCOL_EVENTS.values());
        events.add(ValidatorRegistry.VALIDATORSLASHED_EVENT);
        events.add(ModelRegistry.BRANCHCREATED_EVENT);
        events.add(ModelRegistry.COMMITRECORDED_EVENT);
        this.query = EventQuery.of(
                events, deployment.protocol(), deployment.validatorRegistry(), deployment.modelRegistry());
        this.lastBlock = deployment.deployBlock().subtract(BigInteger.ONE);
    }

    /**
     * Reads the events of the blocks confirmed since the last refresh: all of them, or
     * {@link EventReader#PAGES_PER_CATCH_UP} pages' worth when it is far behind, so that the API's
     * reads wait for one bounded refresh at most. First, if the last block read is no longer on the chain, forgets
     * everything read and starts again from the deployment block.
     *
     * @return the last block read
     * @throws ChainUnavailableException if the chain does not answer (nothing of the failed page is applied)
     * @throws EventQueryException if the endpoint refuses the log query even for one block
     */
    public synchronized BigInteger refresh() {
        BigInteger latest;
        try {
            latest = web3j.ethBlockNumber().send().getBlockNumber().subtract(confirmations);
        } catch (IOException e) {
            throw new ChainUnavailableException("the chain does not answer: " + e.getMessage(), e);
        }
        if (lastHash != null && !hashOf(lastBlock).equals(Optional.of(lastHash))) forget();
        BigInteger before = lastBlock;
        reader.forEachPage(query, lastBlock.add(BigInteger.ONE), latest, EventReader.PAGES_PER_CATCH_UP, (to, logs) -> {
            // the page's hash before any of its logs is applied: a failure leaves the index at the page before.
            // Read after the logs, it misses a reorganisation deeper than the confirmations within that instant
            String hash =
                    hashOf(to).orElseThrow(() -> new ChainUnavailableException("block " + to + " vanished", null));
            for (Log log : logs) apply(log);
            lastBlock = to;
            lastHash = hash;
        });
        if (!lastBlock.equals(before)) updates.accept(new LiveUpdate(LiveUpdate.Kind.BLOCK, lastBlock, Map.of()));
        return lastBlock;
    }

    /** The chain dropped the last block read: everything read is forgotten, to be read again. */
    private void forget() {
        BigInteger dropped = lastBlock;
        contributions.clear();
        rounds.clear();
        entries.clear();
        branches.clear();
        lastBlock = deployment.deployBlock().subtract(BigInteger.ONE);
        lastHash = null;
        updates.accept(new LiveUpdate(LiveUpdate.Kind.REORG, dropped, Map.of("rereadFrom", deployment.deployBlock())));
    }

    /** @return the hash of the chain's block {@code number}, empty when the chain is not that long (any more) */
    private Optional<String> hashOf(BigInteger number) {
        try {
            EthBlock.Block block = web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(number), false)
                    .send()
                    .getBlock();
            return Optional.ofNullable(block).map(EthBlock.Block::getHash);
        } catch (IOException e) {
            throw new ChainUnavailableException("the chain does not answer: " + e.getMessage(), e);
        }
    }

    /** @return the last block whose events are in the index */
    public BigInteger lastBlock() {
        return lastBlock;
    }

    public synchronized Optional<Contribution> contribution(BigInteger id) {
        return Optional.ofNullable(contributions.get(id));
    }

    /**
     * @return the rounds with contributions to {@code taskId} (any task when null), newest first, at most {@code limit}
     */
    public synchronized List<Round> rounds(Long taskId, int limit) {
        List<Round> found = new ArrayList<>();
        for (Round round : rounds.descendingMap().values()) {
            if (found.size() >= limit) break;
            if (taskId == null
                    || round.contributionIds().stream()
                            .anyMatch(id -> contributions.get(id).taskId() == taskId)) found.add(round);
        }
        return found;
    }

    /** @return the contributions to a task, oldest first */
    public synchronized List<Contribution> contributionsOf(long taskId) {
        return contributions.values().stream().filter(c -> c.taskId() == taskId).toList();
    }

    /** @return the accounts that contributed to a task */
    public synchronized long contributorCount(long taskId) {
        return contributions.values().stream()
                .filter(c -> c.taskId() == taskId)
                .map(Contribution::contributor)
                .distinct()
                .count();
    }

    /** @return what happened to an account's tokens, oldest first */
    public synchronized List<Entry> entries(String account) {
        return List.copyOf(entries.getOrDefault(account.toLowerCase(Locale.ROOT), List.of()));
    }

    /** @return the branches created with names (branch 0, made with the model, has none), in creation order */
    public synchronized List<Branch> branches(long modelId) {
        return List.copyOf(branches.getOrDefault(modelId, List.of()));
    }

    /** Applies one log of the three contracts (package-private for tests that feed encoded events). */
    synchronized void apply(Log log) {
        String address = log.getAddress();
        String topic = log.getTopics().getFirst();
        if (address.equalsIgnoreCase(deployment.protocol()) && PROTOCOL_EVENTS.containsKey(topic)) {
            applyProtocol(PROTOCOL_EVENTS.get(topic), log);
        } else if (address.equalsIgnoreCase(deployment.validatorRegistry()) && topic.equals(VALIDATOR_SLASHED)) {
            var event = ValidatorRegistry.getValidatorSlashedEventFromLog(log);
            entry(event.validator, EntryType.VALIDATOR_SLASH, event.amount, log, event.round, null);
        } else if (address.equalsIgnoreCase(deployment.modelRegistry()) && topic.equals(BRANCH_CREATED)) {
            var event = ModelRegistry.getBranchCreatedEventFromLog(log);
            long modelId = event.modelId.longValueExact();
            branches.computeIfAbsent(modelId, id -> new ArrayList<>())
                    .add(new Branch(modelId, event.branchId, bytes32Name(event.name), event.fromCommit));
        } else if (address.equalsIgnoreCase(deployment.modelRegistry()) && topic.equals(COMMIT_RECORDED)) {
            var event = ModelRegistry.getCommitRecordedEventFromLog(log);
            update(
                    LiveUpdate.Kind.MODEL_COMMIT,
                    log,
                    Map.of(
                            "modelId", event.modelId,
                            "commitId", event.commitId,
                            "branchId", event.branchId,
                            "round", event.round,
                            "accuracyPpm", event.accuracyPpm));
        }
    }

    private void applyProtocol(Event event, Log log) {
        if (event == CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT) {
            var e = CotrainProtocol.getContributionSubmittedEventFromLog(log);
            contributions.put(
                    e.id,
                    new Contribution(
                            e.id,
                            e.contributor,
                            e.kind.intValueExact(),
                            Numeric.toHexString(e.contentDigest),
                            e.taskId.longValueExact(),
                            e.round,
                            log.getBlockNumber(),
                            Optional.empty()));
            rounds.computeIfPresent(e.round, (key, round) -> withContribution(round, e.id));
            update(
                    LiveUpdate.Kind.CONTRIBUTION,
                    log,
                    Map.of(
                            "id", e.id,
                            "round", e.round,
                            "taskId", e.taskId,
                            "contributor", e.contributor,
                            "kind", ContributionKind.of(e.kind).apiName()));
        } else if (event == CotrainProtocol.ROUNDOPENED_EVENT) {
            var e = CotrainProtocol.getRoundOpenedEventFromLog(log);
            List<BigInteger> ids = contributions.values().stream()
                    .filter(c -> c.round().equals(e.round))
                    .map(Contribution::id)
                    .toList();
            rounds.put(
                    e.round,
                    new Round(
                            e.round,
                            e.submissionEndBlock,
                            e.commitEndBlock,
                            e.revealEndBlock,
                            e.expectedValidators.bitCount(),
                            e.parameterVersion,
                            ids,
                            Optional.empty(),
                            List.of()));
            update(
                    LiveUpdate.Kind.ROUND,
                    log,
                    Map.of(
                            "round", e.round,
                            "stage", "opened",
                            "submissionEndBlock", e.submissionEndBlock,
                            "commitEndBlock", e.commitEndBlock,
                            "revealEndBlock", e.revealEndBlock));
        } else if (event == CotrainProtocol.CONTRIBUTIONFINALIZED_EVENT) {
            var e = CotrainProtocol.getContributionFinalizedEventFromLog(log);
            Contribution submitted = contributions.get(e.id);
            if (submitted == null) return; // submitted before the deployment block: not indexed
            contributions.put(
                    e.id,
                    new Contribution(
                            submitted.id(),
                            submitted.contributor(),
                            submitted.kind(),
                            submitted.contentDigest(),
                            submitted.taskId(),
                            submitted.round(),
                            submitted.submittedBlock(),
                            Optional.of(new Settlement(
                                    e.consensusScore.intValueExact(),
                                    e.status.intValueExact(),
                                    e.reward,
                                    e.slashed,
                                    e.reputation,
                                    log.getBlockNumber()))));
            if (e.reward.signum() > 0) {
                entry(submitted.contributor(), EntryType.CONTRIBUTION_REWARD, e.reward, log, e.round, e.id);
            }
            if (e.slashed.signum() > 0) {
                entry(submitted.contributor(), EntryType.CONTRIBUTION_SLASH, e.slashed, log, e.round, e.id);
            }
            update(
                    LiveUpdate.Kind.SCORE,
                    log,
                    Map.of(
                            "id", e.id,
                            "round", e.round,
                            "consensusScore", e.consensusScore,
                            "status", ContributionStatus.of(e.status).title()));
        } else if (event == CotrainProtocol.VALIDATORSCORED_EVENT) {
            var e = CotrainProtocol.getValidatorScoredEventFromLog(log);
            rounds.computeIfPresent(
                    e.round,
                    (key, round) -> withOutcome(
                            round,
                            new ValidatorOutcome(
                                    e.validator,
                                    e.agreements.longValueExact(),
                                    e.deviations.longValueExact(),
                                    e.reward)));
            if (e.reward.signum() > 0) entry(e.validator, EntryType.VALIDATION_REWARD, e.reward, log, e.round, null);
        } else if (event == CotrainProtocol.ROUNDFINALIZED_EVENT) {
            var e = CotrainProtocol.getRoundFinalizedEventFromLog(log);
            rounds.computeIfPresent(e.round, (key, r) -> r.withQuorum(e.quorumReached));
            update(
                    LiveUpdate.Kind.ROUND,
                    log,
                    Map.of("round", e.round, "stage", "finalized", "quorumReached", e.quorumReached));
        } else if (event == CotrainProtocol.REWARDSCLAIMED_EVENT) {
            var e = CotrainProtocol.getRewardsClaimedEventFromLog(log);
            entry(e.account, EntryType.CLAIM, e.amount, log, null, null);
        } else if (event == CotrainProtocol.SCORESCOMMITTED_EVENT) {
            var e = CotrainProtocol.getScoresCommittedEventFromLog(log);
            update(LiveUpdate.Kind.SCORE_COMMIT, log, Map.of("round", e.round, "validator", e.validator));
        }
    }

    private static Round withContribution(Round round, BigInteger id) {
        if (round.contributionIds().contains(id)) return round;
        List<BigInteger> ids = new ArrayList<>(round.contributionIds());
        ids.add(id);
        return round.withContributions(ids);
    }

    /** Finalize may be paged: a validator's outcomes of one round add up over the calls. */
    private static Round withOutcome(Round round, ValidatorOutcome outcome) {
        List<ValidatorOutcome> outcomes = new ArrayList<>();
        ValidatorOutcome merged = outcome;
        for (ValidatorOutcome known : round.validators()) {
            if (known.validator().equalsIgnoreCase(outcome.validator())) {
                merged = new ValidatorOutcome(
                        known.validator(),
                        known.agreements() + outcome.agreements(),
                        known.deviations() + outcome.deviations(),
                        known.reward().add(outcome.reward()));
            } else {
                outcomes.add(known);
            }
        }
        outcomes.add(merged);
        outcomes.sort(Comparator.comparing(o -> o.validator().toLowerCase(Locale.ROOT)));
        return round.withValidators(outcomes);
    }

    private void entry(
            String account, EntryType type, BigInteger amount, Log log, BigInteger round, BigInteger contributionId) {
        entries.computeIfAbsent(account.toLowerCase(Locale.ROOT), a -> new ArrayList<>())
                .add(new Entry(type, amount, log.getBlockNumber(), round, contributionId));
    }

    private void update(LiveUpdate.Kind kind, Log log, Map<String, Object> facts) {
        updates.accept(new LiveUpdate(kind, log.getBlockNumber(), facts));
    }

    private static String bytes32Name(byte[] name) {
        int length = 0;
        while (length < name.length && name[length] != 0) length++;
        return new String(name, 0, length, StandardCharsets.UTF_8);
    }

    private static String topic(Event event) {
        return EventEncoder.encode(event);
    }
}
