package io.cotrain.validator;

import io.cotrain.oracle.scoring.TaskCatalog;
import io.cotrain.oracle.scoring.ValidatorLoop;
import io.cotrain.oracle.scoring.ValidatorStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET /status}: what the validator is doing, as of its last tick. */
@Path("/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {
    /** One round the node still works on and its phase (Submission, Commit, Reveal, Finalization, Finalized). */
    public record RoundPhase(BigInteger round, String phase) {}

    /**
     * @param address the validator's signing address
     * @param chainId the chain it follows
     * @param lastProcessedBlock the last block whose events it handled
     * @param currentRound the round accepting submissions
     * @param currentPhase that round's phase, if the node has seen it
     * @param rounds the rounds it still works on, oldest first
     * @param pendingEvaluations contributions seen but not judged yet
     * @param lastErrors the most recent failures, newest last
     * @param tasks the task ids it holds: configured or taken up, and bound to their registry entries
     * @param ticks ticks completed since start
     * @param updatedAt when the loop last took stock (null before the first tick)
     */
    public record StatusView(
            String address,
            long chainId,
            BigInteger lastProcessedBlock,
            BigInteger currentRound,
            String currentPhase,
            List<RoundPhase> rounds,
            int pendingEvaluations,
            List<String> lastErrors,
            List<Long> tasks,
            long ticks,
            Instant updatedAt) {}

    /** What a node that does not validate answers for its validator's status and judgements (404). */
    static final String NOT_VALIDATING =
            "this node does not validate (cotrain.validation.enabled=false): it serves the gateway API only";

    @Inject
    ValidatorService node;

    @Inject
    Optional<ValidatorLoop> loop;

    @Inject
    TaskCatalog tasks;

    @GET
    public StatusView status() {
        ValidatorStatus status = loop.orElseThrow(() -> ProblemException.notFound(NOT_VALIDATING))
                .status();
        List<RoundPhase> rounds = status.rounds().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new RoundPhase(e.getKey(), e.getValue()))
                .toList();
        return new StatusView(
                status.address(),
                status.chainId(),
                status.lastProcessedBlock(),
                status.currentRound(),
                status.rounds().get(status.currentRound()),
                rounds,
                status.pendingEvaluations(),
                status.lastErrors(),
                tasks.taskIds(),
                node.ticks(),
                status.updatedAt());
    }
}
