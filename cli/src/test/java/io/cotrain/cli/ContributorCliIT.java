package io.cotrain.cli;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.ScoreCommitment;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.testing.AnvilExtension;
import io.cotrain.contracts.testing.AnvilNode;
import io.cotrain.contracts.testing.ContractsDeployer;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.ipfs.testing.IpfsExtension;
import io.cotrain.ipfs.testing.IpfsNode;
import io.cotrain.oracle.evaluation.CsvDataset;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.SchemaDocument;
import io.cotrain.oracle.evaluation.TabularModels;
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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.WalletUtils;
import org.web3j.tx.Transfer;
import org.web3j.utils.Convert;
import org.web3j.utils.Numeric;

/**
 * Every command of the CLI, run in-process against a real anvil chain (fresh deployment, one bonded validator driven
 * by the test) and a real js-ipfs node, with a task registered in the model registry: the outcomes are read back from
 * the chain and from IPFS, and every error a contributor can run into is provoked for real.
 */
@ExtendWith({AnvilExtension.class, IpfsExtension.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContributorCliIT {
    private static final long TASK = 1;
    private static final int SHARD_ROWS = 200;
    private static final Credentials ADMIN = DevAccounts.account(0);
    private static final Credentials VALIDATOR = DevAccounts.account(1);
    private static final Pattern DIGEST = Pattern.compile("manifest digest: (0x[0-9a-f]{64})");
    private static final int PENDING = 1;
    private static final int ACCEPTED = 2;

    @TempDir
    static Path work;

    private static AnvilNode anvil;
    private static IpfsNode ipfs;
    private static CotrainClients chain;
    private static ContentStore content;
    private static SyntheticTabularTask task;
    private static byte[] baseModel;
    private static Path deploymentFile;
    private static Path shard;
    private static Credentials alice; // the main contributor
    private static Credentials bob; // never registers
    private static Credentials carol; // unstakes
    private static final List<BigInteger> aliceContributions = new ArrayList<>();
    private static byte[] aliceUpdate;

    @BeforeAll
    static void network(AnvilNode anvilNode, IpfsNode ipfsNode) throws Exception {
        anvil = anvilNode;
        ipfs = ipfsNode;
        chain = new CotrainClients(anvil.web3j(), anvil.chainId());
        DeploymentAddresses addresses =
                ContractsDeployer.deploy(chain, ADMIN, tokens(1_000_000_000), ContractsDeployer.testConfig());
        chain.use(addresses);
        deploymentFile = work.resolve("addresses.json");
        addresses.write(deploymentFile);
        chain.token(ADMIN).approve(addresses.protocol(), tokens(100_000)).send();
        chain.protocol(ADMIN).fundRewards(tokens(100_000)).send();
        chain.token(ADMIN).transfer(VALIDATOR.getAddress(), tokens(2_000)).send();
        chain.registry(ADMIN).addValidator(VALIDATOR.getAddress()).send();
        chain.token(VALIDATOR).approve(addresses.validatorRegistry(), tokens(2_000)).send();
        chain.registry(VALIDATOR).bondValidator(tokens(2_000)).send();

        // The task: its base model and schema document on IPFS, registered by the admin as model 1.
        content = new ContentStore(ipfs.client());
        task = SyntheticTabularTask.standard();
        baseModel = ModelCodec.write(TabularModels.baseModel(task.schema(), 42));
        ModelFile base = content.putModel(baseModel);
        Cid schema = content.putVerified(SchemaDocument.write(task.schema()));
        byte[] heldOut = MessageDigest.getInstance("SHA-256").digest("held-out set of task 1".getBytes(StandardCharsets.UTF_8));
        var spec = new ModelRegistry.ModelSpec(base.sha256(), base.root(), heldOut, schema.digest(), BigInteger.ZERO,
                BigInteger.ZERO, BigInteger.ZERO, BigInteger.valueOf(6_000), BigInteger.valueOf(3_000),
                BigInteger.valueOf(1_000));
        chain.models(ADMIN).registerModel(spec).send();
        assertThat(chain.models(ADMIN).modelCount().send()).isEqualTo(BigInteger.ONE);

        shard = Files.write(work.resolve("shard.csv"), task.shardCsv(0, SHARD_ROWS));
        alice = newAccount(150, true);
        bob = newAccount(100, true);
        carol = newAccount(100, true);
    }

    // ---- register and status ----------------------------------------------------------------------------------

    @Test
    @Order(1)
    void register_checksTheBalanceAndTheMinimum_thenStakes_thenAddsToTheStake() throws Exception {
        CliRunner.Result tooMuch = cli(alice, "register", "--stake", "200");
        assertThat(tooMuch.exitCode()).as(tooMuch.toString()).isEqualTo(1);
        assertThat(tooMuch.err()).isEqualTo("error: insufficient token balance: " + alice.getAddress()
                + " has 150 COT, 200 COT needed: get more COT first, or stake less\n");
        assertThat(chain.token(ADMIN).allowance(alice.getAddress(), protocolAddress()).send()).as("nothing approved").isZero();

        CliRunner.Result tooLittle = cli(alice, "register", "--stake", "50");
        assertThat(tooLittle.exitCode()).isEqualTo(1);
        assertThat(tooLittle.err()).contains("a first stake must be at least 100 COT, got 50 COT: cotrain register --stake 100");
        assertThat(profile(alice).registered).isFalse();

        CliRunner.Result registered = cli(alice, "register", "--stake", "100");
        assertThat(registered.exitCode()).as(registered.toString()).isZero();
        assertThat(registered.out()).contains("registered " + alice.getAddress() + " as a contributor with a stake of 100 COT");
        assertThat(profile(alice).registered).isTrue();
        assertThat(profile(alice).stake).isEqualTo(tokens(100));
        assertThat(chain.token(ADMIN).balanceOf(alice.getAddress()).send()).isEqualTo(tokens(50));

        CliRunner.Result more = cli(alice, "register", "--stake", "12.5");
        assertThat(more.exitCode()).as(more.toString()).isZero();
        assertThat(more.out()).contains("increased by 12.5 COT to 112.5 COT");
        assertThat(profile(alice).stake).isEqualTo(TokenAmount.parse("112.5"));
        assertThat(chain.token(ADMIN).balanceOf(alice.getAddress()).send()).isEqualTo(TokenAmount.parse("37.5"));
    }

    @Test
    @Order(2)
    void status_showsTheAccount_withTheDeploymentFoundAtItsDefaultPlace() throws Exception {
        Path workingDirectory = Files.createDirectories(work.resolve("status-dir"));
        Path defaultFile = DeploymentAddresses.fileFor(workingDirectory.resolve("deployment/addresses"), anvil.chainId());
        Files.createDirectories(defaultFile.getParent());
        Files.copy(deploymentFile, defaultFile);
        Map<String, String> variables = new HashMap<>(variables(alice));
        variables.remove("COTRAIN_DEPLOYMENT");

        CliRunner.Result status = CliRunner.run(CliRunner.environment(variables, workingDirectory), "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("address            " + alice.getAddress())
                .contains("token balance      37.5 COT")
                .contains("stake              112.5 COT (0 COT locked, 112.5 COT free)")
                .contains("unbonding          none")
                .contains("reputation         50.00% (5000 of 10000)")
                .contains("contributions      0 submitted, 0 pending")
                .contains("claimable rewards  0 COT")
                .containsPattern("current round      \\d+, submission phase");

        CliRunner.Result unregistered = cli(bob, "status");
        assertThat(unregistered.exitCode()).isZero();
        assertThat(unregistered.out()).contains("stake              not registered: cotrain register --stake 100");
    }

    // ---- train ------------------------------------------------------------------------------------------------

    @Test
    @Order(3)
    void trainAndSubmit_storesOnlyTheWeightsAndTheManifest_andRecordsTheContribution() throws Exception {
        awaitFreshRound(); // the contributions of the next tests go to one round, scored in order 7
        Path out = work.resolve("alice-update");
        CliRunner.Result trained = cli(alice, "train", "--task", "1", "--data", shard.toString(), "--epochs", "2",
                "--seed", "3", "--out", out.toString(), "--submit");
        assertThat(trained.exitCode()).as(trained.toString()).isZero();
        assertThat(trained.err()).contains("on 200 rows of shard.csv: 2 epochs, seed 3")
                .contains("epoch 1/2 [").contains("epoch 2/2 [" + "#".repeat(30) + "] batch 4/4");
        byte[] digest = digestIn(trained.out());

        // On chain: the contribution names the manifest, the task and the contributor, and locks stake.
        BigInteger id = chain.protocol(ADMIN).nextContributionId().send().subtract(BigInteger.ONE);
        aliceContributions.add(id);
        assertThat(trained.out()).contains("submitted contribution " + id + " to round ");
        CotrainProtocol.ContributionView recorded = chain.protocol(ADMIN).contribution(id).send();
        assertThat(recorded.contentDigest).isEqualTo(digest);
        assertThat(recorded.taskId).isEqualTo(BigInteger.valueOf(TASK));
        assertThat(recorded.kind).isEqualTo(BigInteger.ZERO);
        assertThat(recorded.contributor).isEqualToIgnoringCase(alice.getAddress());
        assertThat(recorded.status.intValue()).isEqualTo(PENDING);
        assertThat(profile(alice).lockedStake).isEqualTo(tokens(10));

        // The files written, and what IPFS holds: the manifest, listing the weights only, and the weights.
        aliceUpdate = Files.readAllBytes(out.resolve("model-update.zip"));
        byte[] manifestFile = Files.readAllBytes(out.resolve("manifest.json"));
        assertThat(MessageDigest.getInstance("SHA-256").digest(manifestFile)).isEqualTo(digest);
        ContributionManifest manifest = content.fetchManifest(digest);
        assertThat(manifest.canonicalBytes()).isEqualTo(manifestFile);
        assertThat(manifest.kind()).isEqualTo(ContributionManifest.Kind.MODEL_UPDATE);
        assertThat(manifest.taskId()).isEqualTo(TASK);
        assertThat(manifest.contributor()).isEqualTo(alice.getAddress().toLowerCase());
        assertThat(manifest.trainingSamples().getAsLong()).isEqualTo(SHARD_ROWS);
        assertThat(manifest.baseModel()).contains(ModelCodec.sha256Hex(baseModel));
        assertThat(manifest.artifacts()).hasSize(1);
        Artifact weights = manifest.artifacts().getFirst();
        assertThat(weights.name()).isEqualTo("model.zip");
        assertThat(weights.mediaType()).isEqualTo("application/zip");
        assertThat(content.fetchArtifact(weights)).isEqualTo(aliceUpdate);
        assertThat(ModelCodec.read(aliceUpdate, EvaluationLimits.defaults(), TabularModels.baseArchitecture(task.schema())))
                .isNotNull();

        // Deterministic: exactly LocalTraining from the global model with the same data, epochs and seed.
        CsvDataset data = CsvDataset.parse(Files.readAllBytes(shard), task.schema(), EvaluationLimits.defaults());
        byte[] expected = ModelCodec.write(LocalTraining.train(
                ModelCodec.read(baseModel, EvaluationLimits.defaults()), data.toDataSet(), 2, 3));
        assertThat(aliceUpdate).isEqualTo(expected);

        // The training data never left the machine.
        try (IpfsClient shortWait = new IpfsClient(ipfs.apiUrl(), Duration.ofSeconds(2), 1 << 20)) {
            assertThatThrownBy(() -> shortWait.cat(Cid.of(Files.readAllBytes(shard))))
                    .isInstanceOf(IpfsException.class)
                    .satisfies(e -> assertThat(((IpfsException) e).failure()).isEqualTo(IpfsException.Failure.TIMEOUT));
        }
    }

    @Test
    @Order(4)
    void trainErrors_unknownTask_malformedCsv_missingFile_ipfsDown_notRegistered() throws Exception {
        BigInteger next = chain.protocol(ADMIN).nextContributionId().send();

        CliRunner.Result unknown = cli(alice, "train", "--task", "7", "--data", shard.toString(), "--submit");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: unknown task 7: the model registry at "
                + chain.addresses().modelRegistry() + " has tasks 1 to 1");

        List<String> lines = new ArrayList<>(Files.readAllLines(shard));
        lines.set(2, lines.get(2).replaceFirst("^([^,]*),([^,]*),([^,]*),", "$1,$2,abc,"));
        Path badValue = Files.write(work.resolve("bad-value.csv"), lines);
        CliRunner.Result malformed = cli(alice, "train", "--task", "1", "--data", badValue.toString());
        assertThat(malformed.exitCode()).isEqualTo(1);
        assertThat(malformed.err()).startsWith("error: " + badValue + ": line 3, column 'f2': 'abc' is not a decimal number");
        Path badHeader = Files.writeString(work.resolve("bad-header.csv"),
                task.header().replace("f0", "a") + "\n" + lines.get(1) + "\n");
        assertThat(cli(alice, "train", "--task", "1", "--data", badHeader.toString()).err())
                .contains("line 1, column 'f0': the header has 'a' in column 1; the header must be f0,f1,f2,f3,f4,f5,f6,f7,label");

        CliRunner.Result missing = cli(alice, "train", "--task", "1", "--data", work.resolve("nope.csv").toString());
        assertThat(missing.err()).isEqualTo("error: --data " + work.resolve("nope.csv") + ": no such file\n");

        int closed = LocalProcesses.freePort();
        CliRunner.Result ipfsDown = cli(alice, "train", "--task", "1", "--data", shard.toString(),
                "--ipfs-url", "http://127.0.0.1:" + closed);
        assertThat(ipfsDown.exitCode()).isEqualTo(3);
        assertThat(ipfsDown.err()).startsWith("error: cannot reach the IPFS node at http://127.0.0.1:" + closed + ": ")
                .contains("--ipfs-url / COTRAIN_IPFS_URL");

        CliRunner.Result notRegistered = cli(bob, "train", "--task", "1", "--data", shard.toString(), "--submit");
        assertThat(notRegistered.exitCode()).isEqualTo(1);
        assertThat(notRegistered.err()).isEqualTo("error: " + bob.getAddress() + " is not registered as a contributor: "
                + "register first: cotrain register --stake 100 (the minimum stake is 100 COT)\n");

        assertThat(chain.protocol(ADMIN).nextContributionId().send()).as("nothing submitted").isEqualTo(next);
    }

    // ---- submit -----------------------------------------------------------------------------------------------

    @Test
    @Order(5)
    void submit_aManifestOnIpfs_andADataset() throws Exception {
        // A model update trained without --submit, submitted by its digest.
        Path shard1 = Files.write(work.resolve("shard-1.csv"), task.shardCsv(1, 100));
        CliRunner.Result trained = cli(alice, "train", "--task", "1", "--data", shard1.toString(), "--epochs", "1",
                "--out", work.resolve("alice-update-2").toString());
        assertThat(trained.exitCode()).as(trained.toString()).isZero();
        String digest = Arguments.hex(digestIn(trained.out()));
        assertThat(trained.out()).contains("submit it with: cotrain submit --task 1 --manifest " + digest);

        CliRunner.Result submitted = cli(alice, "submit", "--task", "1", "--manifest", digest.substring(2));
        assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
        BigInteger id = lastContribution();
        aliceContributions.add(id);
        assertThat(submitted.out()).contains("submitted contribution " + id + " to round ").contains("manifest digest: " + digest);
        CotrainProtocol.ContributionView update = chain.protocol(ADMIN).contribution(id).send();
        assertThat(Numeric.toHexString(update.contentDigest)).isEqualTo(digest);
        assertThat(update.kind).isEqualTo(BigInteger.ZERO);
        assertThat(update.taskId).isEqualTo(BigInteger.ONE);

        // A dataset: the CSV and its manifest go to IPFS, the manifest's digest on chain.
        Path dataset = Files.write(work.resolve("dataset.csv"), task.shardCsv(2, 150));
        CliRunner.Result shared = cli(alice, "submit", "--task", "1", "--dataset", dataset.toString());
        assertThat(shared.exitCode()).as(shared.toString()).isZero();
        id = lastContribution();
        aliceContributions.add(id);
        CotrainProtocol.ContributionView recorded = chain.protocol(ADMIN).contribution(id).send();
        assertThat(recorded.kind).isEqualTo(BigInteger.ONE);
        assertThat(Arguments.hex(recorded.contentDigest)).isEqualTo(Arguments.hex(digestIn(shared.out())));
        ContributionManifest manifest = content.fetchManifest(recorded.contentDigest);
        assertThat(manifest.kind()).isEqualTo(ContributionManifest.Kind.DATASET);
        assertThat(manifest.trainingSamples().getAsLong()).isEqualTo(150);
        assertThat(manifest.dataSchema().orElseThrow().columns()).isEqualTo(task.schema().columns());
        assertThat(manifest.artifacts()).singleElement().satisfies(artifact -> {
            assertThat(artifact.name()).isEqualTo("data.csv");
            assertThat(content.fetchArtifact(artifact)).isEqualTo(Files.readAllBytes(dataset));
        });
        assertThat(profile(alice).lockedStake).isEqualTo(tokens(30));
    }

    @Test
    @Order(6)
    void submitErrors_badDigest_someoneElsesManifest_notRegistered_unknownTask_malformedDataset() throws Exception {
        BigInteger next = chain.protocol(ADMIN).nextContributionId().send();

        CliRunner.Result badDigest = cli(alice, "submit", "--task", "1", "--manifest", "0xabc");
        assertThat(badDigest.exitCode()).isEqualTo(2);
        assertThat(badDigest.err()).contains("'0xabc' is not a manifest digest: expected the manifest's sha256 as 64 hex "
                + "digits, optionally 0x-prefixed");

        byte[] weights = aliceUpdate;
        Artifact artifact = Artifact.of("model.zip", content.putVerified(weights), weights, "application/zip");
        ContributionManifest bobs = ContributionManifest.modelUpdate(TASK, bob.getAddress(), List.of(artifact), 10,
                ModelCodec.sha256Hex(baseModel));
        content.putManifest(bobs);
        CliRunner.Result notMine = cli(alice, "submit", "--task", "1", "--manifest", Arguments.hex(bobs.digest()));
        assertThat(notMine.exitCode()).isEqualTo(1);
        assertThat(notMine.err()).contains("names contributor " + bob.getAddress().toLowerCase() + ", but the wallet is "
                + alice.getAddress());

        CliRunner.Result notRegistered = cli(bob, "submit", "--task", "1", "--manifest", Arguments.hex(bobs.digest()));
        assertThat(notRegistered.err()).contains(bob.getAddress() + " is not registered as a contributor: register first: "
                + "cotrain register --stake 100");

        CliRunner.Result unknown = cli(alice, "submit", "--task", "2", "--dataset", shard.toString());
        assertThat(unknown.err()).startsWith("error: unknown task 2: ");

        Path malformed = Files.writeString(work.resolve("malformed.csv"), task.header() + "\n1,2,3,4,5,6,7,8,9\n");
        CliRunner.Result badCsv = cli(alice, "submit", "--task", "1", "--dataset", malformed.toString());
        assertThat(badCsv.err()).startsWith("error: " + malformed + ": line 2, column 'label': label 9 is outside 0..2");

        assertThat(chain.protocol(ADMIN).nextContributionId().send()).as("nothing submitted").isEqualTo(next);
    }

    @Test
    @Order(7)
    void whilePaused_registrationAndSubmissionAreRefused() throws Exception {
        chain.protocol(ADMIN).pause().send();
        try {
            CliRunner.Result register = cli(alice, "register", "--stake", "1");
            assertThat(register.exitCode()).isEqualTo(1);
            assertThat(register.err()).startsWith("error: the protocol is paused: registrations, stake increases and "
                    + "submissions wait until it is resumed");
            // decoded from the revert (EnforcedPause) of the submission's gas estimate
            byte[] digest = chain.protocol(ADMIN).contribution(aliceContributions.getFirst()).send().contentDigest;
            CliRunner.Result submit = cli(alice, "submit", "--task", "1", "--manifest", Arguments.hex(digest));
            assertThat(submit.exitCode()).as(submit.toString()).isEqualTo(1);
            assertThat(submit.err()).startsWith("error: the protocol is paused");
        } finally {
            chain.protocol(ADMIN).unpause().send();
        }
    }

    // ---- claim ------------------------------------------------------------------------------------------------

    @Test
    @Order(8)
    void claim_nothingBeforeTheRoundIsScored_thenEverythingCredited() throws Exception {
        CliRunner.Result nothing = cli(alice, "claim");
        assertThat(nothing.exitCode()).as(nothing.toString()).isEqualTo(1);
        assertThat(nothing.err()).startsWith("error: nothing to claim for " + alice.getAddress().toLowerCase()
                + ": rewards are credited when a round with your accepted contributions is finalized");

        TreeSet<BigInteger> rounds = new TreeSet<>();
        for (BigInteger id : aliceContributions) rounds.add(chain.protocol(ADMIN).contribution(id).send().round);
        for (BigInteger round : rounds) scoreAndFinalize(round, 80);
        for (BigInteger id : aliceContributions) {
            assertThat(chain.protocol(ADMIN).contribution(id).send().status.intValue()).isEqualTo(ACCEPTED);
        }
        BigInteger claimable = chain.protocol(ADMIN).claimable(alice.getAddress()).send();
        assertThat(claimable).isPositive();
        BigInteger before = chain.token(ADMIN).balanceOf(alice.getAddress()).send();

        CliRunner.Result claimed = cli(alice, "claim");
        assertThat(claimed.exitCode()).as(claimed.toString()).isZero();
        assertThat(claimed.out()).contains("claimed " + TokenAmount.format(claimable) + "; token balance now "
                + TokenAmount.format(before.add(claimable)));
        assertThat(chain.protocol(ADMIN).claimable(alice.getAddress()).send()).isZero();
        assertThat(chain.token(ADMIN).balanceOf(alice.getAddress()).send()).isEqualTo(before.add(claimable));
        assertThat(profile(alice).lockedStake).isZero();
        assertThat(cli(alice, "status").out()).contains("contributions      3 submitted, 0 pending")
                .contains("claimable rewards  0 COT");
    }

    // ---- history ----------------------------------------------------------------------------------------------

    @Test
    @Order(9)
    void history_listsTheCommits_andTrainingStartsFromTheDefaultBranchHead() throws Exception {
        // The validator records the round's aggregate (here: alice's update) as commit 2; the owner branches from 1.
        BigInteger round = chain.protocol(ADMIN).contribution(aliceContributions.getFirst()).send().round;
        ModelFile aggregate = content.putModel(aliceUpdate);
        chain.models(VALIDATOR).attestCommit(new ModelRegistry.CommitAttestation(BigInteger.ONE, BigInteger.ZERO,
                BigInteger.ONE, BigInteger.ZERO, round, aggregate.sha256(), aggregate.root(),
                List.of(aliceContributions.get(0), aliceContributions.get(1)), BigInteger.valueOf(712_500),
                BigInteger.valueOf(650_000))).send();
        chain.models(ADMIN).createBranch(BigInteger.ONE, BigInteger.ONE,
                Arrays.copyOf("experiment".getBytes(StandardCharsets.UTF_8), 32)).send();
        BigInteger recorded = chain.models(ADMIN).commit(BigInteger.TWO).send().recordedBlock;
        BigInteger baseBlock = chain.models(ADMIN).commit(BigInteger.ONE).send().recordedBlock;

        // No wallet needed.
        Map<String, String> noWallet = new HashMap<>(variables(alice));
        noWallet.remove("COTRAIN_PRIVATE_KEY");
        CliRunner.Result history = CliRunner.run(CliRunner.environment(noWallet, work), "history", "--task", "1");
        assertThat(history.exitCode()).as(history.toString()).isZero();
        List<String> lines = history.out().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("task 1: 2 commits on 2 branches; rounds train on branch 0 main");
        assertThat(lines.get(1).split("\\s{2,}")).containsExactly(
                "COMMIT", "BRANCH", "PARENTS", "ROUND", "ACCURACY", "CONTRIBUTIONS", "BLOCK", "HEAD OF");
        assertThat(lines.get(2).split("\\s{2,}")).containsExactly(
                "2", "0 main", "1", round.toString(), "71.25%", "2", recorded.toString(), "0 main (default)");
        assertThat(lines.get(3).split("\\s{2,}")).containsExactly(
                "1", "0 main", "-", "-", "-", "0", baseBlock.toString(), "1 experiment (base model)");

        CliRunner.Result unknown = CliRunner.run(CliRunner.environment(noWallet, work), "history", "--task", "3");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: unknown task 3: ");

        // Training now starts from commit 2, the default branch's head.
        CliRunner.Result trained = cli(alice, "train", "--task", "1", "--data", shard.toString(), "--epochs", "1",
                "--out", work.resolve("alice-update-3").toString());
        assertThat(trained.exitCode()).as(trained.toString()).isZero();
        assertThat(trained.err()).contains("global model (commit 2)");
        assertThat(content.fetchManifest(digestIn(trained.out())).baseModel()).contains(ModelCodec.sha256Hex(aliceUpdate));
    }

    // ---- unstake ----------------------------------------------------------------------------------------------

    @Test
    @Order(10)
    void unstake_requestsUnbonding_refusesEarlyWithdrawal_thenWithdraws() throws Exception {
        CliRunner.Result notRegistered = cli(bob, "unstake", "--amount", "10");
        assertThat(notRegistered.exitCode()).isEqualTo(1);
        assertThat(notRegistered.err()).isEqualTo("error: " + bob.getAddress().toLowerCase() + " is not registered as a "
                + "contributor: register first: cotrain register --stake 100 (the minimum stake is 100 COT)\n");

        assertThat(cli(carol, "register", "--stake", "100").exitCode()).isZero();
        CliRunner.Result requested = cli(carol, "unstake", "--amount", "95");
        assertThat(requested.exitCode()).as(requested.toString()).isZero();
        CotrainProtocol.ContributorProfile unbonding = profile(carol);
        assertThat(unbonding.stake).isEqualTo(tokens(5));
        assertThat(unbonding.unbondingStake).isEqualTo(tokens(95));
        BigInteger ready = unbonding.unbondingReadyBlock;
        assertThat(requested.out()).contains("95 COT started unbonding (95 COT unbonding in all), withdrawable from block "
                + ready);

        // Too little free stake: to submit (checked before uploading), and to unstake more (the contract's revert).
        CliRunner.Result submit = cli(carol, "submit", "--task", "1", "--dataset", shard.toString());
        assertThat(submit.exitCode()).isEqualTo(1);
        assertThat(submit.err()).startsWith("error: not enough free stake: 5 COT of your stake is free (not locked by "
                + "pending contributions), 10 COT needed: add stake with 'cotrain register --stake AMOUNT'");
        CliRunner.Result tooMuch = cli(carol, "unstake", "--amount", "10");
        assertThat(tooMuch.err()).contains("not enough free stake: 5 COT")
                .contains("unstake at most 5 COT now (cotrain unstake --amount 5)");

        CliRunner.Result early = cli(carol, "unstake", "--withdraw");
        assertThat(early.exitCode()).isEqualTo(1);
        assertThat(early.err()).containsPattern("error: the unbonding stake is withdrawable from block " + ready
                + "; the chain is at block \\d+ \\(\\d+ blocks to go\\): run 'cotrain unstake --withdraw' again then");
        assertThat(cli(carol, "status").out()).contains("unbonding          95 COT, withdrawable from block " + ready);

        anvil.mineTo(ready);
        BigInteger before = chain.token(ADMIN).balanceOf(carol.getAddress()).send();
        CliRunner.Result withdrawn = cli(carol, "unstake", "--withdraw");
        assertThat(withdrawn.exitCode()).as(withdrawn.toString()).isZero();
        assertThat(withdrawn.out()).contains("withdrew 95 COT; token balance now " + TokenAmount.format(before.add(tokens(95))));
        assertThat(profile(carol).unbondingStake).isZero();
        assertThat(chain.token(ADMIN).balanceOf(carol.getAddress()).send()).isEqualTo(before.add(tokens(95)));

        CliRunner.Result again = cli(carol, "unstake", "--withdraw");
        assertThat(again.err()).startsWith("error: nothing to withdraw: no stake is unbonding");
    }

    // ---- wallets and connections ------------------------------------------------------------------------------

    @Test
    @Order(11)
    void aKeystoreWallet_withItsPasswordFromTheEnvironmentOrPrompted() throws Exception {
        Path keystore = work.resolve(WalletUtils.generateWalletFile("s3cret pass", alice.getEcKeyPair(), work.toFile(), false));
        Map<String, String> variables = new HashMap<>(variables(alice));
        variables.remove("COTRAIN_PRIVATE_KEY");

        CliRunner.Result noWallet = CliRunner.run(CliRunner.environment(variables, work), "status");
        assertThat(noWallet.exitCode()).isEqualTo(1);
        assertThat(noWallet.err()).startsWith("error: no wallet: pass --keystore FILE");

        variables.put("COTRAIN_KEYSTORE_PASSWORD", "s3cret pass");
        CliRunner.Result fromEnvironment = CliRunner.run(CliRunner.environment(variables, work), "status", "--keystore",
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
    @Order(12)
    void chainDown_andNoEthForGas() throws Exception {
        int closed = LocalProcesses.freePort();
        for (String[] args : new String[][] {{"status"}, {"register", "--stake", "100"}, {"history", "--task", "1"}}) {
            List<String> command = new ArrayList<>(List.of(args));
            command.addAll(List.of("--rpc-url", "http://127.0.0.1:" + closed));
            CliRunner.Result down = cli(alice, command.toArray(String[]::new));
            assertThat(down.exitCode()).as(String.join(" ", args)).isEqualTo(3);
            assertThat(down.err()).as(String.join(" ", args)).startsWith("error: cannot reach the chain at "
                    + "http://127.0.0.1:" + closed + ": start it (e.g. deployment/local-chain.sh) or point --rpc-url / "
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

    @Test
    @Order(13)
    void theCotrainScriptRunsThePackagedJar() throws Exception {
        Path out = work.resolve("script-update");
        ScriptRun status = script(alice, "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("address            " + alice.getAddress());
        assertThat(status.err()).as("nothing on stderr").isEmpty();

        ScriptRun trained = script(alice, "train", "--task", "1", "--data", shard.toString(), "--epochs", "1",
                "--out", out.toString());
        assertThat(trained.exitCode()).as(trained.toString()).isZero();
        assertThat(trained.err()).contains("epoch 1/1 [").doesNotContain("Exception").doesNotContain("INFO")
                .doesNotContain("WARNING");
        assertThat(content.fetchManifest(digestIn(trained.out())).artifacts().getFirst().size())
                .isEqualTo(Files.size(out.resolve("model-update.zip")));

        ScriptRun failed = script(bob, "submit", "--task", "1", "--dataset", shard.toString());
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).startsWith("error: " + bob.getAddress() + " is not registered as a contributor");
        assertThat(failed.err().lines()).hasSize(1);
    }

    // ---- the model owner's commands ----------------------------------------------------------------------------

    @Test
    @Order(14)
    void registerModel_storesTheDocumentsAndMintsTheModelToTheCaller() throws Exception {
        Path model = Files.write(work.resolve("base.zip"), baseModel);
        Path description = Files.writeString(work.resolve("held-out.txt"), "2,000 synthetic rows, never published");
        String features = String.join(",", task.schema().featureColumns());
        String classes = Integer.toString(task.schema().classCount());

        CliRunner.Result badRule = cli(carol, "register-model", "--base-model", model.toString(), "--features", features,
                "--label", task.schema().labelColumn(), "--classes", classes, "--held-out-description",
                description.toString(), "--rule", "mean");
        assertThat(badRule.exitCode()).isEqualTo(2);
        assertThat(badRule.err()).contains("--rule must be one of [fedavg, median, trimmed-mean, krum, multi-krum], got mean");
        CliRunner.Result badWeights = cli(carol, "register-model", "--base-model", model.toString(), "--features",
                features, "--label", task.schema().labelColumn(), "--classes", classes, "--held-out-description",
                description.toString(), "--reward-weights", "5000,0,0");
        assertThat(badWeights.exitCode()).isEqualTo(1);
        assertThat(badWeights.err()).isEqualTo("error: --reward-weights must sum to 10000, they sum to 5000\n");
        CliRunner.Result wrongSchema = cli(carol, "register-model", "--base-model", model.toString(), "--features",
                "a,b", "--label", "y", "--classes", classes, "--held-out-description", description.toString());
        assertThat(wrongSchema.exitCode()).isEqualTo(1);
        assertThat(wrongSchema.err()).startsWith("error: --base-model " + model + " is not a model of that schema");

        CliRunner.Result registered = cli(carol, "register-model", "--base-model", model.toString(), "--features",
                features, "--label", task.schema().labelColumn(), "--classes", classes, "--held-out-description",
                description.toString(), "--rule", "trimmed-mean", "--rule-a", "1000");
        assertThat(registered.exitCode()).as(registered.toString()).isZero();
        assertThat(registered.out()).startsWith("registered task 2 (model NFT 2, base commit ");

        var spec = chain.models(ADMIN).model(BigInteger.TWO).send().component1();
        assertThat(chain.models(ADMIN).ownerOf(BigInteger.TWO).send()).isEqualToIgnoringCase(carol.getAddress());
        assertThat(spec.rule).isEqualTo(BigInteger.TWO);
        assertThat(spec.ruleParameterA).isEqualTo(BigInteger.valueOf(1_000));
        assertThat(spec.baseWeightsDigest).isEqualTo(MessageDigest.getInstance("SHA-256").digest(baseModel));
        assertThat(SchemaDocument.read(content.fetchVerified(Cid.ofDigest(spec.schemaDigest)))).isEqualTo(task.schema());
        assertThat(content.fetchVerified(Cid.ofDigest(spec.heldOutDigest))).isEqualTo(Files.readAllBytes(description));
    }

    @Test
    @Order(15)
    void branch_createsMovesRevertsAndRequestsMerges_forTheOwnerOnly() throws Exception {
        // task 1 holds commit 1 (base) and commit 2 on branch 0, and branch 1 "experiment" at commit 1 (Order 9)
        ModelRegistry models = chain.models(ADMIN);
        BigInteger one = BigInteger.ONE;

        CliRunner.Result notOwner = cli(bob, "branch", "--task", "1", "--default", "1");
        assertThat(notOwner.exitCode()).isEqualTo(1);
        assertThat(notOwner.err()).isEqualTo("error: " + bob.getAddress().toLowerCase() + " does not own model 1: "
                + "branch operations are the model NFT holder's; use its wallet\n");

        CliRunner.Result created = cli(ADMIN, "branch", "--task", "1", "--create", "tuning", "--from", "2");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).startsWith("created branch 2 (tuning) at commit 2 of task 1");
        assertThat(models.branchHead(one, BigInteger.TWO).send()).isEqualTo(BigInteger.TWO);

        CliRunner.Result notEarlier = cli(ADMIN, "branch", "--task", "1", "--revert", "0", "--to", "2");
        assertThat(notEarlier.exitCode()).isEqualTo(1);
        assertThat(notEarlier.err()).isEqualTo("error: commit 2 is not an earlier commit of branch 0 (first parents "
                + "from its head): pick one from 'cotrain history'\n");
        CliRunner.Result reverted = cli(ADMIN, "branch", "--task", "1", "--revert", "0", "--to", "1");
        assertThat(reverted.exitCode()).as(reverted.toString()).isZero();
        assertThat(models.branchHead(one, BigInteger.ZERO).send()).isEqualTo(one);

        CliRunner.Result merge = cli(ADMIN, "branch", "--task", "1", "--merge", "2", "--into", "0");
        assertThat(merge.exitCode()).as(merge.toString()).isZero();
        assertThat(models.pendingMerge(one, BigInteger.ZERO).send()).isEqualTo(BigInteger.TWO);
        CliRunner.Result nothing = cli(ADMIN, "branch", "--task", "1", "--merge", "1", "--into", "0");
        assertThat(nothing.err()).isEqualTo("error: branch 1 has nothing to merge into branch 0: the same branch, or "
                + "the same head\n");

        CliRunner.Result moved = cli(ADMIN, "branch", "--task", "1", "--default", "2");
        assertThat(moved.exitCode()).as(moved.toString()).isZero();
        assertThat(models.model(one).send().component2()).isEqualTo(BigInteger.TWO);
        CliRunner.Result unknown = cli(ADMIN, "branch", "--task", "1", "--default", "7");
        assertThat(unknown.err()).isEqualTo("error: model 1 has no branch 7: 'cotrain history --task 1' lists its "
                + "branches\n");
        CliRunner.Result twoOperations = cli(ADMIN, "branch", "--task", "1", "--default", "0", "--revert", "0", "--to", "1");
        assertThat(twoOperations.exitCode()).isEqualTo(2);
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
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(variables(account));
        builder.environment().put("COTRAIN_SKIP_BUILD", "1");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (!process.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)) {
            LocalProcesses.stopTree(process, Duration.ofSeconds(5));
            throw new AssertionError("cli/cotrain " + String.join(" ", args) + " did not finish within 3 minutes");
        }
        return new ScriptRun(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Credentials newAccount(long wholeTokens, boolean withEth) throws Exception {
        Credentials account = Credentials.create(Keys.createEcKeyPair());
        if (withEth) Transfer.sendFunds(anvil.web3j(), ADMIN, account.getAddress(), BigDecimal.ONE, Convert.Unit.ETHER).send();
        chain.token(ADMIN).transfer(account.getAddress(), tokens(wholeTokens)).send();
        return account;
    }

    private static Map<String, String> variables(Credentials account) {
        return Map.of(
                "COTRAIN_RPC_URL", anvil.rpcUrl(),
                "COTRAIN_IPFS_URL", ipfs.apiUrl().toString(),
                "COTRAIN_DEPLOYMENT", deploymentFile.toString(),
                "COTRAIN_PRIVATE_KEY", Numeric.toHexStringWithPrefixZeroPadded(account.getEcKeyPair().getPrivateKey(), 64));
    }

    private static CliRunner.Result cli(Credentials account, String... args) {
        return CliRunner.run(CliRunner.environment(variables(account), work), args);
    }

    private static String protocolAddress() {
        return chain.addresses().protocol();
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

    /** Mines until a new round accepts submissions, so the next ones have its whole submission window. */
    private static void awaitFreshRound() throws Exception {
        BigInteger now = chain.protocol(ADMIN).currentRound().send();
        while (chain.protocol(ADMIN).currentRound().send().equals(now)) anvil.mine(1);
    }

    /** The validator scores every contribution of the round, then anyone finalizes it. */
    private static void scoreAndFinalize(BigInteger round, int score) throws Exception {
        CotrainProtocol reader = chain.protocol(ADMIN);
        CotrainProtocol.RoundView info = reader.roundInfo(round).send();
        anvil.mineTo(info.submissionEndBlock);
        int[] scores = new int[info.contributionCount.intValueExact()];
        Arrays.fill(scores, score);
        ScoreCommitment secret = ScoreCommitment.withFreshSalt(round, scores);
        chain.protocol(VALIDATOR).commitScores(round,
                secret.hash(chain.chainId(), chain.addresses().protocol(), VALIDATOR.getAddress())).send();
        anvil.mineTo(info.commitEndBlock);
        chain.protocol(VALIDATOR).revealScores(round, secret.scores(), secret.salt()).send();
        anvil.mineTo(info.revealEndBlock);
        chain.protocol(ADMIN).finalize(round, BigInteger.valueOf(100)).send();
        assertThat(reader.roundInfo(round).send().phase.intValue()).as("round " + round + " finalized").isEqualTo(4);
    }
}
