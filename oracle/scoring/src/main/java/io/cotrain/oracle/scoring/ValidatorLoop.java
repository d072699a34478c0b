package io.cotrain.oracle.scoring;

import io.cotrain.client.DurableNumber;
import io.cotrain.client.ProtocolEventFollower;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.ScoreCommitment;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionSubmittedEventResponse;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import io.cotrain.oracle.evaluation.EvaluationFailedException;
import io.cotrain.oracle.evaluation.QualityScore;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validator's work, in two activities that schedulers run on their own threads: the round duties
 * ({@link #performDuties()}), which must meet the chain's windows, and the slow work ({@link #work()}: judging and
 * aggregation), which must not delay them. {@link #tick()} runs both, one after the other.
 * <ol>
 *   <li>duties follow confirmed {@code ContributionSubmitted} events; work judges each contribution on its own as soon
 *       as it appears, a few at a time, so it is ready when the commit window opens;</li>
 *   <li>while a round takes sealing fault reports, publish the evidence this validator made against content sealed
 *       to it that does not open ({@link SealingFaultDuty});</li>
 *   <li>in a round's commit window, if the round expects this validator: while it takes reports, judge all of the
 *       round's contributions in one pass (one fetch deadline); once it takes them no more, floor those a report
 *       proves faulty ({@link SealingFaultCheck}), value the admitted updates by what each adds to the round's
 *       aggregate ({@link RoundValuer}), journal the scores with a fresh salt (durably, before anything is sent),
 *       then commit ({@link CommitDuty});</li>
 *   <li>in its reveal window: reveal what the journal holds ({@link RevealDuty});</li>
 *   <li>after it: finalize the round (permissionless; validators take turns a few blocks apart so that they do not
 *       all pay for the same call; {@link FinalizeDuty});</li>
 *   <li>work, once a round is finalized: aggregate its accepted model updates into the next global model and attest
 *       it in the model registry ({@link ModelCommitter}); once per task, measure and attest its base model's
 *       held-out metrics ({@link BaseMetricsDuty}).</li>
 * </ol>
 * Rounds are driven from chain state, not from memory: a restarted node looks at every round it has not seen
 * finalized (a durable cursor) and picks up wherever each one stands. Neither activity throws: failures are logged,
 * kept for the status page, and retried the next time. The duties reach the chain through {@link ValidatorChain}.
 * A commit that finds its round's contributions not all judged judges the rest itself: the work judges in small
 * batches under a fair lock, so a commit waits for one batch at most.
 */
public final class ValidatorLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ValidatorLoop.class);
    /** Rounds that can still be scoring when a node first starts: scoring windows span at most 7 submission windows. */
    private static final int ROUNDS_IN_FLIGHT = 8;

    private static final int ERRORS_KEPT = 20;
    /** Contributions judged per hold of the judging lock: what a commit that needs the lock may wait for. */
    private static final int JUDGING_BATCH = 8;

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
    private final ServingDuty servingDuty;
    private final InboxDuty inboxDuty;
    private final DiscoveryDuty discoveryDuty;
    private final PublicKeyDuty publicKeyDuty;
    private final SealingFaultDuty sealingFaultDuty;
    private final SealingFaultCheck sealingFaultCheck;
    private final BindingDuty bindingDuty;
    private final BaseMetricsDuty baseMetricsDuty;
    private final ModelCommitter committer;
    private final RoundValuer valuer;
    private final Settings settings;
    private final ScoringListener listener;
    private final Clock clock;

    /** Contributions seen and not judged yet, by id: judged in id order, as copies are decided by it. */
    private final NavigableMap<BigInteger, ContributionRecord> pending = new ConcurrentSkipListMap<>();

    private final RoundContributions roundContributions;
    private final Deque<String> lastErrors = new ArrayDeque<>();
    /** Held while judging; fair, so that a commit waiting for it goes before the work's next batch. */
    private final ReentrantLock judging = new ReentrantLock(true);

    private final Object dutiesLock = new Object();
    private final Object workLock = new Object();
    private volatile BigInteger currentRound;
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
            RoundValuer valuer,
            InboxDuty inboxDuty,
            DiscoveryDuty discoveryDuty,
            BindingDuty bindingDuty,
            BaseMetricsDuty baseMetricsDuty,
            SealingFaultDuty sealingFaultDuty,
            SealingFaultCheck sealingFaultCheck) {
        this.chain = chain;
        this.follower = follower;
        this.scorer = scorer;
        this.evaluations = evaluations;
        this.journal = journal;
        this.roundCursor = roundCursor;
        this.commitDuty = new CommitDuty(chain, journal, this::judgeRound, this::prepare, discoveryDuty::completedPass);
        this.revealDuty = new RevealDuty(chain, journal);
        this.finalizeDuty = new FinalizeDuty(chain, roundContributions::of, settings);
        this.servingDuty = new ServingDuty(chain, scorer.tasks());
        this.inboxDuty = inboxDuty;
        this.discoveryDuty = discoveryDuty;
        this.publicKeyDuty = new PublicKeyDuty(chain);
        this.sealingFaultDuty = sealingFaultDuty;
        this.sealingFaultCheck = sealingFaultCheck;
        this.bindingDuty = bindingDuty;
        this.baseMetricsDuty = baseMetricsDuty;
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

    /** Stops the scorer's fetching threads and the aggregation threads; duties and work in progress finish first. */
    @Override
    public void close() {
        synchronized (dutiesLock) {
            synchronized (workLock) {
                scorer.close();
                committer.close();
            }
        }
    }

    /** Does whatever is due now: the duties, then the work. Never throws. */
    public void tick() {
        performDuties();
        work();
    }

    /**
     * Takes up the registry's tasks whose held-out sets arrived, judges the contributions seen and not judged yet, a
     * batch at a time, then aggregates what the registry awaits from this node and attests base models' metrics. Never
     * throws.
     */
    public void work() {
        synchronized (workLock) {
            // with the work, not the duties: fetching a new task's documents must not delay a commit or a reveal
            try {
                inboxDuty.perform(problem -> recordProblem("receiving held-out sets", problem));
            } catch (RuntimeException e) {
                recordError("receiving held-out sets", e);
            }
            try {
                discoveryDuty.perform(refusal -> recordProblem("taking up the registry's tasks", refusal));
            } catch (RuntimeException e) {
                recordError("taking up the registry's tasks", e);
            }
            judgePending();
            BigInteger current = currentRound;
            if (current != null) committer.tick(current, this::recordError);
            try {
                baseMetricsDuty.perform(
                        (task, e) -> recordError("attesting the base model's metrics, task " + task, e));
            } catch (RuntimeException e) {
                recordError("attesting the base models' metrics", e);
            }
        }
    }

    /** Follows the chain's events and commits, reveals and finalizes the rounds that are due. Never throws. */
    public void performDuties() {
        synchronized (dutiesLock) {
            followAndAdvance();
        }
    }

    private void followAndAdvance() {
        try {
            bindingDuty.perform(refusal -> recordProblem("binding the configured tasks", refusal));
        } catch (RuntimeException e) {
            recordError("binding the configured tasks", e);
        }

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
                    boolean held = scorer.holds(record.taskId());
                    if (held && evaluations.get(event.id).isEmpty()) pending.put(event.id, record);
                }
            });
        } catch (RuntimeException e) {
            recordError("following events", e);
        }

        try {
            servingDuty.perform(discoveryDuty.completedPass());
        } catch (RuntimeException e) {
            recordError("declaring the tasks served", e);
        }

        try {
            publicKeyDuty.perform();
        } catch (RuntimeException e) {
            recordError("publishing the public key", e);
        }

        try {
            sealingFaultDuty.perform(problem -> recordProblem("reporting sealing faults", problem));
        } catch (RuntimeException e) {
            recordError("reporting sealing faults", e);
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
        if (current != null) currentRound = current;
        status = new ValidatorStatus(
                chain.validator(),
                chain.chainId(),
                follower.lastProcessedBlock(),
                current == null ? status.currentRound() : current,
                Map.copyOf(rounds),
                pending.size(),
                lastErrors(),
                clock.instant());
    }

    /**
     * Judges what is pending as of now, a batch per hold of the judging lock. A contribution this node failed to
     * evaluate (its own failure, not the input's) stays pending for the next pass and does not hold up the ones
     * after it; a transient failure (IPFS down) ends the pass, as it would fail the rest too.
     */
    private void judgePending() {
        Map.Entry<BigInteger, ContributionRecord> last = pending.lastEntry();
        if (last == null) return;
        BigInteger through = last.getKey();
        BigInteger after = null;
        while (true) {
            NavigableMap<BigInteger, ContributionRecord> rest =
                    after == null ? pending.headMap(through, true) : pending.subMap(after, false, through, true);
            List<ContributionRecord> batch =
                    rest.values().stream().limit(JUDGING_BATCH).toList();
            if (batch.isEmpty()) return;
            after = batch.getLast().id();
            judging.lock();
            try {
                judgeAll(batch);
            } catch (EvaluationFailedException e) {
                recordError("judging contributions", e);
            } catch (RuntimeException e) {
                recordError("judging contributions", e);
                return;
            } finally {
                judging.unlock();
            }
        }
    }

    /**
     * Judges those not judged yet, storing each judgement as soon as it is made; what was judged leaves the pending
     * set, even when another of them failed. The caller holds the lock.
     */
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
        } finally {
            contributions.stream()
                    .filter(contribution -> evaluations.get(contribution.id()).isPresent())
                    .forEach(contribution -> pending.remove(contribution.id()));
        }
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
     * Judges every contribution of the round this validator judges, floors those a sealing fault report proves faulty,
     * values the admitted updates together, and journals the scores with a fresh salt, durably. It scores 0,
     * abstaining, a contribution whose task it does not
     * serve in the round; and one whose task it serves on chain without holding the held-out set (an operator's
     * change not in force yet), which costs this validator a deviation, never the contributor a penalty.
     */
    private ScoreJournal.Entry prepare(BigInteger round, RoundView info) {
        List<ContributionRecord> contributions = roundContributions.of(round, info);
        Set<Long> judged = judgedTasks(round, contributions);
        List<ContributionRecord> toJudge = judgedOf(contributions, judged);
        judging.lock();
        try {
            judgeAll(toJudge);
            Map<BigInteger, String> faulty = sealingFaultCheck.proven(
                    round,
                    toJudge.stream()
                            .filter(c -> evaluations.get(c.id()).orElseThrow().score() != QualityScore.FLOOR)
                            .toList());
            faulty.forEach((id, reason) -> {
                ScoredContribution floored = evaluations.get(id).orElseThrow().floored(reason, clock.instant());
                evaluations.put(floored);
                listener.valued(floored);
            });
            valuer.value(
                            round,
                            toJudge.stream()
                                    .filter(c -> !faulty.containsKey(c.id()))
                                    .toList())
                    .forEach(listener::valued);
        } finally {
            judging.unlock();
        }
        int[] scores = contributions.stream()
                .mapToInt(contribution -> judged.contains(contribution.taskId())
                        ? evaluations.get(contribution.id()).orElseThrow().score()
                        : ScoreCommitment.ABSTAIN)
                .toArray();
        ScoreJournal.Entry entry = new ScoreJournal.Entry(
                ScoreCommitment.withFreshSalt(round, scores), info.firstContributionId, ScoreJournal.State.PREPARED);
        journal.write(entry);
        return entry;
    }

    /** Judges, all in one pass against one fetch deadline, the round's contributions this validator judges. */
    private void judgeRound(BigInteger round, RoundView info) {
        List<ContributionRecord> contributions = roundContributions.of(round, info);
        List<ContributionRecord> toJudge = judgedOf(contributions, judgedTasks(round, contributions));
        judging.lock();
        try {
            judgeAll(toJudge);
        } finally {
            judging.unlock();
        }
    }

    private static List<ContributionRecord> judgedOf(List<ContributionRecord> contributions, Set<Long> judgedTasks) {
        return contributions.stream()
                .filter(contribution -> judgedTasks.contains(contribution.taskId()))
                .toList();
    }

    /** @return the tasks of the round's contributions that this validator serves in it and holds */
    private Set<Long> judgedTasks(BigInteger round, List<ContributionRecord> contributions) {
        int index = chain.validatorIndex().orElseThrow(() -> new IllegalStateException("not in the validator set"));
        Set<Long> judged = new HashSet<>();
        contributions.stream().map(ContributionRecord::taskId).distinct().forEach(task -> {
            if (scorer.holds(task) && chain.servingMask(task, round).testBit(index)) judged.add(task);
        });
        return judged;
    }

    private void recordError(String what, RuntimeException e) {
        String detail = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        // the node's own failures (chain, IPFS, reverts) say what failed; the JDK's (a NullPointerException) are bugs
        if (e.getClass().getPackageName().startsWith("java.")) LOG.warn("{}: {}", what, detail, e);
        else LOG.warn("{}: {}", what, detail);
        keep(what, detail);
    }

    private void recordProblem(String what, String detail) {
        LOG.warn("{}: {}", what, detail);
        keep(what, detail);
    }

    /** Keeps the problem for the node's status, the last {@value #ERRORS_KEPT}. */
    private void keep(String what, String detail) {
        String message = clock.instant() + " " + what + ": " + detail;
        synchronized (lastErrors) {
            lastErrors.addLast(message);
            while (lastErrors.size() > ERRORS_KEPT) lastErrors.removeFirst();
        }
    }

    private List<String> lastErrors() {
        synchronized (lastErrors) {
            return List.copyOf(lastErrors);
        }
    }
}
