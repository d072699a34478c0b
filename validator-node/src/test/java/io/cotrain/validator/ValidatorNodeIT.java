package io.cotrain.validator;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.equalToIgnoringCase;

import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import io.cotrain.testing.Await;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.response.Response;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;

/**
 * The validator node as a service, run from its production jar ({@code target/quarkus-app/quarkus-run.jar}, with the
 * settings {@link ValidatorNetworkResource} returns) against a real anvil chain and a real js-ipfs node:
 * health, status and metrics answer; an honest and a garbage model update submitted on chain are judged by the
 * scheduled loop (seen through {@code /contributions/{id}}); the round is committed, revealed and finalized on chain
 * with the node's scores.
 *
 * <p>Each test is a scenario of its own on the network the app shares: it makes the contributors and contributions it
 * needs, in a round it reads from the chain, and measures the node's counters as increases; any order, or one alone.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = ValidatorNetworkResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidatorNodeIT {
    private static final String SCORED = "cotrain_contributions_evaluated_total{outcome=\"scored\"}";
    private static final String FLOORED = "cotrain_contributions_evaluated_total{outcome=\"floor\"}";
    private static final String COMMITS = "cotrain_transactions_sent_total{action=\"commitScores\"}";
    private static final String REVEALS = "cotrain_transactions_sent_total{action=\"revealScores\"}";
    private static final String EVALUATIONS = "cotrain_evaluation_seconds_count";

    private final Credentials admin = ValidatorNetworkResource.ADMIN;
    private final SyntheticTabularTask task = SyntheticTabularTask.standard();
    private final Contributions builders = new Contributions(task);
    private NetworkClients network;

    @BeforeEach
    void connectWhenReady() throws Exception {
        network = NetworkClients.whenReady(network, Duration.ofSeconds(30));
    }

    @AfterAll
    void close() {
        if (network != null) network.close();
    }

    @Test
    void readyWithStatusAndMetrics() throws Exception {
        when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        when().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));

        network.taskOneServed(); // a task is held once its registry entry records the configured files
        when().get("/status")
                .then()
                .statusCode(200)
                .body("address", equalToIgnoringCase(ValidatorNetworkResource.VALIDATOR.getAddress()))
                .body("chainId", equalTo((int) network.chainId))
                .body("tasks", equalTo(List.of((int) ValidatorNetworkResource.TASK)));
        Await.until(
                "a tick",
                Duration.ofSeconds(30),
                () -> when().get("/status").jsonPath().getLong("ticks") > 0);

        String metrics =
                when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("cotrain_contributions_evaluated_total{outcome=\"scored\"}")
                .contains("cotrain_contributions_evaluated_total{outcome=\"floor\"}")
                .contains("cotrain_contributions_valued_total{outcome=\"valued\"}")
                .contains("cotrain_evaluation_seconds_count")
                .contains("cotrain_transactions_sent_total{action=\"commitScores\"}")
                .contains("cotrain_transactions_failed_total{action=\"finalize\"}")
                .contains("cotrain_current_round");
    }

    @Test
    void judgesContributionsAndScoresTheRoundOnChain() throws Exception {
        CotrainClients chain = network.chain;
        Credentials honestContributor = newContributor();
        Credentials garbageContributor = newContributor();
        ContributionManifest honest = model(honestContributor, builders.honestUpdate(0));
        ContributionManifest garbage = model(garbageContributor, Contributions.garbage(4_096, 7));

        String metricsBefore = get("/q/metrics").asString(); // the node's counters before this scenario's round

        network.taskOneServed();
        network.freshRound(); // a round of this scenario's own, with room to submit
        BigInteger honestId = submit(honestContributor, honest);
        BigInteger garbageId = submit(garbageContributor, garbage);
        BigInteger round = chain.protocol(admin).contribution(honest.digest()).send().round;
        assertThat(chain.protocol(admin).contribution(garbage.digest()).send().round)
                .isEqualTo(round);

        network.blocks.mineUntil(
                () -> get("/contributions/" + honestId).statusCode() == 200
                        && get("/contributions/" + garbageId).statusCode() == 200,
                Duration.ofSeconds(120),
                "both contributions judged");

        Response honestView = get("/contributions/" + honestId);
        assertThat(honestView.jsonPath().getInt("score")).isGreaterThan(1);
        assertThat(honestView.jsonPath().getString("floorReason")).isNull();
        assertThat(honestView.jsonPath().getString("kindName")).isEqualTo("MODEL_UPDATE");
        assertThat(honestView.jsonPath().getMap("metrics")).isNotEmpty();
        assertThat(honestView.jsonPath().getLong("round")).isEqualTo(round.longValueExact());
        Response garbageView = get("/contributions/" + garbageId);
        assertThat(garbageView.jsonPath().getInt("score")).isEqualTo(1);
        assertThat(garbageView.jsonPath().getString("floorReason")).isNotBlank();

        network.blocks.mineUntil(
                () -> network.phase(round) == RoundPhase.FINALIZED,
                Duration.ofSeconds(180),
                "round " + round + " finalized");
        CotrainProtocol reader = chain.protocol(admin);
        var honestOnChain = reader.contribution(honest.digest()).send();
        assertThat(honestOnChain.id).isEqualTo(honestId);
        assertThat(ContributionStatus.of(honestOnChain.status)).isEqualTo(ContributionStatus.ACCEPTED);
        assertThat(honestOnChain.consensusScore.intValue())
                .isEqualTo(honestView.jsonPath().getInt("score"));
        var garbageOnChain = reader.contribution(garbage.digest()).send();
        assertThat(garbageOnChain.id).isEqualTo(garbageId);
        assertThat(ContributionStatus.of(garbageOnChain.status)).isEqualTo(ContributionStatus.REJECTED);
        assertThat(garbageOnChain.consensusScore.intValue()).isEqualTo(1);

        // this round's work, as increases of the node's counters: one scored, one floored, one commit, one reveal
        String metrics = get("/q/metrics").asString();
        assertIncrease(metricsBefore, metrics, SCORED, 1);
        assertIncrease(metricsBefore, metrics, FLOORED, 1);
        assertIncrease(metricsBefore, metrics, COMMITS, 1);
        assertIncrease(metricsBefore, metrics, REVEALS, 1);
        assertIncrease(metricsBefore, metrics, EVALUATIONS, 2);
        assertThat(get("/status").jsonPath().getLong("currentRound")).isGreaterThan(round.longValueExact());
        reportNodeMemory();
    }

    /** Prints the node process's resident memory after a scored round (DL4J natives loaded): a figure, not a check. */
    private static void reportNodeMemory() {
        ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("quarkus-run.jar"))
                .forEach(p -> {
                    try {
                        String rss = Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status")).stream()
                                .filter(line -> line.startsWith("VmRSS:"))
                                .findFirst()
                                .orElse("VmRSS: ?");
                        System.out.println("validator node (pid " + p.pid() + ") after scoring a round: " + rss);
                    } catch (IOException | RuntimeException notLinux) {
                        // no /proc: nothing to report
                    }
                });
    }

    @Test
    void unknownAndMalformedIdsAreProblems() {
        given().get("/contributions/999999")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("title", equalTo("Not Found"))
                .body("detail", containsString("999999"))
                .body("instance", equalTo("/contributions/999999"));
        given().get("/contributions/abc")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400));
        given().get("/contributions/-5").then().statusCode(400).contentType("application/problem+json");
        given().get("/no-such-thing").then().statusCode(404).contentType("application/problem+json");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Response get(String path) {
        return when().get(path).then().extract().response();
    }

    /**
     * Asserts a Prometheus sample of {@code /q/metrics} grew by {@code by} (a counter not registered yet counts as 0).
     */
    private static void assertIncrease(String before, String after, String sample, double by) {
        assertThat(sample(after, sample) - sample(before, sample))
                .as("increase of %s", sample)
                .isEqualTo(by);
    }

    private static double sample(String metrics, String sample) {
        return metrics.lines()
                .filter(line -> line.startsWith(sample + " "))
                .mapToDouble(line ->
                        Double.parseDouble(line.substring(sample.length()).strip()))
                .findFirst()
                .orElse(0);
    }

    private Credentials newContributor() throws Exception {
        CotrainClients chain = network.chain;
        Credentials contributor = network.newWallet(100);
        chain.token(contributor)
                .approve(chain.addresses().protocol(), tokens(100))
                .send();
        chain.protocol(contributor).registerContributor(tokens(100)).send();
        return contributor;
    }

    private ContributionManifest model(Credentials contributor, byte[] model) {
        Artifact artifact = Artifact.of("model.zip", network.content.putVerified(model), model, "application/zip");
        ContributionManifest manifest = ContributionManifest.modelUpdate(
                ValidatorNetworkResource.TASK,
                contributor.getAddress(),
                List.of(artifact),
                Contributions.SHARD_ROWS,
                Cid.of(task.baseModelBytes()).toString());
        network.content.putManifest(manifest);
        return manifest;
    }

    private BigInteger submit(Credentials contributor, ContributionManifest manifest) throws Exception {
        var receipt = network.chain
                .protocol(contributor)
                .submitContribution(
                        manifest.kind().onChain(), manifest.digest(), BigInteger.valueOf(ValidatorNetworkResource.TASK))
                .send();
        return CotrainProtocol.getContributionSubmittedEvents(receipt).getFirst().id;
    }
}
