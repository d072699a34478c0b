package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.ipfs.Sealing;
import io.cotrain.ipfs.testing.IpfsExtension;
import io.cotrain.ipfs.testing.IpfsNode;
import io.cotrain.ipfs.testing.SealingKeys;
import io.cotrain.oracle.evaluation.DatasetEvaluator;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.ModelUpdateEvaluator;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/** What the scorer makes of manifests that disagree with the chain, and of IPFS failing, on a real IPFS node. */
@ExtendWith(IpfsExtension.class)
class ContributionScorerIT {
    private static final String CONTRIBUTOR = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
    private static final String SOMEONE_ELSE = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
    private static final ECKeyPair VALIDATOR = ECKeyPair.create(BigInteger.valueOf(0x5EA1));

    @TempDir
    static Path work;

    private static SyntheticTabularTask task;
    private static TaskCatalog tasks;
    private static ContentStore content;
    private static int indexes;
    private static ContributionScorer scorer;
    private static ContributionManifest honest;

    @BeforeAll
    static void setUp(IpfsNode ipfs) throws Exception {
        task = SyntheticTabularTask.standard();
        Path heldOut = Files.write(work.resolve("held-out.csv"), task.heldOutCsv());
        Path base = Files.write(work.resolve("base.zip"), task.baseModelBytes());
        tasks = new TaskCatalog(
                List.of(new TaskCatalog.TaskDefinition(1, task.schema(), heldOut, base)), EvaluationLimits.defaults());
        tasks.bind(1); // no registry here to bind it against
        // a short timeout: content nobody stored is reported within seconds
        content = new ContentStore(
                new IpfsClient(ipfs.apiUrl(), Duration.ofSeconds(2), IpfsClient.DEFAULT_MAX_OBJECT_BYTES));
        scorer = scorer(content);
        byte[] model = new Contributions(task).honestUpdate(0);
        Artifact artifact = Artifact.of("model.zip", content.putVerified(model), model, "application/zip");
        honest = ContributionManifest.modelUpdate(
                1,
                CONTRIBUTOR,
                List.of(artifact),
                2_000,
                Cid.of(task.baseModelBytes()).toString());
        content.putManifest(honest);
    }

    private static ContributionScorer scorer(ContentStore store) {
        Path data = work.resolve("index-" + ++indexes);
        return new ContributionScorer(
                store,
                tasks,
                GlobalModelSource.configured(tasks),
                new ModelUpdateEvaluator(),
                new DatasetEvaluator(),
                Clock.systemUTC(),
                new ArtifactIndex(data),
                new UpdateStore(data),
                ContributionHistory.NONE,
                RoundDeadlines.fixed(Duration.ofSeconds(2)),
                ContentFetching.defaults(),
                new SealedArtifacts(VALIDATOR, block -> Set.of(), new SealingFaultOutbox(data)));
    }

    private static ContributionRecord submitted(int kind, long taskId, String contributor, byte[] digest) {
        return new ContributionRecord(
                BigInteger.ONE, BigInteger.ONE, contributor, kind, taskId, digest, BigInteger.ONE);
    }

    @Test
    void scoresAManifestThatMatchesWhatWasSubmitted() {
        ScoredContribution scored = scorer.score(submitted(0, 1, CONTRIBUTOR.toLowerCase(), honest.digest()));
        assertThat(scored.score()).isGreaterThan(50);
        assertThat(scored.floorReason()).isEmpty();
        assertThat(scored.metrics()).containsKeys("accuracy", "baselineAccuracy");
    }

    /** Sealed to this validator on a real node: the node holds ciphertext only, and the score is the open one's. */
    @Test
    void scoresASealedUpdateAsItsOpenTwin() throws Exception {
        byte[] model = new Contributions(task).honestUpdate(0);
        ContributionManifest plain = ContributionManifest.modelUpdate(
                1,
                CONTRIBUTOR,
                List.of(Artifact.of("model.zip", Cid.of(model), model, "application/zip")),
                2_000,
                Cid.of(task.baseModelBytes()).toString());
        ContributionManifest sealed = content.putSealed(
                plain, model, SealingKeys.publicKeys(VALIDATOR), Sealing.KeySource.random(new SecureRandom()));
        content.putManifest(sealed);
        Artifact ciphertext = sealed.artifacts().getFirst();
        assertThat(content.fetchArtifact(ciphertext)).isNotEqualTo(model);

        ScoredContribution scored = scorer.score(submitted(0, 1, CONTRIBUTOR, sealed.digest()));
        ScoredContribution open = scorer(content).score(submitted(0, 1, CONTRIBUTOR, honest.digest()));

        assertThat(scored.floorReason()).isEmpty();
        assertThat(scored.score()).isEqualTo(open.score());
        assertThat(scored.metrics()).isEqualTo(open.metrics());
    }

    @Test
    void floorsAManifestThatDisagreesWithTheChain() {
        assertThat(scorer.score(submitted(1, 1, CONTRIBUTOR, honest.digest())).floorReason())
                .contains("the manifest is a MODEL_UPDATE but was submitted as kind 1");
        assertThat(scorer.score(submitted(0, 1, SOMEONE_ELSE, honest.digest())).floorReason())
                .contains("the manifest names contributor " + CONTRIBUTOR.toLowerCase() + " but " + SOMEONE_ELSE
                        + " submitted it");
        assertThat(scorer.score(submitted(0, 2, CONTRIBUTOR, honest.digest())).floorReason())
                .contains("unknown task 2");
    }

    @Test
    void floorsADigestWhoseContentNobodyStored() {
        byte[] unknown = Cid.of("never stored".getBytes()).digest();
        ScoredContribution scored = scorer.score(submitted(0, 1, CONTRIBUTOR, unknown));
        assertThat(scored.score()).isEqualTo(1);
        assertThat(scored.floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("content not available"));
    }

    @Test
    void aNodeThatIsDownIsNotTheContributorsFault() {
        ContentStore down = new ContentStore(new IpfsClient(
                URI.create("http://127.0.0.1:1"), Duration.ofSeconds(1), IpfsClient.DEFAULT_MAX_OBJECT_BYTES));
        try (ContributionScorer unlucky = scorer(down)) {
            assertThatThrownBy(() -> unlucky.score(submitted(0, 1, CONTRIBUTOR, honest.digest())))
                    .isInstanceOf(TransientFailureException.class);
            List<ScoredContribution> delivered = new ArrayList<>();
            assertThatThrownBy(() ->
                            unlucky.scoreAll(List.of(submitted(0, 1, CONTRIBUTOR, honest.digest())), delivered::add))
                    .isInstanceOf(TransientFailureException.class);
            assertThat(delivered).isEmpty();
        }
    }
}
