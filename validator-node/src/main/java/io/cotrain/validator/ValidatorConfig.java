package io.cotrain.validator;

import io.cotrain.ipfs.IpfsClient;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.scoring.ContentFetching;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMin;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

/**
 * The validator node's settings: {@code cotrain.*} in application.properties, each overridable from the environment by
 * Quarkus' standard mapping ({@code cotrain.rpc-url} is {@code COTRAIN_RPC_URL}, {@code cotrain.tasks[0].id} is
 * {@code COTRAIN_TASKS_0__ID}). Every default is declared here, once.
 *
 * <p>Bean Validation (quarkus-hibernate-validator) checks the constraints when the configuration is built at startup
 * and reports every violation at once, each as the property's name followed by its message, which names the
 * environment variable too. Required settings are {@code Optional<@NotNull ...>}: a plain value that is missing fails
 * the mapping before any constraint is checked, alone and without the variable's name. What constraints cannot see
 * (what the deployment file and the tasks' columns hold, where secrets came from, the key itself) is checked next by
 * {@link NodeSettings#validate}.
 */
@ConfigMapping(prefix = "cotrain")
@ValidatorConfig.ValidatingNodeComplete
public interface ValidatorConfig {
    /** The chain's JSON-RPC endpoint (required). */
    Optional<
                    @NotNull(message = "(env COTRAIN_RPC_URL) is missing")
                    @HttpUrl(message = "(env COTRAIN_RPC_URL) must be an http(s) URL, got '${validatedValue}'") String>
            rpcUrl();

    /** The chain id the node expects the endpoint to serve (required). */
    @NotNull(message = "(env COTRAIN_CHAIN_ID) is missing")
    @Positive(message = "(env COTRAIN_CHAIN_ID) must be a positive chain id, got ${validatedValue}")
    OptionalLong chainId();

    /** The deployment addresses file written by the deploy script (required). */
    Optional<
                    @NotNull(message = "(env COTRAIN_DEPLOYMENT_FILE) is missing")
                    @ReadableFile(message = "(env COTRAIN_DEPLOYMENT_FILE): no readable file {file}") Path>
            deploymentFile();

    /** Whether the node validates; a node with validation off is a pure gateway (API and dashboard). */
    Validation validation();

    /** The REST gateway: wallet sign-in, tokens, rate limits. */
    Gateway gateway();

    /** The validator's signing key: a keystore, or a raw private key on local networks. */
    Key key();

    Ipfs ipfs();

    /** Tasks configured by hand; others are taken up from the model registry when their held-out sets arrive. */
    Optional<List<Task>> tasks();

    /** Which registered tasks the node takes up by itself. */
    TakeUp takeUp();

    /** Blocks on top of a block before its events are read. */
    @PositiveOrZero(message = "(env COTRAIN_CONFIRMATIONS) must be 0 or more, got ${validatedValue}")
    @WithDefault("2")
    int confirmations();

    /** The node's own durable state: checkpoint, score journal, evaluations, artifact index (required to validate). */
    Optional<@DirectoryOrAbsent(message = "(env COTRAIN_DATA_DIRECTORY): {file} is not a directory") Path>
            dataDirectory();

    /** How often the validator loop ticks. */
    @DurationMin(
            nanos = 0,
            inclusive = false,
            message = "(env COTRAIN_TICK_INTERVAL) must be positive, got ${validatedValue}")
    @WithDefault("5s")
    Duration tickInterval();

    /** Contributions settled per finalize call. */
    @Positive(message = "(env COTRAIN_FINALIZE_PAGE_SIZE) must be at least 1, got ${validatedValue}")
    @WithDefault("200")
    int finalizePageSize();

    /** Blocks between validators' turns to finalize a round. */
    @PositiveOrZero(message = "(env COTRAIN_FINALIZE_TURN_BLOCKS) must be 0 or more, got ${validatedValue}")
    @WithDefault("2")
    int finalizeTurnBlocks();

    /** The widest eth_getLogs block range. */
    @Positive(message = "(env COTRAIN_MAX_BLOCKS_PER_QUERY) must be at least 1, got ${validatedValue}")
    @WithDefault("5000")
    int maxBlocksPerQuery();

    /** How long to wait for a transaction to be mined. */
    @DurationMin(
            nanos = 0,
            inclusive = false,
            message = "(env COTRAIN_RECEIPT_TIMEOUT) must be positive, got ${validatedValue}")
    @WithDefault("2m")
    Duration receiptTimeout();

    /** The EIP-1559 priority fee per gas, in wei. */
    @PositiveOrZero(message = "(env COTRAIN_PRIORITY_FEE_WEI) must be 0 or more, got ${validatedValue}")
    @WithDefault("1000000000")
    long priorityFeeWei();

    /** How long after startup the first tick runs. */
    @DurationMin(nanos = 0, message = "(env COTRAIN_FIRST_TICK_DELAY) must not be negative, got ${validatedValue}")
    @WithDefault("1s")
    Duration firstTickDelay();

    /**
     * The Cotrain checkout ({@code -Dcotrain.root}, set by the Maven build for the test tools that start anvil and
     * js-ipfs). The node does not use it; it is declared so that the strict mapping, which rejects unknown
     * {@code cotrain.*} settings (typos), accepts it.
     */
    Optional<String> root();

    /** How long shutdown waits for a running tick to finish. */
    @DurationMin(nanos = 0, message = "(env COTRAIN_SHUTDOWN_WAIT) must not be negative, got ${validatedValue}")
    @WithDefault("60s")
    Duration shutdownWait();

    interface TakeUp {
        /** The most tasks the node evaluates, configured and taken up together. */
        @PositiveOrZero(message = "(env COTRAIN_TAKE_UP_MAX_TASKS) must be 0 or more, got ${validatedValue}")
        @WithDefault("16")
        int maxTasks();

        /** Only tasks of these model owners (addresses) are taken up; unset: any owner's. */
        Optional<List<String>> owners();
    }

    interface Validation {
        /** Score contributions and aggregate models (needs a key, tasks and a data directory). */
        @WithDefault("true")
        boolean enabled();
    }

    interface Gateway {
        /**
         * The domains (host[:port]) sign-in messages may name. Unset: the host the sign-in request was sent to, which
         * suits a node reached by one name; set it behind a proxy or a public name.
         */
        Optional<List<String>> domains();

        /** How long a sign-in nonce waits for its signed message. */
        @DurationMin(
                nanos = 0,
                inclusive = false,
                message = "(env COTRAIN_GATEWAY_NONCE_LIFETIME) must be positive, got ${validatedValue}")
        @WithDefault("5m")
        Duration nonceLifetime();

        /**
         * The PEM file (PKCS#8 RSA private key, mode 600) access tokens are signed with; give every gateway node of a
         * network the same file so that a token from one works on all. Unset: {@code gateway-token-key.pem} in the
         * data directory, made on first start; a node without a data directory keeps a key in memory only, and a
         * restart signs everyone out.
         */
        Optional<Path> tokenKeyFile();

        /** How long an access token is accepted. */
        @DurationMin(
                nanos = 0,
                inclusive = false,
                message = "(env COTRAIN_GATEWAY_TOKEN_LIFETIME) must be positive, got ${validatedValue}")
        @WithDefault("15m")
        Duration tokenLifetime();

        /** Requests per client per minute to the expensive endpoints (evaluation, transaction building, sign-in). */
        @Positive(
                message =
                        "(env COTRAIN_GATEWAY_EXPENSIVE_REQUESTS_PER_MINUTE) must be at least 1, got ${validatedValue}")
        @WithDefault("30")
        int expensiveRequestsPerMinute();

        /** Live update streams ({@code GET /events}) the gateway serves at once. */
        @Positive(message = "(env COTRAIN_GATEWAY_MAX_EVENT_STREAMS) must be at least 1, got ${validatedValue}")
        @WithDefault("256")
        int maxEventStreams();

        /** Live update streams one client (IP address) may hold at once. */
        @Positive(
                message =
                        "(env COTRAIN_GATEWAY_MAX_EVENT_STREAMS_PER_CLIENT) must be at least 1, got ${validatedValue}")
        @WithDefault("8")
        int maxEventStreamsPerClient();

        /**
         * The JDBC URL of the database the gateway's event index is kept in: {@code jdbc:postgresql://host/db} for
         * PostgreSQL, or a {@code jdbc:h2:} URL. Unset: an H2 file ({@code ledger-index.mv.db}) in the data directory,
         * or memory on a node without one. Each gateway node needs its own database.
         */
        Optional<
                        @Pattern(
                                // a password in the URL would reach the driver's and the pool's messages
                                regexp = "(?i)jdbc:(postgresql|h2):(?!.*password=).+",
                                // not the value: it may hold a password
                                message = "(env COTRAIN_GATEWAY_INDEX_URL) must be a jdbc:postgresql: or jdbc:h2: URL"
                                        + " without a password (set COTRAIN_GATEWAY_INDEX_PASSWORD)")
                        String>
                indexUrl();

        /** The PostgreSQL account of {@link #indexUrl()}, if the server asks for one. */
        Optional<String> indexUsername();

        /** Its password: set it in the environment ({@code COTRAIN_GATEWAY_INDEX_PASSWORD}). */
        Optional<String> indexPassword();

        /** How often the chain's events are read into the gateway's view of rounds, rewards and commits. */
        @DurationMin(
                nanos = 0,
                inclusive = false,
                message = "(env COTRAIN_GATEWAY_REFRESH_INTERVAL) must be positive, got ${validatedValue}")
        @WithDefault("2s")
        Duration refreshInterval();
    }

    /** Checked only on a validating node ({@link ValidatingNodeComplete}): a pure gateway signs nothing. */
    interface Key {
        /** A web3j / geth JSON keystore file. */
        Optional<Path> keystore();

        /**
         * The keystore's password: set it in the environment ({@code COTRAIN_KEY_KEYSTORE_PASSWORD}), never in a file.
         */
        Optional<String> keystorePassword();

        /**
         * A hex private key, for local networks: set it in the environment ({@code COTRAIN_KEY_PRIVATE_KEY}), never in
         * a file.
         */
        Optional<String> privateKey();
    }

    interface Ipfs {
        /** The Kubo-compatible RPC API. */
        @HttpUrl(message = "(env COTRAIN_IPFS_API_URL) must be an http(s) URL, got '${validatedValue}'")
        @WithDefault("http://127.0.0.1:5001")
        String apiUrl();

        /** How long one IPFS call may take. */
        @DurationMin(
                nanos = 0,
                inclusive = false,
                message = "(env COTRAIN_IPFS_TIMEOUT) must be positive, got ${validatedValue}")
        @WithDefault("30s")
        Duration timeout();

        /** The largest object read from IPFS. */
        @Range(
                min = 1,
                max = IpfsClient.MAX_OBJECT_BYTES,
                message = "(env COTRAIN_IPFS_MAX_OBJECT_BYTES) must be in {min}..{max}, got ${validatedValue}")
        @WithDefault("268435456")
        long maxObjectBytes();

        /**
         * The most a round's content may take to arrive: every manifest and artifact of the round is fetched at once
         * against this one deadline (never later than {@link #commitReserveBlocks()} before the commit window ends),
         * and what a healthy node has not found by then is floored. At least
         * {@link ContentFetching#MINIMUM_FETCH} (NodeSettingsTest holds the two together).
         */
        @DurationMin(
                seconds = 1,
                message = "(env COTRAIN_IPFS_ROUND_DEADLINE) must be at least PT1S, got ${validatedValue}")
        @WithDefault("5s")
        Duration roundDeadline();

        /** Fetches in flight at once: at least the most contributions a round can hold. */
        @Positive(message = "(env COTRAIN_IPFS_FETCH_CONCURRENCY) must be at least 1, got ${validatedValue}")
        @WithDefault("64")
        int fetchConcurrency();

        /** Blocks before a round's commit window ends by which its content fetching is over. */
        @PositiveOrZero(message = "(env COTRAIN_IPFS_COMMIT_RESERVE_BLOCKS) must be 0 or more, got ${validatedValue}")
        @WithDefault("3")
        int commitReserveBlocks();

        /** How long each step of the IPFS node's health probe (version, store, read back) may take. */
        @DurationMin(
                nanos = 0,
                inclusive = false,
                message = "(env COTRAIN_IPFS_HEALTH_PROBE_TIMEOUT) must be positive, got ${validatedValue}")
        @WithDefault("3s")
        Duration healthProbeTimeout();
    }

    /**
     * One task. The messages name its variables with N for the task's index ({@code cotrain.tasks[1].id} is
     * {@code COTRAIN_TASKS_1__ID}): a constraint's message cannot see the index.
     */
    interface Task {
        /** The task id contributions name on chain. */
        @Positive(message = "(env COTRAIN_TASKS_N__ID) must be a positive task id, got ${validatedValue}")
        long id();

        /** The numeric feature columns, in CSV order. */
        List<String> featureColumns();

        String labelColumn();

        /**
         * The number of classes: a configured task is a classification, whose schema ({@link DataSchema}) takes 2 to
         * {@value DataSchema#MAX_CLASSES}. The constraint refuses what no schema takes (below 0, the regression's
         * count, or above the maximum); {@link NodeSettings#validate} refuses 0 and 1 with the schema's own words,
         * together with the task's columns.
         */
        @Range(
                min = 0,
                max = DataSchema.MAX_CLASSES,
                message = "(env COTRAIN_TASKS_N__CLASS_COUNT) must be in 2..{max}, the classes of a configured task, "
                        + "got ${validatedValue}")
        int classCount();

        /** The held-out set (CSV with the header feature columns then label). */
        @ReadableFile(message = "(env COTRAIN_TASKS_N__HELD_OUT_CSV): no readable file {file}")
        Path heldOutCsv();

        /** The current global model (a DL4J model zip). */
        @ReadableFile(message = "(env COTRAIN_TASKS_N__GLOBAL_MODEL): no readable file {file}")
        Path globalModel();
    }

    /** An http or https URL with a host. */
    @Target({ElementType.METHOD, ElementType.TYPE_USE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = HttpUrl.Check.class)
    @interface HttpUrl {
        String message();

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        final class Check implements ConstraintValidator<HttpUrl, String> {
            @Override
            public boolean isValid(String value, ConstraintValidatorContext context) {
                if (value == null) return true;
                try {
                    URI uri = new URI(value.strip());
                    return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
                } catch (URISyntaxException e) {
                    return false;
                }
            }
        }
    }

    /** A regular file the node can read; the message's {@code {file}} is its absolute path. */
    @Target({ElementType.METHOD, ElementType.TYPE_USE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = ReadableFile.Check.class)
    @interface ReadableFile {
        String message();

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        final class Check implements ConstraintValidator<ReadableFile, Path> {
            @Override
            public boolean isValid(Path file, ConstraintValidatorContext context) {
                if (file == null || Files.isRegularFile(file) && Files.isReadable(file)) return true;
                context.unwrap(HibernateConstraintValidatorContext.class)
                        .addMessageParameter("file", file.toAbsolutePath());
                return false;
            }
        }
    }

    /** A directory, or nothing yet (the node creates it); the message's {@code {file}} is its absolute path. */
    @Target({ElementType.METHOD, ElementType.TYPE_USE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = DirectoryOrAbsent.Check.class)
    @interface DirectoryOrAbsent {
        String message();

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        final class Check implements ConstraintValidator<DirectoryOrAbsent, Path> {
            @Override
            public boolean isValid(Path directory, ConstraintValidatorContext context) {
                if (directory == null || !Files.exists(directory) || Files.isDirectory(directory)) return true;
                context.unwrap(HibernateConstraintValidatorContext.class)
                        .addMessageParameter("file", directory.toAbsolutePath());
                return false;
            }
        }
    }

    /**
     * What a validating node needs on top of a gateway: a data directory, at least one task and exactly one well-formed
     * signing key. A pure gateway ({@code cotrain.validation.enabled=false}) needs none of them, so these are checked
     * here, on the whole configuration, rather than on each setting. A class-level violation is reported after the
     * prefix alone ({@code cotrain}), so each message goes on from it and names its setting in full.
     */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = ValidatingNodeComplete.Check.class)
    @interface ValidatingNodeComplete {
        String message() default "validation is on (COTRAIN_VALIDATION_ENABLED): the configuration is incomplete";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        final class Check implements ConstraintValidator<ValidatingNodeComplete, ValidatorConfig> {
            private static final String VALIDATING = "validation is on (COTRAIN_VALIDATION_ENABLED): ";
            private static final String PRIVATE_KEY = "(0x)?[0-9a-fA-F]{64}";

            @Override
            public boolean isValid(ValidatorConfig config, ConstraintValidatorContext context) {
                if (config == null || !config.validation().enabled()) return true;
                var hibernate = context.unwrap(HibernateConstraintValidatorContext.class);
                hibernate.disableDefaultConstraintViolation();
                boolean valid = true;
                if (config.dataDirectory().isEmpty()) {
                    valid = violation(hibernate, "cotrain.data-directory (env COTRAIN_DATA_DIRECTORY) is missing");
                }
                return keyComplete(config.key(), hibernate) && valid;
            }

            private static boolean keyComplete(Key key, HibernateConstraintValidatorContext context) {
                // a blank private key (an empty variable) counts as unset
                Optional<String> privateKey = key.privateKey().filter(k -> !k.isBlank());
                if (key.keystore().isPresent() == privateKey.isPresent()) {
                    return violation(
                            context,
                            "set exactly one signing key: cotrain.key.keystore (env COTRAIN_KEY_KEYSTORE) with "
                                    + "COTRAIN_KEY_KEYSTORE_PASSWORD, or COTRAIN_KEY_PRIVATE_KEY (local networks)"
                                    + (privateKey.isPresent() ? "; both are set" : "; neither is set"));
                }
                if (privateKey.isPresent()) {
                    // the message never echoes the key
                    return privateKey.get().strip().matches(PRIVATE_KEY)
                            || violation(
                                    context,
                                    "cotrain.key.private-key (env COTRAIN_KEY_PRIVATE_KEY) is not a 32-byte hex "
                                            + "private key");
                }
                Path keystore = key.keystore().get();
                context.addMessageParameter("file", keystore.toAbsolutePath());
                if (!Files.isRegularFile(keystore)) {
                    return violation(context, "cotrain.key.keystore (env COTRAIN_KEY_KEYSTORE): no such file {file}");
                }
                return key.keystorePassword().isPresent()
                        || violation(
                                context,
                                "cotrain.key.keystore-password (env COTRAIN_KEY_KEYSTORE_PASSWORD) is missing "
                                        + "(needed to decrypt {file})");
            }

            /** @return false, having added the violation */
            private static boolean violation(HibernateConstraintValidatorContext context, String problem) {
                context.buildConstraintViolationWithTemplate(VALIDATING + problem)
                        .addConstraintViolation();
                return false;
            }
        }
    }
}
