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
public final class ContributionScorer {
    private static final Logger LOG = LoggerFactory.getLogger(ContributionScorer.class);

    private final ContentStore content;
    private final TaskCatalog tasks;
    private final ModelUpdateEvaluator modelUpdates;
    private final DatasetEvaluator datasets;
    private final Clock clock;

    public ContributionScorer(ContentStore content, TaskCatalog tasks, ModelUpdateEvaluator modelUpdates,
            DatasetEvaluator datasets, Clock clock) {
        this.content = content;
        this.tasks = tasks;
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
        Evaluation evaluation = evaluate(contribution);
        long millis = (System.nanoTime() - started) / 1_000_000;
        LOG.info("contribution {} (task {}, kind {}) scored {}{} in {} ms", contribution.id(), contribution.taskId(),
                contribution.kind(), evaluation.score(), evaluation.floorReason().map(r -> ": " + r).orElse(""), millis);
        return new ScoredContribution(contribution.id(), contribution.round(), contribution.taskId(), contribution.kind(),
                evaluation.score(), evaluation.floorReason(), evaluation.metrics(), clock.instant(), millis);
    }

    private Evaluation evaluate(ContributionRecord contribution) {
        Optional<TaskContext> task = tasks.task(contribution.taskId());
        if (task.isEmpty()) return Evaluation.floor("unknown task " + contribution.taskId());
        try {
            ContributionManifest manifest = content.fetchManifest(contribution.contentDigest());
            Optional<String> mismatch = mismatch(manifest, contribution);
            if (mismatch.isPresent()) return Evaluation.floor(mismatch.get());
            if (manifest.artifacts().size() != 1) {
                return Evaluation.floor("the manifest must list exactly one artifact, it lists "
                        + manifest.artifacts().size());
            }
            byte[] artifact = content.fetchArtifact(manifest.artifacts().getFirst());
            return manifest.kind() == ContributionManifest.Kind.MODEL_UPDATE
                    ? modelUpdates.evaluate(task.get(), artifact)
                    : datasets.evaluate(task.get(), artifact);
        } catch (IpfsException e) {
            return switch (e.failure()) {
                case TIMEOUT -> Evaluation.floor("content not available on IPFS: " + e.getMessage());
                case TOO_LARGE -> Evaluation.floor("content too large: " + e.getMessage());
                case NODE_UNREACHABLE, NODE_ERROR, INVALID_RESPONSE, INTERRUPTED ->
                    throw new TransientFailureException("IPFS failed on contribution " + contribution.id() + ": "
                            + e.getMessage(), e);
            };
        } catch (ContentMismatchException e) {
            return Evaluation.floor("content does not match its digest: " + e.getMessage());
        } catch (ManifestException e) {
            return Evaluation.floor("invalid manifest: " + e.getMessage());
        } catch (TransientFailureException e) {
            throw e;
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
