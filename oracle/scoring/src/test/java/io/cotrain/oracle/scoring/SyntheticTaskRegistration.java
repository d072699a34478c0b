package io.cotrain.oracle.scoring;

import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.testing.TestNetwork;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.SchemaDocument;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;

/** A synthetic task registered as its owner registers one. */
final class SyntheticTaskRegistration {
    private SyntheticTaskRegistration() {}

    /**
     * Stores the base model and the schema document on IPFS (validators fetch them by their digests).
     *
     * @return the task's registration with FedAvg and the digest of its held-out set, which validators bind their copy
     *     to
     */
    static ModelRegistry.ModelSpec spec(ContentStore content, SyntheticTabularTask task) {
        ModelFile baseModel = content.putModel(task.baseModelBytes());
        Cid schema = content.putVerified(SchemaDocument.write(task.schema()));
        return TestNetwork.fedAvgSpec(
                baseModel.sha256(), baseModel.root(), Cid.of(task.heldOutCsv()).digest(), schema.digest());
    }

    /**
     * Registers the task as the network's admin, served by the network's validators.
     *
     * @return the registered task
     */
    static TestNetwork.Task register(TestNetwork network, ContentStore content, SyntheticTabularTask task)
            throws Exception {
        return network.registerTask(spec(content, task));
    }
}
