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
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * block from the deployment block on into a {@link LedgerStore}: the history the views of the contracts do not keep
 * (which contributions a round had, what each account earned and lost and when, how validators agreed).
 * {@link #refresh} reads the blocks mined since the last call, each page in one transaction with its last block, so a
 * restarted gateway resumes from its checkpoint. Each event read, and each new block read up to, is also handed to a
 * listener as a {@link LiveUpdate} once its page is stored, for the API's live clients.
 *
 * <p>Only blocks with the configured confirmations on top are read. A reorganisation deeper than that is detected at
 * the next refresh (the checkpoint block no longer has the hash it had): the index rolls back to the newest page end
 * still on the chain, the fork point, with a {@link LiveUpdate.Kind#REORG} update, and reads on from there, so that no
 * event of a dropped block stays in the views and none is read twice.
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
    private final LedgerStore store;
    private final EventReader reader;
    private final EventQuery query;
    private final Consumer<LiveUpdate> updates;
    private final BigInteger confirmations;

    /** Read without the lock by {@link #lastBlock()}, which may run on an event loop thread while a refresh waits. */
    private volatile BigInteger lastBlock;

    /**
     * @param web3j the chain
     * @param deployment the contracts, and the block to start reading at
     * @param store where the events read are kept; emptied first if it holds another deployment's
     * @param maxBlocksPerQuery the widest eth_getLogs range
     * @param confirmations blocks on top of a block before its events are read
     * @param updates told of each event once its page is stored, and of each new last block, under the index's lock:
     *     it must not block
     */
    public LedgerIndex(
            Web3j web3j,
            DeploymentAddresses deployment,
            LedgerStore store,
            int maxBlocksPerQuery,
            int confirmations,
            Consumer<LiveUpdate> updates) {
        this.web3j = web3j;
        this.deployment = deployment;
        this.store = store;
        this.updates = updates;
        this.confirmations = BigInteger.valueOf(confirmations);
        this.reader = new EventReader(EventReader.of(web3j), maxBlocksPerQuery);
        List<Event> events = new ArrayList<>(PROTOCOL_EVENTS.values());
        events.add(ValidatorRegistry.VALIDATORSLASHED_EVENT);
        events.add(ModelRegistry.BRANCHCREATED_EVENT);
        events.add(ModelRegistry.COMMITRECORDED_EVENT);
        this.query = EventQuery.of(
                events, deployment.protocol(), deployment.validatorRegistry(), deployment.modelRegistry());
        store.claimFor(deployment);
        this.lastBlock = store.recentBlocks().stream()
                .findFirst()
                .map(LedgerStore.IndexedBlock::number)
                .orElse(beforeDeployment());
    }

    private BigInteger beforeDeployment() {
        return deployment.deployBlock().subtract(BigInteger.ONE);
    }

    /**
     * Reads the events of the blocks confirmed since the last refresh: all of them, or
     * {@link EventReader#PAGES_PER_CATCH_UP} pages' worth when it is far behind, so that the API's
     * reads wait for one bounded refresh at most. First, if the checkpoint block is no longer on the chain, rolls
     * the index back to the fork point.
     *
     * @return the last block read
     * @throws ChainUnavailableException if the chain does not answer (nothing of the failed page is stored)
     * @throws TemporarilyUnavailableException if the database does not answer (idem)
     * @throws EventQueryException if the endpoint refuses the log query even for one block
     */
    public synchronized BigInteger refresh() {
        BigInteger latest;
        try {
            latest = web3j.ethBlockNumber().send().getBlockNumber().subtract(confirmations);
        } catch (IOException e) {
            throw new ChainUnavailableException("the chain does not answer: " + e.getMessage(), e);
        }
        // from what the database holds, not what this object last wrote: a commit whose answer was lost may have
        // landed or not
        List<LedgerStore.IndexedBlock> kept = store.recentBlocks();
        lastBlock = kept.isEmpty() ? beforeDeployment() : kept.getFirst().number();
        rollBackIfReorganised(kept);
        BigInteger before = lastBlock;
        reader.forEachPage(
                query, lastBlock.add(BigInteger.ONE), latest, EventReader.PAGES_PER_CATCH_UP, new PageWriter());
        if (!lastBlock.equals(before)) updates.accept(new LiveUpdate(LiveUpdate.Kind.BLOCK, lastBlock, Map.of()));
        return lastBlock;
    }

    /**
     * Writes each page of events with its last block's hash, read before and after its logs: when the two differ, the
     * chain reorganised while the page was read and its logs may be of either fork, so nothing of it is stored and the
     * next refresh rolls back and reads again. (Read after the logs only, a reorganisation between the two reads would
     * store the dropped fork's events under the new fork's hash, unseen for good.)
     */
    private final class PageWriter implements EventReader.PageHandler {
        private Optional<String> before = Optional.empty();

        @Override
        public void beforePage(BigInteger toBlock) {
            before = hashOf(toBlock);
        }

        @Override
        public void page(BigInteger to, List<Log> logs) {
            String hash =
                    hashOf(to).orElseThrow(() -> new ChainUnavailableException("block " + to + " vanished", null));
            if (!before.equals(Optional.of(hash))) {
                throw new ChainUnavailableException(
                        "the chain reorganised while blocks up to " + to + " were read: read again next refresh", null);
            }
            List<LiveUpdate> told = new ArrayList<>();
            store.write(writer -> {
                for (Log log : logs) apply(writer, log, told);
                writer.indexed(new LedgerStore.IndexedBlock(to, hash));
            });
            lastBlock = to;
            told.forEach(updates);
        }
    }

    /**
     * The checkpoint block is no longer on the chain: rolls the index back to the newest page end that still is (to
     * before the deployment block when none of those kept is), to read on from there.
     */
    private void rollBackIfReorganised(List<LedgerStore.IndexedBlock> kept) {
        if (kept.isEmpty() || onChain(kept.getFirst())) return;
        BigInteger fork = kept.stream()
                .skip(1)
                .filter(this::onChain)
                .findFirst()
                .map(LedgerStore.IndexedBlock::number)
                .orElse(beforeDeployment());
        store.rollBackTo(fork);
        BigInteger dropped = lastBlock;
        lastBlock = fork;
        updates.accept(new LiveUpdate(LiveUpdate.Kind.REORG, dropped, Map.of("rereadFrom", fork.add(BigInteger.ONE))));
    }

    private boolean onChain(LedgerStore.IndexedBlock block) {
        return hashOf(block.number()).equals(Optional.of(block.hash()));
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

    public Optional<Contribution> contribution(BigInteger id) {
        return store.contribution(id);
    }

    /**
     * @return the rounds with contributions to {@code taskId} (any task when null), newest first, at most {@code limit}
     */
    public List<Round> rounds(Long taskId, int limit) {
        return store.rounds(taskId, limit);
    }

    /** @return the contributions to a task, oldest first */
    public List<Contribution> contributionsOf(long taskId) {
        return store.contributionsOf(taskId);
    }

    /** @return how many contributions a task has had */
    public long contributionCount(long taskId) {
        return store.contributionCount(taskId);
    }

    /** @return the accounts that contributed to a task */
    public long contributorCount(long taskId) {
        return store.contributorCount(taskId);
    }

    /** @return what happened to an account's tokens, oldest first */
    public List<Entry> entries(String account) {
        return store.entries(account);
    }

    /** @return the branches created with names (branch 0, made with the model, has none), in creation order */
    public List<Branch> branches(long modelId) {
        return store.branches(modelId);
    }

    /** Stores one log of the three contracts on its own (package-private for tests that feed encoded events). */
    synchronized void apply(Log log) {
        List<LiveUpdate> told = new ArrayList<>();
        store.write(writer -> apply(writer, log, told));
        told.forEach(updates);
    }

    /** Stores one log of the three contracts, and the live updates it makes in {@code told}. */
    private void apply(LedgerStore.Writer writer, Log log, List<LiveUpdate> told) throws SQLException {
        String address = log.getAddress();
        String topic = log.getTopics().getFirst();
        if (address.equalsIgnoreCase(deployment.protocol()) && PROTOCOL_EVENTS.containsKey(topic)) {
            applyProtocol(writer, PROTOCOL_EVENTS.get(topic), log, told);
        } else if (address.equalsIgnoreCase(deployment.validatorRegistry()) && topic.equals(VALIDATOR_SLASHED)) {
            var event = ValidatorRegistry.getValidatorSlashedEventFromLog(log);
            entry(writer, event.validator, EntryType.VALIDATOR_SLASH, event.amount, log, event.round, null);
        } else if (address.equalsIgnoreCase(deployment.modelRegistry()) && topic.equals(BRANCH_CREATED)) {
            var event = ModelRegistry.getBranchCreatedEventFromLog(log);
            writer.addBranch(
                    new Branch(
                            event.modelId.longValueExact(), event.branchId, bytes32Name(event.name), event.fromCommit),
                    log.getBlockNumber(),
                    logIndex(log));
        } else if (address.equalsIgnoreCase(deployment.modelRegistry()) && topic.equals(COMMIT_RECORDED)) {
            var event = ModelRegistry.getCommitRecordedEventFromLog(log);
            told.add(update(
                    LiveUpdate.Kind.MODEL_COMMIT,
                    log,
                    Map.of(
                            "modelId", event.modelId,
                            "commitId", event.commitId,
                            "branchId", event.branchId,
                            "round", event.round,
                            "accuracyPpm", event.accuracyPpm)));
        }
    }

    private void applyProtocol(LedgerStore.Writer writer, Event event, Log log, List<LiveUpdate> told)
            throws SQLException {
        if (event == CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT) {
            var e = CotrainProtocol.getContributionSubmittedEventFromLog(log);
            writer.addContribution(new Contribution(
                    e.id,
                    e.contributor,
                    e.kind.intValueExact(),
                    Numeric.toHexString(e.contentDigest),
                    e.taskId.longValueExact(),
                    e.round,
                    log.getBlockNumber(),
                    Optional.empty()));
            told.add(update(
                    LiveUpdate.Kind.CONTRIBUTION,
                    log,
                    Map.of(
                            "id", e.id,
                            "round", e.round,
                            "taskId", e.taskId,
                            "contributor", e.contributor,
                            "kind", ContributionKind.of(e.kind).apiName())));
        } else if (event == CotrainProtocol.ROUNDOPENED_EVENT) {
            var e = CotrainProtocol.getRoundOpenedEventFromLog(log);
            writer.addRound(
                    new Round(
                            e.round,
                            e.submissionEndBlock,
                            e.commitEndBlock,
                            e.revealEndBlock,
                            e.expectedValidators.bitCount(),
                            e.parameterVersion,
                            List.of(),
                            Optional.empty(),
                            List.of()),
                    log.getBlockNumber());
            told.add(update(
                    LiveUpdate.Kind.ROUND,
                    log,
                    Map.of(
                            "round", e.round,
                            "stage", "opened",
                            "submissionEndBlock", e.submissionEndBlock,
                            "commitEndBlock", e.commitEndBlock,
                            "revealEndBlock", e.revealEndBlock)));
        } else if (event == CotrainProtocol.CONTRIBUTIONFINALIZED_EVENT) {
            var e = CotrainProtocol.getContributionFinalizedEventFromLog(log);
            Settlement settlement = new Settlement(
                    e.consensusScore.intValueExact(),
                    e.status.intValueExact(),
                    e.reward,
                    e.slashed,
                    e.reputation,
                    log.getBlockNumber());
            // empty when submitted before the deployment block: not indexed
            Optional<Contribution> settled = writer.settle(e.id, settlement);
            if (settled.isEmpty()) return;
            String contributor = settled.get().contributor();
            if (e.reward.signum() > 0) {
                entry(writer, contributor, EntryType.CONTRIBUTION_REWARD, e.reward, log, e.round, e.id);
            }
            if (e.slashed.signum() > 0) {
                entry(writer, contributor, EntryType.CONTRIBUTION_SLASH, e.slashed, log, e.round, e.id);
            }
            told.add(update(
                    LiveUpdate.Kind.SCORE,
                    log,
                    Map.of(
                            "id", e.id,
                            "round", e.round,
                            "consensusScore", e.consensusScore,
                            "status", ContributionStatus.of(e.status).title())));
        } else if (event == CotrainProtocol.VALIDATORSCORED_EVENT) {
            var e = CotrainProtocol.getValidatorScoredEventFromLog(log);
            writer.addValidatorScore(
                    e.round,
                    new ValidatorOutcome(
                            e.validator, e.agreements.longValueExact(), e.deviations.longValueExact(), e.reward),
                    log.getBlockNumber(),
                    logIndex(log));
            if (e.reward.signum() > 0) {
                entry(writer, e.validator, EntryType.VALIDATION_REWARD, e.reward, log, e.round, null);
            }
        } else if (event == CotrainProtocol.ROUNDFINALIZED_EVENT) {
            var e = CotrainProtocol.getRoundFinalizedEventFromLog(log);
            writer.finalizeRound(e.round, e.quorumReached, log.getBlockNumber());
            told.add(update(
                    LiveUpdate.Kind.ROUND,
                    log,
                    Map.of("round", e.round, "stage", "finalized", "quorumReached", e.quorumReached)));
        } else if (event == CotrainProtocol.REWARDSCLAIMED_EVENT) {
            var e = CotrainProtocol.getRewardsClaimedEventFromLog(log);
            entry(writer, e.account, EntryType.CLAIM, e.amount, log, null, null);
        } else if (event == CotrainProtocol.SCORESCOMMITTED_EVENT) {
            var e = CotrainProtocol.getScoresCommittedEventFromLog(log);
            told.add(update(LiveUpdate.Kind.SCORE_COMMIT, log, Map.of("round", e.round, "validator", e.validator)));
        }
    }

    private static void entry(
            LedgerStore.Writer writer,
            String account,
            EntryType type,
            BigInteger amount,
            Log log,
            BigInteger round,
            BigInteger contributionId)
            throws SQLException {
        writer.addEntry(account, new Entry(type, amount, log.getBlockNumber(), round, contributionId), logIndex(log));
    }

    private static int logIndex(Log log) {
        return log.getLogIndex().intValueExact();
    }

    private static LiveUpdate update(LiveUpdate.Kind kind, Log log, Map<String, Object> facts) {
        return new LiveUpdate(kind, log.getBlockNumber(), facts);
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
