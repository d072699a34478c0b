package io.cotrain.oracle.scoring;

import io.cotrain.contracts.generated.ModelRegistry.CommitView;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.TaskContext;
import java.util.Optional;
import org.web3j.protocol.core.DefaultBlockParameter;

/** {@link ModelStore} over the node's global models and IPFS: a computed model is kept on disk and uploaded. */
final class IpfsModelStore implements ModelStore {
    private final GlobalModels globalModels;
    private final ContentStore content;
    private final ArtifactOpener opener;

    IpfsModelStore(GlobalModels globalModels, ContentStore content, ArtifactOpener opener) {
        this.globalModels = globalModels;
        this.content = content;
        this.opener = opener;
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
    public Optional<CommitView> judgedAgainst(ContributionRecord contribution) {
        return globalModels.headCommitAt(
                contribution.taskId(), DefaultBlockParameter.valueOf(contribution.submittedBlock()));
    }

    @Override
    public Optional<byte[]> update(ContributionRecord contribution) {
        // the scorer keeps judgements, not artifacts: an accepted update is fetched again
        ContributionManifest manifest = content.fetchManifest(contribution.contentDigest());
        byte[] stored = content.fetchArtifact(manifest.artifacts().getFirst());
        return opener.open(contribution, manifest, stored) instanceof ArtifactOpener.Opened.Content opened
                ? Optional.of(opened.bytes())
                : Optional.empty();
    }

    @Override
    public ModelFile publish(byte[] model) {
        globalModels.keep(model);
        return content.putModel(model);
    }
}
