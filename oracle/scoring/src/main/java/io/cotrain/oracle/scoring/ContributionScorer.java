package io.cotrain.oracle.scoring;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.ipfs.ContentMismatchException;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.ipfs.IpfsHealthProbe;
import io.cotrain.oracle.evaluation.Assessment;
import io.cotrain.oracle.evaluation.Assessor;
import io.cotrain.oracle.evaluation.DatasetEvaluator;
import io.cotrain.oracle.evaluation.Evaluation;
import io.cotrain.oracle.evaluation.EvaluationFailedException;
import io.cotrain.oracle.evaluation.ModelUpdateEvaluator;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.scoring.RoundFetcher.Fetched;
import io.cotrain.oracle.scoring.RoundFetcher.Outcome;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges contributions end to end: each manifest fetched from IPFS by the on-chain digest and verified before it is
 * parsed, checked against what the chain says (kind, task, contributor), its artifact checked for being a copy and
 * fetched and verified against the manifest's sha256, then evaluated against the task's held-out set. Whatever the
 * contributor got wrong scores the floor with the reason; nothing a contribution contains can make this throw. Only
 * failures that are not the contributor's fault (the IPFS node down or unhealthy, a task this node cannot load) raise
 * {@link TransientFailureException}, so the contribution is tried again later instead of being floored.
 *
 * <p>A round's contributions are judged in two steps. First all their content is fetched at once against one
 * deadline for the round ({@link RoundDeadlines}, {@link RoundFetcher}). While the round takes submissions the fetch
 * is short and provisional (what is not found yet waits); in its commit window, content that a healthy IPFS node does
 * not find by the deadline is floored, so whatever is submitted, the round is decided in time to commit. Then the
 * contributions
 * are evaluated one at a time in id order (deterministic). Small artifacts are kept from the first step (within a
 * budget per batch); larger ones were only hashed there and are fetched again, a few ahead of the evaluation, so
 * only those few are held in memory.
 *
 * <p>Copies: a contribution whose manifest names an artifact (by sha256) that a contribution with a lower id named
 * first is floored as a copy of it ({@link ArtifactIndex}). Whether contribution N is a copy is decided only once
 * every contribution below N is resolved, whatever order manifests arrive in; contributions the scorer was not
 * handed (judged before a restart, or before the index existed) are read from the {@link ContributionHistory}.
 *
 * <p>Model updates and datasets are evaluated as such; validation work (an evaluation set contributed to the task) is
 * evaluated as a dataset, by what training on it does for the held-out accuracy.
 */
public final class ContributionScorer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContributionScorer.class);
    /** Artifacts fetched ahead of the one being evaluated: enough to hide IPFS latency, few artifacts in memory. */
    private static final int FETCH_AHEAD = 4;

    private final ContentStore content;
    private final TaskCatalog tasks;
    private final GlobalModelSource globalModels;
    private final Assessor modelUpdates;
    private final Assessor datasets;
    private final Clock clock;
    private final ArtifactIndex artifacts;
    private final UpdateStore updates;
    private final ContributionHistory history;
    private final RoundDeadlines deadlines;
    private final ArtifactOpener opener;
    private final IpfsHealthProbe health;
    private final RoundFetcher roundFetcher;
    /** Contributions whose evaluation failure was logged with its stack trace: it is retried every tick. */
    private final Set<BigInteger> failuresLogged = ConcurrentHashMap.newKeySet();

    private final ExecutorService fetcher = Executors.newFixedThreadPool(
            2, Thread.ofPlatform().name("contribution-fetch-", 0).daemon().factory());

    /**
     * @param tasks the tasks this node evaluates
     * @param modelUpdates judges a model update on its own ({@link ModelUpdateEvaluator})
     * @param datasets judges a dataset or validation work on its own
     *     ({@link DatasetEvaluator})
     * @param globalModels which global model each contribution is judged against
     * @param artifacts which contribution first submitted each artifact
     * @param updates where the updates that pass the guards are kept for the round's valuation
     * @param history where contributions below those handed to the scorer come from
     * @param deadlines when fetching a round's content must be over
     * @param fetching fetches in flight and the health probe's timeout
     * @param opener opens sealed artifacts with this validator's key
     */
    public ContributionScorer(
            ContentStore content,
            TaskCatalog tasks,
            GlobalModelSource globalModels,
            Assessor modelUpdates,
            Assessor datasets,
            Clock clock,
            ArtifactIndex artifacts,
            UpdateStore updates,
            ContributionHistory history,
            RoundDeadlines deadlines,
            ContentFetching fetching,
            ArtifactOpener opener) {
        this.content = content;
        this.tasks = tasks;
        this.globalModels = globalModels;
        this.modelUpdates = modelUpdates;
        this.datasets = datasets;
        this.clock = clock;
        this.artifacts = artifacts;
        this.updates = updates;
        this.history = history;
        this.deadlines = deadlines;
        this.opener = opener;
        this.health = new IpfsHealthProbe(content.client(), fetching.healthProbeTimeout());
        this.roundFetcher = new RoundFetcher(content, health, fetching.concurrency());
    }

    /** @return the tasks this scorer judges: those it holds are bound to their registry entries */
    TaskCatalog tasks() {
        return tasks;
    }

    /** @return whether this scorer holds the held-out set of {@code taskId} */
    public boolean holds(long taskId) {
        return tasks.has(taskId);
    }

    /**
     * @param contribution the contribution as recorded on chain
     * @return this validator's score and metrics for it
     * @throws TransientFailureException when it cannot be judged now for a reason that is not the contributor's
     */
    public ScoredContribution score(ContributionRecord contribution) {
        List<ScoredContribution> scored = new ArrayList<>(1);
        scoreAll(List.of(contribution), scored::add);
        return scored.getFirst();
    }

    /**
     * Judges contributions in id order, round by round: a round's content is fetched in parallel against the round's
     * deadline (rounds sharing a deadline together), then its contributions are evaluated one at a time.
     *
     * @param contributions the contributions to judge
     * @param results receives each judgement as soon as it is made, in id order
     * @throws TransientFailureException at the first contribution that cannot be judged now; the ones before it have
     *     been handed to {@code results}
     * @throws EvaluationFailedException when this node failed to evaluate a contribution for a reason that is not the
     *     input's (a bug, memory): that one is not judged, never floored, and the batch's others are judged first
     */
    public void scoreAll(List<ContributionRecord> contributions, Consumer<ScoredContribution> results) {
        Map<BigInteger, ContributionRecord> byId = new TreeMap<>();
        contributions.forEach(contribution -> byId.put(contribution.id(), contribution));
        Instant now = clock.instant();
        Map<BigInteger, RoundDeadlines.Deadline> roundDeadlines = new HashMap<>();
        List<ContributionRecord> batch = new ArrayList<>();
        RoundDeadlines.Deadline batchDeadline = null;
        for (ContributionRecord contribution : byId.values()) {
            RoundDeadlines.Deadline deadline =
                    roundDeadlines.computeIfAbsent(contribution.round(), round -> deadlines.deadline(round, now));
            if (!batch.isEmpty() && !deadline.equals(batchDeadline)) {
                judge(batch, results);
                batch = new ArrayList<>();
            }
            batch.add(contribution);
            batchDeadline = deadline;
        }
        if (!batch.isEmpty()) judge(batch, results);
    }

    /** Stops the fetching threads. */
    @Override
    public void close() {
        fetcher.shutdownNow();
        roundFetcher.close();
    }

    /** What to do with one contribution once its content is fetched: floor it, or evaluate its manifest's artifact. */
    private record Plan(
            ContributionRecord contribution, ContributionManifest manifest, byte[] artifact, Evaluation floor) {}

    /**
     * One batch of rounds that share a deadline: fetch everything against the deadline (as of now: an earlier batch
     * took time), decide copies in id order, then evaluate.
     */
    private void judge(List<ContributionRecord> batch, Consumer<ScoredContribution> results) {
        long started = System.nanoTime();
        Instant start = clock.instant();
        List<RoundDeadlines.Deadline> roundDeadlines = batch.stream()
                .map(ContributionRecord::round)
                .distinct()
                .map(round -> deadlines.deadline(round, start))
                .toList();
        RoundDeadlines.Deadline deadline = new RoundDeadlines.Deadline(
                roundDeadlines.stream()
                        .map(RoundDeadlines.Deadline::at)
                        .min(Comparator.naturalOrder())
                        .orElseThrow(),
                roundDeadlines.stream().allMatch(RoundDeadlines.Deadline::last));
        Set<BigInteger> judged = batch.stream().map(ContributionRecord::id).collect(Collectors.toSet());
        List<ContributionRecord> toFetch = new ArrayList<>(unresolvedBelow(batch, judged));
        toFetch.addAll(batch);
        Map<BigInteger, Fetched> fetched = roundFetcher.fetch(
                toFetch,
                deadline,
                (contribution, manifest) -> judged.contains(contribution.id())
                        && tasks.has(contribution.taskId())
                        && artifacts
                                .earliest(manifest.copyKey())
                                .map(first -> first.compareTo(contribution.id()) >= 0)
                                .orElse(true));
        artifacts.record(fetched.values().stream()
                .filter(Fetched::resolved)
                .map(Fetched::resolution)
                .toList());
        long fetchMillis = (System.nanoTime() - started) / 1_000_000;
        LOG.info(
                "fetched the content of {} contributions (rounds {}) in {} ms against a deadline of {} ms",
                toFetch.size(),
                batch.stream().map(ContributionRecord::round).distinct().toList(),
                fetchMillis,
                Duration.between(start, deadline.at()).toMillis());

        List<Plan> plans = new ArrayList<>();
        TransientFailureException stop = null;
        for (ContributionRecord contribution : batch) {
            Fetched found = fetched.get(contribution.id());
            if (!artifacts.decidable(contribution.id())) {
                stop = found.outcome() instanceof Outcome.Pending pending
                        ? pending.cause()
                        : new TransientFailureException(
                                "contribution " + contribution.id()
                                        + " waits for contributions "
                                        + artifacts.resolvedThrough().add(BigInteger.ONE) + ".."
                                        + contribution.id() + " to be resolved (their manifests could not be read yet)",
                                null);
                break;
            }
            Optional<Plan> plan = plan(contribution, found);
            if (plan.isEmpty()) {
                stop = ((Outcome.Pending) found.outcome()).cause();
                break;
            }
            plans.add(plan.get());
        }
        Optional<EvaluationFailedException> failed = evaluateAll(plans, started, results);
        if (failed.isPresent()) throw failed.get();
        if (stop != null) throw stop;
    }

    /** @return the plan for a decidable contribution, or empty when it must wait (its outcome is pending) */
    private Optional<Plan> plan(ContributionRecord contribution, Fetched found) {
        if (!tasks.has(contribution.taskId())) return floor(contribution, "unknown task " + contribution.taskId());
        // A copy needs no content, its manifest is enough: it is floored even when its content cannot be read now.
        Optional<BigInteger> original =
                found.artifactSha256().flatMap(sha256 -> artifacts.copyOf(contribution.id(), sha256));
        if (original.isPresent()) return floor(contribution, copyReason(original.get(), found));
        return switch (found.outcome()) {
            case Outcome.Floor floor -> floor(contribution, floor.reason());
            case Outcome.Ready ready -> Optional.of(new Plan(contribution, ready.manifest(), ready.artifact(), null));
            case Outcome.Pending pending -> Optional.empty();
        };
    }

    private static String copyReason(BigInteger original, Fetched found) {
        return "copy of contribution " + original + ": its artifact (sha256 "
                + found.artifactSha256().orElseThrow() + ") was submitted there first";
    }

    private static Optional<Plan> floor(ContributionRecord contribution, String reason) {
        return Optional.of(new Plan(contribution, null, null, Evaluation.floor(reason)));
    }

    /**
     * The contributions between the last resolved one and the batch's last that the batch does not hold: they must be
     * resolved before the batch's copies can be decided.
     */
    private List<ContributionRecord> unresolvedBelow(List<ContributionRecord> batch, Set<BigInteger> judged) {
        BigInteger through = artifacts.resolvedThrough();
        BigInteger last = batch.getLast().id();
        long inBatch = batch.stream()
                .filter(contribution -> contribution.id().compareTo(through) > 0)
                .count();
        if (last.subtract(through).compareTo(BigInteger.valueOf(inBatch)) <= 0) return List.of();
        BigInteger toBlock = batch.stream()
                .map(ContributionRecord::submittedBlock)
                .max(BigInteger::compareTo)
                .orElseThrow();
        try {
            BigInteger fromBlock = artifacts.resolvedThroughBlock().orElse(BigInteger.ZERO);
            List<ContributionRecord> missing = history.submitted(fromBlock, toBlock).stream()
                    .filter(contribution -> contribution.id().compareTo(through) > 0
                            && contribution.id().compareTo(last) < 0
                            && !judged.contains(contribution.id()))
                    .toList();
            if (!missing.isEmpty()) {
                LOG.info(
                        "resolving {} earlier contributions ({}..{}) before judging {}..{}",
                        missing.size(),
                        missing.getFirst().id(),
                        missing.getLast().id(),
                        batch.getFirst().id(),
                        last);
            }
            return missing;
        } catch (RuntimeException e) {
            throw new TransientFailureException(
                    "cannot read the contributions before " + batch.getFirst().id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * What the second fetch found: the verified content to evaluate (opened, if it was sealed), or the floor the
     * contribution earned after all, or why this validator abstains on it.
     */
    private record Loaded(byte[] artifact, Evaluation floor, String abstain) {
        static Loaded floored(String reason) {
            return new Loaded(null, Evaluation.floor(reason), null);
        }
    }

    /**
     * Evaluates in order, fetching the next artifacts while the current one is evaluated; evaluation itself stays on
     * the calling thread, one at a time, for deterministic results.
     *
     * @return the first failure of this node to evaluate one (the others are evaluated regardless)
     */
    private Optional<EvaluationFailedException> evaluateAll(
            List<Plan> plans, long batchStarted, Consumer<ScoredContribution> results) {
        Deque<Future<Loaded>> ahead = new ArrayDeque<>();
        int next = 0;
        EvaluationFailedException firstFailure = null;
        try {
            for (int position = 0; position < plans.size(); position++) {
                Plan plan = plans.get(position);
                if (plan.floor() != null) {
                    results.accept(scored(plan.contribution(), plan.floor(), batchStarted));
                    continue;
                }
                next = Math.max(next, position);
                while (next < plans.size() && ahead.size() < FETCH_AHEAD) {
                    Plan upcoming = plans.get(next++);
                    if (upcoming.floor() == null) ahead.addLast(fetcher.submit(() -> load(upcoming)));
                }
                long started = System.nanoTime();
                Loaded loaded = await(ahead.removeFirst());
                if (loaded.abstain() != null) {
                    results.accept(abstained(plan.contribution(), loaded.abstain(), started));
                    continue;
                }
                if (loaded.floor() == null) loaded = verifiedCopy(plan, loaded);
                try {
                    Evaluation evaluation = loaded.floor() != null
                            ? loaded.floor()
                            : evaluate(plan.contribution(), plan.manifest(), loaded.artifact());
                    results.accept(scored(plan.contribution(), evaluation, started));
                } catch (EvaluationFailedException e) {
                    if (firstFailure == null) firstFailure = e;
                }
            }
        } finally {
            ahead.forEach(future -> future.cancel(true));
        }
        return Optional.ofNullable(firstFailure);
    }

    /**
     * Fetches an artifact that the first step found in full (unless it kept it), and opens it if it is sealed; what
     * fails now is judged as then.
     */
    private Loaded load(Plan plan) {
        if (plan.artifact() != null) return opened(plan, plan.artifact());
        try {
            return opened(
                    plan, content.fetchArtifact(plan.manifest().artifacts().getFirst()));
        } catch (ContentMismatchException e) {
            return Loaded.floored("content does not match its digest: " + e.getMessage());
        } catch (IpfsException e) {
            if (e.failure() == IpfsException.Failure.TOO_LARGE) {
                return Loaded.floored("content too large: " + e.getMessage());
            }
            if (RoundFetcher.contentsFault(e)) {
                Optional<String> unhealthy = health.problem();
                if (unhealthy.isEmpty()) return Loaded.floored(RoundFetcher.unavailableReason(e));
                throw new TransientFailureException(
                        "contribution " + plan.contribution().id() + ": the IPFS node is not healthy ("
                                + unhealthy.get() + "): " + e.getMessage(),
                        e);
            }
            throw new TransientFailureException(
                    "IPFS failed on contribution " + plan.contribution().id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Content verified in full (open content's bytes, sealed content's plaintext) is a copy of the earliest
     * contribution of an earlier round whose content this validator verified to be the same: content revealed once its
     * round was over, submitted again by anyone, sealed or open. Within a round nothing is decided this way, since
     * sealed content is only known to its recipients until its round is over (a recipient could otherwise seal an
     * honest contribution again under its own name and have the honest one floored). Runs on the evaluating thread, in
     * id order, so that the lowest id keeps the credit whatever order the fetching threads finish in.
     */
    private Loaded verifiedCopy(Plan plan, Loaded loaded) {
        String sha256 = plan.manifest()
                .sealing()
                .map(sealing -> HexFormat.of().formatHex(sealing.plaintextSha256()))
                .orElse(plan.manifest().artifacts().getFirst().sha256());
        ContributionRecord contribution = plan.contribution();
        Optional<ArtifactIndex.Opened> original =
                artifacts.opened(sha256).filter(first -> first.round().compareTo(contribution.round()) < 0);
        if (original.isPresent()) {
            return Loaded.floored("copy of contribution " + original.get().id() + ": its content (sha256 " + sha256
                    + ") is the content contribution " + original.get().id() + " submitted in round "
                    + original.get().round());
        }
        artifacts.recordOpened(contribution.id(), contribution.round(), sha256);
        return loaded;
    }

    /** Opening runs on the fetching threads, so decrypting overlaps the evaluation of the one before. */
    private Loaded opened(Plan plan, byte[] stored) {
        return switch (opener.open(plan.contribution(), plan.manifest(), stored)) {
            case ArtifactOpener.Opened.Content opened -> new Loaded(opened.bytes(), null, null);
            case ArtifactOpener.Opened.Floor floor -> Loaded.floored(floor.reason());
            case ArtifactOpener.Opened.Abstain abstain -> new Loaded(null, null, abstain.reason());
        };
    }

    private ScoredContribution abstained(ContributionRecord contribution, String reason, long startedNanos) {
        long millis = (System.nanoTime() - startedNanos) / 1_000_000;
        LOG.info(
                "contribution {} (task {}): this validator abstains: {}",
                contribution.id(),
                contribution.taskId(),
                reason);
        return ScoredContribution.abstained(contribution, reason, clock.instant(), millis);
    }

    private ScoredContribution scored(ContributionRecord contribution, Evaluation evaluation, long startedNanos) {
        long millis = (System.nanoTime() - startedNanos) / 1_000_000;
        LOG.info(
                "contribution {} (task {}, kind {}) scored {}{} in {} ms",
                contribution.id(),
                contribution.taskId(),
                contribution.kind(),
                evaluation.score(),
                evaluation.floorReason().map(r -> ": " + r).orElse(""),
                millis);
        return new ScoredContribution(
                contribution.id(),
                contribution.round(),
                contribution.taskId(),
                contribution.kind(),
                evaluation.score(),
                evaluation.floorReason(),
                evaluation.metrics(),
                clock.instant(),
                millis);
    }

    private static Loaded await(Future<Loaded> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) throw runtime;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailureException("interrupted while fetching a contribution", e);
        }
    }

    /**
     * Evaluates one contribution on its own. An admitted model update is kept for the round's valuation; datasets
     * and validation work keep their judgement alone (what training the global model on them adds), since the
     * round's aggregate is made of model updates only and they must not take credit in its valuation, and their row
     * fingerprints are kept so that the round can tell a copy of earlier rows.
     */
    private Evaluation evaluate(ContributionRecord contribution, ContributionManifest manifest, byte[] artifact) {
        TaskContext task = globalModels.contextFor(contribution).orElseThrow();
        Assessment assessment;
        try {
            assessment =
                    (manifest.kind() == ContributionKind.MODEL_UPDATE ? modelUpdates : datasets).assess(task, artifact);
        } catch (RuntimeException e) {
            // The evaluators floor what a guard rejects; anything else is this node's failure, never the contributor's.
            if (failuresLogged.add(contribution.id())) {
                LOG.error(
                        "contribution {}: this node failed to evaluate it; its round is not committed until it is "
                                + "judged",
                        contribution.id(),
                        e);
            }
            throw new EvaluationFailedException(
                    "contribution " + contribution.id() + " (round " + contribution.round()
                            + ") could not be evaluated by this node, which does not commit its round until it is: "
                            + e.getMessage(),
                    e);
        }
        // outside the catch: failing to keep what the round's judgement needs is this node's fault, never the
        // contributor's
        assessment
                .parameters()
                .ifPresent(parameters -> updates.put(new UpdateStore.Stored(
                        contribution.id(),
                        contribution.round(),
                        contribution.taskId(),
                        contribution.contributor(),
                        task.globalModelSha256(),
                        parameters)));
        assessment
                .rowFingerprints()
                .ifPresent(rows -> updates.put(
                        new UpdateStore.Rows(contribution.id(), contribution.round(), contribution.taskId(), rows)));
        return assessment.evaluation();
    }
}
