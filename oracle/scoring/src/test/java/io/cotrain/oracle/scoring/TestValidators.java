package io.cotrain.oracle.scoring;

import io.cotrain.client.TransactionListener;
import io.cotrain.contracts.testing.AnvilNode;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.oracle.evaluation.testing.Contributions;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.web3j.crypto.Credentials;

/** What the validator integration tests share: a validator loop on the test chain, a model update stored on IPFS. */
final class TestValidators {
    private TestValidators() {}

    /**
     * @return a validator loop as a node assembles it, with one confirmation and {@code fetching}
     */
    static ValidatorLoop loop(
            AnvilNode anvil,
            CotrainClients chain,
            Credentials key,
            ContentStore content,
            TaskCatalog tasks,
            Path dataDirectory,
            ContentFetching fetching) {
        var options = new ValidatorNode.Options(
                1, 5_000, Duration.ofSeconds(30), BigInteger.ONE, ValidatorLoop.Settings.defaults(), fetching);
        return ValidatorNode.assemble(
                anvil.web3j(),
                anvil.chainId(),
                chain.addresses(),
                key,
                content,
                tasks,
                dataDirectory,
                options,
                ScoringListener.NONE,
                TransactionListener.NONE);
    }

    /** @return a validator loop as a node assembles it, with one confirmation and the default fetching */
    static ValidatorLoop loop(
            AnvilNode anvil,
            CotrainClients chain,
            Credentials key,
            ContentStore content,
            TaskCatalog tasks,
            Path dataDirectory) {
        return loop(anvil, chain, key, content, tasks, dataDirectory, ContentFetching.defaults());
    }

    /**
     * Stores a model update as its contributor does: the model file, then its manifest.
     *
     * @param baseModel the task's base model, which the manifest names
     * @return the manifest, whose digest is what the contributor submits
     */
    static ContributionManifest storeUpdate(
            ContentStore store, long taskId, Credentials contributor, byte[] model, byte[] baseModel) {
        return store(store, manifest(store, taskId, contributor, model, baseModel));
    }

    /** As {@link #storeUpdate(ContentStore, long, Credentials, byte[], byte[])}, made at {@code createdAt}. */
    static ContributionManifest storeUpdate(
            ContentStore store,
            long taskId,
            Credentials contributor,
            byte[] model,
            byte[] baseModel,
            Instant createdAt) {
        return store(
                store, manifest(store, taskId, contributor, model, baseModel).withCreatedAt(createdAt));
    }

    private static ContributionManifest manifest(
            ContentStore store, long taskId, Credentials contributor, byte[] model, byte[] baseModel) {
        Artifact artifact = Artifact.of("model.zip", store.putVerified(model), model, "application/zip");
        return ContributionManifest.modelUpdate(
                taskId,
                contributor.getAddress(),
                List.of(artifact),
                Contributions.SHARD_ROWS,
                Cid.of(baseModel).toString());
    }

    private static ContributionManifest store(ContentStore store, ContributionManifest manifest) {
        store.putManifest(manifest);
        return manifest;
    }
}
