package io.cotrain.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.HeldOutMetrics;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.MissingValues;
import io.cotrain.oracle.evaluation.SchemaDerivation;
import io.cotrain.oracle.evaluation.SchemaDocument;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.TaskMetric;
import io.cotrain.oracle.evaluation.testing.TwoBranchGraph;
import io.cotrain.testing.Await;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * deployment/local-network.sh as a user runs it, on free ports and without its demo: anvil with the contracts, the IPFS
 * node, the demo task and three validator nodes come up; each node is ready with its own key on chain 31337 and the
 * registry has it active; a model owner registers classification, regression and image tasks from raw data and the
 * three nodes, as separate processes, take them up and score rounds of real contributions on their own and agree;
 * a node restarted with {@code restart-node} comes back and is tracked; Ctrl-C (SIGINT) stops every process the
 * script started, the restarted node among them.
 */
class LocalNetworkIT {
    /** 1-second blocks: 20 + 10 + 10 blocks of windows, the nodes' turns to finalize, and slow ticks on 2 cores. */
    private static final Duration ROUND = Duration.ofMinutes(4);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EvaluationLimits LIMITS = EvaluationLimits.defaults();
    private static final Credentials OWNER = DevAccounts.account(10);
    private static final List<Credentials> HONEST = List.of(DevAccounts.account(4), DevAccounts.account(5));
    private static final Credentials GARBAGE = DevAccounts.account(6);
    /**
     * The owner's base model is trained briefly on its small sample: the contributors' data has much to add. (The
     * regression's base is left as initialised: two epochs on 60 rows already explain 60% of the mileage's variance,
     * and what the contributors add beyond that is within the noise of 118 held-out rows, so it is neither paid nor
     * slashed.)
     */
    private static final int OWNER_EPOCHS = 2;

    private static final int EPOCHS = 20;
    /**
     * How far the federated model's metric may stay below the centrally trained one's: 12 of the 120 held-out rows,
     * or a tenth of the error of predicting the mean.
     */
    private static final double FEW_POINTS = 0.10;

    private static final Pattern MANIFEST_DIGEST = Pattern.compile("manifest digest: (0x[0-9a-f]{64})");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void comesUpWithThreeValidatorNodesThatScoreARound_andCtrlCStopsEverything() throws Exception {
        // this test is the contributor: no demo (FederatedTrainingIT runs it)
        try (LocalNetworkRun network = LocalNetworkRun.start(Map.of("COTRAIN_DEMO_ROUNDS", "0"))) {
            Map<String, Long> pids = network.recordedPids();
            assertThat(pids).containsKeys("script", "anvil", "ipfs", "validator-1", "validator-2", "validator-3");
            assertThat(pids.get("script")).isEqualTo(network.script.pid());

            Set<String> addresses = new HashSet<>();
            for (int port : network.nodePorts) {
                String base = "http://127.0.0.1:" + port;
                assertThat(get(base + "/q/health/ready").statusCode())
                        .as("%s ready", base)
                        .isEqualTo(200);
                JsonNode status = JSON.readTree(get(base + "/status").body());
                assertThat(status.path("chainId").asLong()).isEqualTo(31337);
                addresses.add(status.path("address").asText().toLowerCase());
            }
            assertThat(addresses)
                    .hasSize(3)
                    .containsExactlyInAnyOrder(
                            DevAccounts.account(1).getAddress().toLowerCase(),
                            DevAccounts.account(2).getAddress().toLowerCase(),
                            DevAccounts.account(3).getAddress().toLowerCase());

            CotrainClients chain = network.chain();
            var registry = chain.registry(DevAccounts.account(0));
            assertThat(registry.activeValidatorCount().send().intValue()).isEqualTo(3);
            for (String address : addresses) {
                assertThat(registry.validatorInfo(address).send().active)
                        .as("%s active", address)
                        .isTrue();
            }
            HttpResponse<String> ipfs = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + network.ipfsPort + "/api/v0/version"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ipfs.statusCode()).isEqualTo(200);
            assertThat(network.output())
                    .contains("validator 1 (bonded 2000 COT)")
                    .contains("http://127.0.0.1:" + network.ipfsPort)
                    .contains("http://127.0.0.1:" + network.nodePorts.getFirst() + "/status")
                    .doesNotContain("Demo:");
            assertThat(network.directory.resolve("tasks/task-1/task.json")).exists();

            ownerTurnsRawDataIntoTasks(network, chain);

            // An operator restarts node 2: the network tracks the new process, which comes back ready, and stops it.
            String restarted = network.command("restart-node", "2");
            Map<String, Long> afterRestart = network.recordedPids();
            assertThat(afterRestart.get("validator-2")).isNotEqualTo(pids.get("validator-2"));
            assertThat(restarted).contains("validator node 2 restarted (pid " + afterRestart.get("validator-2") + ")");
            assertThat(ProcessHandle.of(pids.get("validator-2")).map(ProcessHandle::isAlive))
                    .as("the old node 2 stopped")
                    .isNotEqualTo(Optional.of(true));
            network.awaitNodeReady(2, Duration.ofMinutes(2));

            network.interruptAndExpectEverythingStopped(afterRestart);
            assertThat(Files.readString(network.directory.resolve("logs/validator-1.log")))
                    .contains("validator node stopped");
        } finally {
            http.close();
        }
    }

    /**
     * A task an owner makes from raw data, and what its contributors do.
     *
     * @param name what the task predicts, for messages and file names
     * @param data the owner's sample, the held-out set and a shard per honest contributor
     * @param extension the data files' extension
     * @param options the owner's {@code register-model} options beyond the sample, held-out set and epochs
     * @param ownBase the base model the owner brings, made from its data ({@code --base-model}), or null for the
     *     template trained on the sample
     * @param ownerEpochs the owner's passes over its sample for the template's base model
     * @param rounds rounds the contributors train for
     * @param garbage whether a third contributor submits garbage in the first round
     * @param nearCentral whether the last commit must come within {@link #FEW_POINTS} of central training (else it
     *     must beat the base model)
     */
    private record RawTask(
            String name,
            RawTaskData data,
            String extension,
            List<String> options,
            Function<RawTaskData, byte[]> ownBase,
            int ownerEpochs,
            int rounds,
            boolean garbage,
            boolean nearCentral) {}

    /**
     * A model owner (dev account 10, no role) turns raw data into tasks with two CLI commands each: vega-datasets'
     * {@code cars.json} (columns in their own units, with gaps, names and dates) into a classification of
     * {@code Origin} and a regression of {@code Miles_per_Gallon} scored by its squared error (its base model the
     * owner's own two-branch DL4J {@code ComputationGraph}), and an archive of PNG folders into an image task with a
     * CNN. The three running nodes take each up and serve it, no restart; two
     * contributors (dev accounts 4 and 5) train on their raw shards and submit through the CLI, for two rounds of the
     * classification and one of the others, and a third (6) submits garbage in the first. Honest work is never
     * slashed and is paid, the garbage floored, every node's judgement equals the consensus, the validators record the
     * base model's held-out metric, and each commit's is printed next to training centrally on the union of the
     * shards.
     */
    private void ownerTurnsRawDataIntoTasks(LocalNetworkRun network, CotrainClients chain) throws Exception {
        for (Credentials contributor : HONEST) NetworkCli.run(network, contributor, "register", "--stake", "100");
        RawTaskData cars = RawTaskData.cars(ScriptRunner.ROOT, HONEST.size());
        List<RawTask> tasks = List.of(
                new RawTask(
                        "origin",
                        cars,
                        "json",
                        List.of("--label", "Origin", "--missing", "impute-mean"),
                        null,
                        OWNER_EPOCHS,
                        2,
                        true,
                        true),
                new RawTask(
                        "mileage",
                        cars,
                        "json",
                        List.of("--label", "Miles_per_Gallon", "--metric", "mse", "--missing", "impute-mean"),
                        LocalNetworkIT::ownersMileageGraph,
                        0,
                        1,
                        false,
                        false),
                new RawTask(
                        "shapes",
                        RawTaskData.images(HONEST.size()),
                        "zip",
                        List.of(),
                        null,
                        OWNER_EPOCHS,
                        1,
                        false,
                        false));
        for (RawTask task : tasks) {
            Path work = Files.createDirectories(network.directory.resolve("raw-" + task.name()));
            Path heldOut = Files.write(
                    work.resolve("held-out." + task.extension()), task.data().heldOut());
            List<String> register = new ArrayList<>(List.of(
                    "register-model",
                    "--sample",
                    Files.write(
                                    work.resolve("owner-sample." + task.extension()),
                                    task.data().ownerSample())
                            .toString(),
                    "--held-out",
                    heldOut.toString()));
            if (task.ownBase() == null) {
                register.addAll(List.of("--epochs", Integer.toString(task.ownerEpochs())));
            } else {
                Path base =
                        Files.write(work.resolve("own-base.zip"), task.ownBase().apply(task.data()));
                register.addAll(List.of("--base-model", base.toString()));
            }
            register.addAll(task.options());
            String registered = NetworkCli.run(network, OWNER, register.toArray(String[]::new));
            String id = registered.replaceAll("(?s)^registered task (\\d+) .*", "$1");
            NetworkCli.run(network, OWNER, "share-held-out", "--task", id, "--held-out", heldOut.toString());
            NetworkContributions.awaitServed(chain, Long.parseLong(id), Duration.ofMinutes(3));
            List<Path> shards = new ArrayList<>();
            for (int c = 0; c < HONEST.size(); c++) {
                shards.add(Files.write(
                        work.resolve("shard-" + (c + 1) + "." + task.extension()),
                        task.data().shards().get(c)));
            }
            contributeRounds(network, chain, new BigInteger(id), task, shards);
        }
    }

    /**
     * The mileage task's base model as its owner makes it: a two-branch graph of DL4J's own, for the schema that
     * {@code register-model} derives from the same sample and options.
     */
    private static byte[] ownersMileageGraph(RawTaskData data) {
        DataSchema schema = SchemaDerivation.derive(
                        data.ownerSample(),
                        "Miles_per_Gallon",
                        MissingValues.IMPUTE_MEAN,
                        TaskMetric.MSE,
                        EvaluationLimits.defaults())
                .schema();
        return TwoBranchGraph.bytes(TwoBranchGraph.twoBranches(schema, 7));
    }

    /** The contributors' rounds on one task, then its commits against central training. */
    private void contributeRounds(
            LocalNetworkRun network, CotrainClients chain, BigInteger task, RawTask spec, List<Path> shards)
            throws Exception {
        CotrainProtocol protocol = chain.protocol(DevAccounts.account(0));
        ModelRegistry models = chain.models(DevAccounts.account(0));
        var registered = models.model(task).send().component1();
        Map<Credentials, BigInteger> claimableBefore = new HashMap<>();
        for (Credentials contributor : HONEST) {
            claimableBefore.put(
                    contributor, protocol.claimable(contributor.getAddress()).send());
        }
        try (IpfsClient ipfs = new IpfsClient(URI.create("http://127.0.0.1:" + network.ipfsPort))) {
            ContentStore content = new ContentStore(ipfs);
            DataSchema schema = SchemaDocument.read(content.fetchVerified(Cid.ofDigest(registered.schemaDigest)));
            byte[] baseModel = content.fetchModel(
                    ModelFile.ofCommit(registered.baseWeightsDigest, registered.baseWeightsRoot),
                    LIMITS.maxModelBytes());
            for (int round = 1; round <= spec.rounds(); round++) {
                NetworkContributions.awaitFreshRound(chain);
                List<byte[]> honest = new ArrayList<>();
                for (int c = 0; c < HONEST.size(); c++) {
                    String trained = NetworkCli.run(
                            network,
                            HONEST.get(c),
                            "train",
                            "--task",
                            task.toString(),
                            "--data",
                            shards.get(c).toString(),
                            "--epochs",
                            Integer.toString(EPOCHS),
                            "--out",
                            network.directory
                                    .resolve("raw-" + spec.name() + "/update-" + round + "-" + (c + 1))
                                    .toString(),
                            "--submit");
                    honest.add(digestIn(trained));
                }
                List<byte[]> all = new ArrayList<>(honest);
                byte[] garbage = spec.garbage() && round == 1
                        ? NetworkContributions.submit(
                                chain, content, task.longValueExact(), GARBAGE, new byte[] {1, 2, 3, 4}, baseModel)
                        : null;
                if (garbage != null) all.add(garbage);
                assertThat(NetworkContributions.awaitSettled(chain, all, ROUND))
                        .as("%s round %d is finalized within %s", spec.name(), round, ROUND)
                        .isTrue();
                for (byte[] digest : honest) {
                    var view = protocol.contribution(digest).send();
                    System.out.printf(
                            "%s round %d: %s in protocol round %s scored %s%n",
                            spec.name(), round, view.contributor, view.round, view.consensusScore);
                    // honest work is never slashed; whether it is paid depends on what it adds to the round's other
                    // updates, measured on 120 held-out rows
                    assertThat(ContributionStatus.of(view.status))
                            .as("round %d: %s scored %s", round, view.contributor, view.consensusScore)
                            .isIn(ContributionStatus.ACCEPTED, ContributionStatus.UNREWARDED);
                    for (int port : network.nodePorts) {
                        JsonNode judged = JSON.readTree(get("http://127.0.0.1:" + port + "/contributions/" + view.id)
                                .body());
                        assertThat(judged.path("score").asInt())
                                .as("node %d on contribution %s", port, view.id)
                                .isEqualTo(view.consensusScore.intValue());
                    }
                }
                if (garbage != null) {
                    var view = protocol.contribution(garbage).send();
                    assertThat(ContributionStatus.of(view.status)).isEqualTo(ContributionStatus.REJECTED);
                    assertThat(view.consensusScore.intValue()).isEqualTo(1);
                    assertThat(protocol.claimable(GARBAGE.getAddress()).send()).isZero();
                }
            }
            BigInteger paid = BigInteger.ZERO;
            for (Credentials contributor : HONEST) {
                paid = paid.add(protocol.claimable(contributor.getAddress()).send())
                        .subtract(claimableBefore.get(contributor));
            }
            assertThat(paid)
                    .as("the honest contributors are paid for %s", spec.name())
                    .isPositive();
            printAgainstCentralTraining(models, task, schema, baseModel, spec);
        }
    }

    /** Prints each commit's held-out metric next to the base model trained centrally on every shard. */
    private static void printAgainstCentralTraining(
            ModelRegistry models, BigInteger task, DataSchema schema, byte[] baseModel, RawTask spec) throws Exception {
        // a round's commit is recorded after the round is finalized: wait for the first at least
        Await.until(
                "the task's last round is committed",
                ROUND,
                () -> models.commitsOf(task, BigInteger.ZERO, BigInteger.valueOf(100))
                                .send()
                                .component1()
                                .size()
                        >= 2);
        List<BigInteger> commits = models.commitsOf(task, BigInteger.ZERO, BigInteger.valueOf(100))
                .send()
                .component1();
        List<Double> values = new ArrayList<>();
        for (BigInteger commit : commits.subList(1, commits.size())) {
            values.add(models.commit(commit).send().accuracyPpm.doubleValue() / 1e6);
        }
        TaskContext context =
                TaskContext.create(task.longValueExact(), schema, spec.data().heldOut(), baseModel, LIMITS);
        var central = context.freshGlobalModel();
        List<DataSet> shards = new ArrayList<>();
        for (byte[] shard : spec.data().shards())
            shards.add(TabularDataset.parse(shard, schema, LIMITS).toDataSet());
        LocalTraining.train(central, DataSet.merge(shards), 2 * EPOCHS, 1);
        HeldOutMetrics centralMetrics = context.measure(central);
        assertThat(models.commit(commits.getFirst()).send().accuracyPpm.longValueExact())
                .as("the base model's %s, measured and recorded by the validators", schema.metric())
                .isEqualTo(context.baseline().valuePpm());
        System.out.printf(
                "%s by %s: base %.4f, commits %s; central on the shards: %.4f%n",
                spec.name(),
                schema.metric().documentName(),
                context.baseline().value(),
                values,
                centralMetrics.value());
        if (spec.nearCentral()) {
            assertThat(values.getLast())
                    .as("the federated model within a few points of central training")
                    .isGreaterThanOrEqualTo(centralMetrics.value() - FEW_POINTS);
        } else {
            assertThat(values.getLast())
                    .as("the federated model better than the base model, as recorded")
                    .isGreaterThan(context.baseline().valuePpm() / 1e6);
        }
    }

    private static byte[] digestIn(String out) {
        Matcher matcher = MANIFEST_DIGEST.matcher(out);
        assertThat(matcher.find()).as("a manifest digest in:%n%s", out).isTrue();
        return Numeric.hexStringToByteArray(matcher.group(1));
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
