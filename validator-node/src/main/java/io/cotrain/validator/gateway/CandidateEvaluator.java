package io.cotrain.validator.gateway;

import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentMismatchException;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.Evaluation;
import io.cotrain.oracle.evaluation.ModelUpdateEvaluator;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.scoring.TaskCatalog;
import io.cotrain.validator.gateway.GatewayViews.EvaluationView;
import java.math.BigInteger;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Evaluates a candidate model, given by its IPFS CID, as the node's validator would judge it as a model update of a
 * task: against the task's held-out set, relative to the head of the task's default branch. One evaluation runs at a
 * time (the node's evaluation is single-threaded for deterministic scores; requests queue rather than compete).
 */
public final class CandidateEvaluator {
    private final ContentStore content;
    private final TaskCatalog tasks;
    private final NetworkReader network;
    private final ModelUpdateEvaluator evaluator = new ModelUpdateEvaluator();
    private final Semaphore oneAtATime = new Semaphore(1, true);

    public CandidateEvaluator(ContentStore content, TaskCatalog tasks, NetworkReader network) {
        this.content = content;
        this.tasks = tasks;
        this.network = network;
    }

    /**
     * @param taskId a registered task this node holds the held-out set of
     * @param cid the candidate model file's CID
     * @param sha256 its sha256, needed when the CID is not a raw block (files above one IPFS chunk)
     * @return the score it would get and the held-out metrics
     * @throws UnknownTaskException if the registry has no such task
     * @throws TaskNotHeldException if this node holds no held-out set of it
     * @throws InvalidInputException if the CID is not a raw block and no sha256 is given
     * @throws UnusableContentException if IPFS cannot deliver the candidate or it does not match its digest
     * @throws TemporarilyUnavailableException if IPFS does not answer, or the node is stopping
     */
    public EvaluationView evaluate(long taskId, Cid cid, Optional<byte[]> sha256) {
        network.requireModel(taskId);
        if (!tasks.has(taskId)) throw new TaskNotHeldException(taskId, tasks.taskIds());
        byte[] expected = sha256.orElseGet(() -> {
            if (!cid.isRaw()) {
                throw new InvalidInputException(
                        "sha256", null, cid + " is not a raw block: give the file's sha256 too, to verify it");
            }
            return cid.digest();
        });
        var head = network.headCommit(taskId);
        BigInteger headId = network.headCommitId(taskId);
        try {
            oneAtATime.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TemporarilyUnavailableException("the node is stopping");
        }
        try {
            byte[] candidate = fetch(cid, expected);
            byte[] global = fetchModel(ModelFile.ofCommit(head.weightsDigest, head.weightsRoot));
            TaskContext context = tasks.task(taskId, global);
            Evaluation evaluation = evaluator.evaluate(context, candidate);
            return new EvaluationView(
                    taskId,
                    cid.toString(),
                    headId,
                    evaluation.score(),
                    evaluation.floorReason().orElse(null),
                    evaluation.metrics());
        } finally {
            oneAtATime.release();
        }
    }

    private byte[] fetch(Cid cid, byte[] sha256) {
        try {
            return content.fetchVerified(cid, sha256, tasks.limits().maxModelBytes());
        } catch (ContentMismatchException e) {
            throw new UnusableContentException(
                    cid, "the content of " + cid + " does not match its digest: " + e.getMessage());
        } catch (IpfsException e) {
            if (e.failure() == IpfsException.Failure.NODE_UNREACHABLE) {
                throw new TemporarilyUnavailableException(
                        "the IPFS node does not answer this gateway now; try again shortly");
            }
            throw new UnusableContentException(
                    cid,
                    "cannot fetch " + cid + " from IPFS (" + e.getMessage() + "): add and pin "
                            + "it on a node this gateway's IPFS node reaches, and at most "
                            + tasks.limits().maxModelBytes()
                            + " bytes");
        }
    }

    private byte[] fetchModel(ModelFile file) {
        try {
            return content.fetchModel(file, tasks.limits().maxModelBytes());
        } catch (IpfsException | ContentMismatchException e) {
            throw new TemporarilyUnavailableException(
                    "the task's global model " + file + " is not available from IPFS now: " + e.getMessage());
        }
    }
}
