package io.cotrain.oracle.scoring;

import io.cotrain.contracts.generated.ModelRegistry.CommitView;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.TaskContext;

/** {@link ModelStore} over the node's global models and IPFS: a computed model is kept on disk and uploaded. */
final class IpfsModelStore implements ModelStore {
    private final GlobalModels globalModels;
    private final ContentStore content;

    IpfsModelStore(GlobalModels globalModels, ContentStore content) {
        this.globalModels = globalModels;
        this.content = content;
    }

    @Override
    public TaskContext context(long taskId, CommitView commit) {
        return globalModels.ofCommit(taskId, commit);
    }

    @Override
    public byte[] model(CommitView commit) {
        return globalModels.modelOf(commit);
    }

    @Override
    public byte[] update(byte[] contentDigest) {
        // the scorer keeps judgements, not artifacts: an accepted update is fetched again
        ContributionManifest manifest = content.fetchManifest(contentDigest);
        return content.fetchArtifact(manifest.artifacts().getFirst());
    }

    @Override
    public ModelFile publish(byte[] model) {
        globalModels.keep(model);
        return content.putModel(model);
    }
}
