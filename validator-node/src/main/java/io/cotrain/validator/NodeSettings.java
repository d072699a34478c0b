package io.cotrain.validator;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.scoring.ContentFetching;
import io.cotrain.oracle.scoring.TaskCatalog;
import io.cotrain.oracle.scoring.ValidatorLoop;
import io.cotrain.oracle.scoring.ValidatorNode;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;

/**
 * The node's configuration, checked as a whole: {@link #validate} reports every missing or bad setting at once, each
 * by its property and environment variable name, and loads the signing key. Secrets never appear in messages or in
 * {@link #toString()}.
 */
public final class NodeSettings {
    /**
     * Where a configuration value came from, by property name (a config source's name), to keep secrets out of files.
     */
    @FunctionalInterface
    public interface Sources {
        Optional<String> sourceOf(String property);
    }

    private static final Pattern PRIVATE_KEY = Pattern.compile("(0x)?[0-9a-fA-F]{64}");

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
            boolean validationEnabled,
            URI rpcUrl,
            long chainId,
            Path deploymentFile,
            DeploymentAddresses deployment,
            Credentials key,
            URI ipfsApiUrl,
            Duration ipfsTimeout,
            long ipfsMaxObjectBytes,
            List<TaskCatalog.TaskDefinition> tasks,
            Path dataDirectory,
            Duration tickInterval,
            Duration shutdownWait,
            ValidatorNode.Options options) {
        this.validationEnabled = validationEnabled;
        this.rpcUrl = rpcUrl;
        this.chainId = chainId;
        this.deploymentFile = deploymentFile;
        this.deployment = deployment;
        this.key = key;
        this.ipfsApiUrl = ipfsApiUrl;
        this.ipfsTimeout = ipfsTimeout;
        this.ipfsMaxObjectBytes = ipfsMaxObjectBytes;
        this.tasks = List.copyOf(tasks);
        this.dataDirectory = dataDirectory;
        this.tickInterval = tickInterval;
        this.shutdownWait = shutdownWait;
        this.options = options;
    }

    /**
     * @param config the mapped configuration
     * @param sources where each value came from
     * @return the checked settings with the signing key loaded
     * @throws InvalidSettingsException listing every problem, by setting name
     */
    public static NodeSettings validate(ValidatorConfig config, Sources sources) {
        List<String> problems = new ArrayList<>();
        // a pure gateway (validation off) reads the chain and IPFS only: no signing key, tasks or data directory needed
        boolean validating = config.validation().enabled();

        URI rpcUrl = config.rpcUrl()
                .map(url -> httpUrl("cotrain.rpc-url", url, problems))
                .orElse(null);
        if (config.rpcUrl().isEmpty()) problems.add(missing("cotrain.rpc-url"));

        long chainId = 0;
        if (config.chainId().isEmpty()) {
            problems.add(missing("cotrain.chain-id"));
        } else if (config.chainId().getAsLong() <= 0) {
            problems.add(named("cotrain.chain-id") + " must be a positive chain id, got "
                    + config.chainId().getAsLong());
        } else {
            chainId = config.chainId().getAsLong();
        }

        DeploymentAddresses deployment = null;
        Path deploymentFile = config.deploymentFile().orElse(null);
        if (deploymentFile == null) {
            problems.add(missing("cotrain.deployment-file"));
        } else if (!Files.isRegularFile(deploymentFile)) {
            problems.add(named("cotrain.deployment-file") + ": no such file " + deploymentFile.toAbsolutePath());
        } else {
            try {
                deployment = DeploymentAddresses.read(deploymentFile);
                if (chainId > 0 && deployment.chainId() != chainId) {
                    problems.add(named("cotrain.deployment-file") + ": " + deploymentFile + " is for chain "
                            + deployment.chainId() + " but cotrain.chain-id is " + chainId);
                }
            } catch (RuntimeException e) {
                problems.add(named("cotrain.deployment-file") + ": " + e.getMessage());
            }
        }

        Credentials key = validating ? signingKey(config.key(), sources, problems) : null;

        URI ipfsApiUrl = httpUrl("cotrain.ipfs.api-url", config.ipfs().apiUrl(), problems);
        Duration ipfsTimeout = positive("cotrain.ipfs.timeout", config.ipfs().timeout(), problems);
        long maxObjectBytes = config.ipfs().maxObjectBytes();
        if (maxObjectBytes <= 0 || maxObjectBytes > io.cotrain.ipfs.IpfsClient.MAX_OBJECT_BYTES) {
            problems.add(named("cotrain.ipfs.max-object-bytes") + " must be in 1.."
                    + io.cotrain.ipfs.IpfsClient.MAX_OBJECT_BYTES + ", got " + maxObjectBytes);
        }

        ContentFetching fetching = fetching(config.ipfs(), problems);

        List<TaskCatalog.TaskDefinition> tasks = tasks(config.tasks().orElse(List.of()), validating, problems);

        Path dataDirectory = config.dataDirectory().orElse(null);
        if (dataDirectory == null && validating) {
            problems.add(missing("cotrain.data-directory"));
        } else if (dataDirectory != null && Files.exists(dataDirectory) && !Files.isDirectory(dataDirectory)) {
            problems.add(
                    named("cotrain.data-directory") + ": " + dataDirectory.toAbsolutePath() + " is not a directory");
        }

        if (config.confirmations() < 0) {
            problems.add(named("cotrain.confirmations") + " must be 0 or more, got " + config.confirmations());
        }
        Duration tickInterval = positive("cotrain.tick-interval", config.tickInterval(), problems);
        atLeastOne("cotrain.finalize-page-size", config.finalizePageSize(), problems);
        atLeastOne("cotrain.max-blocks-per-query", config.maxBlocksPerQuery(), problems);
        if (config.finalizeTurnBlocks() < 0) {
            problems.add(
                    named("cotrain.finalize-turn-blocks") + " must be 0 or more, got " + config.finalizeTurnBlocks());
        }
        Duration receiptTimeout = positive("cotrain.receipt-timeout", config.receiptTimeout(), problems);
        if (config.priorityFeeWei() < 0) {
            problems.add(named("cotrain.priority-fee-wei") + " must be 0 or more, got " + config.priorityFeeWei());
        }
        Duration shutdownWait = config.shutdownWait();
        if (shutdownWait.isNegative()) {
            problems.add(named("cotrain.shutdown-wait") + " must not be negative, got " + shutdownWait);
        }

        if (!problems.isEmpty()) throw new InvalidSettingsException(problems);
        var options = new ValidatorNode.Options(
                config.confirmations(),
                config.maxBlocksPerQuery(),
                receiptTimeout,
                BigInteger.valueOf(config.priorityFeeWei()),
                new ValidatorLoop.Settings(config.finalizePageSize(), config.finalizeTurnBlocks()),
                fetching);
        return new NodeSettings(
                validating,
                rpcUrl,
                chainId,
                deploymentFile,
                deployment,
                key,
                ipfsApiUrl,
                ipfsTimeout,
                maxObjectBytes,
                tasks,
                dataDirectory,
                tickInterval,
                shutdownWait,
                options);
    }

    private static ContentFetching fetching(ValidatorConfig.Ipfs ipfs, List<String> problems) {
        boolean ok = true;
        if (ipfs.roundDeadline().compareTo(ContentFetching.MINIMUM_FETCH) < 0) {
            problems.add(named("cotrain.ipfs.round-deadline") + " must be at least " + ContentFetching.MINIMUM_FETCH
                    + ", got " + ipfs.roundDeadline());
            ok = false;
        }
        if (ipfs.fetchConcurrency() < 1) {
            atLeastOne("cotrain.ipfs.fetch-concurrency", ipfs.fetchConcurrency(), problems);
            ok = false;
        }
        if (ipfs.commitReserveBlocks() < 0) {
            problems.add(named("cotrain.ipfs.commit-reserve-blocks") + " must be 0 or more, got "
                    + ipfs.commitReserveBlocks());
            ok = false;
        }
        if (ipfs.healthProbeTimeout().isNegative() || ipfs.healthProbeTimeout().isZero()) {
            positive("cotrain.ipfs.health-probe-timeout", ipfs.healthProbeTimeout(), problems);
            ok = false;
        }
        return ok
                ? new ContentFetching(
                        ipfs.roundDeadline(),
                        ipfs.fetchConcurrency(),
                        ipfs.commitReserveBlocks(),
                        ipfs.healthProbeTimeout())
                : null;
    }

    private static Credentials signingKey(ValidatorConfig.Key config, Sources sources, List<String> problems) {
        boolean keystore = config.keystore().isPresent();
        boolean privateKey = config.privateKey().filter(k -> !k.isBlank()).isPresent();
        if (keystore == privateKey) {
            problems.add("set exactly one signing key: cotrain.key.keystore (env COTRAIN_KEY_KEYSTORE) with "
                    + "COTRAIN_KEY_KEYSTORE_PASSWORD, or COTRAIN_KEY_PRIVATE_KEY (local networks)"
                    + (keystore ? "; both are set" : "; neither is set"));
            return null;
        }
        for (String secret : List.of("cotrain.key.private-key", "cotrain.key.keystore-password")) {
            Optional<String> source = sources.sourceOf(secret);
            if (source.isPresent() && isFile(source.get())) {
                problems.add(secret + " must come from the environment (" + envName(secret) + "), not from a file ("
                        + source.get() + ")");
                return null;
            }
        }
        if (privateKey) {
            String hex = config.privateKey().get().strip();
            if (!PRIVATE_KEY.matcher(hex).matches()) {
                problems.add(named("cotrain.key.private-key") + " is not a 32-byte hex private key");
                return null;
            }
            try {
                return Credentials.create(hex);
            } catch (RuntimeException e) {
                problems.add(named("cotrain.key.private-key") + " is not a valid private key");
                return null;
            }
        }
        Path file = config.keystore().get();
        if (!Files.isRegularFile(file)) {
            problems.add(named("cotrain.key.keystore") + ": no such file " + file.toAbsolutePath());
            return null;
        }
        if (config.keystorePassword().isEmpty()) {
            problems.add(missing("cotrain.key.keystore-password") + " (needed to decrypt " + file + ")");
            return null;
        }
        try {
            return WalletUtils.loadCredentials(config.keystorePassword().get(), file.toFile());
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
            List<ValidatorConfig.Task> configured, boolean required, List<String> problems) {
        if (configured.isEmpty() && required) {
            problems.add("no task is configured: set cotrain.tasks[0].id, feature-columns, label-column, class-count, "
                    + "held-out-csv and global-model (env COTRAIN_TASKS_0__ID, ...)");
            return List.of();
        }
        List<TaskCatalog.TaskDefinition> tasks = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < configured.size(); i++) {
            ValidatorConfig.Task task = configured.get(i);
            String prefix = "cotrain.tasks[" + i + "].";
            boolean ok = true;
            if (task.id() <= 0) {
                problems.add(named(prefix + "id") + " must be a positive task id, got " + task.id());
                ok = false;
            } else if (!ids.add(task.id())) {
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
            ok &= readableFile(prefix + "held-out-csv", task.heldOutCsv(), problems);
            ok &= readableFile(prefix + "global-model", task.globalModel(), problems);
            if (ok) tasks.add(new TaskCatalog.TaskDefinition(task.id(), schema, task.heldOutCsv(), task.globalModel()));
        }
        return tasks;
    }

    private static boolean readableFile(String property, Path file, List<String> problems) {
        if (Files.isRegularFile(file) && Files.isReadable(file)) return true;
        problems.add(named(property) + ": no readable file " + file.toAbsolutePath());
        return false;
    }

    private static URI httpUrl(String property, String value, List<String> problems) {
        try {
            URI uri = new URI(value.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null)
                return uri;
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        problems.add(named(property) + " must be an http(s) URL, got '" + value + "'");
        return null;
    }

    private static Duration positive(String property, Duration value, List<String> problems) {
        if (value.isNegative() || value.isZero()) problems.add(named(property) + " must be positive, got " + value);
        return value;
    }

    private static void atLeastOne(String property, int value, List<String> problems) {
        if (value < 1) problems.add(named(property) + " must be at least 1, got " + value);
    }

    private static String missing(String property) {
        return named(property) + " is missing";
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
