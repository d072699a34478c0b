package io.cotrain.oracle.scoring;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.client.EventQuery;
import io.cotrain.client.EventReader;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.ProtocolParameter;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.ScoresRevealedEventResponse;
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
import io.cotrain.ipfs.ModelFile;
import io.cotrain.ipfs.Sealing;
import io.cotrain.ipfs.testing.IpfsExtension;
import io.cotrain.ipfs.testing.IpfsNode;
import io.cotrain.oracle.aggregation.FedAvg;
import io.cotrain.oracle.aggregation.ModelUpdate;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.ModelUpdateEvaluator;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Three validators (own keys, own data directories, own task catalogs) score whole rounds on a real anvil chain with
 * contributions stored on a real IPFS node and evaluated with DL4J: honest work is rewarded, every kind of bad work
 * scores the floor and is slashed, the validators agree, and a validator restarted between its commit and its reveal
 * still reveals. After each finalized round they aggregate the accepted updates into the same model bytes, the model
 * registry records it as the next commit, and it becomes every validator's global model; a merge request is answered
 * with a two-parent commit. Each test is a scenario of its own: any order, or alone.
 */
@ExtendWith({AnvilExtension.class, IpfsExtension.class})
class ValidatorRoundsIT {
    private static final long TASK = 1;
    private static final Credentials ADMIN = DevAccounts.account(0);
    private static final List<Credentials> VALIDATORS =
            List.of(DevAccounts.account(1), DevAccounts.account(2), DevAccounts.account(3));

    @TempDir
    static Path work;

    private static AnvilNode anvil;
    private static TestNetwork network;
    private static CotrainClients chain;
    private static ContentStore content;
    private static SyntheticTabularTask task;
    private static Contributions builders;
    private static Path heldOut;
    private static Path base;
    private static final List<TaskCatalog> catalogs = new ArrayList<>(); // one per validator, as in separate nodes
    private static final List<ValidatorLoop> loops = new ArrayList<>();
    private static BigInteger baseCommit;
    /** The content digest of each contribution submitted: the chain keeps contributions by digest. */
    private static final Map<BigInteger, byte[]> DIGESTS = new HashMap<>();

    @BeforeAll
    static void network(AnvilNode anvilNode, IpfsNode ipfs) throws Exception {
        anvil = anvilNode;
        network = TestNetwork.builder(anvil).admin(ADMIN).validators(VALIDATORS).build();
        chain = network.chain();

        content = new ContentStore(ipfs.client());
        task = SyntheticTabularTask.standard();
        builders = new Contributions(task);
        heldOut = Files.write(work.resolve("held-out.csv"), task.heldOutCsv());
        base = Files.write(work.resolve("base-model.zip"), task.baseModelBytes());
        baseCommit = registerTask();
        for (int i = 0; i < VALIDATORS.size(); i++) {
            catalogs.add(new TaskCatalog(
                    List.of(new TaskCatalog.TaskDefinition(TASK, task.schema(), heldOut, base)),
                    EvaluationLimits.defaults()));
            loops.add(validator(i));
        }
    }

    /** The task as its owner (the admin here) registers it: base model and schema document on IPFS, FedAvg. */
    private static BigInteger registerTask() throws Exception {
        TestNetwork.Task registered = SyntheticTaskRegistration.register(network, content, task);
        assertThat(registered.id()).isEqualTo(BigInteger.valueOf(TASK));
        return registered.baseCommit();
    }

    private static ValidatorLoop validator(int i) {
        return TestValidators.loop(
                anvil, chain, VALIDATORS.get(i), content, catalogs.get(i), work.resolve("validator-" + i));
    }

    @Test
    void aRound_rewardsHonestWork_slashesBadWork_validatorsAgree_andItsUpdatesBecomeTheNextCommit() throws Exception {
        settleEarlierRounds(); // the validators' rewards below are this round's alone
        // stage 1: a round of honest and bad work is scored and finalized
        Map<String, Prepared> prepared = new LinkedHashMap<>();
        prepared.put("honest-a", model(newContributor(), builders.honestUpdate(0)));
        prepared.put("honest-b", model(newContributor(), builders.honestUpdate(1)));
        prepared.put("garbage", model(newContributor(), Contributions.garbage(4_096, 7)));
        prepared.put("wrong-architecture", model(newContributor(), builders.wrongArchitecture()));
        prepared.put("poisoned", model(newContributor(), builders.labelFlippedUpdate(2)));
        prepared.put("digest-mismatch", withMismatchedArtifact(newContributor()));
        prepared.put("wrong-schema", dataset(newContributor(), builders.datasetWithWrongHeader(3, 500)));
        Map<Credentials, BigInteger> earnedBefore = new LinkedHashMap<>();
        for (Credentials validator : VALIDATORS) {
            earnedBefore.put(
                    validator,
                    chain.protocol(ADMIN).claimable(validator.getAddress()).send());
        }
        Map<String, BigInteger> submitted = submitInOneRound(prepared);
        BigInteger round = view(submitted.get("honest-a")).round;
        assertThat(submitted.values()).allSatisfy(id -> assertThat(roundOf(id)).isEqualTo(round));

        driveUntil(() -> phase(round) == RoundPhase.FINALIZED, "round " + round + " finalized");

        CotrainProtocol reader = chain.protocol(ADMIN);
        for (String honest : List.of("honest-a", "honest-b")) {
            var view = view(submitted.get(honest));
            assertThat(ContributionStatus.of(view.status)).as(honest).isEqualTo(ContributionStatus.ACCEPTED);
            assertThat(view.consensusScore.intValue()).as(honest).isGreaterThan(50);
            assertThat(reader.claimable(view.contributor).send()).as(honest).isPositive();
            assertThat(reader.contributorProfile(view.contributor).send().stake).isEqualTo(tokens(100));
        }
        int slashThreshold = reader.roundParameter(round, ProtocolParameter.SLASH_THRESHOLD_SCORE.index())
                .send()
                .intValueExact();
        for (String bad : List.of("garbage", "wrong-architecture", "poisoned", "digest-mismatch", "wrong-schema")) {
            var view = view(submitted.get(bad));
            // the poisoned model is valid, slashed for its harm to the round's aggregate; the others fail a guard
            boolean onMerit = bad.equals("poisoned");
            assertThat(view.consensusScore.intValue()).as(bad).isLessThan(slashThreshold);
            if (!onMerit) assertThat(view.consensusScore.intValue()).as(bad).isEqualTo(1);
            assertThat(ContributionStatus.of(view.status)).as(bad).isEqualTo(ContributionStatus.REJECTED);
            assertThat(reader.contributorProfile(view.contributor).send().stake)
                    .as(bad)
                    .isEqualTo(tokens(95));
            assertThat(reader.claimable(view.contributor).send()).as(bad).isZero();
            for (ValidatorLoop loop : loops) {
                ScoredContribution scored = loop.evaluation(submitted.get(bad)).orElseThrow();
                assertThat(scored.score()).as(bad).isEqualTo(view.consensusScore.intValue());
                assertThat(scored.floorReason().isPresent())
                        .as(bad + ": " + scored)
                        .isEqualTo(!onMerit);
            }
        }

        List<byte[]> revealed = revealedScores(round);
        assertThat(revealed).hasSize(3);
        assertThat(revealed).allSatisfy(scores -> assertThat(scores).isEqualTo(revealed.getFirst()));
        for (Credentials validator : VALIDATORS) {
            assertThat(chain.registry(ADMIN)
                            .validatorInfo(validator.getAddress())
                            .send()
                            .bond)
                    .isEqualTo(tokens(2_000));
            assertThat(reader.claimable(validator.getAddress()).send())
                    .as("one validation reward per contribution of the round")
                    .isEqualTo(earnedBefore.get(validator).add(tokens(submitted.size())));
        }

        // stage 2: the validators aggregate the round's accepted updates into the same bytes, which the registry
        // records as the next commit
        ModelRegistry models = chain.models(ADMIN);
        driveUntil(
                () -> call(() -> models.model(BigInteger.valueOf(TASK)).send().component4())
                                .compareTo(round)
                        >= 0,
                "round " + round + " committed");

        List<BigInteger> commits = commitsOf(models);
        BigInteger commitId = commits.stream()
                .filter(id -> call(() -> models.commit(id).send().round).equals(round))
                .findFirst()
                .orElseThrow();
        ModelRegistry.CommitView commit = models.commit(commitId).send();
        assertThat(commit.parent)
                .as("the head it was aggregated onto")
                .isEqualTo(commits.get(commits.indexOf(commitId) - 1));
        assertThat(commit.contributionCount).isEqualTo(BigInteger.TWO);
        assertThat(commit.contributionsDigest)
                .isEqualTo(Hash.sha3(packed(List.of(submitted.get("honest-a"), submitted.get("honest-b")))));
        assertThat(chain.commits(ADMIN).ownerOf(commitId).send()).isEqualToIgnoringCase(ADMIN.getAddress());

        String sha256 = HexFormat.of().formatHex(commit.weightsDigest);
        List<byte[]> copies = new ArrayList<>();
        for (int i = 0; i < VALIDATORS.size(); i++) {
            Path copy = work.resolve("validator-" + i).resolve("models").resolve(sha256 + ".zip");
            if (Files.exists(copy)) copies.add(Files.readAllBytes(copy));
        }
        assertThat(copies)
                .as("at least the two attesters of the quorum computed it")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(copies).allSatisfy(bytes -> assertThat(bytes).isEqualTo(copies.getFirst()));
        byte[] onIpfs = content.fetchModel(ModelFile.ofCommit(commit.weightsDigest, commit.weightsRoot), 10_000_000);
        assertThat(onIpfs).isEqualTo(copies.getFirst());

        // the aggregate of two honest updates beats the untrained base model on the held-out set
        TaskContext baseContext = baseContext();
        assertThat(commit.accuracyPpm.doubleValue() / 1e6)
                .isGreaterThan(baseContext.baseline().accuracy() + 0.05);
        assertThat(baseContext.withGlobalModel(onIpfs).baseline().correct()
                        * 1_000_000L
                        / baseContext.baseline().rows())
                .isEqualTo(commit.accuracyPpm.longValueExact());
        // the base commit's metrics too, measured by the validators serving the task and recorded once they agree
        driveUntil(
                () -> call(() -> models.commit(baseCommit).send().accuracyPpm.signum() > 0),
                "the base model's metrics recorded");
        ModelRegistry.CommitView base = models.commit(baseCommit).send();
        assertThat(base.accuracyPpm.longValueExact())
                .isEqualTo(baseContext.baseline().valuePpm());
        assertThat(base.lossMicros.longValueExact())
                .isEqualTo(baseContext.baseline().lossMicros());

        // stage 3: a contribution is judged against the head as of its block (nothing ticks in between), by every
        // validator
        // alike
        byte[] update = builders.honestUpdate(6);
        BigInteger id = submitInOneRound(Map.of("honest", model(newContributor(), update)))
                .get("honest");
        BigInteger head =
                models.branchHead(BigInteger.valueOf(TASK), BigInteger.ZERO).send();
        assertThat(head).isNotEqualTo(baseCommit);
        // (the global model's held-out loss it was measured against, which its round's valuation keeps)
        double expected = new ModelUpdateEvaluator()
                .evaluate(baseContext.withGlobalModel(modelOf(models, head)), update)
                .metrics()
                .get("baselineLoss");
        driveUntil(
                () -> loops.stream().allMatch(loop -> loop.evaluation(id).isPresent()),
                "contribution " + id + " judged");
        assertThat(loops)
                .allSatisfy(loop -> assertThat(
                                loop.evaluation(id).orElseThrow().metrics().get("baselineLoss"))
                        .isEqualTo(expected));
        assertThat(baseContext.baseline().loss())
                .as("the base would be the baseline otherwise")
                .isNotEqualTo(expected);
    }

    @Test
    void aValidatorRestartedBetweenCommitAndRevealStillReveals() throws Exception {
        settleEarlierRounds(); // the restarted validator's rewards below are this round's alone
        Map<String, Prepared> prepared = new LinkedHashMap<>();
        prepared.put("honest", model(newContributor(), builders.honestUpdate(4)));
        prepared.put("poisoned", model(newContributor(), builders.labelFlippedUpdate(5)));
        BigInteger round = roundOf(submitInOneRound(prepared).get("honest"));
        Credentials restarted = VALIDATORS.get(2);
        int index = chain.registry(ADMIN)
                .validatorInfo(restarted.getAddress())
                .send()
                .index
                .intValueExact();
        BigInteger claimableBefore =
                chain.protocol(ADMIN).claimable(restarted.getAddress()).send();

        driveUntil(() -> info(round).committedValidators.testBit(index), "validator 3 committed to round " + round);
        assertThat(info(round).revealedValidators.testBit(index)).isFalse();
        loops.set(2, validator(2)); // a new process: nothing in memory, only its data directory

        driveUntil(() -> phase(round) == RoundPhase.FINALIZED, "round " + round + " finalized");
        assertThat(info(round).revealedValidators.testBit(index))
                .as("revealed after the restart")
                .isTrue();
        assertThat(chain.registry(ADMIN).validatorInfo(restarted.getAddress()).send().bond)
                .isEqualTo(tokens(2_000));
        assertThat(chain.protocol(ADMIN).claimable(restarted.getAddress()).send())
                .isEqualTo(claimableBefore.add(tokens(2)));
    }

    /**
     * The attack on one validator: content sealed to all three, with garbage wrapped for the first alone. It cannot
     * open it; the others can. Its evidence, published before anyone commits, proves the fault to the others, so all
     * three floor it, agree, and the targeted validator loses nothing.
     */
    @Test
    void garbageWrappedForOneValidator_itsReportFloorsItForAll_andTheTargetKeepsItsReward() throws Exception {
        settleEarlierRounds();
        Credentials target = VALIDATORS.getFirst();
        Map<String, Prepared> prepared = new LinkedHashMap<>();
        prepared.put("honest", model(newContributor(), builders.honestUpdate(7)));
        prepared.put("targeted", sealedWithGarbageFor(newContributor(), builders.honestUpdate(8), target));
        BigInteger claimableBefore =
                chain.protocol(ADMIN).claimable(target.getAddress()).send();
        Map<String, BigInteger> submitted = submitInOneRound(prepared);
        BigInteger round = roundOf(submitted.get("honest"));

        driveUntil(() -> phase(round) == RoundPhase.FINALIZED, "round " + round + " finalized");

        var targeted = view(submitted.get("targeted"));
        assertThat(targeted.consensusScore.intValue()).isEqualTo(1);
        assertThat(ContributionStatus.of(targeted.status)).isEqualTo(ContributionStatus.REJECTED);
        for (ValidatorLoop loop : loops) {
            assertThat(loop.evaluation(submitted.get("targeted")).orElseThrow().score())
                    .isEqualTo(1);
        }
        assertThat(loops.get(1)
                        .evaluation(submitted.get("targeted"))
                        .orElseThrow()
                        .floorReason())
                .hasValueSatisfying(reason -> assertThat(reason)
                        .contains("wrapped for " + target.getAddress().toLowerCase(Locale.ROOT)));
        List<byte[]> revealed = revealedScores(round);
        assertThat(revealed).hasSize(3);
        assertThat(revealed).allSatisfy(scores -> assertThat(scores).isEqualTo(revealed.getFirst()));
        assertThat(chain.registry(ADMIN).validatorInfo(target.getAddress()).send().bond)
                .isEqualTo(tokens(2_000));
        assertThat(chain.protocol(ADMIN).claimable(target.getAddress()).send())
                .as("one validation reward per contribution, as every validator")
                .isEqualTo(claimableBefore.add(tokens(2)));
    }

    @Test
    void aMergeRequestIsAnsweredWithATwoParentCommit() throws Exception {
        ModelRegistry models = chain.models(ADMIN);
        BigInteger task = BigInteger.valueOf(TASK);
        if (models.branchHead(task, BigInteger.ZERO).send().equals(baseCommit)) {
            // a branch at the base merges into a main branch that moved on: give main a commit of its own
            BigInteger round =
                    roundOf(submitInOneRound(Map.of("honest", model(newContributor(), builders.honestUpdate(7))))
                            .get("honest"));
            driveUntil(
                    () -> call(() -> models.model(task).send().component4()).compareTo(round) >= 0,
                    "round " + round + " committed");
        }
        var branch = ModelRegistry.getBranchCreatedEvents(
                        models.createBranch(task, baseCommit, new byte[32]).send())
                .getFirst()
                .branchId;
        models.requestMerge(task, branch, BigInteger.ZERO).send();

        driveUntil(
                () -> call(() -> models.pendingMerge(task, BigInteger.ZERO).send())
                                .component1()
                                .signum()
                        == 0,
                "merge recorded");

        // main's head when the merge was recorded (a round aggregated meanwhile moves it) and the branch's head
        BigInteger merge = models.branchHead(task, BigInteger.ZERO).send();
        List<BigInteger> parents = models.parents(merge).send();
        List<BigInteger> commits = commitsOf(models);
        assertThat(parents).containsExactly(commits.get(commits.indexOf(merge) - 1), baseCommit);
        ModelRegistry.CommitView commit = models.commit(merge).send();
        assertThat(commit.parent).isEqualTo(parents.getFirst());
        assertThat(commit.mergeParent).isEqualTo(baseCommit);
        assertThat(commit.round).isZero();
        assertThat(commit.contributionCount).isZero();
        byte[] merged = content.fetchModel(ModelFile.ofCommit(commit.weightsDigest, commit.weightsRoot), 10_000_000);
        float[] expected = new FedAvg()
                .aggregate(List.of(
                        new ModelUpdate(0, parametersOf(models, parents.getFirst()), 1, 1),
                        new ModelUpdate(1, baseContext().freshGlobalModel().parameters(), 1, 1)));
        assertThat(ModelCodec.read(merged, EvaluationLimits.defaults()).parameters())
                .isEqualTo(expected);
    }

    private static TaskContext baseContext() {
        return TaskContext.create(
                TASK, task.schema(), task.heldOutCsv(), task.baseModelBytes(), EvaluationLimits.defaults());
    }

    private static float[] parametersOf(ModelRegistry models, BigInteger commitId) throws Exception {
        return ModelCodec.read(modelOf(models, commitId), EvaluationLimits.defaults())
                .parameters();
    }

    private static byte[] modelOf(ModelRegistry models, BigInteger commitId) throws Exception {
        ModelRegistry.CommitView commit = models.commit(commitId).send();
        return content.fetchModel(ModelFile.ofCommit(commit.weightsDigest, commit.weightsRoot), 10_000_000);
    }

    /** The task's commits in the order they were recorded, the base commit first. */
    private static List<BigInteger> commitsOf(ModelRegistry models) throws Exception {
        List<BigInteger> commits = models.commitsOf(BigInteger.valueOf(TASK), BigInteger.ZERO, BigInteger.valueOf(100))
                .send()
                .component1();
        assertThat(commits.getFirst()).isEqualTo(baseCommit);
        return commits;
    }

    private static byte[] packed(List<BigInteger> ids) {
        byte[] packed = new byte[32 * ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            System.arraycopy(Numeric.toBytesPadded(ids.get(i), 32), 0, packed, 32 * i, 32);
        }
        return packed;
    }

    private static <T> T call(Callable<T> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- contributors ----------------------------------------------------------------------------------------

    private static Credentials newContributor() throws Exception {
        return network.newContributor(100);
    }

    /** A contribution stored on IPFS, ready to be submitted on chain by its contributor. */
    private record Prepared(Credentials contributor, ContributionManifest manifest) {}

    private static Prepared model(Credentials contributor, byte[] model) {
        Artifact artifact = Artifact.of("model.zip", content.putVerified(model), model, "application/zip");
        return stored(
                contributor,
                ContributionManifest.modelUpdate(
                        TASK,
                        contributor.getAddress(),
                        List.of(artifact),
                        Contributions.SHARD_ROWS,
                        Cid.of(task.baseModelBytes()).toString()));
    }

    private static Prepared dataset(Credentials contributor, byte[] csv) {
        Artifact artifact = Artifact.of("data.csv", content.putVerified(csv), csv, "text/csv");
        var schema = new ContributionManifest.DataSchema(
                task.schema().columns(), task.schema().labelColumn());
        return stored(
                contributor,
                ContributionManifest.dataset(TASK, contributor.getAddress(), List.of(artifact), 500, schema));
    }

    /** An update sealed to every validator, as the CLI seals it, but with a useless key wrapped for {@code victim}. */
    private static Prepared sealedWithGarbageFor(Credentials contributor, byte[] model, Credentials victim) {
        ContributionManifest plain = ContributionManifest.modelUpdate(
                TASK,
                contributor.getAddress(),
                List.of(Artifact.of("model.zip", Cid.of(model), model, "application/zip")),
                Contributions.SHARD_ROWS,
                Cid.of(task.baseModelBytes()).toString());
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (Credentials validator : VALIDATORS) {
            keys.put(
                    validator.getAddress().toLowerCase(Locale.ROOT),
                    Numeric.toBytesPadded(validator.getEcKeyPair().getPublicKey(), Sealing.PUBLIC_KEY_BYTES));
        }
        Sealing.Sealed sealed = Sealing.seal(plain.binding(), model, keys, new SecureRandom());
        // the victim's entry from a second sealing under another content key: signed as any wrap, opens to garbage
        String address = victim.getAddress().toLowerCase(Locale.ROOT);
        Sealing.Recipient decoy = Sealing.seal(
                        plain.binding(), model, Map.of(address, keys.get(address)), new SecureRandom())
                .sealing()
                .recipient(address)
                .orElseThrow();
        List<Sealing.Recipient> recipients = sealed.sealing().recipients().stream()
                .map(r -> r.address().equals(address) ? decoy : r)
                .toList();
        byte[] ciphertext = sealed.ciphertext();
        Artifact stored = Artifact.of("model.zip", content.putVerified(ciphertext), ciphertext, "application/zip");
        return stored(
                contributor,
                plain.sealedAs(
                        stored,
                        new Sealing(
                                sealed.sealing().plaintextSha256(),
                                sealed.sealing().nonce(),
                                recipients)));
    }

    /** A manifest whose artifact entry gives a sha256 the stored bytes do not have (a dag-pb object, over 1 MiB). */
    private static Prepared withMismatchedArtifact(Credentials contributor) {
        byte[] stored = Contributions.garbage(1_500_000, 11);
        byte[] claimed = Contributions.garbage(1_500_000, 12);
        Cid cid = content.putVerified(stored);
        assertThat(cid.isRaw()).as("large enough to be a dag-pb root").isFalse();
        Artifact artifact = Artifact.of("model.zip", cid, claimed, "application/zip");
        return stored(
                contributor,
                ContributionManifest.modelUpdate(
                        TASK,
                        contributor.getAddress(),
                        List.of(artifact),
                        Contributions.SHARD_ROWS,
                        Cid.of(task.baseModelBytes()).toString()));
    }

    private static Prepared stored(Credentials contributor, ContributionManifest manifest) {
        content.putManifest(manifest);
        return new Prepared(contributor, manifest);
    }

    /** Waits for a fresh round, then submits everything in it: one block each, well within the window. */
    private static Map<String, BigInteger> submitInOneRound(Map<String, Prepared> prepared) throws Exception {
        anvil.blocks().mineToNextRound(chain.protocol(ADMIN));
        Map<String, BigInteger> ids = new LinkedHashMap<>();
        for (var entry : prepared.entrySet()) {
            ContributionManifest manifest = entry.getValue().manifest();
            var receipt = chain.protocol(entry.getValue().contributor())
                    .submitContribution(manifest.kind().onChain(), manifest.digest(), BigInteger.valueOf(TASK))
                    .send();
            BigInteger id =
                    CotrainProtocol.getContributionSubmittedEvents(receipt).getFirst().id;
            ids.put(entry.getKey(), id);
            DIGESTS.put(id, manifest.digest());
        }
        return ids;
    }

    // ---- the network ------------------------------------------------------------------------------------------

    private static void driveUntil(BooleanSupplier done, String what) {
        for (int step = 0; step < 300 && !done.getAsBoolean(); step++) {
            for (ValidatorLoop loop : loops) loop.tick();
            anvil.mine(1);
        }
        assertThat(done.getAsBoolean())
                .as(
                        "%s; validators: %s",
                        what, loops.stream().map(ValidatorLoop::status).toList())
                .isTrue();
    }

    /** Drives the validators until every round with submissions so far is finalized, the open one included. */
    private static void settleEarlierRounds() throws Exception {
        BigInteger current = chain.protocol(ADMIN).currentRound().send();
        if (info(current).exists) {
            current = anvil.blocks().mineToNextRound(chain.protocol(ADMIN));
        }
        for (BigInteger round = BigInteger.ONE; round.compareTo(current) < 0; round = round.add(BigInteger.ONE)) {
            BigInteger r = round;
            driveUntil(() -> !info(r).exists || phase(r) == RoundPhase.FINALIZED, "earlier round " + r + " finalized");
        }
    }

    private static CotrainProtocol.RoundView info(BigInteger round) {
        try {
            return chain.protocol(ADMIN).roundInfo(round).send();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RoundPhase phase(BigInteger round) {
        return RoundPhase.of(info(round).phase);
    }

    private static BigInteger roundOf(BigInteger id) throws Exception {
        return view(id).round;
    }

    private static CotrainProtocol.ContributionView view(BigInteger id) throws Exception {
        return chain.protocol(ADMIN).contribution(DIGESTS.get(id)).send();
    }

    private static List<byte[]> revealedScores(BigInteger round) throws Exception {
        EventQuery revealed = EventQuery.of(
                List.of(CotrainProtocol.SCORESREVEALED_EVENT), chain.addresses().protocol());
        BigInteger head = anvil.web3j().ethBlockNumber().send().getBlockNumber();
        List<byte[]> scores = new ArrayList<>();
        for (Log log : new EventReader(EventReader.of(anvil.web3j()), 10_000).read(revealed, BigInteger.ZERO, head)) {
            ScoresRevealedEventResponse event = CotrainProtocol.getScoresRevealedEventFromLog(log);
            if (event.round.equals(round)) scores.add(event.scores);
        }
        return scores;
    }
}
