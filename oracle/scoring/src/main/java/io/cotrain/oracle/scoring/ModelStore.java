package io.cotrain.oracle.scoring;

import io.cotrain.contracts.generated.ModelRegistry.CommitView;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.TaskContext;
import java.util.Optional;

/** Where {@link ModelCommitter} gets the models it combines and puts the ones it computes. */
interface ModelStore {
    /** @return the task with the commit's model as its global model */
    TaskContext context(long taskId, CommitView commit);

    /** @return the commit's model file, verified */
    byte[] model(CommitView commit);

    /**
     * @param contribution a model update
     * @return the commit whose model it was judged against ({@link GlobalModels}: its task's default-branch head as of
     *     the block it was submitted in), empty if the registry did not know the task then
     */
    Optional<CommitView> judgedAgainst(ContributionRecord contribution);

    /**
     * @param contribution an accepted model update
     * @return the model its manifest names (the manifest was verified when it was judged), opened if it is sealed;
     *     empty when this validator cannot open it (sealed to the others only)
     */
    Optional<byte[]> update(ContributionRecord contribution);

    /**
     * Keeps a computed model and makes it available to everyone.
     *
     * @return where it is published
     */
    ModelFile publish(byte[] model);
}
