package io.cotrain.oracle.scoring;

import io.cotrain.ipfs.ContentMismatchException;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.ipfs.ManifestException;
import io.cotrain.oracle.evaluation.DatasetEvaluator;
import io.cotrain.oracle.evaluation.Evaluation;
import io.cotrain.oracle.evaluation.ModelUpdateEvaluator;
import io.cotrain.oracle.evaluation.TaskContext;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges one contribution end to end: its manifest fetched from IPFS by the on-chain digest and verified before it is
 * parsed, the manifest checked against what the chain says (kind, task, contributor), its artifact fetched and
 * verified against the manifest's sha256, then evaluated against the task's held-out set. Whatever the contributor
 * got wrong scores the floor with the reason; nothing a contribution contains can make this throw. Only failures that
 * are not the contributor's fault (the IPFS node down, a task this node cannot load) raise
 * {@link TransientFailureException}, so the contribution is tried again later instead of being floored.
 *
 * <p>Model updates and datasets are evaluated as such; validation work (an evaluation set contributed to the task) is
 * evaluated as a dataset, by what training on it does for the held-out accuracy.
 */
public final class ContributionScorer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContributionScorer.class);
    /** Contributions fetched ahead of the one being evaluated: enough to hide IPFS latency, few artifacts in memory. */
    private static final int FETCH_AHEAD = 4;

    private final ContentStore content;
    private final TaskCatalog tasks;
    private final GlobalModelSource globalModels;
    private final ModelUpdateEvaluator modelUpdates;
    private final DatasetEvaluator datasets;
    private final Clock clock;
    private final ExecutorService fetcher = Executors.newFixedThreadPool(2, Thread.ofPlatform()
            .name("contribution-fetch-", 0).daemon().factory());

    /**
     * @param tasks the tasks this node evaluates
     * @param globalModels which global model each contribution is judged against
     */
    public ContributionScorer(ContentStore content, TaskCatalog tasks, GlobalModelSource globalModels,
            ModelUpdateEvaluator modelUpdates, DatasetEvaluator datasets, Clock clock) {
        this.content = content;
        this.tasks = tasks;
        this.globalModels = globalModels;
        this.modelUpdates = modelUpdates;
        this.datasets = datasets;
        this.clock = clock;
    }

    /**
     * @param contribution the contribution as recorded on chain
     * @return this validator's score and metrics for it
     * @throws TransientFailureException when it cannot be judged now for a reason that is not the contributor's
     */
    public ScoredContribution score(ContributionRecord contribution) {
        long started = System.nanoTime();
        return scored(contribution, evaluate(contribution, fetch(contribution)), started);
    }

    /**
     * Judges contributions in order, fetching the next ones from IPFS while the current one is evaluated: a round's
     * contributions are judged at the pace of evaluation rather than of fetch plus evaluation. Evaluation itself stays
     * on the calling thread, one at a time, for deterministic results.
     *
     * @param contributions the contributions, in the order their results are wanted
     * @param results receives each judgement as soon as it is made
     * @throws TransientFailureException at the first contribution that cannot be judged now; the ones before it have
     *     been handed to {@code results}
     */
    public void scoreAll(List<ContributionRecord> contributions, Consumer<ScoredContribution> results) {
        Deque<Future<Fetched>> ahead = new ArrayDeque<>();
        int next = 0;
        try {
            for (ContributionRecord contribution : contributions) {
                while (next < contributions.size() && ahead.size() < FETCH_AHEAD) {
                    ContributionRecord upcoming = contributions.get(next++);
                    ahead.addLast(fetcher.submit(() -> fetch(upcoming)));
                }
                long started = System.nanoTime();
                Fetched fetched = await(ahead.removeFirst());
                results.accept(scored(contribution, evaluate(contribution, fetched), started));
            }
        } finally {
            ahead.forEach(future -> future.cancel(true));
        }
    }

    /** Stops the fetching threads. */
    @Override
    public void close() {
        fetcher.shutdownNow();
    }

    private ScoredContribution scored(ContributionRecord contribution, Evaluation evaluation, long startedNanos) {
        long millis = (System.nanoTime() - startedNanos) / 1_000_000;
        LOG.info("contribution {} (task {}, kind {}) scored {}{} in {} ms", contribution.id(), contribution.taskId(),
                contribution.kind(), evaluation.score(), evaluation.floorReason().map(r -> ": " + r).orElse(""), millis);
        return new ScoredContribution(contribution.id(), contribution.round(), contribution.taskId(), contribution.kind(),
                evaluation.score(), evaluation.floorReason(), evaluation.metrics(), clock.instant(), millis);
    }

    private static Fetched await(Future<Fetched> future) {
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

    /** What fetching found: the verified artifact and its manifest, or the floor the contribution already earned. */
    private record Fetched(ContributionManifest manifest, byte[] artifact, Evaluation floor) {
        static Fetched floored(String reason) {
            return new Fetched(null, null, Evaluation.floor(reason));
        }
    }

    /** Everything that touches IPFS: the manifest by the on-chain digest, checked against the chain, then the artifact. */
    private Fetched fetch(ContributionRecord contribution) {
        if (!tasks.has(contribution.taskId())) return Fetched.floored("unknown task " + contribution.taskId());
        try {
            ContributionManifest manifest = content.fetchManifest(contribution.contentDigest());
            Optional<String> mismatch = mismatch(manifest, contribution);
            if (mismatch.isPresent()) return Fetched.floored(mismatch.get());
            if (manifest.artifacts().size() != 1) {
                return Fetched.floored("the manifest must list exactly one artifact, it lists "
                        + manifest.artifacts().size());
            }
            return new Fetched(manifest, content.fetchArtifact(manifest.artifacts().getFirst()), null);
        } catch (IpfsException e) {
            return switch (e.failure()) {
                case TIMEOUT -> Fetched.floored("content not available on IPFS: " + e.getMessage());
                case TOO_LARGE -> Fetched.floored("content too large: " + e.getMessage());
                case NODE_UNREACHABLE, NODE_ERROR, INVALID_RESPONSE, INTERRUPTED ->
                    throw new TransientFailureException("IPFS failed on contribution " + contribution.id() + ": "
                            + e.getMessage(), e);
            };
        } catch (ContentMismatchException e) {
            return Fetched.floored("content does not match its digest: " + e.getMessage());
        } catch (ManifestException e) {
            return Fetched.floored("invalid manifest: " + e.getMessage());
        }
    }

    private Evaluation evaluate(ContributionRecord contribution, Fetched fetched) {
        if (fetched.floor() != null) return fetched.floor();
        TaskContext task = globalModels.contextFor(contribution).orElseThrow();
        try {
            return fetched.manifest().kind() == ContributionManifest.Kind.MODEL_UPDATE
                    ? modelUpdates.evaluate(task, fetched.artifact())
                    : datasets.evaluate(task, fetched.artifact());
        } catch (RuntimeException e) {
            // The evaluators floor hostile input themselves; this is the last line of defence for the node.
            LOG.warn("contribution {}: unexpected failure", contribution.id(), e);
            return Evaluation.floor("evaluation failed: " + e.getClass().getSimpleName());
        }
    }

    /** The manifest must describe what was submitted: same kind, same task, and the submitter as its author. */
    private static Optional<String> mismatch(ContributionManifest manifest, ContributionRecord contribution) {
        if (manifest.kind().onChainKind() != contribution.kind()) {
            return Optional.of("the manifest is a " + manifest.kind() + " but was submitted as kind " + contribution.kind());
        }
        if (manifest.taskId() != contribution.taskId()) {
            return Optional.of("the manifest is for task " + manifest.taskId() + " but was submitted for task "
                    + contribution.taskId());
        }
        if (!manifest.contributor().equalsIgnoreCase(contribution.contributor())) {
            return Optional.of("the manifest names contributor " + manifest.contributor() + " but "
                    + contribution.contributor() + " submitted it");
        }
        return Optional.empty();
    }
}
