package io.cotrain.deployment;

import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.deployment.demo.DemoTask;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TaskModel;
import io.cotrain.testing.Await;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.nd4j.linalg.dataset.DataSet;
import org.web3j.crypto.Credentials;

/** Contributions the network tests make as a contributor would: trained updates and raw files, through the chain. */
final class NetworkContributions {
    /** Longest a round of the local network takes to end (its blocks come every second or two). */
    private static final Duration ROUND_END = Duration.ofMinutes(5);

    private NetworkContributions() {}

    /**
     * @param task the demo task's directory of a local network
     * @param shard the shard to train on, e.g. "contributor-1.csv"
     * @return the task's global model trained 5 epochs on the shard, as model file bytes
     */
    static byte[] honestUpdate(Path task, String shard) throws Exception {
        TaskModel model = ModelCodec.read(globalModel(task), EvaluationLimits.defaults());
        DataSet data = TabularDataset.parse(
                        Files.readAllBytes(task.resolve("shards").resolve(shard)),
                        DemoTask.SCHEMA,
                        EvaluationLimits.defaults())
                .toDataSet();
        LocalTraining.train(model, data, 5, 1);
        return ModelCodec.write(model);
    }

    static byte[] globalModel(Path task) throws Exception {
        return Files.readAllBytes(task.resolve("global-model.zip"));
    }

    /**
     * Registers the contributor if needed (100 COT), puts the model and its manifest on IPFS and submits it.
     *
     * @return the digest of the manifest submitted: the chain keeps contributions by it
     */
    static byte[] submit(
            CotrainClients chain,
            ContentStore content,
            long taskId,
            Credentials contributor,
            byte[] model,
            byte[] globalModel)
            throws Exception {
        chain.token(contributor)
                .approve(chain.addresses().protocol(), CotrainClients.tokens(100))
                .send();
        if (!chain.protocol(contributor)
                .contributorProfile(contributor.getAddress())
                .send()
                .registered) {
            chain.protocol(contributor)
                    .registerContributor(CotrainClients.tokens(100))
                    .send();
        }
        Artifact artifact = Artifact.of("model.zip", content.putVerified(model), model, "application/zip");
        ContributionManifest manifest = ContributionManifest.modelUpdate(
                taskId,
                contributor.getAddress(),
                List.of(artifact),
                500,
                Cid.of(globalModel).toString());
        content.putManifest(manifest);
        awaitServed(chain, taskId, Duration.ofSeconds(60));
        chain.protocol(contributor)
                .submitContribution(BigInteger.ZERO, manifest.digest(), BigInteger.valueOf(taskId))
                .send();
        return manifest.digest();
    }

    /** Waits until every active validator serves the task in the round open now. */
    static void awaitServed(CotrainClients chain, long taskId, Duration within) throws Exception {
        var registry = chain.registry(DevAccounts.account(0));
        BigInteger task = BigInteger.valueOf(taskId);
        Await.until("every validator serving task " + task, within, () -> {
            BigInteger active = registry.activeMask().send();
            BigInteger round =
                    chain.protocol(DevAccounts.account(0)).currentRound().send();
            return active.signum() > 0
                    && registry.servingMask(task, round).send().and(active).equals(active);
        });
    }

    /** Waits until every contribution left Pending, or the deadline passes; @return whether they all did */
    static boolean awaitSettled(CotrainClients chain, Iterable<byte[]> digests, Duration within) throws Exception {
        return Await.within(within, Duration.ofSeconds(1), () -> settled(chain, digests));
    }

    private static boolean settled(CotrainClients chain, Iterable<byte[]> digests) throws Exception {
        for (byte[] digest : digests) {
            var status = ContributionStatus.of(
                    chain.protocol(DevAccounts.account(0)).contribution(digest).send().status);
            if (status == ContributionStatus.PENDING) return false;
        }
        return true;
    }

    /** Mines nothing, waits for the chain to enter a new round: a round's submissions then share its window. */
    static BigInteger awaitFreshRound(CotrainClients chain) throws Exception {
        CotrainProtocol protocol = chain.protocol(DevAccounts.account(0));
        BigInteger now = protocol.currentRound().send();
        Await.until(
                "round " + now + " to end",
                ROUND_END,
                Duration.ofMillis(200),
                () -> !protocol.currentRound().send().equals(now),
                () -> "");
        return now.add(BigInteger.ONE);
    }
}
