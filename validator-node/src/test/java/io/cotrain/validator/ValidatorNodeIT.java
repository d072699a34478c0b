package io.cotrain.validator;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.equalToIgnoringCase;

import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import io.cotrain.testing.Await;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.response.Response;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.Transfer;
import org.web3j.utils.Convert;

/**
 * The validator node as a service, run from its production jar ({@code target/quarkus-app/quarkus-run.jar}, with the
 * settings {@link ValidatorNetworkResource} returns) against a real anvil chain and a real js-ipfs node:
 * health, status and metrics answer; an honest and a garbage model update submitted on chain are judged by the
 * scheduled loop (seen through {@code /contributions/{id}}); the round is committed, revealed and finalized on chain
 * with the node's scores.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = ValidatorNetworkResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ValidatorNodeIT {

    private long chainId;
    private HttpService rpc;
    private AnvilBlocks blocks;
    private Web3j web3j;
    private CotrainClients chain;
    private IpfsClient ipfs;
    private ContentStore content;
    private SyntheticTabularTask task;
    private Contributions builders;
    private final Credentials admin = ValidatorNetworkResource.ADMIN;

    /** The test's own clients of the network (the integration-test extension starts the resource after @BeforeAll). */
    private void clients() {
        if (web3j != null) return;
        chainId = Long.parseLong(System.getProperty(ValidatorNetworkResource.CHAIN_ID));
        rpc = new HttpService(System.getProperty(ValidatorNetworkResource.RPC_URL));
        blocks = new AnvilBlocks(rpc);
        web3j = Web3j.build(rpc);
        chain = new CotrainClients(web3j, chainId)
                .use(DeploymentAddresses.read(Path.of(System.getProperty(ValidatorNetworkResource.DEPLOYMENT_FILE))));
        ipfs = new IpfsClient(URI.create(System.getProperty(ValidatorNetworkResource.IPFS_API_URL)));
        content = new ContentStore(ipfs);
        task = SyntheticTabularTask.standard();
        builders = new Contributions(task);
    }

    @AfterAll
    void close() {
        if (web3j != null) web3j.shutdown();
        if (ipfs != null) ipfs.close();
    }

    @Test
    @Order(1)
    void readyWithStatusAndMetrics() throws Exception {
        clients();
        Await.until(
                "ready",
                Duration.ofSeconds(30),
                () -> when().get("/q/health/ready").statusCode() == 200);
        when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        when().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));

        when().get("/status")
                .then()
                .statusCode(200)
                .body("address", equalToIgnoringCase(ValidatorNetworkResource.VALIDATOR.getAddress()))
                .body("chainId", equalTo((int) chainId))
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
    @Order(2)
    void judgesContributionsAndScoresTheRoundOnChain() throws Exception {
        clients();
        Credentials honestContributor = newContributor();
        Credentials garbageContributor = newContributor();
        ContributionManifest honest = model(honestContributor, builders.honestUpdate(0));
        ContributionManifest garbage = model(garbageContributor, Contributions.garbage(4_096, 7));

        BigInteger now = chain.protocol(admin).currentRound().send();
        while (chain.protocol(admin).currentRound().send().equals(now)) blocks.mine(1); // a fresh round: room to submit
        BigInteger honestId = submit(honestContributor, honest);
        BigInteger garbageId = submit(garbageContributor, garbage);
        BigInteger round = chain.protocol(admin).contribution(honest.digest()).send().round;
        assertThat(chain.protocol(admin).contribution(garbage.digest()).send().round)
                .isEqualTo(round);

        blocks.mineUntil(
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

        blocks.mineUntil(
                () -> phase(round) == RoundPhase.FINALIZED, Duration.ofSeconds(180), "round " + round + " finalized");
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

        String metrics = get("/q/metrics").asString();
        assertThat(metrics)
                .contains("cotrain_contributions_evaluated_total{outcome=\"scored\"} 1.0")
                .contains("cotrain_contributions_evaluated_total{outcome=\"floor\"} 1.0")
                .contains("cotrain_transactions_sent_total{action=\"commitScores\"} 1.0")
                .contains("cotrain_transactions_sent_total{action=\"revealScores\"} 1.0")
                .contains("cotrain_evaluation_seconds_count 2");
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
    @Order(3)
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

    private Credentials newContributor() throws Exception {
        Credentials contributor = Credentials.create(Keys.createEcKeyPair());
        Transfer.sendFunds(web3j, admin, contributor.getAddress(), BigDecimal.ONE, Convert.Unit.ETHER)
                .send();
        chain.token(admin).transfer(contributor.getAddress(), tokens(100)).send();
        chain.token(contributor)
                .approve(chain.addresses().protocol(), tokens(100))
                .send();
        chain.protocol(contributor).registerContributor(tokens(100)).send();
        return contributor;
    }

    private ContributionManifest model(Credentials contributor, byte[] model) {
        Artifact artifact = Artifact.of("model.zip", content.putVerified(model), model, "application/zip");
        ContributionManifest manifest = ContributionManifest.modelUpdate(
                ValidatorNetworkResource.TASK,
                contributor.getAddress(),
                List.of(artifact),
                Contributions.SHARD_ROWS,
                Cid.of(task.baseModelBytes()).toString());
        content.putManifest(manifest);
        return manifest;
    }

    private BigInteger submit(Credentials contributor, ContributionManifest manifest) throws Exception {
        var receipt = chain.protocol(contributor)
                .submitContribution(
                        manifest.kind().onChain(), manifest.digest(), BigInteger.valueOf(ValidatorNetworkResource.TASK))
                .send();
        return CotrainProtocol.getContributionSubmittedEvents(receipt).getFirst().id;
    }

    private RoundPhase phase(BigInteger round) {
        try {
            return RoundPhase.of(chain.protocol(admin).roundInfo(round).send().phase);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
