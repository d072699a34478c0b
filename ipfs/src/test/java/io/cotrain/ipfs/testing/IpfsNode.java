package io.cotrain.ipfs.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.testing.LocalProcesses;
import io.cotrain.testing.RepositoryRoot;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real js-ipfs node (the npm {@code ipfs} package that {@code tools/ensure-toolchain.sh} installs under
 * {@code ipfs/node/}), offline, with a fresh repository and its RPC API on a free loopback port. Close it to stop
 * the process; a JVM shutdown hook stops it too if the tests never get that far.
 *
 * <p>The repository is configured as js-ipfs needs to run alone: no swarm addresses (with them the daemon hangs
 * without a network), no bootstrap peers, delegates, MDNS or WebRTC discovery, no gateway and no gRPC server.
 */
public final class IpfsNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IpfsNode.class.getName());
    private static final Duration INIT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final int START_ATTEMPTS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Thread stopOnExit;
    private final Path repository;
    private final URI apiUrl;
    private final IpfsClient client;

    private IpfsNode(Process process, Path repository, URI apiUrl) {
        this.process = process;
        this.repository = repository;
        this.apiUrl = apiUrl;
        this.client = new IpfsClient(apiUrl);
        this.stopOnExit =
                new Thread(() -> LocalProcesses.stopTree(process, STOP_TIMEOUT), "stop js-ipfs " + process.pid());
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * Initializes a fresh repository under {@code workDirectory}, starts the daemon offline and waits until its API
     * answers.
     *
     * @param workDirectory where the repository ({@code repo-<id>}) and its logs ({@code repo-<id>-init.log},
     *     {@code repo-<id>-daemon-<port>.log}) go
     * @return the running node
     */
    public static IpfsNode start(Path workDirectory) {
        Path cli = cli();
        try {
            Files.createDirectories(workDirectory);
            Path repository = Files.createTempDirectory(workDirectory.toAbsolutePath(), "repo-");
            String name = repository.getFileName().toString();
            runToCompletion(
                    command(cli, repository, "init", "--empty-repo"), workDirectory.resolve(name + "-init.log"));
            IllegalStateException lastFailure = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                int apiPort = LocalProcesses.freePort();
                configure(repository.resolve("config"), apiPort);
                Process process = command(cli, repository, "daemon", "--offline")
                        .redirectErrorStream(true)
                        .redirectOutput(workDirectory
                                .resolve(name + "-daemon-" + apiPort + ".log")
                                .toFile())
                        .start();
                URI apiUrl = URI.create("http://127.0.0.1:" + apiPort);
                try {
                    awaitApi(process, apiUrl);
                    return new IpfsNode(process, repository, apiUrl);
                } catch (IllegalStateException e) {
                    LocalProcesses.stopTree(process, STOP_TIMEOUT);
                    lastFailure = e; // most likely the port was taken between the probe and the bind
                }
            }
            throw lastFailure;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start js-ipfs from " + cli, e);
        }
    }

    /** @return the node's RPC API, e.g. {@code http://127.0.0.1:41234} */
    public URI apiUrl() {
        return apiUrl;
    }

    /** @return a client for this node with the default timeout and size limit, closed with the node */
    public IpfsClient client() {
        return client;
    }

    /** @return the node's repository directory (its IPFS_PATH) */
    public Path repository() {
        return repository;
    }

    /** @return the daemon process */
    public ProcessHandle process() {
        return process.toHandle();
    }

    @Override
    public void close() {
        client.close();
        LocalProcesses.stopTree(process, STOP_TIMEOUT);
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it stops nothing more than close() already did
        }
    }

    /** The {@code ipfs} package's CLI entry point, run with {@code node} directly rather than through npm's shim. */
    private static Path cli() {
        Path cli = RepositoryRoot.path().resolve("ipfs/node/node_modules/ipfs/src/cli.js");
        if (!Files.isRegularFile(cli)) {
            throw new IllegalStateException(cli + " is missing: run tools/ensure-toolchain.sh (the Maven build does)");
        }
        return cli;
    }

    private static ProcessBuilder command(Path cli, Path repository, String... arguments) {
        List<String> command = new ArrayList<>(List.of("node", cli.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("IPFS_PATH", repository.toString());
        return builder;
    }

    private static void runToCompletion(ProcessBuilder command, Path log) throws IOException {
        File logFile = log.toFile();
        Process process =
                command.redirectErrorStream(true).redirectOutput(logFile).start();
        try {
            if (!process.waitFor(INIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LocalProcesses.stopTree(process, STOP_TIMEOUT);
                throw new IllegalStateException(
                        String.join(" ", command.command()) + " took over " + INIT_TIMEOUT + ": see " + log);
            }
        } catch (InterruptedException e) {
            LocalProcesses.stopTree(process, STOP_TIMEOUT);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while initializing the IPFS repository", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command.command()) + " exited with " + process.exitValue()
                    + ": " + Files.readString(log).strip());
        }
    }

    /** Points the API at {@code apiPort} on loopback and turns off everything that would reach for a network. */
    private static void configure(Path config, int apiPort) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(config.toFile());
        ObjectNode addresses = root.with("Addresses");
        addresses.put("API", "/ip4/127.0.0.1/tcp/" + apiPort);
        addresses.putArray("Swarm");
        addresses.putArray("Delegates");
        addresses.putArray("Gateway");
        addresses.put("RPC", ""); // js-ipfs starts its gRPC server only for a non-empty address
        root.putArray("Bootstrap");
        ObjectNode discovery = root.with("Discovery");
        discovery.with("MDNS").put("Enabled", false);
        discovery.with("webRTCStar").put("Enabled", false);
        JSON.writerWithDefaultPrettyPrinter().writeValue(config.toFile(), root);
    }

    private static void awaitApi(Process process, URI apiUrl) {
        Instant started = Instant.now();
        Instant deadline = started.plus(STARTUP_TIMEOUT);
        try (IpfsClient probe = new IpfsClient(apiUrl, PROBE_TIMEOUT, 1)) {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) throw new IllegalStateException("js-ipfs exited with " + process.exitValue());
                try {
                    String version = probe.version();
                    LOG.log(
                            System.Logger.Level.INFO,
                            "js-ipfs {0} ready at {1} after {2} ms",
                            version,
                            apiUrl,
                            Duration.between(started, Instant.now()).toMillis());
                    return;
                } catch (IpfsException notYet) {
                    LocalProcesses.sleep(Duration.ofMillis(100), "js-ipfs");
                }
            }
        }
        throw new IllegalStateException("js-ipfs did not answer at " + apiUrl + " within " + STARTUP_TIMEOUT);
    }
}
