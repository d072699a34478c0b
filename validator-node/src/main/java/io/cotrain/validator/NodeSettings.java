package io.cotrain.validator;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.scoring.ContentFetching;
import io.cotrain.oracle.scoring.TakeUpPolicy;
import io.cotrain.oracle.scoring.TaskCatalog;
import io.cotrain.oracle.scoring.ValidatorLoop;
import io.cotrain.oracle.scoring.ValidatorNode;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;

/**
 * The node's configuration once its constraints ({@link ValidatorConfig}) hold: {@link #validate} checks what they
 * cannot see, reporting every problem at once, each by its property and environment variable name, and loads the
 * signing key. Secrets never appear in messages or in {@link #toString()}. Beans inject it (ValidatorService produces
 * it).
 */
public final class NodeSettings {
    /**
     * Where a configuration value came from, by property name (a config source's name), to keep secrets out of files.
     */
    @FunctionalInterface
    public interface Sources {
        Optional<String> sourceOf(String property);
    }

    private final boolean validationEnabled;
    private final URI rpcUrl;
    private final long chainId;
    private final Path deploymentFile;
    private final DeploymentAddresses deployment;
    private final Credentials key;
    private final URI ipfsApiUrl;
    private final Duration ipfsTimeout;
    private final long ipfsMaxObjectBytes;
    private final List<TaskCatalog.TaskDefinition> tasks;
    private final Path dataDirectory;
    private final Duration tickInterval;
    private final Duration shutdownWait;
    private final ValidatorNode.Options options;

    private NodeSettings(
            ValidatorConfig config,
            DeploymentAddresses deployment,
            Credentials key,
            List<TaskCatalog.TaskDefinition> tasks) {
        ValidatorConfig.Ipfs ipfs = config.ipfs();
        this.validationEnabled = config.validation().enabled();
        this.rpcUrl = URI.create(config.rpcUrl().orElseThrow().strip());
        this.chainId = config.chainId().orElseThrow();
        this.deploymentFile = config.deploymentFile().orElseThrow();
        this.deployment = deployment;
        this.key = key;
        this.ipfsApiUrl = URI.create(ipfs.apiUrl().strip());
        this.ipfsTimeout = ipfs.timeout();
        this.ipfsMaxObjectBytes = ipfs.maxObjectBytes();
        this.tasks = List.copyOf(tasks);
        this.dataDirectory = config.dataDirectory().orElse(null);
        this.tickInterval = config.tickInterval();
        this.shutdownWait = config.shutdownWait();
        this.options = new ValidatorNode.Options(
                config.confirmations(),
                config.maxBlocksPerQuery(),
                config.receiptTimeout(),
                BigInteger.valueOf(config.priorityFeeWei()),
                new ValidatorLoop.Settings(config.finalizePageSize(), config.finalizeTurnBlocks()),
                new ContentFetching(
                        ipfs.roundDeadline(),
                        ipfs.fetchConcurrency(),
                        ipfs.commitReserveBlocks(),
                        ipfs.healthProbeTimeout()),
                new TakeUpPolicy(
                        config.takeUp().maxTasks(),
                        config.takeUp().owners().orElse(List.of()).stream()
                                .map(String::strip)
                                .collect(Collectors.toSet())));
    }

    /**
     * The checks that need more than one setting's value: the deployment file's contents and chain, each task's
     * columns and distinct ids, and the signing key, which must come from the environment and decrypt.
     *
     * @param config the mapped configuration, its constraints already checked (Quarkus does at startup)
     * @param sources where each value came from
     * @return the checked settings with the signing key loaded
     * @throws InvalidSettingsException listing every problem, by setting name
     */
    public static NodeSettings validate(ValidatorConfig config, Sources sources) {
        List<String> problems = new ArrayList<>();
        DeploymentAddresses deployment = deployment(
                config.deploymentFile().orElseThrow(), config.chainId().orElseThrow(), problems);
        // a pure gateway (validation off) signs nothing: its key settings are not looked at
        Credentials key = config.validation().enabled() ? signingKey(config.key(), sources, problems) : null;
        List<TaskCatalog.TaskDefinition> tasks = tasks(config.tasks().orElse(List.of()), problems);
        for (String owner : config.takeUp().owners().orElse(List.of())) {
            if (!owner.strip().matches("0x[0-9a-fA-F]{40}")) {
                problems.add(named("cotrain.take-up.owners") + ": '" + owner + "' is not an address (0x and 40 hex"
                        + " digits)");
            }
        }
        if (!problems.isEmpty()) throw new InvalidSettingsException(problems);
        return new NodeSettings(config, deployment, key, tasks);
    }

    private static DeploymentAddresses deployment(Path file, long chainId, List<String> problems) {
        try {
            DeploymentAddresses deployment = DeploymentAddresses.read(file);
            if (deployment.chainId() != chainId) {
                problems.add(named("cotrain.deployment-file") + ": " + file + " is for chain " + deployment.chainId()
                        + " but cotrain.chain-id is " + chainId);
            }
            return deployment;
        } catch (RuntimeException e) {
            problems.add(named("cotrain.deployment-file") + ": " + e.getMessage());
            return null;
        }
    }

    /** The key's settings are complete and well-formed (ValidatingNodeComplete): here they must also be secret. */
    private static Credentials signingKey(ValidatorConfig.Key config, Sources sources, List<String> problems) {
        for (String secret : List.of("cotrain.key.private-key", "cotrain.key.keystore-password")) {
            Optional<String> source = sources.sourceOf(secret);
            if (source.isPresent() && isFile(source.get())) {
                problems.add(secret + " must come from the environment (" + envName(secret) + "), not from a file ("
                        + source.get() + ")");
                return null;
            }
        }
        Optional<String> privateKey = config.privateKey().filter(k -> !k.isBlank());
        if (privateKey.isPresent()) {
            try {
                return Credentials.create(privateKey.get().strip());
            } catch (RuntimeException e) {
                problems.add(named("cotrain.key.private-key") + " is not a valid private key");
                return null;
            }
        }
        Path file = config.keystore().orElseThrow();
        try {
            return WalletUtils.loadCredentials(config.keystorePassword().orElseThrow(), file.toFile());
        } catch (Exception e) {
            // the cipher's message says nothing secret, but keep it generic: wrong password or not a keystore
            problems.add(named("cotrain.key.keystore") + ": cannot decrypt " + file
                    + " with COTRAIN_KEY_KEYSTORE_PASSWORD (wrong password, or not a keystore file): "
                    + e.getClass().getSimpleName());
            return null;
        }
    }

    private static boolean isFile(String sourceName) {
        String name = sourceName.toLowerCase(Locale.ROOT);
        return name.contains("application.properties")
                || name.contains("application.yaml")
                || name.contains("application.yml")
                || name.contains("microprofile-config.properties");
    }

    private static List<TaskCatalog.TaskDefinition> tasks(
            List<ValidatorConfig.Task> configured, List<String> problems) {
        List<TaskCatalog.TaskDefinition> tasks = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < configured.size(); i++) {
            ValidatorConfig.Task task = configured.get(i);
            String prefix = "cotrain.tasks[" + i + "].";
            boolean ok = true;
            if (!ids.add(task.id())) {
                problems.add(named(prefix + "id") + ": task " + task.id() + " is configured twice");
                ok = false;
            }
            DataSchema schema = null;
            try {
                schema = new DataSchema(
                        task.featureColumns().stream().map(String::strip).toList(),
                        task.labelColumn().strip(),
                        task.classCount());
            } catch (RuntimeException e) {
                problems.add(prefix + "feature-columns / label-column / class-count: " + e.getMessage());
                ok = false;
            }
            if (ok) tasks.add(new TaskCatalog.TaskDefinition(task.id(), schema, task.heldOutCsv(), task.globalModel()));
        }
        return tasks;
    }

    /** @return e.g. {@code cotrain.rpc-url (env COTRAIN_RPC_URL)} */
    static String named(String property) {
        return property + " (env " + envName(property) + ")";
    }

    /** Quarkus' environment variable name for a property: non-alphanumerics become '_', upper case. */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    public URI rpcUrl() {
        return rpcUrl;
    }

    public long chainId() {
        return chainId;
    }

    public Path deploymentFile() {
        return deploymentFile;
    }

    public DeploymentAddresses deployment() {
        return deployment;
    }

    /** @return the signing key: never log it */
    Credentials key() {
        return key;
    }

    /** @return the validator's address, or null on a gateway that does not validate */
    public String address() {
        return key == null ? null : key.getAddress();
    }

    /** @return whether this node scores contributions and aggregates models (false: a pure gateway) */
    public boolean validationEnabled() {
        return validationEnabled;
    }

    public URI ipfsApiUrl() {
        return ipfsApiUrl;
    }

    public Duration ipfsTimeout() {
        return ipfsTimeout;
    }

    public long ipfsMaxObjectBytes() {
        return ipfsMaxObjectBytes;
    }

    public List<TaskCatalog.TaskDefinition> tasks() {
        return tasks;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public Duration tickInterval() {
        return tickInterval;
    }

    public Duration shutdownWait() {
        return shutdownWait;
    }

    public ValidatorNode.Options options() {
        return options;
    }

    /** @return scheme, host and port only: an RPC URL's path or query may carry a provider's API key */
    static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    @Override
    public String toString() {
        return "NodeSettings[" + (validationEnabled ? "address=" + address() : "validation=off") + ", rpcUrl="
                + origin(rpcUrl) + ", chainId=" + chainId + ", deployment="
                + deploymentFile + ", ipfs=" + ipfsApiUrl + ", tasks="
                + tasks.stream().map(t -> t.taskId()).toList()
                + ", dataDirectory=" + dataDirectory + ", tickInterval=" + tickInterval + ", confirmations="
                + options.confirmations() + ", roundDeadline="
                + options.fetching().roundDeadline() + "]";
    }
}
