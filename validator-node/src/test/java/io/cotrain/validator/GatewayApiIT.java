package io.cotrain.validator;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static io.cotrain.validator.auth.PersonalSign.sign;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.SchemaDocument;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import io.cotrain.testing.Await;
import io.cotrain.validator.auth.SiweMessage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.Transfer;
import org.web3j.utils.Convert;
import org.web3j.utils.Numeric;

/**
 * The gateway API of the node's production jar on a real anvil chain and js-ipfs node, used as a wallet would: sign in
 * with a real EIP-191 signature for a JWT; register a model, join its task, submit and claim with transactions the
 * gateway built, signed here with the wallet's key and relayed by the gateway; read status, commits, rounds,
 * balances, history and totals as the round is scored and aggregated; evaluate a candidate with a token; and every
 * error answered as a problem.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = ValidatorNetworkResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayApiIT {
    private static final String PROBLEM = "application/problem+json";
    private static final Credentials ADMIN = ValidatorNetworkResource.ADMIN;

    private long chainId;
    private HttpService rpc;
    private AnvilBlocks blocks;
    private Web3j web3j;
    private CotrainClients chain;
    private ContentStore content;
    private IpfsClient ipfs;
    private final SyntheticTabularTask task = SyntheticTabularTask.standard();
    private final Contributions builders = new Contributions(task);
    private final Credentials owner = newKey();
    private final Credentials contributor = newKey();
    private String token;
    private String updateCid;
    private BigInteger contributionId;

    private void clients() throws Exception {
        if (web3j != null) return;
        chainId = Long.parseLong(System.getProperty(ValidatorNetworkResource.CHAIN_ID));
        rpc = new HttpService(System.getProperty(ValidatorNetworkResource.RPC_URL));
        blocks = new AnvilBlocks(rpc);
        web3j = Web3j.build(rpc);
        chain = new CotrainClients(web3j, chainId)
                .use(DeploymentAddresses.read(Path.of(System.getProperty(ValidatorNetworkResource.DEPLOYMENT_FILE))));
        ipfs = new IpfsClient(URI.create(System.getProperty(ValidatorNetworkResource.IPFS_API_URL)));
        content = new ContentStore(ipfs);
        for (Credentials wallet : List.of(owner, contributor)) {
            Transfer.sendFunds(web3j, ADMIN, wallet.getAddress(), BigDecimal.ONE, Convert.Unit.ETHER)
                    .send();
        }
        chain.token(ADMIN).transfer(contributor.getAddress(), tokens(500)).send();
    }

    @AfterAll
    void close() {
        if (web3j != null) web3j.shutdown();
        if (ipfs != null) ipfs.close();
    }

    @Test
    @Order(1)
    void signInWithAWalletSignatureGivesABearerToken() throws Exception {
        clients();
        Await.until(
                "ready",
                Duration.ofSeconds(60),
                () -> given().get("/q/health/ready").statusCode() == 200);
        String address = Keys.toChecksumAddress(owner.getAddress());
        JsonPath nonce = post("/auth/nonce", Map.of("address", address.toLowerCase()))
                .then()
                .statusCode(200)
                .body("chainId", equalTo((int) chainId))
                .extract()
                .jsonPath();
        String message = nonce.getString("message");
        assertThat(message)
                .contains(address)
                .contains("Nonce: " + nonce.getString("nonce"))
                .contains("Chain ID: " + chainId);

        given().get("/auth/session")
                .then()
                .statusCode(401)
                .contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("detail", containsString("POST /auth/nonce"));

        JsonPath signedIn = post("/token", Map.of("message", message, "signature", sign(message, owner)))
                .then()
                .statusCode(200)
                .body("tokenType", equalTo("Bearer"))
                .body("address", equalTo(address))
                .extract()
                .jsonPath();
        token = signedIn.getString("accessToken");
        assertThat(signedIn.getLong("expiresIn")).isBetween(60L, 15 * 60L);
        given().auth().oauth2(token).get("/auth/session").then().statusCode(200).body("address", equalTo(address));

        // the same signed message again: its nonce is spent
        post("/token", Map.of("message", message, "signature", sign(message, owner)))
                .then()
                .statusCode(401)
                .contentType(PROBLEM)
                .body("detail", containsString("used already"));
        given().auth()
                .oauth2(token + "x")
                .get("/auth/session")
                .then()
                .statusCode(401)
                .contentType(PROBLEM)
                .body("detail", containsString("invalid or expired"));
    }

    @Test
    @Order(2)
    void wrongChainExpiredBadSignatureAndMalformedSignInsAreRefused() {
        String host = URI.create(RestAssured.baseURI).getHost() + ":" + RestAssured.port;
        String wrongChain = message(freshNonce(), host, 1, Optional.empty());
        post("/token", Map.of("message", wrongChain, "signature", sign(wrongChain, owner)))
                .then()
                .statusCode(401)
                .contentType(PROBLEM)
                .body("detail", containsString("for chain 1"));

        String expired =
                message(freshNonce(), host, chainId, Optional.of(Instant.now().minusSeconds(5)));
        post("/token", Map.of("message", expired, "signature", sign(expired, owner)))
                .then()
                .statusCode(401)
                .contentType(PROBLEM)
                .body("detail", containsString("expired"));

        String valid = message(freshNonce(), host, chainId, Optional.empty());
        post("/token", Map.of("message", valid, "signature", sign(valid, contributor)))
                .then()
                .statusCode(401)
                .contentType(PROBLEM)
                .body("detail", containsString("bad signature"));
        post("/token", Map.of("message", valid, "signature", "0xdead"))
                .then()
                .statusCode(401)
                .contentType(PROBLEM);

        String otherDomain = message(freshNonce(), "evil.example", chainId, Optional.empty());
        post("/token", Map.of("message", otherDomain, "signature", sign(otherDomain, owner)))
                .then()
                .statusCode(401)
                .body("detail", containsString("evil.example"));

        post("/token", Map.of("message", "hello", "signature", sign("hello", owner)))
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("EIP-4361"));
        post("/token", Map.of()).then().statusCode(400).contentType(PROBLEM);
        post("/auth/nonce", Map.of("address", "0x1234"))
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("address"));
    }

    @Test
    @Order(3)
    void aModelIsRegisteredWithATransactionTheGatewayBuiltAndTheWalletSigned() throws Exception {
        Cid schema = content.putVerified(SchemaDocument.write(task.schema()));
        ModelFile base = content.putModel(task.baseModelBytes());
        Cid description = content.putVerified("2,000 synthetic rows".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> registration = new HashMap<>(Map.of(
                "owner",
                owner.getAddress(),
                "baseModelCid",
                base.cid().toString(),
                "heldOutDigest",
                description.digestHex(),
                "schemaDigest",
                schema.digestHex(),
                "rule",
                "fedavg"));

        post("/models/register", Map.of("owner", "0x12", "rule", "mean"))
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("owner"));
        Map<String, Object> missingFields = new HashMap<>(registration);
        missingFields.put("rule", "mean");
        missingFields.put("rewardWeights", List.of(5000, 0, 0));
        post("/models/register", missingFields)
                .then()
                .statusCode(400)
                .body("detail", containsString("rule must be one of"))
                .body("detail", containsString("rewardWeights"));
        Map<String, Object> notASchema = new HashMap<>(registration);
        notASchema.put("schemaDigest", description.digestHex());
        post("/models/register", notASchema)
                .then()
                .statusCode(422)
                .contentType(PROBLEM)
                .body("detail", containsString("no schema document"));
        Map<String, Object> notAModel = new HashMap<>(registration);
        notAModel.put("baseModelCid", description.toString());
        post("/models/register", notAModel).then().statusCode(422).body("detail", containsString("not a model"));

        JsonPath plan = post("/models/register", registration)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(plan.getList("transactions")).hasSize(1);
        Map<String, Object> tx = plan.getMap("transactions[0]");
        assertThat((String) tx.get("to"))
                .isEqualToIgnoringCase(chain.addresses().modelRegistry());
        assertThat(tx.get("gas")).isNotNull();

        // the gateway relays only what the endpoint is for, on its chain
        post(
                        "/models/register",
                        Map.of(
                                "signedTransaction",
                                signed(
                                        owner,
                                        chain.addresses().protocol(),
                                        (String) tx.get("data"),
                                        (String) tx.get("gas"),
                                        chainId)))
                .then()
                .statusCode(400)
                .body("detail", containsString("relays only"));
        post(
                        "/models/register",
                        Map.of(
                                "signedTransaction",
                                signed(
                                        owner,
                                        (String) tx.get("to"),
                                        (String) tx.get("data"),
                                        (String) tx.get("gas"),
                                        1)))
                .then()
                .statusCode(400)
                .body("detail", containsString("signed for chain 1"));
        post("/models/register", Map.of("signedTransaction", "0xzz")).then().statusCode(400);

        relay("/models/register", owner, tx);
        given().get("/models/1/status")
                .then()
                .statusCode(200)
                .body("taskId", equalTo(1))
                .body("owner", equalTo(Keys.toChecksumAddress(owner.getAddress())))
                .body("spec.rule", equalTo("fedavg"))
                .body("spec.schemaDigest", equalTo("0x" + schema.digestHex()))
                .body("branches[0].name", equalTo("main"))
                .body("branches[0].isDefault", equalTo(true))
                .body("activeValidators", equalTo(1))
                .body("latestAccuracy", notNullValue())
                .body("neutralScore", equalTo(50))
                .body("slashThresholdScore", equalTo(30))
                .body("paused", equalTo(false));
        // the round open now has no contribution yet, and still tells when its submission window ends
        JsonPath unopened =
                given().get("/models/1/status").then().statusCode(200).extract().jsonPath();
        BigInteger current = chain.protocol(ADMIN).currentRound().send();
        var info = chain.protocol(ADMIN).roundInfo(current).send();
        assertThat(info.exists).as("no contribution was submitted yet").isFalse();
        assertThat(unopened.getBoolean("roundOpen")).isFalse();
        assertThat(unopened.getString("phase")).isEqualTo("Submission");
        assertThat(unopened.getString("currentRound")).isEqualTo(current.toString());
        assertThat(new BigInteger(unopened.getString("phaseEndBlock")))
                .isEqualTo(info.submissionEndBlock)
                .isGreaterThanOrEqualTo(new BigInteger(unopened.getString("block")));
        List<Map<String, Object>> commits = given().get("/models/1/commits")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        assertThat(commits).hasSize(1);
        assertThat(commits.getFirst().get("headOf")).isEqualTo(List.of("main"));
        assertThat(given().get("/models")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("taskId"))
                .containsExactly(1);

        given().get("/models/2/status")
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("detail", equalTo("unknown task 2: the model registry has tasks 1 to 1"));
        given().get("/models/abc/status").then().statusCode(400).contentType(PROBLEM);
        given().get("/models/1/rounds?limit=0").then().statusCode(400).body("detail", containsString("limit"));
    }

    @Test
    @Order(4)
    void aContributorJoinsSubmitsIsScoredAndClaims() throws Exception {
        String address = contributor.getAddress();
        post("/training/join/1", Map.of("address", "nope"))
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        post("/training/join/7", Map.of("address", address))
                .then()
                .statusCode(404)
                .contentType(PROBLEM);
        post("/training/join/1", Map.of("address", owner.getAddress()))
                .then()
                .statusCode(422)
                .contentType(PROBLEM)
                .body("detail", containsString("insufficient token balance"));
        post("/training/join/1", Map.of("address", address, "stake", "1"))
                .then()
                .statusCode(422)
                .body("detail", containsString("at least"));

        JsonPath join = post("/training/join/1", Map.of("address", address))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<Map<String, Object>> steps = join.getList("transactions");
        assertThat(steps)
                .extracting(step -> step.get("description"))
                .containsExactly("approve the protocol to take the stake", "registerContributor(" + tokens(100) + ")");
        for (Map<String, Object> step : steps) relay("/training/join/1", contributor, step);
        given().get("/rewards/balance/" + address)
                .then()
                .statusCode(200)
                .body("registered", equalTo(true))
                .body("stake", equalTo(tokens(100).toString()))
                .body("freeStake", equalTo(tokens(100).toString()))
                .body("unbondingStake", equalTo("0"))
                .body("withdrawableStake", equalTo("0"))
                .body("unbondingReadyBlock", equalTo(0))
                .body("lastRound", equalTo(0))
                .body("lastRoundSubmissions", equalTo(0));
        assertThat(post("/training/join/1", Map.of("address", address))
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("transactions"))
                .isEmpty();

        byte[] update = builders.honestUpdate(0);
        Artifact artifact = Artifact.of("model.zip", content.putVerified(update), update, "application/zip");
        updateCid = artifact.cid().toString();
        ContributionManifest manifest = ContributionManifest.modelUpdate(
                1,
                address,
                List.of(artifact),
                Contributions.SHARD_ROWS,
                Cid.of(task.baseModelBytes()).toString());
        Cid manifestCid = content.putManifest(manifest);

        post("/training/submit/1", Map.of("address", address, "manifest", "bafy-nope"))
                .then()
                .statusCode(400);
        post("/training/submit/1", Map.of("address", address, "manifest", manifestCid.toString(), "kind", "GIFT"))
                .then()
                .statusCode(400)
                .body("detail", containsString("kind"));
        BigInteger round = chain.protocol(ADMIN).currentRound().send();
        while (chain.protocol(ADMIN).currentRound().send().equals(round))
            blocks.mine(1); // a fresh round: room to submit
        JsonPath submit = post("/training/submit/1", Map.of("address", address, "manifest", manifestCid.toString()))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        relay("/training/submit/1", contributor, submit.getMap("transactions[0]"));
        var submitted = chain.protocol(ADMIN).contribution(manifest.digest()).send();
        given().get("/rewards/balance/" + address)
                .then()
                .statusCode(200)
                .body("lockedStake", equalTo(tokens(10).toString()))
                .body("freeStake", equalTo(tokens(90).toString()))
                .body("lastRound", equalTo(submitted.round.intValueExact()))
                .body("lastRoundSubmissions", equalTo(1));

        // the same manifest again, by the same wallet or another: the same work is paid once
        for (Credentials wallet : List.of(contributor, owner)) {
            post("/training/submit/1", Map.of("address", wallet.getAddress(), "manifest", manifestCid.toString()))
                    .then()
                    .statusCode(422)
                    .contentType(PROBLEM)
                    .body(
                            "detail",
                            containsString("would revert: DuplicateContent(contentDigest=0x" + manifestCid.digestHex()))
                    .body("detail", containsString("already submitted, as contribution " + submitted.id));
        }

        blocks.mineUntil(
                () -> {
                    List<Map<String, Object>> rounds = given().get("/models/1/rounds")
                            .then()
                            .extract()
                            .jsonPath()
                            .getList("$");
                    return !rounds.isEmpty()
                            && "Accepted"
                                    .equals(JsonPath.from(given().get("/models/1/rounds")
                                                    .asString())
                                            .getString("[0].contributions[0].status"));
                },
                Duration.ofSeconds(240),
                "the contribution accepted in /models/1/rounds");
        JsonPath rounds =
                given().get("/models/1/rounds").then().statusCode(200).extract().jsonPath();
        contributionId = new BigInteger(rounds.getString("[0].contributions[0].id"));
        assertThat(rounds.getString("[0].contributions[0].contributor")).isEqualTo(Keys.toChecksumAddress(address));
        assertThat(contributionId).isEqualTo(submitted.id);
        assertThat(rounds.getString("[0].contributions[0].contentDigest")).isEqualTo("0x" + manifestCid.digestHex());
        assertThat(rounds.getInt("[0].contributions[0].consensusScore"))
                .isEqualTo(chain.protocol(ADMIN)
                        .contribution(manifest.digest())
                        .send()
                        .consensusScore
                        .intValue())
                .isGreaterThan(50); // accepted: above the neutral score
        // this node's judgement: the score it committed (the only validator's is the consensus), and why
        assertThat(rounds.getInt("[0].contributions[0].judgement.score"))
                .isEqualTo(rounds.getInt("[0].contributions[0].consensusScore"));
        assertThat(rounds.getString("[0].contributions[0].judgement.why"))
                .startsWith("removes")
                .contains("held-out loss from the aggregate of the round's 1 admitted updates");
        assertThat(rounds.getLong("[0].parameterVersion"))
                .isEqualTo(chain.protocol(ADMIN)
                        .roundInfo(submitted.round)
                        .send()
                        .parameterVersion
                        .longValueExact());
        assertThat(rounds.getBoolean("[0].quorumReached")).isTrue();
        assertThat(rounds.getList("[0].validators.validator"))
                .containsExactly(Keys.toChecksumAddress(ValidatorNetworkResource.VALIDATOR.getAddress()));
        assertThat(rounds.getInt("[0].validators[0].agreements")).isEqualTo(1);

        String claimable = chain.protocol(ADMIN).claimable(address).send().toString();
        assertThat(new BigInteger(claimable)).isPositive();
        given().get("/rewards/balance/" + address).then().body("claimable", equalTo(claimable));
        JsonPath history = given().get("/rewards/history/" + address)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(history.getString("entries[0].type")).isEqualTo("CONTRIBUTION_REWARD");
        assertThat(history.getString("rewarded")).isEqualTo(claimable);

        relay(
                "/rewards/claim",
                contributor,
                post("/rewards/claim", Map.of("address", address))
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getMap("transactions[0]"));
        Await.until(
                "the claim in the history",
                Duration.ofSeconds(20),
                () -> claimable.equals(
                        given().get("/rewards/history/" + address).jsonPath().getString("claimed")));
        post("/rewards/claim", Map.of("address", address))
                .then()
                .statusCode(422)
                .body("detail", containsString("nothing"));
        JsonPath totals =
                given().get("/network/totals").then().statusCode(200).extract().jsonPath();
        assertThat(new BigInteger(totals.getString("paid"))).isGreaterThanOrEqualTo(new BigInteger(claimable));
        assertThat(totals.getString("contributorStake")).isEqualTo(tokens(100).toString());
        given().get("/rewards/balance/0xABC").then().statusCode(400).contentType(PROBLEM);

        // the validator aggregates the accepted update into the next commit, on top of the base
        blocks.mineUntil(
                () -> given().get("/models/1/commits").jsonPath().getList("$").size() == 2,
                Duration.ofSeconds(120),
                "the round's commit");
        JsonPath commits = given().get("/models/1/commits").jsonPath();
        assertThat(commits.getList("[1].parents")).containsExactly(commits.getInt("[0].id"));
        assertThat(commits.getList("[1].headOf")).containsExactly("main");
    }

    @Test
    @Order(5)
    void aSignedInWalletEvaluatesACandidate() {
        given().contentType(ContentType.JSON)
                .body(Map.of("cid", updateCid))
                .post("/models/1/evaluate")
                .then()
                .statusCode(401)
                .contentType(PROBLEM);
        // the update aggregated into the head is the head now: no change
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("cid", updateCid))
                .post("/models/1/evaluate")
                .then()
                .statusCode(200)
                .body("score", equalTo(1))
                .body("floorReason", equalTo("no change from the global model"));
        byte[] another = builders.honestUpdate(1);
        Cid anotherCid = content.putVerified(another);
        JsonPath evaluation = given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("cid", anotherCid.toString()))
                .post("/models/1/evaluate")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(evaluation.getInt("score")).isBetween(1, 100);
        assertThat(evaluation.getString("floorReason")).isNull();
        JsonPath status = given().get("/models/1/status").jsonPath();
        assertThat(evaluation.getString("againstCommit")).isEqualTo(status.getString("headCommit"));
        assertThat(evaluation.getDouble("metrics.baselineAccuracy"))
                .isCloseTo(status.getDouble("latestAccuracy"), Offset.offset(1e-6));
        assertThat(evaluation.getDouble("metrics.accuracy")).isBetween(0.0, 1.0);

        Cid garbage = content.putVerified(Contributions.garbage(2_048, 3));
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("cid", garbage.toString()))
                .post("/models/1/evaluate")
                .then()
                .statusCode(200)
                .body("score", equalTo(1))
                .body("floorReason", notNullValue());
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("cid", "not-a-cid"))
                .post("/models/1/evaluate")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
    }

    @Test
    @Order(6)
    void theOpenApiDocumentDescribesTheApi() {
        String document = given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(document)
                .contains(
                        "/auth/nonce",
                        "/token",
                        "/models/register",
                        "/training/join/{id}",
                        "/models/{id}/status",
                        "/models/{id}/evaluate",
                        "/rewards/balance/{address}");
        // the views as the protocol has them now: statuses with their meaning, unbonding and per-round submissions
        assertThat(document)
                .contains("Unrewarded", "withdrawableStake", "lastRoundSubmissions", "neutralScore", "parameterVersion")
                .doesNotContain("pendingContributions", "submittedContributions");
        // the wallet endpoints' request bodies have schemas, not just a free-form object
        Map<String, Object> schemas =
                given().get("/q/openapi?format=json").jsonPath().getMap("components.schemas");
        assertThat(schemas).containsKeys("JoinRequest", "SubmitRequest", "ClaimRequest", "ModelRegistration");
        assertThat(document)
                .contains(
                        "#/components/schemas/JoinRequest",
                        "#/components/schemas/SubmitRequest",
                        "#/components/schemas/ClaimRequest",
                        "#/components/schemas/ModelRegistration");
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    @Order(7)
    void aClientOverItsBudgetOfExpensiveCallsIsToldToWait() {
        Response refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            Response response = post("/auth/nonce", Map.of());
            if (response.statusCode() == 429) refused = response;
            else assertThat(response.statusCode()).isEqualTo(200);
        }
        assertThat(refused).as("a 429 within 200 calls").isNotNull();
        assertThat(refused.contentType()).startsWith(PROBLEM);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        given().get("/models/1/status").then().statusCode(200); // cheap reads are not limited
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Credentials newKey() {
        try {
            return Credentials.create(Keys.createEcKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response post(String path, Object body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .post(path)
                .then()
                .extract()
                .response();
    }

    private String freshNonce() {
        return post("/auth/nonce", Map.of())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("nonce");
    }

    private String message(String nonce, String domain, long chain, Optional<Instant> expiry) {
        return new SiweMessage(
                        Optional.empty(),
                        domain,
                        Keys.toChecksumAddress(owner.getAddress()),
                        Optional.empty(),
                        "http://" + domain,
                        "1",
                        chain,
                        nonce,
                        Instant.now().minusSeconds(10),
                        expiry,
                        Optional.empty(),
                        Optional.empty(),
                        List.of())
                .format();
    }

    /** Signs the gateway's unsigned transaction with the wallet's key, relays it and waits for a successful receipt. */
    private void relay(String path, Credentials wallet, Map<String, Object> tx) throws Exception {
        String raw = signed(wallet, (String) tx.get("to"), (String) tx.get("data"), (String) tx.get("gas"), chainId);
        String hash = post(path, Map.of("signedTransaction", raw))
                .then()
                .statusCode(202)
                .body("from", equalTo(Keys.toChecksumAddress(wallet.getAddress())))
                .extract()
                .jsonPath()
                .getString("transactionHash");
        TransactionReceipt receipt = null;
        for (int i = 0; i < 100 && receipt == null; i++) {
            receipt = web3j.ethGetTransactionReceipt(hash)
                    .send()
                    .getTransactionReceipt()
                    .orElse(null);
            if (receipt == null) Thread.sleep(100);
        }
        assertThat(receipt).as("receipt of %s", hash).isNotNull();
        assertThat(receipt.isStatusOK())
                .as("%s succeeded", tx.get("description"))
                .isTrue();
    }

    private String signed(Credentials wallet, String to, String data, String gas, long chain) throws Exception {
        BigInteger nonce = web3j.ethGetTransactionCount(wallet.getAddress(), DefaultBlockParameterName.PENDING)
                .send()
                .getTransactionCount();
        BigInteger gasLimit = gas != null
                ? Numeric.decodeQuantity(gas)
                : web3j.ethEstimateGas(Transaction.createEthCallTransaction(wallet.getAddress(), to, data))
                        .send()
                        .getAmountUsed();
        BigInteger baseFee = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
                .send()
                .getBlock()
                .getBaseFeePerGas();
        BigInteger tip = BigInteger.valueOf(1_000_000_000L);
        RawTransaction raw = RawTransaction.createTransaction(
                chain,
                nonce,
                gasLimit.multiply(BigInteger.TWO),
                to,
                BigInteger.ZERO,
                data,
                tip,
                baseFee.multiply(BigInteger.TWO).add(tip));
        return Numeric.toHexString(TransactionEncoder.signMessage(raw, wallet));
    }
}
