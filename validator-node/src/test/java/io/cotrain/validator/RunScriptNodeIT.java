package io.cotrain.validator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.testing.Await;
import io.cotrain.testing.LocalProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code run-validator.sh} with every setting in the environment (as an operator runs it) against a real anvil chain
 * and js-ipfs node: the node becomes ready, ticks, and stops gracefully on SIGTERM (scheduling stops, the running tick
 * is waited for, clients close); with validation off and no key, tasks or data directory it serves the gateway API and
 * the dashboard.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunScriptNodeIT {
    private final ValidatorNetworkResource network = new ValidatorNetworkResource();
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
            assertThat(Files.readString(node.log()))
                    .contains("validator node started")
                    .contains("validator node stopped")
                    .doesNotContain(settings.get("cotrain.key.private-key").substring(2));
        }
    }

    @Test
    void aPureGatewayServesTheApiAndTheDashboardWithoutKeyTasksOrDataDirectory() throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String property :
                List.of("cotrain.rpc-url", "cotrain.chain-id", "cotrain.deployment-file", "cotrain.ipfs.api-url")) {
            env.put(NodeSettings.envName(property), settings.get(property));
        }
        env.put("COTRAIN_VALIDATION_ENABLED", "false");
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
