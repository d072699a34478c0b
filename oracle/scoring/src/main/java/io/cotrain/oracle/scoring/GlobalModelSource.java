package io.cotrain.oracle.scoring;

import io.cotrain.oracle.evaluation.TaskContext;
import java.util.Optional;

/** Which global model a contribution is judged against. */
@FunctionalInterface
public interface GlobalModelSource {
    /**
     * @param contribution a contribution
     * @return its task's context with the global model it is judged against, or empty for a task this node lacks
     * @throws TransientFailureException if that model cannot be had now (chain or IPFS down)
     */
    Optional<TaskContext> contextFor(ContributionRecord contribution);

    /**
     * @param tasks the configured tasks
     * @return a source that always answers the configured global model: for a network without a model registry
     */
    static GlobalModelSource configured(TaskCatalog tasks) {
        return contribution -> tasks.task(contribution.taskId());
    }
}
