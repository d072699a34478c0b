package io.cotrain.oracle.scoring;

import io.cotrain.client.DurableNumber;
import io.cotrain.client.ProtocolEventFollower;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.ScoreCommitment;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionSubmittedEventResponse;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import io.cotrain.oracle.evaluation.EvaluationFailedException;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validator's work, one tick at a time (a scheduler calls {@link #tick()}):
 * <ol>
 *   <li>follow confirmed {@code ContributionSubmitted} events and judge each contribution on its own as soon as it
 *       appears (once the rounds' due commits and reveals are sent), so it is ready when the commit window opens;</li>
 *   <li>in a round's commit window, if the round expects this validator: make sure every contribution of the round is
 *       judged, value the admitted updates by what each adds to the round's aggregate ({@link RoundValuer}), journal
 *       the scores with a fresh salt (durably, before anything is sent), then commit ({@link CommitDuty});</li>
 *   <li>in its reveal window: reveal what the journal holds ({@link RevealDuty});</li>
 *   <li>after it: finalize the round (permissionless; validators take turns a few blocks apart so that they do not
 *       all pay for the same call; {@link FinalizeDuty});</li>
 *   <li>once it is finalized: aggregate its accepted model updates into the next global model and attest it in the
 *       model registry ({@link ModelCommitter}).</li>
 * </ol>
 * Rounds are driven from chain state, not from memory: a restarted node looks at every round it has not seen
 * finalized (a durable cursor) and picks up wherever each one stands. A tick never throws: failures are logged,
 * kept for the status page, and retried on the next tick. The duties reach the chain through {@link ValidatorChain}.
 */
public final class ValidatorLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ValidatorLoop.class);
    /** Rounds that can still be scoring when a node first starts: scoring windows span at most 7 submission windows. */
    private static final int ROUNDS_IN_FLIGHT = 8;

    private static final int ERRORS_KEPT = 20;

    /**
     * @param finalizePageSize contributions settled per finalize call
     * @param finalizeTurnBlocks blocks between validators' turns to finalize, by validator index
     */
    public record Settings(int finalizePageSize, int finalizeTurnBlocks) {
        public static Settings defaults() {
            return new Settings(200, 2);
        }
    }

    private final ValidatorChain chain;
    private final ProtocolEventFollower follower;
    private final ContributionScorer scorer;
    private final EvaluationStore evaluations;
    private final ScoreJournal journal;
    private final DurableNumber roundCursor;
    private final CommitDuty commitDuty;
    private final RevealDuty revealDuty;
    private final FinalizeDuty finalizeDuty;
    private final ModelCommitter committer;
    private final RoundValuer valuer;
    private final Settings settings;
    private final ScoringListener listener;
    private final Clock clock;

    private final Map<BigInteger, ContributionRecord> pending = new LinkedHashMap<>();
    private final RoundContributions roundContributions;
    private final Deque<String> lastErrors = new ArrayDeque<>();
    private volatile ValidatorStatus status;

    /** @param chain what the round duties read and send */
    ValidatorLoop(
            ValidatorChain chain,
            ProtocolEventFollower follower,
            ContributionScorer scorer,
            EvaluationStore evaluations,
            ScoreJournal journal,
            DurableNumber roundCursor,
            Settings settings,
            ScoringListener listener,
            Clock clock,
            ModelCommitter committer,
            RoundContributions roundContributions,
            RoundValuer valuer) {
        this.chain = chain;
        this.follower = follower;
        this.scorer = scorer;
        this.evaluations = evaluations;
        this.journal = journal;
        this.roundCursor = roundCursor;
        this.commitDuty = new CommitDuty(chain, journal, this::prepare);
        this.revealDuty = new RevealDuty(chain, journal);
        this.finalizeDuty = new FinalizeDuty(chain, roundContributions::of, settings);
        this.committer = committer;
        this.settings = settings;
        this.listener = listener;
        this.clock = clock;
        this.roundContributions = roundContributions;
        this.valuer = valuer;
        this.status = new ValidatorStatus(
                chain.validator(),
                chain.chainId(),
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
            current = chain.currentRound();
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
                chain.validator(),
                chain.chainId(),
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
            RoundView info = chain.round(round);
            if (!info.exists) return round.compareTo(current) < 0;
            RoundPhase phase = RoundPhase.of(info.phase);
            rounds.put(round, phase.title());
            switch (phase) {
                case COMMIT -> commitDuty.perform(round, info);
                case REVEAL -> revealDuty.perform(round, info);
                case FINALIZATION -> finalizeDuty.perform(round, info);
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

    /**
     * Judges every contribution of the round, values the admitted updates together, and journals the scores with a
     * fresh salt, durably.
     */
    private ScoreJournal.Entry prepare(BigInteger round, RoundView info) {
        List<ContributionRecord> contributions = roundContributions.of(round, info);
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

    private void recordError(String what, RuntimeException e) {
        String detail = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        String message = clock.instant() + " " + what + ": " + detail;
        LOG.warn("{}: {}", what, detail);
        lastErrors.addLast(message);
        while (lastErrors.size() > ERRORS_KEPT) lastErrors.removeFirst();
    }
}
