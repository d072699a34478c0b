package io.cotrain.oracle.scoring;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.client.DurableNumber;
import io.cotrain.client.ProtocolEventFollower;
import io.cotrain.client.RetryPolicy;
import io.cotrain.client.TransactionSender;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.ScoreCommitment;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionSubmittedEventResponse;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import io.cotrain.contracts.generated.ValidatorRegistry;
import io.cotrain.oracle.evaluation.EvaluationFailedException;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.tuples.generated.Tuple3;

/**
 * A validator's work, one tick at a time (a scheduler calls {@link #tick()}):
 * <ol>
 *   <li>follow confirmed {@code ContributionSubmitted} events and judge each contribution on its own as soon as it
 *       appears (once the rounds' due commits and reveals are sent), so it is ready when the commit window opens;</li>
 *   <li>in a round's commit window, if the round expects this validator: make sure every contribution of the round is
 *       judged, value the admitted updates by what each adds to the round's aggregate ({@link RoundValuer}), journal
 *       the scores with a fresh salt (durably, before anything is sent), then commit;</li>
 *   <li>in its reveal window: reveal what the journal holds;</li>
 *   <li>after it: finalize the round (permissionless; validators take turns a few blocks apart so that they do not
 *       all pay for the same call);</li>
 *   <li>once it is finalized: aggregate its accepted model updates into the next global model and attest it in the
 *       model registry ({@link ModelCommitter}).</li>
 * </ol>
 * Rounds are driven from chain state, not from memory: a restarted node looks at every round it has not seen
 * finalized (a durable cursor) and picks up wherever each one stands. A tick never throws: failures are logged,
 * kept for the status page, and retried on the next tick.
 */
public final class ValidatorLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ValidatorLoop.class);
    /** Rounds that can still be scoring when a node first starts: scoring windows span at most 7 submission windows. */
    private static final int ROUNDS_IN_FLIGHT = 8;

    private static final int ERRORS_KEPT = 20;
    /** Reverts of a finalize call that mean someone else settled the round or the page first. */
    private static final Set<String> FINALIZED_BY_ANOTHER = Set.of("WrongPhase", "NotAtPosition", "PageBeyondRound");

    /**
     * @param finalizePageSize contributions settled per finalize call
     * @param finalizeTurnBlocks blocks between validators' turns to finalize, by validator index
     */
    public record Settings(int finalizePageSize, int finalizeTurnBlocks) {
        public static Settings defaults() {
            return new Settings(200, 2);
        }
    }

    private final Web3j web3j;
    private final CotrainProtocol protocol;
    private final ValidatorRegistry registry;
    private final String protocolAddress;
    private final long chainId;
    private final TransactionSender sender;
    private final ProtocolEventFollower follower;
    private final ContributionScorer scorer;
    private final EvaluationStore evaluations;
    private final ScoreJournal journal;
    private final DurableNumber roundCursor;
    private final ChainReads chain;
    private final ModelCommitter committer;
    private final RoundValuer valuer;
    private final Settings settings;
    private final ScoringListener listener;
    private final Clock clock;

    private final Map<BigInteger, ContributionRecord> pending = new LinkedHashMap<>();
    private final RoundContributions roundContributions;
    private final Deque<String> lastErrors = new ArrayDeque<>();
    private volatile ValidatorStatus status;

    /**
     * @param protocol a read-only binding of the protocol (calls only; transactions go through {@code sender})
     * @param registry a read-only binding of the validator registry
     */
    public ValidatorLoop(
            Web3j web3j,
            CotrainProtocol protocol,
            ValidatorRegistry registry,
            long chainId,
            TransactionSender sender,
            ProtocolEventFollower follower,
            ContributionScorer scorer,
            EvaluationStore evaluations,
            ScoreJournal journal,
            DurableNumber roundCursor,
            RetryPolicy retry,
            Settings settings,
            ScoringListener listener,
            Clock clock,
            ModelCommitter committer,
            RoundContributions roundContributions,
            RoundValuer valuer) {
        this.web3j = web3j;
        this.protocol = protocol;
        this.registry = registry;
        this.protocolAddress = protocol.getContractAddress();
        this.chainId = chainId;
        this.sender = sender;
        this.follower = follower;
        this.scorer = scorer;
        this.evaluations = evaluations;
        this.journal = journal;
        this.roundCursor = roundCursor;
        this.chain = new ChainReads(retry);
        this.committer = committer;
        this.settings = settings;
        this.listener = listener;
        this.clock = clock;
        this.roundContributions = roundContributions;
        this.valuer = valuer;
        this.status = new ValidatorStatus(
                sender.address(),
                chainId,
                follower.lastProcessedBlock(),
                BigInteger.ZERO,
                Map.of(),
                0,
                List.of(),
                null);
    }

    /** @return the status as of the last tick */
    public ValidatorStatus status() {
        return status;
    }

    /**
     * @param id a contribution id
     * @return this validator's judgement of it, if it made one
     */
    public Optional<ScoredContribution> evaluation(BigInteger id) {
        return evaluations.get(id);
    }

    /** Stops the scorer's fetching threads and the aggregation threads; a tick in progress finishes first. */
    @Override
    public synchronized void close() {
        scorer.close();
        committer.close();
    }

    /** Does whatever is due now. Never throws. */
    public synchronized void tick() {
        try {
            follower.poll(new ProtocolEventFollower.Handler() {
                @Override
                public void contributionSubmitted(ContributionSubmittedEventResponse event) {
                    ContributionRecord record = new ContributionRecord(
                            event.id,
                            event.round,
                            event.contributor,
                            event.kind.intValue(),
                            event.taskId.longValueExact(),
                            event.contentDigest,
                            event.log.getBlockNumber());
                    roundContributions.seen(record);
                    if (evaluations.get(event.id).isEmpty()) pending.put(event.id, record);
                }
            });
        } catch (RuntimeException e) {
            recordError("following events", e);
        }

        Map<BigInteger, String> rounds = new TreeMap<>();
        BigInteger current = null;
        try {
            current = read("currentRound", () -> protocol.currentRound().send());
            listener.currentRound(current);
            BigInteger cursor = roundCursor
                    .load()
                    .orElse(current.subtract(BigInteger.valueOf(ROUNDS_IN_FLIGHT))
                            .max(BigInteger.ONE));
            boolean settledSoFar = true;
            for (BigInteger round = cursor; round.compareTo(current) <= 0; round = round.add(BigInteger.ONE)) {
                boolean settled = advance(round, current, rounds);
                if (settledSoFar && settled) {
                    roundCursor.save(round.add(BigInteger.ONE));
                } else {
                    settledSoFar = false;
                }
            }
        } catch (RuntimeException e) {
            recordError("reading rounds", e);
        }
        // Judging new contributions may wait up to a round's fetch deadline: rounds' commits and reveals go first.
        judgePending();
        if (current != null) committer.tick(current, this::recordError);
        status = new ValidatorStatus(
                sender.address(),
                chainId,
                follower.lastProcessedBlock(),
                current == null ? status.currentRound() : current,
                Map.copyOf(rounds),
                pending.size(),
                List.copyOf(lastErrors),
                clock.instant());
    }

    private void judgePending() {
        try {
            judgeAll(List.copyOf(pending.values()));
        } catch (RuntimeException e) {
            // the cause (IPFS down, a task not loadable) holds for the rest too: try again next tick
            recordError("judging contributions", e);
        }
    }

    /** Judges those not judged yet, storing each judgement as soon as it is made. */
    private void judgeAll(List<ContributionRecord> contributions) {
        List<ContributionRecord> unjudged = contributions.stream()
                .filter(contribution -> evaluations.get(contribution.id()).isEmpty())
                .toList();
        try {
            scorer.scoreAll(unjudged, scored -> {
                evaluations.put(scored);
                listener.evaluated(scored);
            });
        } catch (EvaluationFailedException e) {
            listener.evaluationFailed(e);
            throw e;
        }
        contributions.forEach(contribution -> pending.remove(contribution.id()));
    }

    /** @return whether the round needs nothing more from this node (finalized, or empty and past) */
    private boolean advance(BigInteger round, BigInteger current, Map<BigInteger, String> rounds) {
        try {
            RoundView info = read(
                    "roundInfo(" + round + ")", () -> protocol.roundInfo(round).send());
            if (!info.exists) return round.compareTo(current) < 0;
            RoundPhase phase = RoundPhase.of(info.phase);
            rounds.put(round, phase.title());
            switch (phase) {
                case COMMIT -> commitIfExpected(round, info);
                case REVEAL -> revealIfCommitted(round, info);
                case FINALIZATION -> finalizeIfMyTurn(round, info);
                default -> {}
            }
            if (phase == RoundPhase.FINALIZED) {
                roundContributions.forget(round);
                valuer.finalized(round);
            }
            return phase == RoundPhase.FINALIZED;
        } catch (RuntimeException e) {
            recordError("round " + round, e);
            return false;
        }
    }

    private void commitIfExpected(BigInteger round, RoundView info) {
        Optional<Integer> index = myIndex();
        if (index.isEmpty() || !isSet(info.expectedValidators, index.get())) return;
        Optional<ScoreJournal.Entry> entry = journal.read(round);
        if (isSet(info.committedValidators, index.get())) {
            entry.filter(e -> e.state() == ScoreJournal.State.PREPARED)
                    .ifPresent(e -> journal.write(e.withState(ScoreJournal.State.COMMITTED)));
            return;
        }
        ScoreJournal.Entry prepared = entry.orElseGet(() -> prepare(round, info));
        byte[] hash = prepared.commitment().hash(chainId, protocolAddress, sender.address());
        try {
            sender.send(
                    "commitScores(round " + round + ")",
                    protocolAddress,
                    protocol.commitScores(round, hash).encodeFunctionCall());
        } catch (ContractRevertedException e) {
            if (!"AlreadyCommitted".equals(e.errorName())) throw e;
        }
        journal.write(prepared.withState(ScoreJournal.State.COMMITTED));
        LOG.info("committed to {} scores for round {}", prepared.commitment().scores().length, round);
    }

    /**
     * Judges every contribution of the round, values the admitted updates together, and journals the scores with a
     * fresh salt, durably.
     */
    private ScoreJournal.Entry prepare(BigInteger round, RoundView info) {
        List<ContributionRecord> contributions = contributionsOf(round, info);
        judgeAll(contributions);
        valuer.value(round, contributions).forEach(listener::valued);
        int[] scores = contributions.stream()
                .mapToInt(contribution ->
                        evaluations.get(contribution.id()).orElseThrow().score())
                .toArray();
        ScoreJournal.Entry entry = new ScoreJournal.Entry(
                ScoreCommitment.withFreshSalt(round, scores), info.firstContributionId, ScoreJournal.State.PREPARED);
        journal.write(entry);
        return entry;
    }

    /** The round's contributions in position order: from the events followed, else from the chain's history. */
    private List<ContributionRecord> contributionsOf(BigInteger round, RoundView info) {
        return roundContributions.of(round, info);
    }

    private void revealIfCommitted(BigInteger round, RoundView info) {
        Optional<Integer> index = myIndex();
        if (index.isEmpty() || !isSet(info.committedValidators, index.get())) return;
        Optional<ScoreJournal.Entry> entry = journal.read(round);
        if (isSet(info.revealedValidators, index.get())) {
            entry.filter(e -> e.state() != ScoreJournal.State.REVEALED)
                    .ifPresent(e -> journal.write(e.withState(ScoreJournal.State.REVEALED)));
            return;
        }
        if (entry.isEmpty()) {
            throw new IllegalStateException("round " + round + " was committed but this node has no journal entry for "
                    + "it: it cannot reveal (was the data directory replaced?)");
        }
        ScoreCommitment commitment = entry.get().commitment();
        try {
            sender.send(
                    "revealScores(round " + round + ")",
                    protocolAddress,
                    protocol.revealScores(round, commitment.scores(), commitment.salt())
                            .encodeFunctionCall());
        } catch (ContractRevertedException e) {
            if (!"AlreadyRevealed".equals(e.errorName())) throw e;
        }
        journal.write(entry.get().withState(ScoreJournal.State.REVEALED));
        LOG.info("revealed scores for round {}", round);
    }

    private void finalizeIfMyTurn(BigInteger round, RoundView info) {
        int turn = myIndex().orElse(ROUNDS_IN_FLIGHT);
        BigInteger myBlock = info.revealEndBlock.add(BigInteger.valueOf((long) turn * settings.finalizeTurnBlocks()));
        BigInteger block =
                read("blockNumber", () -> web3j.ethBlockNumber().send().getBlockNumber());
        if (block.compareTo(myBlock) < 0) return;
        int done = info.finalizedCount.intValueExact();
        int end = Math.min(info.contributionCount.intValueExact(), done + settings.finalizePageSize());
        List<byte[]> page = contributionsOf(round, info).subList(done, end).stream()
                .map(ContributionRecord::contentDigest)
                .toList();
        try {
            sender.send(
                    "finalize(round " + round + ")",
                    protocolAddress,
                    protocol.finalize(round, page).encodeFunctionCall());
        } catch (ContractRevertedException e) {
            // another validator finalized the round, or this page, first (an unrecognised revert is not that)
            if (e.errorName() == null || !FINALIZED_BY_ANOTHER.contains(e.errorName())) throw e;
        }
    }

    private Optional<Integer> myIndex() {
        // only the index is read: the stake (at risk in round 0 here) is not
        Tuple3<Boolean, BigInteger, BigInteger> slot = read(
                "validatorSlot",
                () -> registry.validatorSlot(sender.address(), BigInteger.ZERO).send());
        return slot.component1() ? Optional.of(slot.component2().intValueExact()) : Optional.empty();
    }

    private static boolean isSet(BigInteger mask, int index) {
        return mask.testBit(index);
    }

    private <T> T read(String what, Callable<T> call) {
        return chain.read(what, call);
    }

    private void recordError(String what, RuntimeException e) {
        String detail = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        String message = clock.instant() + " " + what + ": " + detail;
        LOG.warn("{}: {}", what, detail);
        lastErrors.addLast(message);
        while (lastErrors.size() > ERRORS_KEPT) lastErrors.removeFirst();
    }
}
