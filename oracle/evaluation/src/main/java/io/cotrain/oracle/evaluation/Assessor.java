package io.cotrain.oracle.evaluation;

/**
 * Judges one kind of contribution's artifact on its own against a task: {@link ModelUpdateEvaluator},
 * {@link DatasetEvaluator}.
 */
@FunctionalInterface
public interface Assessor {

    /**
     * @param task the task and global model the artifact is judged against
     * @param artifact the artifact's verified bytes
     * @return the judgement: the floor with its reason when a guard rejects the input
     * @throws EvaluationFailedException when the node failed for a reason that is not the input's
     */
    Assessment assess(TaskContext task, byte[] artifact);
}
