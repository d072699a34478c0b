package io.cotrain.validator;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static io.cotrain.validator.auth.PersonalSign.sign;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.Sealing;
import io.cotrain.ipfs.testing.SealingKeys;
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
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The gateway API of the node's production jar on a real anvil chain and js-ipfs node, used as a wallet would: sign in
 * with a real EIP-191 signature for a JWT; register a model, join its task, submit and claim with transactions the
 * gateway built, signed here with the wallet's key and relayed by the gateway; read status, commits, rounds,
 * balances, history and totals as the round is scored and aggregated; evaluate a candidate with a token; and every
 * error answered as a problem.
 *
 * <p>Each test is a scenario of its own on the network the app shares, in any order or alone: it makes its own wallets;
 * a scenario on task 1 (the task the node holds the held-out set of) has it registered on chain first unless a scenario
 * did already; round, head and totals are read from the chain and the API before the scenario changes them, never
 * assumed from what another scenario did.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = ValidatorNetworkResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayApiIT {
    private static final String PROBLEM = "application/problem+json";
    private static final Credentials ADMIN = ValidatorNetworkResource.ADMIN;

    private final SyntheticTabularTask task = SyntheticTabularTask.standard();
    private final Contributions builders = new Contributions(task);
    private NetworkClients network;

    @BeforeEach
    void connectWhenReady() throws Exception {
        network = NetworkClients.whenReady(network, Duration.ofSeconds(60));
    }

    @AfterAll
    void close() {
        if (network != null) network.close();
    }

    @Test
    void signInWithAWalletSignatureGivesABearerToken() throws Exception {
        Credentials wallet = NetworkClients.newKey();
        String address = Keys.toChecksumAddress(wallet.getAddress());
        JsonPath nonce = post("/auth/nonce", Map.of("address", address.toLowerCase()))
                .then()
                .statusCode(200)
                .body("chainId", equalTo((int) network.chainId))
                .extract()
                .jsonPath();
        String message = nonce.getString("message");
        assertThat(message)
                .contains(address)
                .contains("Nonce: " + nonce.getString("nonce"))
                .contains("Chain ID: " + network.chainId);

        given().get("/auth/session")
                .then()
                .statusCode(401)
                .contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("detail", containsString("POST /auth/nonce"));

        JsonPath signedIn = post("/token", Map.of("message", message, "signature", sign(message, wallet)))
                .then()
                .statusCode(200)
                .body("tokenType", equalTo("Bearer"))
                .body("address", equalTo(address))
                .extract()
                .jsonPath();
        String token = signedIn.getString("accessToken");
        assertThat(signedIn.getLong("expiresIn")).isBetween(60L, 15 * 60L);
        given().auth().oauth2(token).get("/auth/session").then().statusCode(200).body("address", equalTo(address));

        // the same signed message again: its nonce is spent
        post("/token", Map.of("message", message, "signature", sign(message, wallet)))
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
    void wrongChainExpiredBadSignatureAndMalformedSignInsAreRefused() {
        Credentials wallet = NetworkClients.newKey();
        Credentials stranger = NetworkClients.newKey();
        long chainId = network.chainId;
        String host = URI.create(RestAssured.baseURI).getHost() + ":" + RestAssured.port;
        String wrongChain = message(wallet, freshNonce(), host, 1, Optional.empty());
        post("/token", Map.of("message", wrongChain, "signature", sign(wrongChain, wallet)))
                .then()
                .statusCode(401)
                .contentType(PROBLEM)
                .body("detail", containsString("for chain 1"));

        String expired = message(
                wallet, freshNonce(), host, chainId, Optional.of(Instant.now().minusSeconds(5)));
        post("/token", Map.of("message", expired, "signature", sign(expired, wallet)))
                .then()
                .statusCode(401)
                .contentType(PROBLEM)
                .body("detail", containsString("expired"));

        String valid = message(wallet, freshNonce(), host, chainId, Optional.empty());
        post("/token", Map.of("message", valid, "signature", sign(valid, stranger)))
                .then()
                .statusCode(401)
                .contentType(PROBLEM)
                .body("detail", containsString("bad signature"));
        post("/token", Map.of("message", valid, "signature", "0xdead"))
                .then()
                .statusCode(401)
                .contentType(PROBLEM);

        String otherDomain = message(wallet, freshNonce(), "evil.example", chainId, Optional.empty());
        post("/token", Map.of("message", otherDomain, "signature", sign(otherDomain, wallet)))
                .then()
                .statusCode(401)
                .body("detail", containsString("evil.example"));

        post("/token", Map.of("message", "hello", "signature", sign("hello", wallet)))
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
    void aModelIsRegisteredWithATransactionTheGatewayBuiltAndTheWalletSigned() throws Exception {
        Credentials owner = network.newWallet(0);
        NetworkClients.ModelDocuments documents = network.modelDocuments(task);
        Cid schema = documents.schema();
        Map<String, Object> registration = new HashMap<>(Map.of(
                "owner",
                owner.getAddress(),
                "baseModelCid",
                documents.base().cid().toString(),
                "heldOutDigest",
                documents.heldOut().digestHex(),
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
        // the body binds to the documented record: a field of the wrong JSON type or a misspelt one is named
        Map<String, Object> wrongType = new HashMap<>(registration);
        wrongType.put("ruleParameterA", "abc");
        post("/models/register", wrongType)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("ruleParameterA must be a whole number, got 'abc'"));
        Map<String, Object> misspelt = new HashMap<>(registration);
        misspelt.put("rewardWeight", List.of(5000, 5000, 0));
        post("/models/register", misspelt)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("rewardWeight is not a field of this body"));
        Cid unrelated = network.content.putVerified(
                "a text on IPFS, neither a schema nor a model".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> notASchema = new HashMap<>(registration);
        notASchema.put("schemaDigest", unrelated.digestHex());
        post("/models/register", notASchema)
                .then()
                .statusCode(422)
                .contentType(PROBLEM)
                .body("detail", containsString("no schema document"));
        Map<String, Object> notAModel = new HashMap<>(registration);
        notAModel.put("baseModelCid", unrelated.toString());
        post("/models/register", notAModel).then().statusCode(422).body("detail", containsString("not a model"));

        JsonPath plan = post("/models/register", registration)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(plan.getList("transactions")).hasSize(1);
        Map<String, Object> tx = plan.getMap("transactions[0]");
        assertThat((String) tx.get("to"))
                .isEqualToIgnoringCase(network.chain.addresses().modelRegistry());
        assertThat(tx.get("gas")).isNotNull();

        // the gateway relays only what the endpoint is for, on its chain
        post(
                        "/models/register",
                        Map.of(
                                "signedTransaction",
                                signed(
                                        owner,
                                        network.chain.addresses().protocol(),
                                        (String) tx.get("data"),
                                        (String) tx.get("gas"),
                                        network.chainId)))
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

        // the registry's next task id: 1 on a network no scenario registered a task on yet
        long id = ModelRegistry.getModelRegisteredEvents(relay("/models/register", owner, tx))
                .getFirst()
                .modelId
                .longValueExact();
        given().get("/models/" + id + "/status")
                .then()
                .statusCode(200)
                .body("taskId", equalTo((int) id))
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
        // a round open now with no contribution yet (the next one if another scenario submitted to this one) still
        // tells when its submission window ends
        if (network.chain.protocol(ADMIN).roundInfo(network.currentRound()).send().exists) network.freshRound();
        JsonPath unopened = given().get("/models/" + id + "/status")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        BigInteger current = network.currentRound();
        var info = network.chain.protocol(ADMIN).roundInfo(current).send();
        assertThat(info.exists).as("no contribution was submitted yet").isFalse();
        assertThat(unopened.getBoolean("roundOpen")).isFalse();
        assertThat(unopened.getString("phase")).isEqualTo("Submission");
        assertThat(unopened.getString("currentRound")).isEqualTo(current.toString());
        assertThat(new BigInteger(unopened.getString("phaseEndBlock")))
                .isEqualTo(info.submissionEndBlock)
                .isGreaterThanOrEqualTo(new BigInteger(unopened.getString("block")));
        List<Map<String, Object>> commits = given().get("/models/" + id + "/commits")
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
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, (int) id).boxed().toList());

        given().get("/models/" + (id + 1) + "/status")
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("detail", equalTo("unknown task " + (id + 1) + ": the model registry has tasks 1 to " + id));
        given().get("/models/abc/status").then().statusCode(400).contentType(PROBLEM);
        given().get("/models/" + id + "/rounds?limit=0").then().statusCode(400).body("detail", containsString("limit"));
    }

    /**
     * A contributor's whole story on task 1, in order because each stage needs the one before: sign in, join, submit,
     * be scored, claim, see the update aggregated into the model, and evaluate candidates against that new head.
     */
    @Test
    void aContributorSignsInJoinsSubmitsIsScoredClaimsAndEvaluatesAgainstTheNewHead() throws Exception {
        // ---- the network this story starts from: task 1, a contributor with tokens, a wallet with none; the head,
        // commits and staked total as they are before the story (whatever other scenarios did)
        network.taskOneServed();
        Credentials contributor = network.newWallet(500);
        Credentials other = network.newWallet(0);
        String address = contributor.getAddress();
        int commitsBefore =
                given().get("/models/1/commits").jsonPath().getList("$").size();
        int headBefore = given().get("/models/1/status").jsonPath().getInt("headCommit");
        BigInteger stakeBefore =
                new BigInteger(given().get("/network/totals").jsonPath().getString("contributorStake"));
        long unknownTask = network.chain.models(ADMIN).modelCount().send().longValueExact() + 1;
        // a live client follows the story as the gateway reads it from the chain
        EventStream live = new EventStream(RestAssured.baseURI + ":" + RestAssured.port + "/events");
        assertThat(live.status()).isEqualTo(200);

        // ---- sign in: the bearer token the contributor evaluates candidates with at the end
        String token = signIn(contributor);

        // ---- join task 1: approve and register a stake, with transactions the gateway built
        post("/training/join/1", Map.of("address", "nope"))
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        post("/training/join/1", Map.of("address", Map.of("wallet", address)))
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", equalTo("address must be a string (see /q/openapi)"));
        post("/training/join/1", List.of(address))
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", equalTo("post a JSON object (see /q/openapi)"));
        post("/training/join/" + unknownTask, Map.of("address", address))
                .then()
                .statusCode(404)
                .contentType(PROBLEM);
        post("/training/join/1", Map.of("address", other.getAddress()))
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

        // ---- submit an honest update, in a round of the story's own
        byte[] update = builders.honestUpdate(0);
        Artifact artifact = Artifact.of("model.zip", network.content.putVerified(update), update, "application/zip");
        String updateCid = artifact.cid().toString();
        ContributionManifest manifest = ContributionManifest.modelUpdate(
                1,
                address,
                List.of(artifact),
                Contributions.SHARD_ROWS,
                Cid.of(task.baseModelBytes()).toString());
        Cid manifestCid = network.content.putManifest(manifest);

        post("/training/submit/1", Map.of("address", address, "manifest", "bafy-nope"))
                .then()
                .statusCode(400);
        post("/training/submit/1", Map.of("address", address, "manifest", manifestCid.toString(), "kind", "GIFT"))
                .then()
                .statusCode(400)
                .body("detail", containsString("kind"));
        // the keys a wallet seals to: the one validator's, as its node published it on its first tick
        Credentials validator = ValidatorNetworkResource.VALIDATOR;
        Await.until(
                "the validator's key published",
                Duration.ofSeconds(30),
                () -> given().get("/training/sealing-keys")
                                .jsonPath()
                                .getList("$")
                                .size()
                        == 1);
        given().get("/training/sealing-keys")
                .then()
                .statusCode(200)
                .body("[0].address", equalTo(validator.getAddress().toLowerCase()))
                .body(
                        "[0].publicKey",
                        equalTo(Numeric.toHexStringWithPrefixZeroPadded(
                                validator.getEcKeyPair().getPublicKey(), 128)));
        // content sealed without that validator would be floored by it: refused before anything is signed
        ContributionManifest sealedElsewhere = network.content.putSealed(
                manifest,
                update,
                SealingKeys.publicKeys(contributor.getEcKeyPair()),
                Sealing.KeySource.random(new SecureRandom()));
        Cid sealedCid = network.content.putManifest(sealedElsewhere);
        post("/training/submit/1", Map.of("address", address, "manifest", sealedCid.toString()))
                .then()
                .statusCode(422)
                .contentType(PROBLEM)
                .body(
                        "detail",
                        containsString("is not sealed to validators ["
                                + validator.getAddress().toLowerCase()));
        network.freshRound(); // room to submit
        JsonPath submit = post("/training/submit/1", Map.of("address", address, "manifest", manifestCid.toString()))
                .then()
                .statusCode(200)
                .body("summary", containsString("warning: its content is not sealed"))
                .extract()
                .jsonPath();
        relay("/training/submit/1", contributor, submit.getMap("transactions[0]"));
        var submitted =
                network.chain.protocol(ADMIN).contribution(manifest.digest()).send();
        given().get("/rewards/balance/" + address)
                .then()
                .statusCode(200)
                .body("lockedStake", equalTo(tokens(10).toString()))
                .body("freeStake", equalTo(tokens(90).toString()))
                .body("lastRound", equalTo(submitted.round.intValueExact()))
                .body("lastRoundSubmissions", equalTo(1));

        // the same manifest again, by the same wallet or another: the same work is paid once
        for (Credentials wallet : List.of(contributor, other)) {
            post("/training/submit/1", Map.of("address", wallet.getAddress(), "manifest", manifestCid.toString()))
                    .then()
                    .statusCode(422)
                    .contentType(PROBLEM)
                    .body(
                            "detail",
                            containsString("would revert: DuplicateContent(contentDigest=0x" + manifestCid.digestHex()))
                    .body("detail", containsString("already submitted, as contribution " + submitted.id));
        }

        // ---- scored: the node judges, commits, reveals and finalizes the round the chain put the contribution in
        network.blocks.mineUntil(
                () -> {
                    JsonPath listed =
                            JsonPath.from(given().get("/models/1/rounds").asString());
                    int at = indexOfRound(listed, submitted.round);
                    return at >= 0 && "Accepted".equals(listed.getString("[" + at + "].contributions[0].status"));
                },
                Duration.ofSeconds(240),
                "the contribution accepted in /models/1/rounds");
        JsonPath rounds =
                given().get("/models/1/rounds").then().statusCode(200).extract().jsonPath();
        String round = "[" + indexOfRound(rounds, submitted.round) + "]";
        BigInteger contributionId = new BigInteger(rounds.getString(round + ".contributions[0].id"));
        assertThat(rounds.getString(round + ".contributions[0].contributor"))
                .isEqualTo(Keys.toChecksumAddress(address));
        assertThat(contributionId).isEqualTo(submitted.id);
        assertThat(rounds.getString(round + ".contributions[0].contentDigest"))
                .isEqualTo("0x" + manifestCid.digestHex());
        assertThat(rounds.getInt(round + ".contributions[0].consensusScore"))
                .isEqualTo(network.chain
                        .protocol(ADMIN)
                        .contribution(manifest.digest())
                        .send()
                        .consensusScore
                        .intValue())
                .isGreaterThan(50); // accepted: above the neutral score
        // this node's judgement: the score it committed (the only validator's is the consensus), and why
        assertThat(rounds.getInt(round + ".contributions[0].judgement.score"))
                .isEqualTo(rounds.getInt(round + ".contributions[0].consensusScore"));
        assertThat(rounds.getString(round + ".contributions[0].judgement.why"))
                .startsWith("removes")
                .contains("held-out loss from the aggregate of the round's 1 admitted updates");
        assertThat(rounds.getLong(round + ".parameterVersion"))
                .isEqualTo(network.chain
                        .protocol(ADMIN)
                        .roundInfo(submitted.round)
                        .send()
                        .parameterVersion
                        .longValueExact());
        assertThat(rounds.getBoolean(round + ".quorumReached")).isTrue();
        assertThat(rounds.getList(round + ".validators.validator"))
                .containsExactly(Keys.toChecksumAddress(ValidatorNetworkResource.VALIDATOR.getAddress()));
        assertThat(rounds.getInt(round + ".validators[0].agreements")).isEqualTo(1);

        // ---- claim the reward
        String claimable =
                network.chain.protocol(ADMIN).claimable(address).send().toString();
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
        network.blocks.mineUntil( // the history has what is confirmed
                () -> claimable.equals(
                        given().get("/rewards/history/" + address).jsonPath().getString("claimed")),
                Duration.ofSeconds(20),
                "the claim in the history");
        post("/rewards/claim", Map.of("address", address))
                .then()
                .statusCode(422)
                .body("detail", containsString("nothing"));
        JsonPath totals =
                given().get("/network/totals").then().statusCode(200).extract().jsonPath();
        assertThat(new BigInteger(totals.getString("paid"))).isGreaterThanOrEqualTo(new BigInteger(claimable));
        assertThat(new BigInteger(totals.getString("contributorStake")).subtract(stakeBefore))
                .as("contributor stake added by this story")
                .isEqualTo(tokens(100));
        given().get("/rewards/balance/0xABC").then().statusCode(400).contentType(PROBLEM);

        // ---- aggregated: the validator aggregates the accepted update into the next commit, on top of the head
        // the story started from (the base, on a network where no round of task 1 was aggregated yet)
        network.blocks.mineUntil(
                () -> given().get("/models/1/commits").jsonPath().getList("$").size() == commitsBefore + 1,
                Duration.ofSeconds(120),
                "the round's commit");
        JsonPath commits = given().get("/models/1/commits").jsonPath();
        assertThat(commits.getList("[" + commitsBefore + "].parents")).containsExactly(headBefore);
        assertThat(commits.getList("[" + commitsBefore + "].headOf")).containsExactly("main");
        assertLiveUpdates(live, address, commits.getString("[" + commitsBefore + "].id"));

        // ---- evaluate with the token: the update aggregated into the head is the head now, so no change
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("cid", updateCid))
                .post("/models/1/evaluate")
                .then()
                .statusCode(200)
                .body("score", equalTo(1))
                .body("floorReason", equalTo("no change from the global model"));
        // another honest update, against the new head, whose accuracy the node recorded with the commit
        byte[] another = builders.honestUpdate(1);
        Cid anotherCid = network.content.putVerified(another);
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
    }

    @Test
    void onlyASignedInWalletEvaluatesAndGarbageGetsTheFloorScore() throws Exception {
        network.taskOneServed();
        Cid garbage = network.content.putVerified(Contributions.garbage(2_048, 3));
        given().contentType(ContentType.JSON)
                .body(Map.of("cid", garbage.toString()))
                .post("/models/1/evaluate")
                .then()
                .statusCode(401)
                .contentType(PROBLEM);

        String token = signIn(NetworkClients.newKey());
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
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("cid", List.of(garbage.toString())))
                .post("/models/1/evaluate")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("cid must be a string"));
    }

    @Test
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
                        "/rewards/balance/{address}",
                        "/events");
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
        // the values a submission's kind and a contribution's status take are the protocol's enums
        assertThat(given().get("/q/openapi?format=json")
                        .jsonPath()
                        .getList("components.schemas.SubmitRequest.properties.kind.enum", String.class))
                .containsExactlyElementsOf(ContributionKind.apiNames());
        List<Object> statuses = schemas.values().stream()
                .map(schema -> (Map<?, ?>) ((Map<?, ?>) schema).get("properties"))
                .filter(properties -> properties != null && properties.containsKey("consensusScore"))
                .map(properties -> (Map<?, ?>) properties.get("status"))
                .<List<Object>>map(status -> List.copyOf((List<?>) status.get("enum")))
                .findFirst()
                .orElseThrow();
        assertThat(statuses)
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(ContributionStatus.values())
                        .filter(status -> status != ContributionStatus.NONE)
                        .map(ContributionStatus::title)
                        .toList());
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void aClientOverItsBudgetOfExpensiveCallsIsToldToWait() throws Exception {
        network.taskOneServed();
        // a signed-in wallet of its own is counted by its address: spending its budget leaves that of the anonymous
        // client (counted by IP), which the other scenarios use, whole
        String token = signIn(NetworkClients.newKey());
        Response refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            Response response = given().auth()
                    .oauth2(token)
                    .contentType(ContentType.JSON)
                    .body(Map.of())
                    .post("/auth/nonce")
                    .then()
                    .extract()
                    .response();
            if (response.statusCode() == 429) refused = response;
            else assertThat(response.statusCode()).isEqualTo(200);
        }
        assertThat(refused).as("a 429 within 200 calls").isNotNull();
        assertThat(refused.contentType()).startsWith(PROBLEM);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        given().auth().oauth2(token).get("/models/1/status").then().statusCode(200); // cheap reads are not limited
        post("/auth/nonce", Map.of()).then().statusCode(200); // another client's budget is its own
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** The live client saw the story: its contribution submitted and scored, its round finalized, its commit. */
    private void assertLiveUpdates(EventStream live, String contributor, String commitId) throws Exception {
        try (live) {
            try {
                network.blocks.mineUntil( // live updates come with confirmations
                        () -> live.events().stream()
                                .anyMatch(e -> e.name().equals("model-commit")
                                        && e.data().path("commitId").asText().equals(commitId)),
                        Duration.ofSeconds(20),
                        "the story's commit as a live update");
            } catch (AssertionError missing) {
                throw new AssertionError(missing.getMessage() + "\nlive updates: " + live.events(), missing);
            }
            List<EventStream.Event> events = live.events();
            assertThat(events.getFirst().name()).as("the first event, at once").isEqualTo("block");
            EventStream.Event submitted = events.stream()
                    .filter(e -> e.name().equals("contribution")
                            && e.data().path("contributor").asText().equalsIgnoreCase(contributor))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no contribution event: " + events));
            assertThat(submitted.data().path("kind").asText()).isEqualTo("MODEL_UPDATE");
            String id = submitted.data().path("id").asText();
            String round = submitted.data().path("round").asText();
            assertThat(events)
                    .anySatisfy(e -> {
                        assertThat(e.name()).isEqualTo("score");
                        assertThat(e.data().path("id").asText()).isEqualTo(id);
                        assertThat(e.data().path("status").asText()).isEqualTo("Accepted");
                    })
                    .anySatisfy(e -> {
                        assertThat(e.name()).isEqualTo("round");
                        assertThat(e.data().path("round").asText()).isEqualTo(round);
                        assertThat(e.data().path("stage").asText()).isEqualTo("finalized");
                    })
                    .anySatisfy(e -> {
                        assertThat(e.name()).isEqualTo("score-commit");
                        assertThat(e.data().path("round").asText()).isEqualTo(round);
                    });
        }
    }

    /** @return a bearer token for the wallet, signed in with its signature of the message the gateway prepared */
    private static String signIn(Credentials wallet) throws Exception {
        String message = post("/auth/nonce", Map.of("address", wallet.getAddress()))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("message");
        return post("/token", Map.of("message", message, "signature", sign(message, wallet)))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("accessToken");
    }

    /** @return the position of the round in a {@code /models/{id}/rounds} answer, -1 when it is not listed */
    private static int indexOfRound(JsonPath rounds, BigInteger round) {
        List<Object> listed = rounds.getList("round");
        for (int i = 0; i < listed.size(); i++) {
            if (String.valueOf(listed.get(i)).equals(round.toString())) return i;
        }
        return -1;
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

    private String message(Credentials wallet, String nonce, String domain, long chain, Optional<Instant> expiry) {
        return new SiweMessage(
                        Optional.empty(),
                        domain,
                        Keys.toChecksumAddress(wallet.getAddress()),
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

    /**
     * Signs the gateway's unsigned transaction with the wallet's key, relays it and waits for a successful receipt.
     *
     * @return the receipt
     */
    private TransactionReceipt relay(String path, Credentials wallet, Map<String, Object> tx) throws Exception {
        String raw =
                signed(wallet, (String) tx.get("to"), (String) tx.get("data"), (String) tx.get("gas"), network.chainId);
        String hash = post(path, Map.of("signedTransaction", raw))
                .then()
                .statusCode(202)
                .body("from", equalTo(Keys.toChecksumAddress(wallet.getAddress())))
                .extract()
                .jsonPath()
                .getString("transactionHash");
        AtomicReference<TransactionReceipt> receipt = new AtomicReference<>();
        Await.until(
                "the receipt of " + hash,
                Duration.ofSeconds(10),
                Duration.ofMillis(100),
                () -> {
                    receipt.set(network.web3j
                            .ethGetTransactionReceipt(hash)
                            .send()
                            .getTransactionReceipt()
                            .orElse(null));
                    return receipt.get() != null;
                },
                () -> "");
        assertThat(receipt.get().isStatusOK())
                .as("%s succeeded", tx.get("description"))
                .isTrue();
        return receipt.get();
    }

    private String signed(Credentials wallet, String to, String data, String gas, long chain) throws Exception {
        BigInteger nonce = network.web3j
                .ethGetTransactionCount(wallet.getAddress(), DefaultBlockParameterName.PENDING)
                .send()
                .getTransactionCount();
        BigInteger gasLimit = gas != null
                ? Numeric.decodeQuantity(gas)
                : network.web3j
                        .ethEstimateGas(Transaction.createEthCallTransaction(wallet.getAddress(), to, data))
                        .send()
                        .getAmountUsed();
        BigInteger baseFee = network.web3j
                .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
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
