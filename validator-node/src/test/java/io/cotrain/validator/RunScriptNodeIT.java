package io.cotrain.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.testing.Await;
import io.cotrain.testing.LocalProcesses;
import io.cotrain.validator.auth.GatewayTokens;
import io.cotrain.validator.auth.PersonalSign;
import io.cotrain.validator.auth.TokenSigningKey;
import io.cotrain.validator.gateway.IndexDatabases;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * {@code run-validator.sh} with every setting in the environment (as an operator runs it) against a real anvil chain
 * and js-ipfs node: the node becomes ready, ticks, and stops gracefully on SIGTERM (scheduling stops, the running tick
 * is waited for, clients close); with validation off and no key, tasks or data directory it serves the gateway API and
 * the dashboard; sessions survive a restart when the token key is kept in a file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunScriptNodeIT {
    private final ValidatorNetworkResource network = new ValidatorNetworkResource();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private Map<String, String> settings;

    @BeforeAll
    void startNetwork() {
        settings = network.start();
    }

    @AfterAll
    void stopNetwork() {
        network.stop();
        http.close();
    }

    @Test
    void startsFromTheEnvironmentTicksAndStopsGracefully() throws Exception {
        Map<String, String> env = new HashMap<>();
        settings.forEach((property, value) -> env.put(NodeSettings.envName(property), value));
        try (RunningNode node = start(env)) {
            Await.until(
                    "a tick",
                    Duration.ofSeconds(30),
                    Await.POLL,
                    () -> body(node.base() + "/status").matches("(?s).*\"ticks\":[1-9].*"),
                    () -> output(node.log()));
            node.stopGracefully();
            Path tokenKey = Path.of(settings.get("cotrain.data-directory")).resolve(GatewayTokens.KEY_FILE_NAME);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenKey)))
                    .as("the token signing key made in the data directory, for its owner only")
                    .isEqualTo("rw-------");
            assertThat(Path.of(settings.get("cotrain.data-directory")).resolve("ledger-index.mv.db"))
                    .as("the event index, an H2 file in the data directory")
                    .isNotEmptyFile();
            assertThat(Files.readString(node.log()))
                    .contains("validator node started")
                    .contains("validator node stopped")
                    .doesNotContain(settings.get("cotrain.key.private-key").substring(2));
        }
    }

    @Test
    void aPureGatewayServesTheApiAndTheDashboardWithoutKeyTasksOrDataDirectory() throws Exception {
        Map<String, String> env = pureGateway();
        try (RunningNode node = start(env)) {
            assertThat(body(node.base() + "/network"))
                    .contains("\"validating\":false")
                    .contains("\"validator\":null");
            assertThat(status(node.base() + "/network/totals")).isEqualTo(200);
            assertThat(status(node.base() + "/status")).isEqualTo(404);
            assertThat(body(node.base() + "/status")).contains("does not validate");
            assertThat(body(node.base() + "/")).contains("<title>Cotrain dashboard</title>");
            assertThat(status(node.base() + "/q/health/live")).isEqualTo(200);
            node.stopGracefully();
            assertThat(Files.readString(node.log())).contains("validation=off");
        }
    }

    /**
     * A wallet's session outlives the gateway that issued it and works on every gateway given the same token key file;
     * a gateway with another key refuses it.
     */
    @Test
    void aSessionSurvivesARestartAndWorksOnEveryGatewaySharingTheKeyFile() throws Exception {
        Path keyFile =
                Files.createTempDirectory(Path.of("target"), "token-key-").resolve("token-key.pem");
        TokenSigningKey.loadOrCreate(keyFile);
        Map<String, String> env = pureGateway();
        Map<String, String> sharing = new HashMap<>(env);
        sharing.put("COTRAIN_GATEWAY_TOKEN_KEY_FILE", keyFile.toAbsolutePath().toString());

        String token;
        try (RunningNode first = start(sharing)) {
            token = signIn(first.base(), Credentials.create(Keys.createEcKeyPair()));
            assertThat(sessionStatus(first.base(), token)).isEqualTo(200);
            first.stopGracefully();
        }
        try (RunningNode restarted = start(sharing)) {
            assertThat(sessionStatus(restarted.base(), token))
                    .as("the session after a restart")
                    .isEqualTo(200);
        }
        try (RunningNode stranger = start(env)) {
            assertThat(sessionStatus(stranger.base(), token))
                    .as("a gateway with a key of its own")
                    .isEqualTo(401);
            assertThat(Files.readString(stranger.log())).contains("a restart signs everyone out");
        }
    }

    /**
     * A gateway given a PostgreSQL database keeps its event index there: killed (SIGKILL) and started again, it
     * resumes from the block it had read instead of reading the chain from the deployment block.
     */
    @Test
    void aGatewayKeepsItsIndexInPostgresqlAndResumesFromItsCheckpointAfterBeingKilled() throws Exception {
        Map<String, String> env = pureGateway();
        env.put("COTRAIN_GATEWAY_INDEX_URL", IndexDatabases.postgresqlUrl());
        long deployBlock = DeploymentAddresses.read(Path.of(settings.get("cotrain.deployment-file")))
                .deployBlock()
                .longValueExact();
        long indexed;
        try (RunningNode first = start(env)) {
            Await.until(
                    "the index reads the chain",
                    Duration.ofSeconds(30),
                    Await.POLL,
                    () -> indexedBlock(first) >= deployBlock,
                    () -> output(first.log()));
            indexed = indexedBlock(first);
            assertThat(Files.readString(first.log())).contains("event index (index-postgresql) reads the chain from");
        } // killed
        try (RunningNode restarted = start(env)) {
            assertThat(indexedBlock(restarted)).isGreaterThanOrEqualTo(indexed);
            Matcher resumed = Pattern.compile("event index \\(index-postgresql\\) resumes after block (\\d+)")
                    .matcher(Files.readString(restarted.log()));
            assertThat(resumed.find()).as(output(restarted.log())).isTrue();
            assertThat(Long.parseLong(resumed.group(1))).isGreaterThanOrEqualTo(indexed);
        }
    }

    private long indexedBlock(RunningNode node) throws Exception {
        return Long.parseLong(field(body(node.base() + "/network"), "indexedBlock"));
    }

    /** @return the environment of a pure gateway on the test network: no key, no tasks, no data directory */
    private Map<String, String> pureGateway() {
        Map<String, String> env = new HashMap<>();
        for (String property :
                List.of("cotrain.rpc-url", "cotrain.chain-id", "cotrain.deployment-file", "cotrain.ipfs.api-url")) {
            env.put(NodeSettings.envName(property), settings.get(property));
        }
        env.put("COTRAIN_VALIDATION_ENABLED", "false");
        return env;
    }

    /** @return a bearer token for the wallet, signed in as its wallet would */
    private String signIn(String base, Credentials wallet) throws Exception {
        String message = field(post(base + "/auth/nonce", Map.of("address", wallet.getAddress())), "message");
        return field(
                post(base + "/token", Map.of("message", message, "signature", PersonalSign.sign(message, wallet))),
                "accessToken");
    }

    private int sessionStatus(String base, String token) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(base + "/auth/session"))
                                .header("Authorization", "Bearer " + token)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private String post(String url, Map<String, String> body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    private static String field(String json, String name) throws IOException {
        return JSON.readTree(json).path(name).asText();
    }

    /** A node started by run-validator.sh with exactly the given environment, ready; killed when closed. */
    private record RunningNode(Process process, String base, Path log) implements AutoCloseable {
        void stopGracefully() throws InterruptedException {
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("stopped within 30 s")
                    .isTrue();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private RunningNode start(Map<String, String> settingsEnv) throws Exception {
        int port = LocalProcesses.freePort();
        Path log = Files.createTempFile(Path.of("target", "validator-it"), "run-script-node-", ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of("run-validator.sh").toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("COTRAIN_") || name.startsWith("QUARKUS_"));
        env.putAll(settingsEnv);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        RunningNode node = new RunningNode(builder.start(), "http://127.0.0.1:" + port, log);
        try {
            Await.until(
                    "ready",
                    Duration.ofSeconds(60),
                    Await.POLL,
                    () -> status(node.base() + "/q/health/ready") == 200,
                    () -> output(log));
        } catch (Throwable notReady) {
            node.close();
            throw notReady;
        }
        return node;
    }

    private int status(String url) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception notYet) {
            return -1;
        }
    }

    private String body(String url) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception notYet) {
            return "";
        }
    }

    /** The node's output so far, for a failure message. */
    private static String output(Path log) {
        try {
            return "node output:\n" + Files.readString(log);
        } catch (IOException e) {
            return "node output unreadable: " + e.getMessage();
        }
    }
}
