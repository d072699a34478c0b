package io.cotrain.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.testing.CotrainClients;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * deployment/local-network.sh started as a user starts it, on free ports and in its own directory, for the tests that
 * need the whole network. Maven has built the validator node's jar and this module's classes, so the script is told
 * not to build. Closing it kills whatever is left (the tests stop it with SIGINT first, as a user would).
 */
final class LocalNetworkRun implements AutoCloseable {
    static final Duration STARTUP = Duration.ofMinutes(5);
    static final Duration SHUTDOWN = Duration.ofMinutes(2);
    static final String UP = "Cotrain local network is up";
    /** anvil's port: chosen here, or by a test that puts something between the nodes and anvil. */
    static final String RPC_PORT = "COTRAIN_RPC_PORT";

    final int rpcPort;
    final int ipfsPort;
    final List<Integer> nodePorts;
    final Path addressesFile;
    final Path directory;
    final Path output;
    final Process script;
    private Web3j web3j;

    private LocalNetworkRun(Map<String, String> settings) throws IOException {
        rpcPort = settings.containsKey(RPC_PORT) ? Integer.parseInt(settings.get(RPC_PORT)) : LocalProcesses.freePort();
        ipfsPort = LocalProcesses.freePort();
        int nodePort = LocalProcesses.freePorts(3);
        nodePorts = List.of(nodePort, nodePort + 1, nodePort + 2);
        addressesFile = ScriptRunner.freshFile("local-network-");
        directory = Files.createTempDirectory(ScriptRunner.WORK, "local-network-");
        output = addressesFile.resolveSibling(addressesFile.getFileName() + ".out");
        ProcessBuilder builder = ScriptRunner.asFromATerminal(ScriptRunner.ROOT.resolve("deployment/local-network.sh"))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("COTRAIN_") || name.startsWith("QUARKUS_"));
        env.put(RPC_PORT, Integer.toString(rpcPort));
        env.put("COTRAIN_IPFS_PORT", Integer.toString(ipfsPort));
        env.put("COTRAIN_NODE_PORT", Integer.toString(nodePort));
        env.put("COTRAIN_ADDRESSES_FILE", addressesFile.toString());
        env.put("COTRAIN_NETWORK_DIR", directory.toString());
        env.put("COTRAIN_SKIP_BUILD", "1");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.putAll(settings);
        script = builder.start();
    }

    /**
     * Starts the script and waits until it says the network is up.
     *
     * @param settings extra environment, e.g. {@code COTRAIN_DEMO_ROUNDS}
     */
    static LocalNetworkRun start(Map<String, String> settings) throws Exception {
        LocalNetworkRun run = new LocalNetworkRun(settings);
        try {
            run.awaitLine(UP, STARTUP);
        } catch (Throwable failed) {
            run.close();
            throw failed;
        }
        return run;
    }

    void awaitLine(String prefix, Duration timeout) throws Exception {
        ScriptRunner.awaitLine(script, output, prefix, timeout);
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    /** @return clients of the network's chain with its deployment (shut down with this run) */
    CotrainClients chain() {
        if (web3j == null) web3j = Web3j.build(new HttpService("http://127.0.0.1:" + rpcPort));
        return new CotrainClients(web3j, 31337).use(DeploymentAddresses.read(addressesFile));
    }

    /**
     * Runs {@code local-network.sh} with a command for this network ({@code restart-node 2}, {@code restart-ipfs}),
     * as an operator would from another terminal, and expects it to succeed.
     *
     * @return what it printed
     */
    String command(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ScriptRunner.ROOT.resolve("deployment/local-network.sh").toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("COTRAIN_NETWORK_DIR", directory.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(3, TimeUnit.MINUTES))
                .as("%s returns", command)
                .isTrue();
        String printed = new String(process.getInputStream().readAllBytes());
        assertThat(process.exitValue()).as("%s: %s", command, printed).isZero();
        return printed;
    }

    /** Waits until validator node {@code node} (1..3) says it is ready. */
    void awaitNodeReady(int node, Duration timeout) throws Exception {
        URI ready = URI.create("http://127.0.0.1:" + nodePorts.get(node - 1) + "/q/health/ready");
        try (HttpClient http = HttpClient.newHttpClient()) {
            Await.until("validator node " + node + " ready", timeout, () -> {
                try {
                    HttpRequest request = HttpRequest.newBuilder(ready)
                            .timeout(Duration.ofSeconds(5))
                            .build();
                    return http.send(request, HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200;
                } catch (IOException notListeningYet) {
                    return false;
                }
            });
        }
    }

    /** The processes the script recorded, by role (the demo task's preparation excepted: it exited long ago). */
    Map<String, Long> recordedPids() throws IOException {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String line : Files.readAllLines(directory.resolve("pids"))) {
            String[] parts = line.strip().split(" ");
            if (!parts[0].equals("demo-task")) pids.put(parts[0], Long.parseLong(parts[1]));
        }
        return pids;
    }

    /** Ctrl-C: SIGINT to the script, which must stop every process it started and free every port. */
    void interruptAndExpectEverythingStopped(Map<String, Long> pids) throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(script.pid())).start().waitFor();
        expectEverythingStopped("SIGINT", pids);
    }

    /** {@code local-network.sh stop}, from another process, must stop the network just as well. */
    void stopCommandAndExpectEverythingStopped(Map<String, Long> pids) throws Exception {
        ProcessBuilder stop = new ProcessBuilder(
                        ScriptRunner.ROOT.resolve("deployment/local-network.sh").toString(), "stop")
                .redirectErrorStream(true);
        stop.environment().put("COTRAIN_NETWORK_DIR", directory.toString());
        Process command = stop.start();
        assertThat(command.waitFor(SHUTDOWN.toSeconds(), TimeUnit.SECONDS))
                .as("the stop command returns")
                .isTrue();
        assertThat(new String(command.getInputStream().readAllBytes())).contains("stopped");
        expectEverythingStopped("the stop command", pids);
    }

    private void expectEverythingStopped(String how, Map<String, Long> pids) throws Exception {
        assertThat(script.waitFor(SHUTDOWN.toSeconds(), TimeUnit.SECONDS))
                .as("the script exits on %s within %s:%n%s", how, SHUTDOWN, output())
                .isTrue();
        List<Integer> ports = new ArrayList<>(List.of(rpcPort, ipfsPort));
        ports.addAll(nodePorts);
        for (int port : ports) {
            assertThat(ScriptRunner.answers(port)).as("port %d closed", port).isFalse();
        }
        for (var process : pids.entrySet()) {
            assertThat(ProcessHandle.of(process.getValue())
                            .map(ProcessHandle::isAlive)
                            .orElse(false))
                    .as("%s (pid %d) stopped", process.getKey(), process.getValue())
                    .isFalse();
        }
        assertThat(directory.resolve("pids")).doesNotExist();
    }

    @Override
    public void close() {
        if (web3j != null) web3j.shutdown();
        List<Long> pids = new ArrayList<>();
        try {
            if (Files.exists(directory.resolve("pids")))
                pids.addAll(recordedPids().values());
        } catch (IOException unreadable) {
            // the script removed it while stopping
        }
        script.descendants().forEach(ProcessHandle::destroyForcibly);
        script.destroyForcibly();
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
}
