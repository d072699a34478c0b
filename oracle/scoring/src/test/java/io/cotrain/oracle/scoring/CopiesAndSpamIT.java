package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionFinalizedEventResponse;
import io.cotrain.contracts.testing.AnvilExtension;
import io.cotrain.contracts.testing.AnvilNode;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.contracts.testing.TestNetwork;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.ipfs.testing.IpfsExtension;
import io.cotrain.ipfs.testing.IpfsNode;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Convert;
import org.web3j.utils.Numeric;

/**
 * Copies and spam against one validator on a real anvil chain and real js-ipfs nodes, scored with DL4J: a copy of
 * someone's artifact (same bytes, its own manifest) is floored and slashed while the original keeps its score, also
 * by a validator rebuilt on an empty data directory and by one whose artifact index was lost; fifty digests that
 * point at nothing are all floored within one round deadline next to honest work; and a validator whose IPFS node is
 * hung or stopped floors nothing.
 */
@ExtendWith({AnvilExtension.class, IpfsExtension.class})
class CopiesAndSpamIT {
    /** Each scenario has a task of its own, so that one's aggregated global model does not value another's work. */
    private static final long COPIES_TASK = 1;

    private static final long SPAM_TASK = 2;
    private static final long HUNG_IPFS_TASK = 3;
    /** Honest work next to the copies after a rebuild: valued against a global model no round has aggregated yet. */
    private static final long REBUILT_HONEST_TASK = 4;

    private static final List<Long> TASKS = List.of(COPIES_TASK, SPAM_TASK, HUNG_IPFS_TASK, REBUILT_HONEST_TASK);
    private static final Credentials ADMIN = DevAccounts.account(0);
    private static final Credentials VALIDATOR = DevAccounts.account(1);
    private static final ContentFetching FETCHING =
            new ContentFetching(Duration.ofSeconds(4), 128, 3, Duration.ofSeconds(2));
    /** Time a judging tick may take beyond the deadline: health probe, evaluation of the honest ones, chain calls. */
    private static final Duration MARGIN = Duration.ofSeconds(6);

    private static final int SPAM = 50;
    private static final String NOT_AVAILABLE = "content not available on IPFS within the deadline";

    @TempDir
    static Path work;

    private static AnvilNode anvil;
    private static IpfsNode ipfs;
    private static TestNetwork network;
    private static CotrainClients chain;
    private static ContentStore content;
    private static SyntheticTabularTask task;
    private static Contributions builders;
    private static TaskCatalog tasks;
    private static final Random random = new Random(11);

    @BeforeAll
    static void network(AnvilNode anvilNode, IpfsNode ipfsNode) throws Exception {
        anvil = anvilNode;
        ipfs = ipfsNode;
        network = TestNetwork.builder(anvil)
                .admin(ADMIN)
                .validators(List.of(VALIDATOR))
                .validatorBond(3_000)
                .build();
        chain = network.chain();

        content = new ContentStore(ipfs.client());
        task = SyntheticTabularTask.standard();
        builders = new Contributions(task);
        Path heldOut = Files.write(work.resolve("held-out.csv"), task.heldOutCsv());
        Path base = Files.write(work.resolve("base-model.zip"), task.baseModelBytes());
        List<TaskCatalog.TaskDefinition> definitions = new ArrayList<>();
        for (long id : TASKS) {
            TestNetwork.Task registered = SyntheticTaskRegistration.register(network, content, task);
            assertThat(registered.id()).isEqualTo(BigInteger.valueOf(id));
            definitions.add(new TaskCatalog.TaskDefinition(id, task.schema(), heldOut, base));
        }
        tasks = new TaskCatalog(definitions, EvaluationLimits.defaults());
    }

    private static ValidatorLoop validator(Path dataDirectory, ContentStore store) {
        return TestValidators.loop(anvil, chain, VALIDATOR, store, tasks, dataDirectory, FETCHING);
    }

    @Test
    void aCopyIsFlooredWhileTheOriginalKeepsItsScore_alsoAfterARebuildFromAnEmptyDataDirectory() throws Exception {
        byte[] work1 = builders.honestUpdate(10, globalModelBytes(COPIES_TASK));
        Credentials alice = newContributor();
        Map<String, Prepared> first = new LinkedHashMap<>();
        first.put("original", model(COPIES_TASK, alice, work1, Instant.EPOCH));
        first.put(
                "copy",
                model(COPIES_TASK, newContributor(), work1, Instant.EPOCH)); // same bytes, the copier's own manifest
        first.put(
                "honest",
                model(
                        COPIES_TASK,
                        newContributor(),
                        builders.honestUpdate(11, globalModelBytes(COPIES_TASK)),
                        Instant.EPOCH));
        Map<String, BigInteger> ids = new LinkedHashMap<>(submitInOneRound(first));
        Map<String, Prepared> second = new LinkedHashMap<>();
        second.put("later-copy", model(COPIES_TASK, newContributor(), work1, Instant.EPOCH));
        second.put(
                "resubmission",
                model(COPIES_TASK, alice, work1, Instant.parse("2026-12-01T00:00:00Z"))); // its own work again
        ids.putAll(submitInOneRound(second));
        BigInteger original = ids.get("original");
        List<String> copies = List.of("copy", "later-copy", "resubmission");

        Path firstData = work.resolve("copies-validator");
        ValidatorLoop validator = validator(firstData, content);
        drive(validator, () -> finalized(ids.values()), "both rounds finalized");
        Map<BigInteger, ContributionFinalizedEventResponse> settled = finalizedEvents();
        for (String honest : List.of("original", "honest")) {
            ScoredContribution scored = validator.evaluation(ids.get(honest)).orElseThrow();
            assertThat(scored.floorReason()).as(honest).isEmpty();
            assertThat(scored.score()).as(honest).isGreaterThan(50);
            assertThat(ContributionStatus.of(settled.get(ids.get(honest)).status))
                    .as(honest)
                    .isEqualTo(ContributionStatus.ACCEPTED);
            assertThat(settled.get(ids.get(honest)).reward).as(honest).isPositive();
        }
        for (String copy : copies) {
            assertThat(validator.evaluation(ids.get(copy)).orElseThrow().floorReason())
                    .as(copy)
                    .hasValueSatisfying(reason -> assertThat(reason).startsWith(copyOf(original)));
            assertThat(settled.get(ids.get(copy)).consensusScore.intValue())
                    .as(copy)
                    .isEqualTo(1);
            assertThat(ContributionStatus.of(settled.get(ids.get(copy)).status))
                    .as(copy)
                    .isEqualTo(ContributionStatus.REJECTED);
            assertThat(settled.get(ids.get(copy)).slashed).as(copy).isPositive();
        }
        validator.close();

        // A new validator process on an empty data directory: it rebuilds the index from the chain's events and the
        // manifests on IPFS before it judges a new copy.
        ValidatorLoop rebuilt = validator(work.resolve("copies-validator-rebuilt"), content);
        Map<String, Prepared> third = new LinkedHashMap<>();
        third.put("copy-after-rebuild", model(COPIES_TASK, newContributor(), work1, Instant.EPOCH));
        third.put(
                "honest-after-rebuild",
                model(
                        REBUILT_HONEST_TASK,
                        newContributor(),
                        builders.honestUpdate(12, globalModelBytes(REBUILT_HONEST_TASK)),
                        Instant.EPOCH));
        ids.putAll(submitInOneRound(third));
        drive(rebuilt, () -> finalized(ids.values()), "the third round finalized");
        assertThat(rebuilt.evaluation(original).orElseThrow().score())
                .isEqualTo(validator.evaluation(original).orElseThrow().score());
        for (String copy :
                Stream.concat(copies.stream(), Stream.of("copy-after-rebuild")).toList()) {
            assertThat(rebuilt.evaluation(ids.get(copy)).orElseThrow().floorReason())
                    .as(copy)
                    .hasValueSatisfying(reason -> assertThat(reason).startsWith(copyOf(original)));
        }
        assertThat(ContributionStatus.of(finalizedEvents().get(ids.get("copy-after-rebuild")).status))
                .isEqualTo(ContributionStatus.REJECTED);
        assertThat(ContributionStatus.of(finalizedEvents().get(ids.get("honest-after-rebuild")).status))
                .isEqualTo(ContributionStatus.ACCEPTED);
        Path index = work.resolve("copies-validator-rebuilt").resolve("artifacts");
        assertThat(Files.readString(index.resolve(Cid.of(work1).digestHex())))
                .isEqualToIgnoringNewLines(original.toString());
        rebuilt.close();

        // The first data directory without its index (judgements and checkpoint kept, as after an upgrade): the
        // contributions it will not judge again are read back from the chain's events.
        deleteTree(firstData.resolve("artifacts"));
        ValidatorLoop upgraded = validator(firstData, content);
        Map<String, Prepared> fourth = new LinkedHashMap<>();
        fourth.put("copy-after-upgrade", model(COPIES_TASK, newContributor(), work1, Instant.EPOCH));
        ids.putAll(submitInOneRound(fourth));
        BigInteger last = ids.get("copy-after-upgrade");
        drive(upgraded, () -> finalized(ids.values()), "the fourth round finalized");
        assertThat(upgraded.evaluation(last).orElseThrow().floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).startsWith(copyOf(original)));
        assertThat(new ArtifactIndex(firstData).resolvedThrough()).isEqualTo(last);
        upgraded.close();
    }

    @Test
    void fiftyDigestsThatPointAtNothingAreAllFlooredWithinOneDeadline_nextToHonestWorkScoredNormally()
            throws Exception {
        ValidatorLoop validator = validator(work.resolve("spam-validator"), content);
        validator.tick(); // catches up with the history first, so the measured tick judges the spam round alone
        BigInteger bondBefore =
                chain.registry(ADMIN).validatorInfo(VALIDATOR.getAddress()).send().bond;
        List<Credentials> spammers = new ArrayList<>();
        for (int i = 0; i < 5; i++) spammers.add(newContributor());
        List<Prepared> honest = List.of(
                model(
                        SPAM_TASK,
                        newContributor(),
                        builders.honestUpdate(20, globalModelBytes(SPAM_TASK)),
                        Instant.EPOCH),
                model(
                        SPAM_TASK,
                        newContributor(),
                        builders.honestUpdate(21, globalModelBytes(SPAM_TASK)),
                        Instant.EPOCH));
        awaitFreshRound();

        List<Submission> submissions = new ArrayList<>();
        for (int i = 0; i < SPAM; i++) {
            submissions.add(new Submission(
                    SPAM_TASK, spammers.get(i % spammers.size()), ContributionKind.MODEL_UPDATE, randomDigest()));
        }
        for (Prepared prepared : honest) {
            submissions.add(new Submission(
                    SPAM_TASK,
                    prepared.contributor(),
                    ContributionKind.MODEL_UPDATE,
                    prepared.manifest().digest()));
        }
        BigInteger round = chain.protocol(ADMIN).currentRound().send();
        List<BigInteger> ids = submitInOneBlock(submissions);
        List<BigInteger> spam = ids.subList(0, SPAM);
        List<BigInteger> honestIds = ids.subList(SPAM, ids.size());
        anvil.mine(1); // one confirmation

        // while the round takes submissions, a fetch is short and floors nothing: spam cannot hold a tick for long
        long provisionalStart = System.nanoTime();
        validator.tick();
        assertThat(Duration.ofNanos(System.nanoTime() - provisionalStart))
                .as("a provisional tick")
                .isLessThan(ContentFetching.MINIMUM_FETCH.plus(MARGIN));
        assertThat(spam)
                .allSatisfy(id -> assertThat(validator.evaluation(id))
                        .as("%s not judged yet", id)
                        .isEmpty());

        anvil.mineTo(chain.protocol(ADMIN).roundInfo(round).send().submissionEndBlock);
        long started = System.nanoTime();
        validator.tick();
        Duration judging = Duration.ofNanos(System.nanoTime() - started);

        System.out.printf(
                "%njudged a round of %d contributions (%d digests pointing at nothing, %d honest) in its"
                        + " commit window's first tick: %d ms; round deadline at most %d ms (less near the end of the"
                        + " commit window)%n",
                ids.size(),
                SPAM,
                honestIds.size(),
                judging.toMillis(),
                FETCHING.roundDeadline().toMillis());
        for (BigInteger id : spam) {
            assertThat(validator.evaluation(id))
                    .as("contribution %s judged in that tick", id)
                    .hasValueSatisfying(scored -> assertThat(scored.floorReason())
                            .hasValueSatisfying(reason -> assertThat(reason).startsWith(NOT_AVAILABLE)));
        }
        for (BigInteger id : honestIds) {
            ScoredContribution scored = validator.evaluation(id).orElseThrow();
            assertThat(scored.floorReason()).isEmpty();
            assertThat(scored.score()).isGreaterThan(50);
        }
        assertThat(judging)
                .as("one deadline for the round, not one per contribution")
                .isLessThan(FETCHING.roundDeadline().plus(MARGIN));

        drive(validator, () -> finalized(ids), "the spam round finalized");
        Map<BigInteger, ContributionFinalizedEventResponse> settled = finalizedEvents();
        assertThat(spam).allSatisfy(id -> {
            assertThat(ContributionStatus.of(settled.get(id).status)).isEqualTo(ContributionStatus.REJECTED);
            assertThat(settled.get(id).slashed).isPositive();
        });
        assertThat(honestIds)
                .allSatisfy(id -> assertThat(ContributionStatus.of(settled.get(id).status))
                        .isEqualTo(ContributionStatus.ACCEPTED));
        var info = chain.registry(ADMIN).validatorInfo(VALIDATOR.getAddress()).send();
        assertThat(info.active)
                .as("the validator committed and revealed in time")
                .isTrue();
        assertThat(info.bond).as("no penalty for this round").isEqualTo(bondBefore);
        validator.close();
    }

    @Test
    void aValidatorWhoseIpfsNodeIsHungOrStoppedFloorsNothing_itsContributionsStayPending() throws Exception {
        IpfsNode own = IpfsNode.start(work.resolve("own-ipfs"));
        try (IpfsClient client =
                new IpfsClient(own.apiUrl(), Duration.ofSeconds(5), IpfsClient.DEFAULT_MAX_OBJECT_BYTES)) {
            ContentStore store = new ContentStore(client);
            // the tasks' global models (the base, or what earlier scenarios aggregated), which the validator fetches
            for (long id : TASKS) store.putModel(globalModelBytes(id));
            ValidatorLoop validator = validator(work.resolve("down-validator"), store);
            validator.tick(); // history: none of it is on this node, which is healthy, so it is all floored

            byte[] update = builders.honestUpdate(30, globalModelBytes(HUNG_IPFS_TASK));
            Credentials contributor = newContributor();
            ContributionManifest manifest =
                    TestValidators.storeUpdate(store, HUNG_IPFS_TASK, contributor, update, task.baseModelBytes());
            awaitFreshRound();
            List<Submission> submissions = new ArrayList<>(List.of(
                    new Submission(HUNG_IPFS_TASK, contributor, ContributionKind.MODEL_UPDATE, manifest.digest())));
            Credentials spammer = newContributor();
            for (int i = 0; i < 3; i++) {
                submissions.add(new Submission(HUNG_IPFS_TASK, spammer, ContributionKind.MODEL_UPDATE, randomDigest()));
            }
            List<BigInteger> ids = submitInOneBlock(submissions);
            anvil.mine(1);

            signal(own, "STOP"); // hung: it accepts connections and answers nothing
            try {
                for (int tick = 0; tick < 2; tick++) {
                    validator.tick();
                    anvil.mine(1);
                }
                assertThat(ids)
                        .allSatisfy(id -> assertThat(validator.evaluation(id))
                                .as("%s", id)
                                .isEmpty());
                assertThat(validator.status().pendingEvaluations()).isEqualTo(ids.size());
                assertThat(validator.status().lastErrors()).last().asString().contains("no answer");
            } finally {
                signal(own, "CONT");
            }
            drive(
                    validator,
                    () -> ids.stream().allMatch(id -> validator.evaluation(id).isPresent()),
                    "judged");
            assertThat(validator.evaluation(ids.getFirst()).orElseThrow().score())
                    .isGreaterThan(50);
            assertThat(ids.subList(1, ids.size()))
                    .allSatisfy(id -> assertThat(
                                    validator.evaluation(id).orElseThrow().floorReason())
                            .hasValueSatisfying(reason -> assertThat(reason).startsWith(NOT_AVAILABLE)));

            own.close(); // stopped: nothing listens any more
            List<BigInteger> later = submitInOneBlock(
                    List.of(new Submission(HUNG_IPFS_TASK, spammer, ContributionKind.MODEL_UPDATE, randomDigest())));
            anvil.mine(1);
            for (int tick = 0; tick < 2; tick++) {
                validator.tick();
                anvil.mine(1);
            }
            assertThat(validator.evaluation(later.getFirst())).isEmpty();
            assertThat(validator.status().pendingEvaluations()).isEqualTo(1);
            assertThat(validator.status().lastErrors()).last().asString().contains("unreachable");
            validator.close();
        } finally {
            own.close();
        }
    }

    private static String copyOf(BigInteger original) {
        return "copy of contribution " + original + ":";
    }

    // ---- contributors ----------------------------------------------------------------------------------------

    private static Credentials newContributor() throws Exception {
        return network.newContributor(100);
    }

    /** A contribution stored on IPFS, ready to be submitted on chain by its contributor. */
    private record Prepared(Credentials contributor, ContributionManifest manifest) {}

    private static Prepared model(long taskId, Credentials contributor, byte[] model, Instant createdAt) {
        return new Prepared(
                contributor,
                TestValidators.storeUpdate(content, taskId, contributor, model, task.baseModelBytes(), createdAt));
    }

    /** Waits for a fresh round, then submits everything in it: one block each, well within the window. */
    private static Map<String, BigInteger> submitInOneRound(Map<String, Prepared> prepared) throws Exception {
        awaitFreshRound();
        Map<String, BigInteger> ids = new LinkedHashMap<>();
        for (var entry : prepared.entrySet()) {
            ContributionManifest manifest = entry.getValue().manifest();
            TransactionReceipt receipt = chain.protocol(entry.getValue().contributor())
                    .submitContribution(
                            manifest.kind().onChain(), manifest.digest(), BigInteger.valueOf(manifest.taskId()))
                    .send();
            ids.put(
                    entry.getKey(),
                    CotrainProtocol.getContributionSubmittedEvents(receipt).getFirst().id);
        }
        return ids;
    }

    private static void awaitFreshRound() throws Exception {
        anvil.blocks().mineToNextRound(chain.protocol(ADMIN));
    }

    private record Submission(long taskId, Credentials contributor, ContributionKind kind, byte[] digest) {}

    /** Sends every submission signed, then mines them all into one block: more than a window's blocks could hold. */
    private static List<BigInteger> submitInOneBlock(List<Submission> submissions) throws Exception {
        HttpService rpc = new HttpService(anvil.rpcUrl());
        automine(rpc, false);
        List<String> hashes = new ArrayList<>();
        Map<String, BigInteger> nonces = new HashMap<>();
        try {
            for (Submission submission : submissions) {
                String address = submission.contributor().getAddress();
                BigInteger nonce = nonces.containsKey(address)
                        ? nonces.get(address)
                        : anvil.web3j()
                                .ethGetTransactionCount(address, DefaultBlockParameterName.LATEST)
                                .send()
                                .getTransactionCount();
                nonces.put(address, nonce.add(BigInteger.ONE));
                String call = chain.protocol(submission.contributor())
                        .submitContribution(
                                submission.kind().onChain(),
                                submission.digest(),
                                BigInteger.valueOf(submission.taskId()))
                        .encodeFunctionCall();
                RawTransaction transaction = RawTransaction.createTransaction(
                        nonce,
                        Convert.toWei("20", Convert.Unit.GWEI).toBigInteger(),
                        BigInteger.valueOf(400_000),
                        chain.addresses().protocol(),
                        BigInteger.ZERO,
                        call);
                byte[] signed = TransactionEncoder.signMessage(transaction, anvil.chainId(), submission.contributor());
                var sent = anvil.web3j()
                        .ethSendRawTransaction(Numeric.toHexString(signed))
                        .send();
                assertThat(sent.getError()).as("sending a submission").isNull();
                hashes.add(sent.getTransactionHash());
            }
            anvil.mine(1);
        } finally {
            automine(rpc, true);
            rpc.close();
        }
        List<BigInteger> ids = new ArrayList<>();
        BigInteger block = null;
        for (String hash : hashes) {
            TransactionReceipt receipt = anvil.web3j()
                    .ethGetTransactionReceipt(hash)
                    .send()
                    .getTransactionReceipt()
                    .orElseThrow();
            assertThat(receipt.isStatusOK()).as("submission %s", hash).isTrue();
            assertThat(block == null || block.equals(receipt.getBlockNumber()))
                    .as("one block")
                    .isTrue();
            block = receipt.getBlockNumber();
            ids.add(CotrainProtocol.getContributionSubmittedEvents(receipt).getFirst().id);
        }
        ids.sort(Comparator.naturalOrder());
        return ids;
    }

    private static void automine(HttpService rpc, boolean on) throws IOException {
        VoidResponse response = new Request<>("evm_setAutomine", List.of(on), rpc, VoidResponse.class).send();
        assertThat(response.hasError()).as("evm_setAutomine").isFalse();
    }

    private static byte[] randomDigest() {
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        return digest;
    }

    // ---- the network ------------------------------------------------------------------------------------------

    private static void drive(ValidatorLoop validator, BooleanSupplier done, String what) {
        for (int step = 0; step < 400 && !done.getAsBoolean(); step++) {
            validator.tick();
            anvil.mine(1);
        }
        assertThat(done.getAsBoolean())
                .as("%s; validator: %s", what, validator.status())
                .isTrue();
    }

    private static boolean finalized(Collection<BigInteger> ids) {
        try {
            return finalizedEvents().keySet().containsAll(ids);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<BigInteger, ContributionFinalizedEventResponse> finalizedEvents() throws IOException {
        return SettledContributions.read(anvil, chain.addresses().protocol());
    }

    /** @return the bytes of the task's current global model: the head of its default branch, on the shared node */
    private static byte[] globalModelBytes(long taskId) throws Exception {
        var models = chain.models(ADMIN);
        BigInteger head =
                models.branchHead(BigInteger.valueOf(taskId), BigInteger.ZERO).send();
        var commit = models.commit(head).send();
        return content.fetchModel(ModelFile.ofCommit(commit.weightsDigest, commit.weightsRoot), 10_000_000);
    }

    /** Sends a signal to the IPFS daemon and its descendants: STOP to hang it, CONT to resume it. */
    private static void signal(IpfsNode node, String signal) throws Exception {
        List<ProcessHandle> processes = new ArrayList<>(List.of(node.process()));
        node.process().descendants().forEach(processes::add);
        for (ProcessHandle process : processes) {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
            assertThat(kill.waitFor()).as("kill -%s %s", signal, process.pid()).isZero();
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(path);
        }
    }
}
