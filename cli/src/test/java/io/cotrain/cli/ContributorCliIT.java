package io.cotrain.cli;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.client.EventQuery;
import io.cotrain.client.EventReader;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.ScoreCommitment;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.testing.AnvilExtension;
import io.cotrain.contracts.testing.AnvilNode;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.contracts.testing.TestNetwork;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.HeldOutEnvelope;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.ipfs.Sealing;
import io.cotrain.ipfs.testing.IpfsExtension;
import io.cotrain.ipfs.testing.IpfsNode;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.HeldOutMetrics;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.MissingValues;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.SchemaDerivation;
import io.cotrain.oracle.evaluation.SchemaDocument;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TabularModels;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.TaskMetric;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import io.cotrain.testing.LocalProcesses;
import io.cotrain.testing.RepositoryRoot;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.WalletUtils;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.tx.Transfer;
import org.web3j.utils.Convert;
import org.web3j.utils.Numeric;

/**
 * Every command of the CLI, run in-process against a real anvil chain (fresh deployment, one bonded validator driven
 * by the test) and a real js-ipfs node, with a task registered in the model registry: the outcomes are read back from
 * the chain and from IPFS, and every error a contributor can run into is provoked for real.
 *
 * <p>The network is the class's (deploying per test would be too slow); each test is a scenario of its own on it, in
 * any order: it creates the accounts it acts with (fresh wallets), its own contributions and, when it records commits
 * or moves branches, its own task. Only the contributor's journey records a commit on task 1, the task contributors
 * train on, and it is the only test that needs task 1 as registered. Round numbers, task and commit ids, which the
 * other scenarios advance, are read from the chain; a scenario that needs a round of its own mines to a fresh one,
 * and one that changes a parameter restores it (and leaves no round opened with it).
 */
@ExtendWith({AnvilExtension.class, IpfsExtension.class})
class ContributorCliIT {
    private static final long TASK = 1;
    private static final int SHARD_ROWS = 200;
    private static final Credentials ADMIN = DevAccounts.account(0);
    private static final Credentials VALIDATOR = DevAccounts.account(1);
    private static final Pattern DIGEST = Pattern.compile("manifest digest: (0x[0-9a-f]{64})");
    private static final BigInteger MAX_CONTRIBUTIONS_PER_ROUND = BigInteger.valueOf(22);
    private static final BigInteger MAX_CONTRIBUTIONS_PER_CONTRIBUTOR = BigInteger.valueOf(23);

    @TempDir
    static Path work;

    private static AnvilNode anvil;
    private static IpfsNode ipfs;
    private static TestNetwork network;
    private static CotrainClients chain;
    private static ContentStore content;
    private static SyntheticTabularTask task;
    private static ModelRegistry.ModelSpec taskSpec;
    private static byte[] baseModel;
    private static Path deploymentFile;
    private static Path shard; // read-only training data: no scenario uploads it

    @BeforeAll
    static void network(AnvilNode anvilNode, IpfsNode ipfsNode) throws Exception {
        anvil = anvilNode;
        ipfs = ipfsNode;
        network = TestNetwork.builder(anvil)
                .admin(ADMIN)
                .validators(List.of(VALIDATOR))
                .build();
        chain = network.chain();
        // as the validator's node does on its first tick (anyone may, the key is the address's): content is sealed to
        // it
        chain.registry(ADMIN)
                .publishPublicKey(Numeric.toBytesPadded(VALIDATOR.getEcKeyPair().getPublicKey(), 64))
                .send();
        DeploymentAddresses addresses = network.addresses();
        deploymentFile = work.resolve("addresses.json");
        addresses.write(deploymentFile);

        // The task: its base model and schema document on IPFS, registered by the admin as model 1.
        content = new ContentStore(ipfs.client());
        task = SyntheticTabularTask.standard();
        baseModel = ModelCodec.write(TabularModels.baseModel(task.schema(), 42));
        ModelFile base = content.putModel(baseModel);
        Cid schema = content.putVerified(SchemaDocument.write(task.schema()));
        byte[] heldOut =
                MessageDigest.getInstance("SHA-256").digest("held-out set of task 1".getBytes(StandardCharsets.UTF_8));
        taskSpec = new ModelRegistry.ModelSpec(
                base.sha256(),
                base.root(),
                heldOut,
                schema.digest(),
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.valueOf(6_000),
                BigInteger.valueOf(3_000),
                BigInteger.valueOf(1_000));
        TestNetwork.Task registered = network.registerTask(taskSpec);
        assertThat(registered.id()).isEqualTo(BigInteger.ONE);
        assertThat(registered.baseCommit()).as("task 1's base commit").isEqualTo(BigInteger.ONE);

        shard = Files.write(work.resolve("shard.csv"), task.shardCsv(0, SHARD_ROWS));
    }

    // ---- the contributor's journey ----------------------------------------------------------------------------

    /**
     * One contributor from registration to the model history that aggregates her work: register, status, train and
     * submit, submit a manifest and a dataset, copies refused, the validator scores the round, claim, history. Each
     * stage builds on the state the ones before it left (stake, contributions, scores, reputation, commits).
     */
    @Test
    void aContributorsJourney_registerStatusTrainSubmitCopiesClaimAndHistory() throws Exception {
        Credentials alice = newAccount(150, true);
        Credentials bob = newAccount(100, true); // never registers
        List<BigInteger> aliceContributions = new ArrayList<>();
        List<byte[]> aliceDigests = new ArrayList<>();

        // ---- 1. register: checks the balance and the minimum, then stakes, then adds to the stake -----------------
        CliRunner.Result tooMuch = cli(alice, "register", "--stake", "200");
        assertThat(tooMuch.exitCode()).as(tooMuch.toString()).isEqualTo(1);
        assertThat(tooMuch.err())
                .isEqualTo("error: insufficient token balance: " + alice.getAddress()
                        + " has 150 COT, 200 COT needed: get more COT first, or stake less\n");
        assertThat(chain.token(ADMIN)
                        .allowance(alice.getAddress(), protocolAddress())
                        .send())
                .as("nothing approved")
                .isZero();

        CliRunner.Result tooLittle = cli(alice, "register", "--stake", "50");
        assertThat(tooLittle.exitCode()).isEqualTo(1);
        assertThat(tooLittle.err())
                .contains("a first stake must be at least 100 COT, got 50 COT: cotrain register --stake 100");
        assertThat(profile(alice).registered).isFalse();

        CliRunner.Result registered = cli(alice, "register", "--stake", "100");
        assertThat(registered.exitCode()).as(registered.toString()).isZero();
        assertThat(registered.out())
                .contains("registered " + alice.getAddress() + " as a contributor with a stake of 100 COT");
        assertThat(profile(alice).registered).isTrue();
        assertThat(profile(alice).stake).isEqualTo(tokens(100));
        assertThat(chain.token(ADMIN).balanceOf(alice.getAddress()).send()).isEqualTo(tokens(50));

        CliRunner.Result more = cli(alice, "register", "--stake", "12.5");
        assertThat(more.exitCode()).as(more.toString()).isZero();
        assertThat(more.out()).contains("increased by 12.5 COT to 112.5 COT");
        assertThat(profile(alice).stake).isEqualTo(TokenAmount.parse("112.5"));
        assertThat(chain.token(ADMIN).balanceOf(alice.getAddress()).send()).isEqualTo(TokenAmount.parse("37.5"));

        // ---- 2. status: the account, with the deployment found at its default place -------------------------------
        Path workingDirectory = Files.createDirectories(work.resolve("status-dir"));
        Path defaultFile =
                DeploymentAddresses.fileFor(workingDirectory.resolve("deployment/addresses"), anvil.chainId());
        Files.createDirectories(defaultFile.getParent());
        Files.copy(deploymentFile, defaultFile);
        Map<String, String> variables = new HashMap<>(variables(alice));
        variables.remove("COTRAIN_DEPLOYMENT");

        // A fresh round, which nobody submitted to yet: it still reports when its submission window ends. The
        // journey's contributions (stages 3 to 5) go to it too, with its whole window, and are scored in stage 6.
        BigInteger round = mineToFreshRound();
        CotrainProtocol.RoundView open = chain.protocol(ADMIN).roundInfo(round).send();
        assertThat(open.exists).isFalse();
        BigInteger left = open.submissionEndBlock.subtract(anvil.blockNumber());

        CliRunner.Result status = CliRunner.run(CliRunner.environment(variables, workingDirectory), "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out())
                .contains("address            " + alice.getAddress())
                .contains("token balance      37.5 COT")
                .contains("stake              112.5 COT (0 COT locked, 112.5 COT free)")
                .contains("unbonding          none")
                .contains("reputation         50.00% (5000 of 10000)")
                .contains("contributions      none submitted yet")
                .contains("your submissions   0 of at most 64 to round " + round + "\n")
                .contains("claimable rewards  0 COT")
                .contains("current round      " + round + ", submission phase, submission window ends at block "
                        + open.submissionEndBlock + " (" + left + " block" + (left.equals(BigInteger.ONE) ? "" : "s")
                        + " to go; no contributions yet, at most 512)")
                .doesNotContain("PAUSED");

        CliRunner.Result unregistered = cli(bob, "status");
        assertThat(unregistered.exitCode()).isZero();
        assertThat(unregistered.out()).contains("stake              not registered: cotrain register --stake 100");

        // ---- 3. train --submit: stores only the weights and the manifest, and records the contribution ------------
        Path out = work.resolve("alice-update");
        CliRunner.Result trained = cli(
                alice,
                "train",
                "--task",
                "1",
                "--data",
                shard.toString(),
                "--epochs",
                "2",
                "--seed",
                "3",
                "--out",
                out.toString(),
                "--submit");
        assertThat(trained.exitCode()).as(trained.toString()).isZero();
        assertThat(trained.err())
                .contains("on 200 rows of shard.csv: 2 epochs, seed 3")
                .contains("epoch 1/2 [")
                .contains("epoch 2/2 [" + "#".repeat(30) + "] batch 4/4");
        byte[] digest = digestIn(trained.out());

        // On chain: the contribution names the manifest, the task and the contributor, and locks stake.
        BigInteger id = chain.protocol(ADMIN).nextContributionId().send().subtract(BigInteger.ONE);
        aliceContributions.add(id);
        aliceDigests.add(digest);
        assertThat(trained.out()).contains("submitted contribution " + id + " to round ");
        CotrainProtocol.ContributionView recorded = contribution(digest);
        assertThat(recorded.id).isEqualTo(id);
        assertThat(recorded.contentDigest).isEqualTo(digest);
        assertThat(recorded.taskId).isEqualTo(BigInteger.valueOf(TASK));
        assertThat(recorded.kind).isEqualTo(BigInteger.ZERO);
        assertThat(recorded.contributor).isEqualToIgnoringCase(alice.getAddress());
        assertThat(ContributionStatus.of(recorded.status)).isEqualTo(ContributionStatus.PENDING);
        assertThat(profile(alice).lockedStake).isEqualTo(tokens(10));

        // The files written, and what IPFS holds: the manifest, listing the weights only, and the weights.
        byte[] aliceUpdate = Files.readAllBytes(out.resolve("model-update.zip"));
        byte[] manifestFile = Files.readAllBytes(out.resolve("manifest.json"));
        assertThat(MessageDigest.getInstance("SHA-256").digest(manifestFile)).isEqualTo(digest);
        ContributionManifest manifest = content.fetchManifest(digest);
        assertThat(manifest.canonicalBytes()).isEqualTo(manifestFile);
        assertThat(manifest.kind()).isEqualTo(ContributionKind.MODEL_UPDATE);
        assertThat(manifest.taskId()).isEqualTo(TASK);
        assertThat(manifest.contributor()).isEqualTo(alice.getAddress().toLowerCase());
        assertThat(manifest.trainingSamples().getAsLong()).isEqualTo(SHARD_ROWS);
        assertThat(manifest.baseModel()).contains(ModelCodec.sha256Hex(baseModel));
        assertThat(manifest.artifacts()).hasSize(1);
        Artifact weights = manifest.artifacts().getFirst();
        assertThat(weights.name()).isEqualTo("model.zip");
        assertThat(weights.mediaType()).isEqualTo("application/zip");
        // IPFS holds the weights sealed to the validator and alice only: ciphertext, opened by their keys.
        byte[] ciphertext = content.fetchArtifact(weights);
        assertThat(ciphertext).isNotEqualTo(aliceUpdate);
        Sealing sealing = manifest.sealing().orElseThrow();
        assertThat(sealing.recipients())
                .extracting(Sealing.Recipient::address)
                .containsExactlyInAnyOrder(
                        VALIDATOR.getAddress().toLowerCase(), alice.getAddress().toLowerCase());
        assertThat(sealing.open(manifest.binding(), ciphertext, VALIDATOR.getEcKeyPair()))
                .isEqualTo(aliceUpdate);
        assertThatThrownBy(() -> sealing.open(manifest.binding(), ciphertext, ADMIN.getEcKeyPair()))
                .as("a wallet that is not a validator cannot decrypt")
                .isInstanceOf(Sealing.OpenException.class);
        assertNotOnIpfs(aliceUpdate);
        assertThat(ModelCodec.read(
                        aliceUpdate, EvaluationLimits.defaults(), TabularModels.baseArchitecture(task.schema())))
                .isNotNull();

        // Deterministic: exactly LocalTraining from the global model with the same data, epochs and seed.
        TabularDataset data =
                TabularDataset.parse(Files.readAllBytes(shard), task.schema(), EvaluationLimits.defaults());
        byte[] expected = ModelCodec.write(
                LocalTraining.train(ModelCodec.read(baseModel, EvaluationLimits.defaults()), data.toDataSet(), 2, 3));
        assertThat(aliceUpdate).isEqualTo(expected);

        // The training data never left the machine.
        assertNotOnIpfs(Files.readAllBytes(shard));

        // ---- 4. submit: a manifest on IPFS, and a dataset -----------------------------------------------------------
        // A model update trained without --submit, submitted by its digest.
        Path shard1 = Files.write(work.resolve("shard-1.csv"), task.shardCsv(1, 100));
        CliRunner.Result trainedOnly = cli(
                alice,
                "train",
                "--task",
                "1",
                "--data",
                shard1.toString(),
                "--epochs",
                "1",
                "--out",
                work.resolve("alice-update-2").toString());
        assertThat(trainedOnly.exitCode()).as(trainedOnly.toString()).isZero();
        String secondDigest = Arguments.hex(digestIn(trainedOnly.out()));
        assertThat(trainedOnly.out()).contains("submit it with: cotrain submit --task 1 --manifest " + secondDigest);

        CliRunner.Result submitted = cli(alice, "submit", "--task", "1", "--manifest", secondDigest.substring(2));
        assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
        id = lastContribution();
        aliceContributions.add(id);
        aliceDigests.add(Numeric.hexStringToByteArray(secondDigest));
        assertThat(submitted.out())
                .contains("submitted contribution " + id + " to round ")
                .contains("manifest digest: " + secondDigest);
        CotrainProtocol.ContributionView update = contribution(Numeric.hexStringToByteArray(secondDigest));
        assertThat(update.id).isEqualTo(id);
        assertThat(update.kind).isEqualTo(BigInteger.ZERO);
        assertThat(update.taskId).isEqualTo(BigInteger.ONE);

        // A dataset: the CSV and its manifest go to IPFS, the manifest's digest on chain.
        Path dataset = Files.write(work.resolve("dataset.csv"), task.shardCsv(2, 150));
        CliRunner.Result shared = cli(alice, "submit", "--task", "1", "--dataset", dataset.toString());
        assertThat(shared.exitCode()).as(shared.toString()).isZero();
        id = lastContribution();
        aliceContributions.add(id);
        aliceDigests.add(digestIn(shared.out()));
        CotrainProtocol.ContributionView sharedRecord = contribution(digestIn(shared.out()));
        assertThat(sharedRecord.id).isEqualTo(id);
        assertThat(sharedRecord.kind).isEqualTo(BigInteger.ONE);
        ContributionManifest datasetManifest = content.fetchManifest(sharedRecord.contentDigest);
        assertThat(datasetManifest.kind()).isEqualTo(ContributionKind.DATASET);
        assertThat(datasetManifest.trainingSamples().getAsLong()).isEqualTo(150);
        assertThat(datasetManifest.dataSchema().orElseThrow().columns())
                .isEqualTo(task.schema().columns());
        assertThat(datasetManifest.artifacts()).singleElement().satisfies(artifact -> {
            assertThat(artifact.name()).isEqualTo("data.csv");
            assertThat(datasetManifest
                            .sealing()
                            .orElseThrow()
                            .open(datasetManifest.binding(), content.fetchArtifact(artifact), alice.getEcKeyPair()))
                    .isEqualTo(Files.readAllBytes(dataset));
        });
        assertThat(profile(alice).lockedStake).isEqualTo(tokens(30));
        assertNotOnIpfs(Files.readAllBytes(dataset));

        // ---- 5. copies: a manifest submitted before is refused before anything is sent, by whoever submits it ----
        BigInteger next = chain.protocol(ADMIN).nextContributionId().send();
        byte[] first = aliceDigests.getFirst();
        BigInteger firstRound = contribution(first).round;
        String copies = ": a digest is accepted once, ever, and copies earn nothing; nothing was submitted. Submit new "
                + "work instead (other data, or an update trained with other data, epochs or --seed)\n";

        // The same digest again, by its digest.
        CliRunner.Result again = cli(alice, "submit", "--task", "1", "--manifest", Arguments.hex(first));
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
        assertThat(again.err())
                .isEqualTo("error: this exact manifest (" + Arguments.hex(first) + ") was already "
                        + "submitted, as contribution " + aliceContributions.getFirst() + " (round " + firstRound
                        + ", by you, "
                        + "pending)" + copies);

        // Training again with the same data, epochs and seed from the same global model gives the same manifest:
        // refused after training, before anything is stored or sent.
        Path againOut = work.resolve("alice-update-again");
        CliRunner.Result retrained = cli(
                alice,
                "train",
                "--task",
                "1",
                "--data",
                shard.toString(),
                "--epochs",
                "2",
                "--seed",
                "3",
                "--out",
                againOut.toString(),
                "--submit");
        assertThat(retrained.exitCode()).as(retrained.toString()).isEqualTo(1);
        assertThat(retrained.err())
                .contains("epoch 2/2 [")
                .endsWith("error: this exact manifest ("
                        + Arguments.hex(first) + ") was already submitted, as contribution "
                        + aliceContributions.getFirst()
                        + " (round " + firstRound + ", by you, pending)" + copies);
        assertThat(againOut).doesNotExist();
        // Without --submit the update is still written, with a warning instead of the submit command.
        CliRunner.Result retrainedOnly = cli(
                alice,
                "train",
                "--task",
                "1",
                "--data",
                shard.toString(),
                "--epochs",
                "2",
                "--seed",
                "3",
                "--out",
                againOut.toString());
        assertThat(retrainedOnly.exitCode()).as(retrainedOnly.toString()).isZero();
        assertThat(retrainedOnly.err())
                .endsWith("warning: this exact manifest (" + Arguments.hex(first) + ") was "
                        + "already submitted, as contribution " + aliceContributions.getFirst() + " (round "
                        + firstRound + ", by you, pending)" + copies);
        assertThat(retrainedOnly.out())
                .contains("manifest digest: " + Arguments.hex(first))
                .doesNotContain("submit it with");
        assertThat(Files.readAllBytes(againOut.resolve("model-update.zip"))).isEqualTo(aliceUpdate);

        // The same dataset again: its manifest is computed before the CSV is uploaded.
        CliRunner.Result datasetAgain = cli(
                alice,
                "submit",
                "--task",
                "1",
                "--dataset",
                work.resolve("dataset.csv").toString());
        assertThat(datasetAgain.exitCode()).isEqualTo(1);
        assertThat(datasetAgain.err())
                .contains("error: this exact manifest (" + Arguments.hex(aliceDigests.get(2))
                        + ") was already submitted, as contribution " + aliceContributions.get(2) + " (round ");

        // Another contributor's copy names whose it is.
        Credentials dave = newAccount(100, true);
        chain.token(dave).approve(protocolAddress(), tokens(100)).send();
        chain.protocol(dave).registerContributor(tokens(100)).send();
        CliRunner.Result copy = cli(dave, "submit", "--task", "1", "--manifest", Arguments.hex(first));
        assertThat(copy.exitCode()).isEqualTo(1);
        assertThat(copy.err())
                .isEqualTo("error: this exact manifest (" + Arguments.hex(first) + ") was already "
                        + "submitted, as contribution " + aliceContributions.getFirst() + " (round " + firstRound
                        + ", by " + contribution(first).contributor + ", pending)" + copies);
        assertThat(contribution(first).contributor).isEqualToIgnoringCase(alice.getAddress());

        assertThat(chain.protocol(ADMIN).nextContributionId().send())
                .as("nothing submitted")
                .isEqualTo(next);
        assertThat(profile(dave).lockedStake).isZero();

        // ---- 6. claim: nothing before the round is scored, then everything credited ------------------------------
        CliRunner.Result nothing = cli(alice, "claim");
        assertThat(nothing.exitCode()).as(nothing.toString()).isEqualTo(1);
        assertThat(nothing.err())
                .startsWith("error: nothing to claim for " + alice.getAddress().toLowerCase()
                        + ": rewards are credited when a round is finalized in which your contributions scored above "
                        + "the "
                        + "neutral score");
        assertThat(cli(alice, "status").out()).contains("contributions      3 submitted: 3 pending; 0 COT earned");

        // Content stays sealed while its round is open: a reveal now is refused, and nothing is published.
        CliRunner.Result early = cli(alice, "reveal", "--manifest", Arguments.hex(aliceDigests.getFirst()));
        assertThat(early.exitCode()).as(early.toString()).isEqualTo(1);
        assertThat(early.err()).contains("is not finalized yet: its content stays sealed until the round is scored");

        // Scores: the first update 80 (above the neutral 50: rewarded), the second 50 (no measurable value: stake
        // released, no reward), the dataset 90 (rewarded).
        Map<String, Integer> scores = Map.of(
                Arguments.hex(aliceDigests.get(0)),
                80,
                Arguments.hex(aliceDigests.get(1)),
                50,
                Arguments.hex(aliceDigests.get(2)),
                90);
        TreeSet<BigInteger> rounds = new TreeSet<>();
        for (byte[] each : aliceDigests) rounds.add(contribution(each).round);
        for (BigInteger scored : rounds) scoreAndFinalize(scored, scores);
        assertThat(aliceDigests.stream().map(each -> status(each)))
                .containsExactly(
                        ContributionStatus.ACCEPTED, ContributionStatus.UNREWARDED, ContributionStatus.ACCEPTED);
        // base x (score - 50) / 50 x (0.5 + reputation / 10000), the reputation moving 20% towards each score:
        // 20 x 30/50 x 1.0 = 12 (reputation 5000 -> 5600), nothing at 50 (5600 -> 5480), 15 x 40/50 x 1.048 = 12.576
        BigInteger claimable =
                chain.protocol(ADMIN).claimable(alice.getAddress()).send();
        assertThat(claimable).isEqualTo(TokenAmount.parse("24.576"));
        assertThat(profile(alice).reputation).isEqualTo(BigInteger.valueOf(6_184));
        assertThat(profile(alice).stake).as("nothing slashed").isEqualTo(TokenAmount.parse("112.5"));
        BigInteger before = chain.token(ADMIN).balanceOf(alice.getAddress()).send();

        // Once scored, alice may reveal her first update: its content key, published on chain, opens it for anyone.
        CliRunner.Result revealed = cli(alice, "reveal", "--manifest", Arguments.hex(aliceDigests.getFirst()));
        assertThat(revealed.exitCode()).as(revealed.toString()).isZero();
        assertThat(revealed.out()).contains("revealed contribution " + aliceContributions.getFirst() + ": anyone can");
        byte[] contentKey = Numeric.hexStringToByteArray(
                revealed.out().replaceAll("(?s).*with content key (0x[0-9a-f]{64}).*", "$1"));
        ContributionManifest sealedFirst = content.fetchManifest(aliceDigests.getFirst());
        assertThat(sealedFirst
                        .sealing()
                        .orElseThrow()
                        .open(
                                contentKey,
                                sealedFirst.binding(),
                                content.fetchArtifact(sealedFirst.artifacts().getFirst())))
                .isEqualTo(aliceUpdate);
        CliRunner.Result notHers =
                cli(newAccount(10, true), "reveal", "--manifest", Arguments.hex(aliceDigests.getFirst()));
        assertThat(notHers.exitCode()).isEqualTo(1);
        assertThat(notHers.err()).contains("only a contribution's contributor can reveal it");

        CliRunner.Result claimed = cli(alice, "claim");
        assertThat(claimed.exitCode()).as(claimed.toString()).isZero();
        assertThat(claimed.out())
                .contains("claimed " + TokenAmount.format(claimable) + "; token balance now "
                        + TokenAmount.format(before.add(claimable)));
        assertThat(chain.protocol(ADMIN).claimable(alice.getAddress()).send()).isZero();
        assertThat(chain.token(ADMIN).balanceOf(alice.getAddress()).send()).isEqualTo(before.add(claimable));
        assertThat(profile(alice).lockedStake).isZero();
        CliRunner.Result credited = cli(alice, "status", "--contributions");
        assertThat(credited.exitCode()).as(credited.toString()).isZero();
        assertThat(credited.out())
                .contains("contributions      3 submitted: 2 accepted, 1 unrewarded; 24.576 COT earned")
                .contains("reputation         61.84% (6184 of 10000)")
                .contains("claimable rewards  0 COT")
                .contains("Accepted: scored above the neutral score: rewarded base x (score - neutral) / "
                        + "(100 - neutral)")
                .contains(ContributionStatus.UNREWARDED.title() + ": " + ContributionStatus.UNREWARDED.meaning());
        List<String> rows =
                credited.out().lines().filter(line -> line.matches("\\d+ .*")).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).split("\\s{2,}"))
                .containsExactly(
                        aliceContributions.get(0).toString(),
                        firstRound.toString(),
                        "model update",
                        "Accepted",
                        "80",
                        "12 COT",
                        "0 COT",
                        Arguments.hex(aliceDigests.get(0)));
        assertThat(rows.get(1).split("\\s{2,}"))
                .containsExactly(
                        aliceContributions.get(1).toString(),
                        contribution(aliceDigests.get(1)).round.toString(),
                        "model update",
                        "Unrewarded",
                        "50",
                        "0 COT",
                        "0 COT",
                        Arguments.hex(aliceDigests.get(1)));
        assertThat(rows.get(2).split("\\s{2,}"))
                .containsExactly(
                        aliceContributions.get(2).toString(),
                        contribution(aliceDigests.get(2)).round.toString(),
                        "dataset",
                        "Accepted",
                        "90",
                        "12.576 COT",
                        "0 COT",
                        Arguments.hex(aliceDigests.get(2)));

        // ---- 7. history: the commits, and training starts from the default branch head ---------------------------
        // The validator records the round's aggregate (here: alice's update) on task 1's branch 0, on its base commit
        // 1; the owner branches from 1. Only the accepted update is aggregated: the one scored at the neutral score
        // brought nothing measurable. Commit ids are global: other scenarios may have recorded some before.
        ModelFile aggregate = content.putModel(aliceUpdate);
        chain.models(VALIDATOR)
                .attestCommit(new ModelRegistry.CommitAttestation(
                        BigInteger.ONE,
                        BigInteger.ZERO,
                        BigInteger.ONE,
                        BigInteger.ZERO,
                        firstRound,
                        aggregate.sha256(),
                        aggregate.root(),
                        List.of(aliceContributions.getFirst()),
                        BigInteger.valueOf(712_500),
                        BigInteger.valueOf(650_000)))
                .send();
        BigInteger commit =
                chain.models(ADMIN).branchHead(BigInteger.ONE, BigInteger.ZERO).send();
        assertThat(commit).as("the recorded commit").isGreaterThan(BigInteger.ONE);
        chain.models(ADMIN)
                .createBranch(
                        BigInteger.ONE,
                        BigInteger.ONE,
                        Arrays.copyOf("experiment".getBytes(StandardCharsets.UTF_8), 32))
                .send();
        BigInteger recordedBlock = chain.models(ADMIN).commit(commit).send().recordedBlock;
        BigInteger baseBlock = chain.models(ADMIN).commit(BigInteger.ONE).send().recordedBlock;

        // No wallet needed.
        Map<String, String> noWallet = new HashMap<>(variables(alice));
        noWallet.remove("COTRAIN_PRIVATE_KEY");
        CliRunner.Result history = CliRunner.run(CliRunner.environment(noWallet, work), "history", "--task", "1");
        assertThat(history.exitCode()).as(history.toString()).isZero();
        List<String> lines = history.out().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("task 1: 2 commits on 2 branches; rounds train on branch 0 main");
        assertThat(lines.get(1).split("\\s{2,}"))
                .containsExactly(
                        "COMMIT", "BRANCH", "PARENTS", "ROUND", "ACCURACY", "CONTRIBUTIONS", "BLOCK", "HEAD OF");
        assertThat(lines.get(2).split("\\s{2,}"))
                .containsExactly(
                        commit.toString(),
                        "0 main",
                        "1",
                        firstRound.toString(),
                        "71.25%",
                        "1",
                        recordedBlock.toString(),
                        "0 main (default)");
        assertThat(lines.get(3).split("\\s{2,}"))
                .containsExactly("1", "0 main", "-", "-", "-", "0", baseBlock.toString(), "1 experiment (base model)");

        String unknownTask = unknownTask().toString();
        CliRunner.Result unknown =
                CliRunner.run(CliRunner.environment(noWallet, work), "history", "--task", unknownTask);
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: unknown task " + unknownTask + ": ");

        // Training now starts from the recorded commit, the default branch's head.
        CliRunner.Result fromHead = cli(
                alice,
                "train",
                "--task",
                "1",
                "--data",
                shard.toString(),
                "--epochs",
                "1",
                "--out",
                work.resolve("alice-update-3").toString());
        assertThat(fromHead.exitCode()).as(fromHead.toString()).isZero();
        assertThat(fromHead.err()).contains("global model (commit " + commit + ")");
        assertThat(content.fetchManifest(digestIn(fromHead.out())).baseModel())
                .contains(ModelCodec.sha256Hex(aliceUpdate));
    }

    // ---- train and submit errors --------------------------------------------------------------------------------

    @Test
    void trainErrors_unknownTask_malformedCsv_missingFile_ipfsDown_notRegistered() throws Exception {
        Credentials alice = registeredContributor();
        Credentials bob = newAccount(100, true); // never registers
        BigInteger next = chain.protocol(ADMIN).nextContributionId().send();

        BigInteger tasks = chain.models(ADMIN).modelCount().send();
        String unknownTask = tasks.add(BigInteger.ONE).toString();
        CliRunner.Result unknown = cli(alice, "train", "--task", unknownTask, "--data", shard.toString(), "--submit");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err())
                .startsWith("error: unknown task " + unknownTask + ": the model registry at "
                        + chain.addresses().modelRegistry() + " has tasks 1 to " + tasks);

        List<String> lines = new ArrayList<>(Files.readAllLines(shard));
        lines.set(2, lines.get(2).replaceFirst("^([^,]*),([^,]*),([^,]*),", "$1,$2,abc,"));
        Path badValue = Files.write(work.resolve("bad-value.csv"), lines);
        CliRunner.Result malformed = cli(alice, "train", "--task", "1", "--data", badValue.toString());
        assertThat(malformed.exitCode()).isEqualTo(1);
        assertThat(malformed.err())
                .startsWith("error: " + badValue + ": line 3, column 'f2': 'abc' is not a decimal number");
        Path badHeader = Files.writeString(
                work.resolve("bad-header.csv"), task.header().replace("f0", "a") + "\n" + lines.get(1) + "\n");
        assertThat(cli(alice, "train", "--task", "1", "--data", badHeader.toString())
                        .err())
                .contains("line 1, column 'f0': the header has no column 'f0'; the task's columns are "
                        + "f0,f1,f2,f3,f4,f5,f6,f7,label");

        CliRunner.Result missing = cli(
                alice,
                "train",
                "--task",
                "1",
                "--data",
                work.resolve("nope.csv").toString());
        assertThat(missing.err()).isEqualTo("error: --data " + work.resolve("nope.csv") + ": no such file\n");

        int closed = LocalProcesses.freePort();
        CliRunner.Result ipfsDown = cli(
                alice, "train", "--task", "1", "--data", shard.toString(), "--ipfs-url", "http://127.0.0.1:" + closed);
        assertThat(ipfsDown.exitCode()).isEqualTo(3);
        assertThat(ipfsDown.err())
                .startsWith("error: cannot reach the IPFS node at http://127.0.0.1:" + closed + ": ")
                .contains("--ipfs-url / COTRAIN_IPFS_URL");

        CliRunner.Result notRegistered = cli(bob, "train", "--task", "1", "--data", shard.toString(), "--submit");
        assertThat(notRegistered.exitCode()).isEqualTo(1);
        assertThat(notRegistered.err())
                .isEqualTo("error: " + bob.getAddress() + " is not registered as a contributor: "
                        + "register first: cotrain register --stake 100 (the minimum stake is 100 COT)\n");

        assertThat(chain.protocol(ADMIN).nextContributionId().send())
                .as("nothing submitted")
                .isEqualTo(next);
    }

    @Test
    void submitErrors_badDigest_someoneElsesManifest_notRegistered_unknownTask_malformedDataset() throws Exception {
        Credentials alice = registeredContributor();
        Credentials bob = newAccount(100, true); // never registers
        BigInteger next = chain.protocol(ADMIN).nextContributionId().send();

        CliRunner.Result badDigest = cli(alice, "submit", "--task", "1", "--manifest", "0xabc");
        assertThat(badDigest.exitCode()).isEqualTo(2);
        assertThat(badDigest.err())
                .contains("'0xabc' is not a manifest digest: expected the manifest's sha256 as 64 "
                        + "hex digits, optionally 0x-prefixed");

        // A model update's manifest that names bob (the weights do not matter: the contributor is checked first).
        byte[] weights = ModelCodec.write(TabularModels.baseModel(task.schema(), 7));
        Artifact artifact = Artifact.of("model.zip", content.putVerified(weights), weights, "application/zip");
        ContributionManifest bobs = ContributionManifest.modelUpdate(
                TASK, bob.getAddress(), List.of(artifact), 10, ModelCodec.sha256Hex(baseModel));
        content.putManifest(bobs);
        CliRunner.Result notMine = cli(alice, "submit", "--task", "1", "--manifest", Arguments.hex(bobs.digest()));
        assertThat(notMine.exitCode()).isEqualTo(1);
        assertThat(notMine.err())
                .contains("names contributor " + bob.getAddress().toLowerCase() + ", but the wallet is "
                        + alice.getAddress());

        CliRunner.Result notRegistered = cli(bob, "submit", "--task", "1", "--manifest", Arguments.hex(bobs.digest()));
        assertThat(notRegistered.err())
                .contains(bob.getAddress() + " is not registered as a contributor: register "
                        + "first: cotrain register --stake 100");

        String unknownTask = unknownTask().toString();
        CliRunner.Result unknown = cli(alice, "submit", "--task", unknownTask, "--dataset", shard.toString());
        assertThat(unknown.err()).startsWith("error: unknown task " + unknownTask + ": ");

        Path malformed = Files.writeString(work.resolve("malformed.csv"), task.header() + "\n1,2,3,4,5,6,7,8,9\n");
        CliRunner.Result badCsv = cli(alice, "submit", "--task", "1", "--dataset", malformed.toString());
        assertThat(badCsv.err())
                .startsWith("error: " + malformed + ": line 2, column 'label': label 9 is outside 0..2");

        assertThat(chain.protocol(ADMIN).nextContributionId().send())
                .as("nothing submitted")
                .isEqualTo(next);
    }

    // ---- pause ------------------------------------------------------------------------------------------------

    @Test
    void whilePaused_registrationSubmissionAndModelRegistrationAreRefused() throws Exception {
        Credentials alice = registeredContributor();
        Credentials carol = newAccount(100, true); // a would-be model owner
        BigInteger models = chain.models(ADMIN).modelCount().send();
        chain.protocol(ADMIN).pause().send();
        try {
            CliRunner.Result register = cli(alice, "register", "--stake", "1");
            assertThat(register.exitCode()).isEqualTo(1);
            assertThat(register.err())
                    .isEqualTo("error: " + Failures.PAUSED + "\n")
                    .startsWith("error: the protocol is paused: registrations, stake increases, submissions and model "
                            + "registrations wait until it is resumed");
            // checked before anything is uploaded
            Path dataset = Files.write(work.resolve("paused.csv"), task.shardCsv(5, 50));
            CliRunner.Result submit = cli(alice, "submit", "--task", "1", "--dataset", dataset.toString());
            assertThat(submit.exitCode()).as(submit.toString()).isEqualTo(1);
            assertThat(submit.err()).isEqualTo("error: " + Failures.PAUSED + "\n");
            // decoded from the revert (ProtocolPaused) of the model registration's gas estimate
            Path model = Files.write(work.resolve("paused-base.zip"), baseModel);
            Path heldOut = Files.write(work.resolve("paused-held-out.csv"), task.heldOutCsv());
            CliRunner.Result registerModel = cli(
                    carol,
                    "register-model",
                    "--base-model",
                    model.toString(),
                    "--features",
                    String.join(",", task.schema().featureColumns()),
                    "--label",
                    task.schema().labelColumn(),
                    "--classes",
                    Integer.toString(task.schema().classCount()),
                    "--held-out",
                    heldOut.toString());
            assertThat(registerModel.exitCode()).as(registerModel.toString()).isEqualTo(1);
            assertThat(registerModel.err()).isEqualTo("error: " + Failures.PAUSED + "\n");
            assertThat(chain.models(ADMIN).modelCount().send()).isEqualTo(models);

            CliRunner.Result status = cli(alice, "status");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.out())
                    .contains("(paused: the window stands still until the protocol resumes")
                    .contains("protocol           PAUSED: the protocol is paused");
        } finally {
            chain.protocol(ADMIN).unpause().send();
        }
    }

    // ---- unstake ----------------------------------------------------------------------------------------------

    @Test
    void unstake_requestsUnbonding_refusesEarlyWithdrawal_thenWithdraws() throws Exception {
        Credentials bob = newAccount(100, true); // never registers
        Credentials carol = newAccount(100, true); // registers, then unstakes
        CliRunner.Result notRegistered = cli(bob, "unstake", "--amount", "10");
        assertThat(notRegistered.exitCode()).isEqualTo(1);
        assertThat(notRegistered.err())
                .isEqualTo("error: " + bob.getAddress().toLowerCase() + " is not registered "
                        + "as a contributor: register first: cotrain register --stake 100 (the minimum stake "
                        + "is 100 COT)\n");

        // Two requests, each with its own ready block: the second does not delay the first.
        assertThat(cli(carol, "register", "--stake", "100").exitCode()).isZero();
        CliRunner.Result first = cli(carol, "unstake", "--amount", "60");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        BigInteger firstReady = profile(carol).unbondingReadyBlock;
        assertThat(first.out())
                .contains("60 COT started unbonding, withdrawable from block " + firstReady
                        + ": then run 'cotrain unstake --withdraw'\nno other stake is unbonding\n");
        anvil.mine(5);
        CliRunner.Result second = cli(carol, "unstake", "--amount", "35");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        CotrainProtocol.ContributorProfile unbonding = profile(carol);
        assertThat(unbonding.stake).isEqualTo(tokens(5));
        assertThat(unbonding.unbondingStake).isEqualTo(tokens(95));
        assertThat(unbonding.withdrawableStake).isZero();
        BigInteger lastReady = unbonding.unbondingReadyBlock;
        assertThat(lastReady).isGreaterThan(firstReady);
        assertThat(second.out())
                .contains("35 COT started unbonding, withdrawable from block " + lastReady
                        + ": then run 'cotrain unstake --withdraw'\n95 COT unbonding in all: the 60 COT requested "
                        + "before keeps "
                        + "its own ready blocks\n");

        // Too little free stake: to submit (checked before uploading), and to unstake more (the contract's revert).
        CliRunner.Result submit = cli(carol, "submit", "--task", "1", "--dataset", shard.toString());
        assertThat(submit.exitCode()).isEqualTo(1);
        assertThat(submit.err())
                .startsWith("error: not enough free stake: 5 COT of your stake is free (not locked by "
                        + "pending contributions), 10 COT needed: add stake with 'cotrain register --stake AMOUNT'");
        CliRunner.Result tooMuch = cli(carol, "unstake", "--amount", "10");
        assertThat(tooMuch.err())
                .contains("not enough free stake: 5 COT")
                .contains("unstake at most 5 COT now (cotrain unstake --amount 5)");

        CliRunner.Result early = cli(carol, "unstake", "--withdraw");
        assertThat(early.exitCode()).isEqualTo(1);
        assertThat(early.err())
                .containsPattern("error: no unbonding stake is withdrawable yet: your earliest "
                        + "unbonding request is withdrawable from block " + firstReady + "; the chain is at block \\d+ "
                        + "\\(\\d+ blocks? to go\\): run 'cotrain unstake --withdraw' again then");
        assertThat(cli(carol, "status").out())
                .containsPattern("unbonding          95 COT: none withdrawable yet, " + "all of it from block "
                        + lastReady + " \\(\\d+ blocks? to go\\)\n");

        // The first request is ready, the second not yet: status and withdraw say so.
        anvil.mineTo(firstReady);
        assertThat(cli(carol, "status").out())
                .containsPattern("unbonding          95 COT: 60 COT withdrawable now "
                        + "\\(cotrain unstake --withdraw\\), all of it from block " + lastReady
                        + " \\(\\d+ blocks? to go\\)\n");
        BigInteger before = chain.token(ADMIN).balanceOf(carol.getAddress()).send();
        CliRunner.Result withdrawn = cli(carol, "unstake", "--withdraw");
        assertThat(withdrawn.exitCode()).as(withdrawn.toString()).isZero();
        assertThat(withdrawn.out())
                .contains("withdrew 60 COT; token balance now " + TokenAmount.format(before.add(tokens(60))))
                .containsPattern("still unbonding: 35 COT: none withdrawable yet, all of it from block " + lastReady);
        assertThat(profile(carol).unbondingStake).isEqualTo(tokens(35));
        assertThat(chain.token(ADMIN).balanceOf(carol.getAddress()).send()).isEqualTo(before.add(tokens(60)));

        anvil.mineTo(lastReady);
        assertThat(cli(carol, "status").out())
                .contains("unbonding          35 COT, all of it withdrawable now: cotrain unstake --withdraw\n");
        CliRunner.Result rest = cli(carol, "unstake", "--withdraw");
        assertThat(rest.exitCode()).as(rest.toString()).isZero();
        assertThat(rest.out())
                .contains("withdrew 35 COT; token balance now " + TokenAmount.format(before.add(tokens(95))))
                .doesNotContain("still unbonding");
        assertThat(profile(carol).unbondingStake).isZero();
        assertThat(chain.token(ADMIN).balanceOf(carol.getAddress()).send()).isEqualTo(before.add(tokens(95)));

        CliRunner.Result again = cli(carol, "unstake", "--withdraw");
        assertThat(again.err()).startsWith("error: nothing to withdraw: no stake is unbonding");

        // At most 16 requests unbond at once: the 17th is refused (by the gas estimate) with what to do.
        for (int i = 0; i < UnstakeCommand.MAX_REQUESTS; i++) {
            chain.protocol(carol).requestUnstake(TokenAmount.parse("0.1")).send();
        }
        CliRunner.Result seventeenth = cli(carol, "unstake", "--amount", "0.1");
        assertThat(seventeenth.exitCode()).isEqualTo(1);
        assertThat(seventeenth.err())
                .isEqualTo("error: you have 16 unbonding requests, the most at once: withdraw the "
                        + "ready ones first with 'cotrain unstake --withdraw' ('cotrain status' shows when they are "
                        + "ready), "
                        + "then request again\n");
        assertThat(profile(carol).unbondingStake).isEqualTo(TokenAmount.parse("1.6"));
        anvil.mineTo(profile(carol).unbondingReadyBlock);
        CliRunner.Result all = cli(carol, "unstake", "--withdraw");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.out()).contains("withdrew 1.6 COT;");
        assertThat(profile(carol).stake).isEqualTo(TokenAmount.parse("3.4"));
    }

    // ---- wallets and connections ------------------------------------------------------------------------------

    @Test
    void aKeystoreWallet_withItsPasswordFromTheEnvironmentOrPrompted() throws Exception {
        Credentials alice = registeredContributor();
        Path keystore =
                work.resolve(WalletUtils.generateWalletFile("s3cret pass", alice.getEcKeyPair(), work.toFile(), false));
        Map<String, String> variables = new HashMap<>(variables(alice));
        variables.remove("COTRAIN_PRIVATE_KEY");

        CliRunner.Result noWallet = CliRunner.run(CliRunner.environment(variables, work), "status");
        assertThat(noWallet.exitCode()).isEqualTo(1);
        assertThat(noWallet.err()).startsWith("error: no wallet: pass --keystore FILE");

        variables.put("COTRAIN_KEYSTORE_PASSWORD", "s3cret pass");
        CliRunner.Result fromEnvironment = CliRunner.run(
                CliRunner.environment(variables, work),
                "status",
                "--keystore",
                keystore.getFileName().toString());
        assertThat(fromEnvironment.exitCode()).as(fromEnvironment.toString()).isZero();
        assertThat(fromEnvironment.out()).contains(alice.getAddress());

        variables.remove("COTRAIN_KEYSTORE_PASSWORD");
        var prompted = new CliEnvironment(variables, work, prompt -> "s3cret pass".toCharArray(), false);
        CliRunner.Result withPrompt = CliRunner.run(prompted, "--keystore", keystore.toString(), "status");
        assertThat(withPrompt.exitCode()).as(withPrompt.toString()).isZero();
        assertThat(withPrompt.out()).contains(alice.getAddress());

        var wrong = new CliEnvironment(variables, work, prompt -> "guess".toCharArray(), false);
        CliRunner.Result refused = CliRunner.run(wrong, "--keystore", keystore.toString(), "claim");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("wrong password").doesNotContain("guess");
    }

    @Test
    void chainDown_andNoEthForGas() throws Exception {
        Credentials alice = registeredContributor();
        int closed = LocalProcesses.freePort();
        for (String[] args : new String[][] {{"status"}, {"register", "--stake", "100"}, {"history", "--task", "1"}}) {
            List<String> command = new ArrayList<>(List.of(args));
            command.addAll(List.of("--rpc-url", "http://127.0.0.1:" + closed));
            CliRunner.Result down = cli(alice, command.toArray(String[]::new));
            assertThat(down.exitCode()).as(String.join(" ", args)).isEqualTo(3);
            assertThat(down.err())
                    .as(String.join(" ", args))
                    .startsWith("error: cannot reach the chain at "
                            + "http://127.0.0.1:" + closed
                            + ": start it (e.g. deployment/local-chain.sh) or point --rpc-url / "
                            + "COTRAIN_RPC_URL at a running JSON-RPC endpoint");
            assertThat(down.err().lines()).hasSize(1);
        }

        Credentials broke = newAccount(100, false);
        CliRunner.Result noGas = cli(broke, "register", "--stake", "100");
        assertThat(noGas.exitCode()).as(noGas.toString()).isEqualTo(1);
        assertThat(noGas.err()).startsWith("error: the account has not enough ETH to pay for gas");
        assertThat(profile(broke).registered).isFalse();
    }

    // ---- the packaged command ---------------------------------------------------------------------------------

    /**
     * Opt-in differential privacy: the update is clipped and noised before it is sealed, the spent epsilon printed
     * and stated in the manifest; a partial or impossible budget is a usage error naming what to fix.
     */
    @Test
    void train_withDifferentialPrivacy_clipsNoisesAndStatesTheSpentEpsilon() throws Exception {
        Credentials alice = registeredContributor();
        Path out = work.resolve("private-update");
        CliRunner.Result trained = cli(
                alice,
                "train",
                "--task",
                "1",
                "--data",
                shard.toString(),
                "--epochs",
                "1",
                "--out",
                out.toString(),
                "--dp-epsilon",
                "4",
                "--dp-delta",
                "1e-5",
                "--clip",
                "0.05");
        assertThat(trained.exitCode()).as(trained.toString()).isZero();
        assertThat(trained.err())
                .containsPattern("differential privacy: update norm \\S+ clipped to 0.05000, Gaussian noise")
                .containsPattern("spent epsilon [34]\\.\\d+ at delta 1\\.00e-05");
        ContributionManifest manifest = content.fetchManifest(digestIn(trained.out()));
        ContributionManifest.Privacy privacy = manifest.privacy().orElseThrow();
        assertThat(privacy.epsilon()).isLessThanOrEqualTo(4).isGreaterThan(3.9);
        assertThat(privacy.delta()).isEqualTo(1e-5);
        assertThat(privacy.clip()).isEqualTo(0.05);
        // the released update is the global model (the head of task 1's default branch, whatever other scenarios
        // recorded) plus the clipped update plus noise of noiseMultiplier * clip
        ModelRegistry.CommitView head = chain.models(ADMIN)
                .commit(chain.models(ADMIN)
                        .branchHead(BigInteger.ONE, BigInteger.ZERO)
                        .send())
                .send();
        byte[] global = content.fetchModel(ModelFile.ofCommit(head.weightsDigest, head.weightsRoot), 64L << 20);
        assertThat(manifest.baseModel()).contains(ModelCodec.sha256Hex(global));
        float[] base = ModelCodec.read(global, EvaluationLimits.defaults()).parameters();
        float[] released = ModelCodec.read(
                        Files.readAllBytes(out.resolve("model-update.zip")), EvaluationLimits.defaults())
                .parameters();
        double squares = 0;
        for (int i = 0; i < base.length; i++) squares += Math.pow(released[i] - base[i], 2);
        double expected = Math.sqrt(0.05 * 0.05 + Math.pow(privacy.noiseMultiplier() * 0.05, 2) * base.length);
        assertThat(Math.sqrt(squares)).isCloseTo(expected, Offset.offset(expected * 0.1));
        assertThat(manifest.sealing()).isPresent();

        CliRunner.Result partial = cli(alice, "train", "--task", "1", "--data", shard.toString(), "--dp-epsilon", "4");
        assertThat(partial.exitCode()).isEqualTo(2);
        assertThat(partial.err()).contains("--dp-delta").contains("--clip");
        CliRunner.Result impossible = cli(
                alice,
                "train",
                "--task",
                "1",
                "--data",
                shard.toString(),
                "--dp-epsilon",
                "0.01",
                "--dp-delta",
                "1e-5",
                "--clip",
                "1");
        assertThat(impossible.exitCode()).isEqualTo(2);
        assertThat(impossible.err())
                .as("refused before any training")
                .startsWith("error: --dp-epsilon 0.01 --dp-delta 1.0E-5 --clip 1.0: epsilon 0.01 is out of reach");
    }

    @Test
    void theCotrainScriptRunsThePackagedJar() throws Exception {
        Credentials alice = registeredContributor();
        Credentials bob = newAccount(100, true); // never registers
        Path out = work.resolve("script-update");
        ScriptRun status = script(alice, "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("address            " + alice.getAddress());
        assertThat(status.err()).as("nothing on stderr").isEmpty();

        ScriptRun trained = script(
                alice, "train", "--task", "1", "--data", shard.toString(), "--epochs", "1", "--out", out.toString());
        assertThat(trained.exitCode()).as(trained.toString()).isZero();
        assertThat(trained.err())
                .contains("epoch 1/1 [")
                .doesNotContain("Exception")
                .doesNotContain("INFO")
                .doesNotContain("WARNING");
        assertThat(content.fetchManifest(digestIn(trained.out()))
                        .artifacts()
                        .getFirst()
                        .size())
                .as("the sealed weights: the update and its GCM tag")
                .isEqualTo(Files.size(out.resolve("model-update.zip")) + Sealing.TAG_BYTES);

        ScriptRun failed = script(bob, "submit", "--task", "1", "--dataset", shard.toString());
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).startsWith("error: " + bob.getAddress() + " is not registered as a contributor");
        assertThat(failed.err().lines()).hasSize(1);
    }

    // ---- the model owner's commands ----------------------------------------------------------------------------

    @Test
    void registerModel_storesTheDocumentsAndMintsTheModelToTheCaller() throws Exception {
        Credentials carol = newAccount(100, true); // the new model's owner
        Path model = Files.write(work.resolve("base.zip"), baseModel);
        Path heldOut = Files.write(work.resolve("held-out.csv"), task.heldOutCsv());
        String features = String.join(",", task.schema().featureColumns());
        String classes = Integer.toString(task.schema().classCount());

        CliRunner.Result badRule = cli(
                carol,
                "register-model",
                "--base-model",
                model.toString(),
                "--features",
                features,
                "--label",
                task.schema().labelColumn(),
                "--classes",
                classes,
                "--held-out",
                heldOut.toString(),
                "--rule",
                "mean");
        assertThat(badRule.exitCode()).isEqualTo(2);
        assertThat(badRule.err())
                .contains("--rule must be one of [fedavg, median, trimmed-mean, krum, multi-krum], got 'mean'");
        CliRunner.Result badWeights = cli(
                carol,
                "register-model",
                "--base-model",
                model.toString(),
                "--features",
                features,
                "--label",
                task.schema().labelColumn(),
                "--classes",
                classes,
                "--held-out",
                heldOut.toString(),
                "--reward-weights",
                "5000,0,0");
        assertThat(badWeights.exitCode()).isEqualTo(1);
        assertThat(badWeights.err()).isEqualTo("error: --reward-weights must sum to 10000, they sum to 5000\n");
        Path otherColumns = Files.writeString(work.resolve("other-held-out.csv"), "a,b,label\n1,2,0\n");
        CliRunner.Result heldOutOfAnotherSchema = cli(
                carol,
                "register-model",
                "--base-model",
                model.toString(),
                "--features",
                features,
                "--label",
                task.schema().labelColumn(),
                "--classes",
                classes,
                "--held-out",
                otherColumns.toString());
        assertThat(heldOutOfAnotherSchema.exitCode()).isEqualTo(1);
        assertThat(heldOutOfAnotherSchema.err())
                .startsWith("error: " + otherColumns + ": ")
                .contains("line 1");
        CliRunner.Result wrongSchema = cli(
                carol,
                "register-model",
                "--base-model",
                model.toString(),
                "--features",
                "a,b",
                "--label",
                "y",
                "--classes",
                classes,
                "--held-out",
                heldOut.toString());
        assertThat(wrongSchema.exitCode()).isEqualTo(1);
        assertThat(wrongSchema.err()).startsWith("error: --base-model " + model + " is not a model of that schema");

        // The next model id: other scenarios may have registered tasks before.
        BigInteger id = unknownTask();
        CliRunner.Result registered = cli(
                carol,
                "register-model",
                "--base-model",
                model.toString(),
                "--features",
                features,
                "--label",
                task.schema().labelColumn(),
                "--classes",
                classes,
                "--held-out",
                heldOut.toString(),
                "--rule",
                "trimmed-mean",
                "--rule-a",
                "1000");
        assertThat(registered.exitCode()).as(registered.toString()).isZero();
        assertThat(registered.out()).startsWith("registered task " + id + " (model NFT " + id + ", base commit ");

        var spec = chain.models(ADMIN).model(id).send().component1();
        assertThat(chain.models(ADMIN).ownerOf(id).send()).isEqualToIgnoringCase(carol.getAddress());
        assertThat(spec.rule).isEqualTo(BigInteger.TWO);
        assertThat(spec.ruleParameterA).isEqualTo(BigInteger.valueOf(1_000));
        assertThat(spec.baseWeightsDigest)
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(baseModel));
        assertThat(SchemaDocument.read(content.fetchVerified(Cid.ofDigest(spec.schemaDigest))))
                .isEqualTo(task.schema());
        assertThat(spec.heldOutDigest)
                .as("the held-out set's own sha256, which validators check their copy against")
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(task.heldOutCsv()));
        assertThat(registered.out())
                .contains("held-out set sha256 " + Cid.of(task.heldOutCsv()).digestHex());

        // The owner hands the set to the validators, encrypted to their published keys.
        CliRunner.Result notTheSet =
                cli(carol, "share-held-out", "--task", id.toString(), "--held-out", otherColumns.toString());
        assertThat(notTheSet.exitCode()).isEqualTo(1);
        assertThat(notTheSet.err())
                .contains("was registered with the held-out set of sha256 "
                        + Cid.of(task.heldOutCsv()).digestHex());
        ECKeyPair validatorKey = VALIDATOR.getEcKeyPair(); // its key was published when the network started
        CliRunner.Result shared =
                cli(carol, "share-held-out", "--task", id.toString(), "--held-out", heldOut.toString());
        assertThat(shared.exitCode()).as(shared.toString()).isZero();
        assertThat(shared.out()).contains("shared the held-out set of task " + id + " with 1 validator(s)");
        String envelopeCid = shared.out().replaceAll("(?s).* as envelope (\\S+).*", "$1");
        HeldOutEnvelope envelope = HeldOutEnvelope.read(content.fetchVerified(Cid.parse(envelopeCid)));
        assertThat(envelope.taskId()).isEqualTo(id.longValueExact());
        assertThat(envelope.open(validatorKey)).isEqualTo(task.heldOutCsv());
        CliRunner.Result notOwner =
                cli(newAccount(100, true), "share-held-out", "--task", id.toString(), "--held-out", heldOut.toString());
        assertThat(notOwner.exitCode()).isEqualTo(1);
        assertThat(notOwner.err()).contains("does not own model " + id);
    }

    /** Raw rows as an owner has them: a name, two columns in their own units, a class name; every 7th lacks mm. */
    private static String rawRows(int from, int count, boolean json) {
        var rows = new StringBuilder(json ? "[" : "Name,grams,mm,Origin\n");
        var random = new Random(from);
        String[] origins = {"Europe", "Japan", "USA"};
        for (int i = from; i < from + count; i++) {
            int origin = i % 3;
            double grams = 1500 + 700 * origin + 150 * random.nextGaussian();
            String mm = i % 7 == 0 ? null : String.format(Locale.ROOT, "%.2f", 9 + 2 * origin + random.nextGaussian());
            String name = "car \"" + i + "\", model " + origin;
            if (json) {
                rows.append(i > from ? "," : "")
                        .append(String.format(
                                Locale.ROOT,
                                "{\"Name\":\"%s\",\"grams\":%.1f,\"mm\":%s,\"Origin\":\"%s\"}",
                                name.replace("\"", "\\\""),
                                grams,
                                mm,
                                origins[origin]));
            } else {
                rows.append(String.format(
                        Locale.ROOT,
                        "\"%s\",%.1f,%s,%s%n",
                        name.replace("\"", "\"\""),
                        grams,
                        mm == null ? "" : mm,
                        origins[origin]));
            }
        }
        return rows.append(json ? "]" : "").toString();
    }

    @Test
    void registerModel_fromARawSample_derivesTheSchemaTrainsTheBaseModelAndTakesRawData() throws Exception {
        Credentials dave = newAccount(0, true);
        Path sample = Files.writeString(work.resolve("owner-sample.csv"), rawRows(0, 150, false));
        Path heldOut = Files.writeString(work.resolve("raw-held-out.json"), rawRows(1_000, 90, true));
        Path shard = Files.writeString(work.resolve("raw-shard.json"), rawRows(2_000, 120, true));

        CliRunner.Result registered = cli(
                dave,
                "register-model",
                "--sample",
                sample.toString(),
                "--label",
                "Origin",
                "--missing",
                "impute-mean",
                "--held-out",
                heldOut.toString());

        assertThat(registered.exitCode()).as(registered.toString()).isZero();
        assertThat(registered.err())
                .contains("2 features (grams,mm), 3 classes (Europe,Japan,USA), 150 rows; not numeric, left out: Name")
                .contains("trained 20 epochs on the sample's 150 rows");
        String id = registered.out().replaceAll("(?s)^registered task (\\d+) .*", "$1");
        var spec = chain.models(ADMIN).model(new BigInteger(id)).send().component1();
        DataSchema derived = SchemaDerivation.derive(
                        Files.readAllBytes(sample),
                        "Origin",
                        MissingValues.IMPUTE_MEAN,
                        TaskMetric.ACCURACY,
                        Contributing.LIMITS)
                .schema();
        assertThat(SchemaDocument.read(content.fetchVerified(Cid.ofDigest(spec.schemaDigest))))
                .isEqualTo(derived);
        byte[] baseModel =
                content.fetchModel(ModelFile.ofCommit(spec.baseWeightsDigest, spec.baseWeightsRoot), 1 << 24);
        var base = TaskContext.readBaseModel(derived, baseModel, Contributing.LIMITS);
        var heldOutRows = TabularDataset.parse(Files.readAllBytes(heldOut), derived, Contributing.LIMITS);
        double accuracy = HeldOutMetrics.measure(base, heldOutRows).accuracy();
        assertThat(accuracy)
                .as("trained on the standardized sample, well above chance")
                .isGreaterThan(0.8);
        assertThat(registered.out())
                .contains(String.format(Locale.ROOT, "on the held-out set's 90 rows accuracy %.4f", accuracy));

        // A contributor trains on raw JSON records of the task: names mapped, columns standardized, gaps imputed.
        CliRunner.Result trained = cli(
                dave,
                "train",
                "--task",
                id,
                "--data",
                shard.toString(),
                "--epochs",
                "2",
                "--out",
                work.resolve("raw-update").toString());
        assertThat(trained.exitCode()).as(trained.toString()).isZero();
        assertThat(trained.out()).contains("submit it with: cotrain submit --task " + id);
        Path misnamed = Files.writeString(
                work.resolve("misnamed.json"), rawRows(3_000, 5, true).replace("Japan", "Mars"));
        CliRunner.Result refused = cli(dave, "train", "--task", id, "--data", misnamed.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err())
                .contains("record 2, column 'Origin': 'Mars' is not one of the task's classes Europe,Japan,USA");
    }

    @Test
    void branch_createsMovesRevertsAndRequestsMerges_forTheOwnerOnly() throws Exception {
        Credentials bob = newAccount(100, true); // does not own the model
        // The owner's own task (the admin registers and owns it), in the state the journey leaves task 1 in: its base
        // commit, a commit the validator recorded on branch 0 main for a finalized round, and branch 1 "experiment"
        // at the base commit. Branch ids and merge request numbers are the model's; commit ids are global.
        ModelRegistry models = chain.models(ADMIN);
        TestNetwork.Task owned = network.registerTask(taskSpec);
        BigInteger model = owned.id();
        String t = model.toString();
        BigInteger base = owned.baseCommit();
        CotrainProtocol.ContributionView aggregated = finalizedContribution(model);
        ModelFile aggregate = content.putModel(ModelCodec.write(TabularModels.baseModel(task.schema(), 7)));
        chain.models(VALIDATOR)
                .attestCommit(new ModelRegistry.CommitAttestation(
                        model,
                        BigInteger.ZERO,
                        base,
                        BigInteger.ZERO,
                        aggregated.round,
                        aggregate.sha256(),
                        aggregate.root(),
                        List.of(aggregated.id),
                        BigInteger.valueOf(712_500),
                        BigInteger.valueOf(650_000)))
                .send();
        BigInteger head = models.branchHead(model, BigInteger.ZERO).send();
        assertThat(head).as("the recorded commit").isGreaterThan(base);
        models.createBranch(model, base, Arrays.copyOf("experiment".getBytes(StandardCharsets.UTF_8), 32))
                .send();

        CliRunner.Result notOwner = cli(bob, "branch", "--task", t, "--default", "1");
        assertThat(notOwner.exitCode()).isEqualTo(1);
        assertThat(notOwner.err())
                .isEqualTo("error: " + bob.getAddress().toLowerCase() + " does not own model " + t + ": "
                        + "branch operations and sharing its held-out set are the model NFT holder's; use its"
                        + " wallet\n");

        CliRunner.Result created = cli(ADMIN, "branch", "--task", t, "--create", "tuning", "--from", head.toString());
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).startsWith("created branch 2 (tuning) at commit " + head + " of task " + t);
        assertThat(models.branchHead(model, BigInteger.TWO).send()).isEqualTo(head);

        CliRunner.Result notEarlier = cli(ADMIN, "branch", "--task", t, "--revert", "0", "--to", head.toString());
        assertThat(notEarlier.exitCode()).isEqualTo(1);
        assertThat(notEarlier.err())
                .isEqualTo("error: commit " + head + " is not an earlier commit of branch 0 (first parents "
                        + "from its head): pick one from 'cotrain history'\n");
        CliRunner.Result reverted = cli(ADMIN, "branch", "--task", t, "--revert", "0", "--to", base.toString());
        assertThat(reverted.exitCode()).as(reverted.toString()).isZero();
        assertThat(models.branchHead(model, BigInteger.ZERO).send()).isEqualTo(base);

        CliRunner.Result merge = cli(ADMIN, "branch", "--task", t, "--merge", "2", "--into", "0");
        assertThat(merge.exitCode()).as(merge.toString()).isZero();
        assertThat(merge.out())
                .isEqualTo("asked the validators to merge branch 2 (head commit " + head + ") into branch 0 of "
                        + "task " + t + " as merge request 1; the merge commit appears in 'cotrain history'\n");
        var pending = models.pendingMerge(model, BigInteger.ZERO).send();
        assertThat(pending.component1()).as("source head").isEqualTo(head);
        assertThat(pending.component2()).as("request number").isEqualTo(BigInteger.ONE);
        // Asked again, it is a new proposal that replaces the pending one.
        CliRunner.Result again = cli(ADMIN, "branch", "--task", t, "--merge", "2", "--into", "0");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out())
                .isEqualTo("asked the validators to merge branch 2 (head commit " + head + ") into branch 0 of "
                        + "task " + t + " as merge request 2; the merge commit appears in 'cotrain history'\nit "
                        + "replaces merge request "
                        + "1 (commit " + head + "), which validators no longer record\n");
        assertThat(models.pendingMerge(model, BigInteger.ZERO).send().component2())
                .isEqualTo(BigInteger.TWO);
        CliRunner.Result nothing = cli(ADMIN, "branch", "--task", t, "--merge", "1", "--into", "0");
        assertThat(nothing.err())
                .isEqualTo(
                        "error: branch 1 has nothing to merge into branch 0: the same branch, or " + "the same head\n");

        CliRunner.Result moved = cli(ADMIN, "branch", "--task", t, "--default", "2");
        assertThat(moved.exitCode()).as(moved.toString()).isZero();
        assertThat(models.model(model).send().component2()).isEqualTo(BigInteger.TWO);
        CliRunner.Result unknown = cli(ADMIN, "branch", "--task", t, "--default", "7");
        assertThat(unknown.err())
                .isEqualTo("error: model " + t + " has no branch 7: 'cotrain history --task " + t + "' lists its "
                        + "branches\n");
        CliRunner.Result twoOperations =
                cli(ADMIN, "branch", "--task", t, "--default", "0", "--revert", "0", "--to", base.toString());
        assertThat(twoOperations.exitCode()).isEqualTo(2);
    }

    // ---- round caps ---------------------------------------------------------------------------------------------

    @Test
    void roundCaps_perContributorAndPerRound_areCheckedBeforeAnythingIsUploaded() throws Exception {
        Credentials alice = registeredContributor();
        Credentials dave = registeredContributor();
        Credentials erin = newAccount(100, true);
        assertThat(cli(erin, "register", "--stake", "100").exitCode()).isZero();
        // Rounds opened from now on take 2 contributions, 1 per contributor (PARAMETER_ROLE stays with the admin).
        chain.protocol(ADMIN)
                .setParameter(MAX_CONTRIBUTIONS_PER_CONTRIBUTOR, BigInteger.ONE)
                .send();
        chain.protocol(ADMIN)
                .setParameter(MAX_CONTRIBUTIONS_PER_ROUND, BigInteger.TWO)
                .send();
        try {
            List<Path> datasets = new ArrayList<>();
            for (int shardIndex = 6; shardIndex < 9; shardIndex++) {
                datasets.add(Files.write(work.resolve("capped-" + shardIndex + ".csv"), task.shardCsv(shardIndex, 40)));
            }
            BigInteger round = mineToFreshRound();
            CliRunner.Result accepted = cli(
                    alice, "submit", "--task", "1", "--dataset", datasets.get(0).toString());
            assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
            assertThat(accepted.out()).contains(" to round " + round + " of task 1");
            BigInteger windowEnd = chain.protocol(ADMIN).roundInfo(round).send().submissionEndBlock;
            BigInteger next = chain.protocol(ADMIN).nextContributionId().send();

            CliRunner.Result capped = cli(
                    alice, "submit", "--task", "1", "--dataset", datasets.get(1).toString());
            assertThat(capped.exitCode()).as(capped.toString()).isEqualTo(1);
            assertThat(capped.err())
                    .isEqualTo("error: you already submitted 1 contribution to round " + round
                            + ", the most one contributor may submit to a round; nothing was submitted: submit again "
                            + "once "
                            + "round " + round.add(BigInteger.ONE) + " accepts submissions, from block " + windowEnd
                            + " (the chain is at block " + anvil.blockNumber() + ")\n");
            assertNotOnIpfs(Files.readAllBytes(datasets.get(1)));
            assertThat(cli(alice, "status").out())
                    .contains("your submissions   1 of at most 1 to round " + round + "\n")
                    .contains("1 contribution so far, at most 2)");

            CliRunner.Result daves = cli(
                    dave, "submit", "--task", "1", "--dataset", datasets.get(1).toString());
            assertThat(daves.exitCode()).as(daves.toString()).isZero();
            assertThat(chain.protocol(ADMIN).nextContributionId().send()).isEqualTo(next.add(BigInteger.ONE));

            CliRunner.Result full = cli(
                    erin, "submit", "--task", "1", "--dataset", datasets.get(2).toString());
            assertThat(full.exitCode()).as(full.toString()).isEqualTo(1);
            assertThat(full.err())
                    .isEqualTo("error: round " + round + " is full: it holds 2 contributions, the most a "
                            + "round takes; nothing was submitted: submit again once round " + round.add(BigInteger.ONE)
                            + " accepts submissions, from block " + windowEnd + " (the chain is at block "
                            + anvil.blockNumber()
                            + ")\n");
            assertNotOnIpfs(Files.readAllBytes(datasets.get(2)));
            assertThat(chain.protocol(ADMIN).roundInfo(round).send().contributionCount)
                    .isEqualTo(BigInteger.TWO);
            assertThat(profile(erin).lockedStake).isZero();
        } finally {
            chain.protocol(ADMIN)
                    .setParameter(MAX_CONTRIBUTIONS_PER_CONTRIBUTOR, BigInteger.valueOf(64))
                    .send();
            chain.protocol(ADMIN)
                    .setParameter(MAX_CONTRIBUTIONS_PER_ROUND, BigInteger.valueOf(512))
                    .send();
            // The capped round keeps its caps: move past it, so that the next submissions, in whatever scenario,
            // open a round with the restored ones.
            mineToFreshRound();
        }
    }

    private record ScriptRun(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs cli/cotrain as a user would, with the jar this build packaged (never Maven from inside the test). */
    private static ScriptRun script(Credentials account, String... args) throws Exception {
        Path script = RepositoryRoot.path().resolve("cli/cotrain");
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile(work, "script-", ".out");
        Path stderr = Files.createTempFile(work, "script-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().putAll(variables(account));
        builder.environment().put("COTRAIN_SKIP_BUILD", "1");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            LocalProcesses.stopTree(process, Duration.ofSeconds(5));
            throw new AssertionError("cli/cotrain " + String.join(" ", args) + " did not finish within 3 minutes");
        }
        return new ScriptRun(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** @return a fresh account with {@code wholeTokens} COT, and 1 ETH for gas when {@code withEth} */
    private static Credentials newAccount(long wholeTokens, boolean withEth) throws Exception {
        Credentials account = Credentials.create(Keys.createEcKeyPair());
        if (withEth) {
            // through the admin's transaction manager, which polls for the receipt every 50 ms (web3j's default
            // waits 15 s whenever the receipt is not there at once)
            new Transfer(anvil.web3j(), chain.transactionManager(ADMIN))
                    .sendFunds(account.getAddress(), BigDecimal.ONE, Convert.Unit.ETHER)
                    .send();
        }
        network.giveTokens(account, wholeTokens);
        return account;
    }

    /** @return a fresh account with 1 ETH and 150 COT, registered as a contributor with a stake of 100 COT */
    private static Credentials registeredContributor() throws Exception {
        Credentials account = newAccount(150, true);
        chain.token(account).approve(protocolAddress(), tokens(100)).send();
        chain.protocol(account).registerContributor(tokens(100)).send();
        return account;
    }

    /**
     * A contribution to {@code taskId} in a finalized round, for a commit to aggregate: a fresh contributor submits a
     * dataset digest, and the validator scores the round it went to.
     */
    private static CotrainProtocol.ContributionView finalizedContribution(BigInteger taskId) throws Exception {
        Credentials contributor = registeredContributor();
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(("a dataset of " + contributor.getAddress()).getBytes(StandardCharsets.UTF_8));
        chain.protocol(contributor)
                .submitContribution(ContributionKind.DATASET.onChain(), digest, taskId)
                .send();
        scoreAndFinalize(contribution(digest).round, Map.of());
        return contribution(digest);
    }

    /** @return the id the next registered task gets, which no command knows yet */
    private static BigInteger unknownTask() throws Exception {
        return chain.models(ADMIN).modelCount().send().add(BigInteger.ONE);
    }

    private static Map<String, String> variables(Credentials account) {
        return Map.of(
                "COTRAIN_RPC_URL",
                anvil.rpcUrl(),
                "COTRAIN_IPFS_URL",
                ipfs.apiUrl().toString(),
                "COTRAIN_DEPLOYMENT",
                deploymentFile.toString(),
                "COTRAIN_PRIVATE_KEY",
                Numeric.toHexStringWithPrefixZeroPadded(account.getEcKeyPair().getPrivateKey(), 64));
    }

    private static CliRunner.Result cli(Credentials account, String... args) {
        return CliRunner.run(CliRunner.environment(variables(account), work), args);
    }

    private static String protocolAddress() {
        return chain.addresses().protocol();
    }

    private static CotrainProtocol.ContributionView contribution(byte[] digest) throws Exception {
        return chain.protocol(ADMIN).contribution(digest).send();
    }

    private static ContributionStatus status(byte[] digest) {
        try {
            return ContributionStatus.of(contribution(digest).status);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Asserts that the IPFS node does not have the content: it was never uploaded. */
    private static void assertNotOnIpfs(byte[] content) {
        try (IpfsClient shortWait = new IpfsClient(ipfs.apiUrl(), Duration.ofSeconds(2), 1 << 20)) {
            assertThatThrownBy(() -> shortWait.cat(Cid.of(content)))
                    .isInstanceOf(IpfsException.class)
                    .satisfies(e -> assertThat(((IpfsException) e).failure()).isEqualTo(IpfsException.Failure.TIMEOUT));
        }
    }

    /** The content digests of a round's contributions, by position (id order), from the submission events. */
    private static List<byte[]> roundDigests(BigInteger round) throws Exception {
        EventQuery submitted = EventQuery.of(
                List.of(CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT),
                chain.addresses().protocol());
        BigInteger head = anvil.web3j().ethBlockNumber().send().getBlockNumber();
        List<CotrainProtocol.ContributionSubmittedEventResponse> events = new ArrayList<>();
        for (Log log : new EventReader(EventReader.of(anvil.web3j()), 10_000)
                .read(submitted, chain.addresses().deployBlock(), head)) {
            var event = CotrainProtocol.getContributionSubmittedEventFromLog(log);
            if (event.round.equals(round)) events.add(event);
        }
        events.sort(Comparator.comparing(event -> event.id));
        return events.stream().map(event -> event.contentDigest).toList();
    }

    private static CotrainProtocol.ContributorProfile profile(Credentials account) throws Exception {
        return chain.protocol(ADMIN).contributorProfile(account.getAddress()).send();
    }

    private static BigInteger lastContribution() throws Exception {
        return chain.protocol(ADMIN).nextContributionId().send().subtract(BigInteger.ONE);
    }

    private static byte[] digestIn(String out) {
        Matcher matcher = DIGEST.matcher(out);
        assertThat(matcher.find()).as("a manifest digest in:\n" + out).isTrue();
        return HexFormat.of().parseHex(matcher.group(1).substring(2));
    }

    /**
     * Mines to the end of the current round's submission window, wherever other scenarios left the chain: the next
     * submissions open a new round and have its whole window.
     *
     * @return the new round
     */
    private static BigInteger mineToFreshRound() throws Exception {
        BigInteger now = chain.protocol(ADMIN).currentRound().send();
        anvil.mineTo(chain.protocol(ADMIN).roundInfo(now).send().submissionEndBlock);
        BigInteger fresh = chain.protocol(ADMIN).currentRound().send();
        assertThat(fresh).as("the round after round " + now).isEqualTo(now.add(BigInteger.ONE));
        return fresh;
    }

    /**
     * The validator scores every contribution of the round (by manifest digest, 80 when not given), then anyone
     * finalizes it, naming the round's contributions in order.
     */
    private static void scoreAndFinalize(BigInteger round, Map<String, Integer> scoreByDigest) throws Exception {
        CotrainProtocol reader = chain.protocol(ADMIN);
        CotrainProtocol.RoundView info = reader.roundInfo(round).send();
        anvil.mineTo(info.submissionEndBlock);
        List<byte[]> digests = roundDigests(round);
        assertThat(digests).hasSize(info.contributionCount.intValueExact());
        int[] scores = digests.stream()
                .mapToInt(digest -> scoreByDigest.getOrDefault(Arguments.hex(digest), 80))
                .toArray();
        ScoreCommitment secret = ScoreCommitment.withFreshSalt(round, scores);
        chain.protocol(VALIDATOR)
                .commitScores(
                        round, secret.hash(chain.chainId(), chain.addresses().protocol(), VALIDATOR.getAddress()))
                .send();
        anvil.mineTo(info.commitEndBlock);
        chain.protocol(VALIDATOR)
                .revealScores(round, secret.scores(), secret.salt())
                .send();
        anvil.mineTo(info.revealEndBlock);
        chain.protocol(ADMIN).finalize(round, digests).send();
        assertThat(RoundPhase.of(reader.roundInfo(round).send().phase))
                .as("round " + round + " finalized")
                .isEqualTo(RoundPhase.FINALIZED);
    }
}
