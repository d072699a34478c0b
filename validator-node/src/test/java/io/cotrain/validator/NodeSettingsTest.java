package io.cotrain.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cotrain.ipfs.IpfsClient;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.scoring.ContentFetching;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidatorImpl;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;

class NodeSettingsTest {
    /** anvil's public dev account 1 (see DevAccounts): a test key, never for value. */
    private static final String DEV_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    private static final String DEV_ADDRESS = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    private static final String PROTOCOL = "0x" + "1".repeat(40);

    @TempDir
    Path dir;

    private Map<String, String> files;
    private Map<String, String> env;

    @BeforeEach
    void validConfiguration() throws Exception {
        Path deployment = Files.writeString(dir.resolve("31337.json"), """
                {"chainId": 31337, "token": "%s", "protocol": "%s", "protocolImplementation": "%s",
                 "validatorRegistry": "%s", "validatorRegistryImplementation": "%s", "modelRegistry": "%s",
                 "modelRegistryImplementation": "%s", "commitToken": "%s", "deployBlock": 0}
                """.formatted(
                        PROTOCOL, PROTOCOL, PROTOCOL, PROTOCOL, PROTOCOL, PROTOCOL, PROTOCOL, PROTOCOL));
        Path heldOut = Files.writeString(dir.resolve("held-out.csv"), "f0,f1,label\n0.1,0.2,1\n");
        Path model = Files.write(dir.resolve("model.zip"), new byte[] {1, 2, 3});
        files = new HashMap<>(Map.of(
                "cotrain.rpc-url", "http://127.0.0.1:8545",
                "cotrain.chain-id", "31337",
                "cotrain.deployment-file", deployment.toString(),
                "cotrain.data-directory", dir.resolve("data").toString(),
                "cotrain.tasks[0].id", "1",
                "cotrain.tasks[0].feature-columns", "f0,f1",
                "cotrain.tasks[0].label-column", "label",
                "cotrain.tasks[0].class-count", "2",
                "cotrain.tasks[0].held-out-csv", heldOut.toString(),
                "cotrain.tasks[0].global-model", model.toString()));
        env = new HashMap<>(Map.of("COTRAIN_KEY_PRIVATE_KEY", DEV_KEY));
    }

    /** Builds the configuration as Quarkus does, constraints checked (Hibernate Validator), then the settings. */
    private NodeSettings validate() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ValidatorConfig.class)
                .withValidator(new BeanValidationConfigValidatorImpl())
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(
                        new PropertiesConfigSource(files, "PropertiesConfigSource[source=application.properties]", 250))
                .withSources(new EnvConfigSource(env, 300))
                .build();
        ValidatorConfig mapped = config.getConfigMapping(ValidatorConfig.class);
        return NodeSettings.validate(mapped, property -> {
            var value = config.getConfigValue(property);
            return value.getValue() == null ? Optional.empty() : Optional.ofNullable(value.getSourceName());
        });
    }

    /** @return what a constraint refused when the configuration was built, one line per violation */
    private List<String> violations() {
        Throwable thrown = catchThrowable(this::validate);
        assertThat(thrown).isInstanceOf(ConfigValidationException.class);
        var e = (ConfigValidationException) thrown;
        return IntStream.range(0, e.getProblemCount())
                .mapToObj(i -> e.getProblem(i).getMessage())
                .toList();
    }

    /** @return what {@link NodeSettings#validate} refused once the constraints held */
    private InvalidSettingsException invalid() {
        Throwable thrown = catchThrowable(this::validate);
        assertThat(thrown).isInstanceOf(InvalidSettingsException.class);
        return (InvalidSettingsException) thrown;
    }

    @Test
    void aPureGatewayNeedsNoKeyTasksOrDataDirectory() {
        files.keySet().removeIf(key -> key.startsWith("cotrain.tasks") || key.equals("cotrain.data-directory"));
        env.clear();
        files.put("cotrain.validation.enabled", "false");
        NodeSettings settings = validate();
        assertThat(settings.validationEnabled()).isFalse();
        assertThat(settings.address()).isNull();
        assertThat(settings.tasks()).isEmpty();
        assertThat(settings.toString()).contains("validation=off");

        files.put("cotrain.validation.enabled", "true");
        assertThat(violations())
                .hasSize(2)
                .allSatisfy(p -> assertThat(p).startsWith("cotrain validation is on (COTRAIN_VALIDATION_ENABLED): "))
                .anySatisfy(p -> assertThat(p).contains("set exactly one signing key"))
                .anySatisfy(
                        p -> assertThat(p).contains("cotrain.data-directory (env COTRAIN_DATA_DIRECTORY) is missing"));
    }

    @Test
    void aPureGatewayDoesNotLookAtKeySettings() {
        files.put("cotrain.validation.enabled", "false");
        env.put("COTRAIN_KEY_PRIVATE_KEY", "0x1234secret");
        env.put("COTRAIN_KEY_KEYSTORE", dir.resolve("nope.json").toString());
        assertThat(validate().address()).isNull();
    }

    @Test
    void aCompleteConfigurationValidatesWithDefaults() {
        NodeSettings settings = validate();
        assertThat(settings.address()).isEqualTo(DEV_ADDRESS);
        assertThat(settings.chainId()).isEqualTo(31337);
        assertThat(settings.tasks()).singleElement().satisfies(task -> {
            assertThat(task.taskId()).isEqualTo(1);
            assertThat(task.schema().featureColumns()).containsExactly("f0", "f1");
            assertThat(task.schema().classCount()).isEqualTo(2);
        });
        assertThat(settings.options().confirmations()).isEqualTo(2);
        assertThat(settings.options().loop().finalizePageSize()).isEqualTo(200);
        assertThat(settings.tickInterval()).hasSeconds(5);
        assertThat(settings.ipfsApiUrl()).hasToString("http://127.0.0.1:5001");
        assertThat(settings.options().fetching()).isEqualTo(ContentFetching.defaults());
        assertThat(settings.toString()).doesNotContain(DEV_KEY.substring(2)).contains(DEV_ADDRESS);
    }

    @Test
    void roundContentFetchingIsSetFromTheEnvironment() {
        env.put("COTRAIN_IPFS_ROUND_DEADLINE", "8s");
        env.put("COTRAIN_IPFS_FETCH_CONCURRENCY", "200");
        env.put("COTRAIN_IPFS_COMMIT_RESERVE_BLOCKS", "2");
        env.put("COTRAIN_IPFS_HEALTH_PROBE_TIMEOUT", "1500ms");

        assertThat(validate().options().fetching())
                .isEqualTo(new ContentFetching(Duration.ofSeconds(8), 200, 2, Duration.ofMillis(1_500)));
    }

    @Test
    void roundContentFetchingThatCannotWorkIsNamed() {
        files.put("cotrain.ipfs.round-deadline", "200ms");
        files.put("cotrain.ipfs.fetch-concurrency", "0");
        files.put("cotrain.ipfs.commit-reserve-blocks", "-1");
        files.put("cotrain.ipfs.health-probe-timeout", "0s");

        assertThat(violations())
                .anySatisfy(p -> assertThat(p)
                        .startsWith("cotrain.ipfs.round-deadline (env COTRAIN_IPFS_ROUND_DEADLINE)")
                        .contains("at least PT1S"))
                .anySatisfy(p -> assertThat(p).startsWith("cotrain.ipfs.fetch-concurrency"))
                .anySatisfy(p -> assertThat(p).startsWith("cotrain.ipfs.commit-reserve-blocks"))
                .anySatisfy(p -> assertThat(p).startsWith("cotrain.ipfs.health-probe-timeout"));
    }

    @Test
    void theRoundDeadlineConstraintIsTheOraclesMinimumFetch() {
        files.put("cotrain.ipfs.round-deadline", ContentFetching.MINIMUM_FETCH.toMillis() + "ms");
        assertThat(validate().options().fetching().roundDeadline()).isEqualTo(ContentFetching.MINIMUM_FETCH);

        files.put("cotrain.ipfs.round-deadline", ContentFetching.MINIMUM_FETCH.toMillis() - 1 + "ms");
        assertThat(violations()).singleElement().asString().contains("at least " + ContentFetching.MINIMUM_FETCH);
    }

    @Test
    void environmentVariablesOverrideTheFile() {
        env.put("COTRAIN_RPC_URL", "http://chain.example:9545/secret-api-key");
        env.put("COTRAIN_CONFIRMATIONS", "6");
        env.put("COTRAIN_TICK_INTERVAL", "250ms");
        env.put("COTRAIN_TASKS_0__CLASS_COUNT", "3");
        env.put("COTRAIN_IPFS_API_URL", "http://ipfs.internal:5001");
        NodeSettings settings = validate();
        assertThat(settings.rpcUrl()).hasToString("http://chain.example:9545/secret-api-key");
        assertThat(settings.options().confirmations()).isEqualTo(6);
        assertThat(settings.tickInterval().toMillis()).isEqualTo(250);
        assertThat(settings.tasks().getFirst().schema().classCount()).isEqualTo(3);
        assertThat(settings.ipfsApiUrl().getHost()).isEqualTo("ipfs.internal");
        assertThat(settings.toString())
                .as("an RPC URL's path may hold an API key")
                .doesNotContain("secret-api-key");
    }

    @Test
    void tasksCanBeDefinedInTheEnvironmentAlone() {
        for (String field :
                new String[] {"id", "feature-columns", "label-column", "class-count", "held-out-csv", "global-model"}) {
            String value = files.remove("cotrain.tasks[0]." + field);
            env.put("COTRAIN_TASKS_0__" + field.toUpperCase(Locale.ROOT).replace('-', '_'), value);
            env.put(
                    "COTRAIN_TASKS_1__" + field.toUpperCase(Locale.ROOT).replace('-', '_'),
                    field.equals("id") ? "2" : value);
        }
        assertThat(validate().tasks()).extracting(t -> t.taskId()).containsExactly(1L, 2L);
    }

    @Test
    void everyMissingSettingIsNamedAtOnce() {
        files.clear();
        env.clear();
        assertThat(violations())
                .hasSize(5)
                .contains(
                        "cotrain.rpc-url (env COTRAIN_RPC_URL) is missing",
                        "cotrain.chain-id (env COTRAIN_CHAIN_ID) is missing",
                        "cotrain.deployment-file (env COTRAIN_DEPLOYMENT_FILE) is missing",
                        "cotrain validation is on (COTRAIN_VALIDATION_ENABLED): cotrain.data-directory (env "
                                + "COTRAIN_DATA_DIRECTORY) is missing")
                .anySatisfy(p -> assertThat(p).contains("COTRAIN_KEY_PRIVATE_KEY"));
    }

    @Test
    void aMissingRpcUrlOrANegativeNumberIsNamedWithItsVariable() {
        files.remove("cotrain.rpc-url");
        env.put("COTRAIN_CONFIRMATIONS", "-1");
        env.put("COTRAIN_IPFS_MAX_OBJECT_BYTES", "-5");
        assertThat(violations())
                .containsExactlyInAnyOrder(
                        "cotrain.rpc-url (env COTRAIN_RPC_URL) is missing",
                        "cotrain.confirmations (env COTRAIN_CONFIRMATIONS) must be 0 or more, got -1",
                        "cotrain.ipfs.max-object-bytes (env COTRAIN_IPFS_MAX_OBJECT_BYTES) must be in " + "1.."
                                + IpfsClient.MAX_OBJECT_BYTES + ", got -5");
    }

    @Test
    void everyViolationNamesItsPropertyAndItsOwnVariable() {
        files.put("cotrain.rpc-url", "localhost:8545");
        files.put("cotrain.chain-id", "0");
        files.put("cotrain.deployment-file", dir.resolve("nope.json").toString());
        files.put("cotrain.data-directory", files.get("cotrain.tasks[0].held-out-csv"));
        files.put("cotrain.tasks[0].id", "0");
        files.put("cotrain.tasks[0].global-model", dir.resolve("nope.zip").toString());
        for (String number : List.of(
                "confirmations",
                "finalize-page-size",
                "finalize-turn-blocks",
                "max-blocks-per-query",
                "priority-fee-wei",
                "ipfs.fetch-concurrency",
                "ipfs.commit-reserve-blocks",
                "ipfs.max-object-bytes")) {
            files.put("cotrain." + number, "-1");
        }
        for (String duration : List.of(
                "tick-interval",
                "receipt-timeout",
                "shutdown-wait",
                "ipfs.timeout",
                "ipfs.round-deadline",
                "ipfs.health-probe-timeout")) {
            files.put("cotrain." + duration, "-1s");
        }
        files.put("cotrain.ipfs.api-url", "ftp://x");
        Pattern named = Pattern.compile("(cotrain\\.\\S+) \\(env (\\w+)\\)[ :].+");
        assertThat(violations()).hasSize(21).allSatisfy(problem -> {
            Matcher matcher = named.matcher(problem);
            assertThat(matcher.matches()).as(problem).isTrue();
            // a task's constraint cannot see its index: N stands for it
            assertThat(matcher.group(2))
                    .as(problem)
                    .isEqualTo(NodeSettings.envName(matcher.group(1)).replace("TASKS_0_", "TASKS_N_"));
        });
    }

    @Test
    void badValuesAreNamed() {
        files.put("cotrain.rpc-url", "localhost:8545");
        files.put("cotrain.tasks[0].held-out-csv", dir.resolve("nope.csv").toString());
        files.put("cotrain.confirmations", "-1");
        files.put("cotrain.tick-interval", "0s");
        files.put("cotrain.finalize-page-size", "0");
        files.put("cotrain.ipfs.api-url", "ftp://x");
        assertThat(violations())
                .hasSize(6)
                .contains("cotrain.rpc-url (env COTRAIN_RPC_URL) must be an http(s) URL, got 'localhost:8545'")
                .anySatisfy(p -> assertThat(p)
                        .startsWith("cotrain.tasks[0].held-out-csv (env COTRAIN_TASKS_N__HELD_OUT_CSV): no readable "
                                + "file")
                        .contains(dir.resolve("nope.csv").toAbsolutePath().toString()))
                .contains("cotrain.confirmations (env COTRAIN_CONFIRMATIONS) must be 0 or more, got -1")
                .contains("cotrain.tick-interval (env COTRAIN_TICK_INTERVAL) must be positive, got PT0S")
                .contains("cotrain.finalize-page-size (env COTRAIN_FINALIZE_PAGE_SIZE) must be at least 1, got 0")
                .anySatisfy(p -> assertThat(p).startsWith("cotrain.ipfs.api-url (env COTRAIN_IPFS_API_URL)"));
    }

    @Test
    void gatewayTimesRateLimitFirstTickAndClassCountAreBounded() {
        env.put("COTRAIN_GATEWAY_NONCE_LIFETIME", "0s");
        env.put("COTRAIN_GATEWAY_TOKEN_LIFETIME", "-1s");
        env.put("COTRAIN_GATEWAY_REFRESH_INTERVAL", "0s");
        env.put("COTRAIN_GATEWAY_EXPENSIVE_REQUESTS_PER_MINUTE", "0");
        env.put("COTRAIN_FIRST_TICK_DELAY", "-1s");
        env.put("COTRAIN_TASKS_0__CLASS_COUNT", "5000");
        assertThat(violations())
                .containsExactlyInAnyOrder(
                        "cotrain.gateway.nonce-lifetime (env COTRAIN_GATEWAY_NONCE_LIFETIME) must be positive, got "
                                + "PT0S",
                        "cotrain.gateway.token-lifetime (env COTRAIN_GATEWAY_TOKEN_LIFETIME) must be positive, got "
                                + "PT-1S",
                        "cotrain.gateway.refresh-interval (env COTRAIN_GATEWAY_REFRESH_INTERVAL) must be positive, got "
                                + "PT0S",
                        "cotrain.gateway.expensive-requests-per-minute (env "
                                + "COTRAIN_GATEWAY_EXPENSIVE_REQUESTS_PER_MINUTE) must be at least 1, got 0",
                        "cotrain.first-tick-delay (env COTRAIN_FIRST_TICK_DELAY) must not be negative, got PT-1S",
                        "cotrain.tasks[0].class-count (env COTRAIN_TASKS_N__CLASS_COUNT) must be in 2.."
                                + DataSchema.MAX_CLASSES + ", the classes of a configured task, got 5000");
    }

    /** A password in the index's URL would reach the driver's and the pool's messages: refused, never echoed. */
    @Test
    void theIndexUrlIsAPostgresqlOrH2UrlWithoutAPassword() {
        String refused =
                "(env COTRAIN_GATEWAY_INDEX_URL) must be a jdbc:postgresql: or jdbc:h2: URL without a password";
        env.put("COTRAIN_GATEWAY_INDEX_URL", "jdbc:postgresql://db:5432/cotrain?user=cotrain&PASSWORD=s3cret");
        assertThat(violations()).singleElement().asString().contains(refused).doesNotContain("s3cret");
        env.put("COTRAIN_GATEWAY_INDEX_URL", "jdbc:mysql://db/cotrain");
        assertThat(violations()).singleElement().asString().contains(refused);
        env.put("COTRAIN_GATEWAY_INDEX_URL", "jdbc:postgresql://db:5432/cotrain?user=cotrain");
        assertThat(catchThrowable(this::validate)).isNull();
    }

    @Test
    void whatTheFilesHoldIsCheckedOnceTheConstraintsHold() {
        files.put("cotrain.chain-id", "1");
        files.put("cotrain.tasks[0].class-count", "1");
        assertThat(invalid().problems())
                .hasSize(2)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("cotrain.deployment-file (env COTRAIN_DEPLOYMENT_FILE)")
                        .contains("is for chain 31337 but cotrain.chain-id is 1"))
                .anySatisfy(p -> assertThat(p)
                        .startsWith("cotrain.tasks[0].feature-columns")
                        .contains("classCount"));
    }

    @Test
    void aDuplicateTaskAndABadDeploymentFileAreReported() throws Exception {
        files.put("cotrain.tasks[1].id", "1");
        files.put("cotrain.tasks[1].feature-columns", "f0,f1");
        files.put("cotrain.tasks[1].label-column", "label");
        files.put("cotrain.tasks[1].class-count", "2");
        files.put("cotrain.tasks[1].held-out-csv", files.get("cotrain.tasks[0].held-out-csv"));
        files.put("cotrain.tasks[1].global-model", files.get("cotrain.tasks[0].global-model"));
        files.put(
                "cotrain.deployment-file",
                Files.writeString(dir.resolve("bad.json"), "{\"chainId\": 31337}")
                        .toString());
        assertThat(invalid().problems())
                .anySatisfy(p -> assertThat(p).startsWith("cotrain.tasks[1].id").contains("configured twice"))
                .anySatisfy(
                        p -> assertThat(p).startsWith("cotrain.deployment-file").contains("token"));
    }

    @Test
    void aPrivateKeyInAPropertiesFileIsRefusedWithoutEchoingIt() {
        env.clear();
        files.put("cotrain.key.private-key", DEV_KEY);
        InvalidSettingsException e = invalid();
        assertThat(e.getMessage())
                .contains("cotrain.key.private-key must come from the environment")
                .doesNotContain(DEV_KEY.substring(2));
    }

    @Test
    void aMalformedPrivateKeyIsNamedButNotEchoed() {
        env.put("COTRAIN_KEY_PRIVATE_KEY", "0x1234secret");
        assertThat(violations())
                .singleElement()
                .asString()
                .contains("cotrain.key.private-key (env COTRAIN_KEY_PRIVATE_KEY) is not a 32-byte hex private key")
                .doesNotContain("1234secret");
    }

    @Test
    void keystoreAndPrivateKeyAreExclusive() throws Exception {
        env.put("COTRAIN_KEY_KEYSTORE", dir.resolve("x.json").toString());
        assertThat(violations())
                .singleElement()
                .asString()
                .contains("set exactly one signing key")
                .contains("both are set");
    }

    @Test
    void aKeystoreIsDecryptedWithThePasswordFromTheEnvironment() throws Exception {
        Path keystores = Files.createDirectories(dir.resolve("keystore"));
        String name = WalletUtils.generateWalletFile(
                "correct horse", Credentials.create(DEV_KEY).getEcKeyPair(), keystores.toFile(), false);
        File keystore = keystores.resolve(name).toFile();
        env.clear();
        env.put("COTRAIN_KEY_KEYSTORE", keystore.toString());
        env.put("COTRAIN_KEY_KEYSTORE_PASSWORD", "correct horse");
        assertThat(validate().address()).isEqualTo(DEV_ADDRESS);

        env.put("COTRAIN_KEY_KEYSTORE_PASSWORD", "hunter2-typo");
        assertThat(invalid().getMessage()).contains("cannot decrypt").doesNotContain("hunter2");

        env.remove("COTRAIN_KEY_KEYSTORE_PASSWORD");
        assertThat(violations())
                .singleElement()
                .asString()
                .contains("cotrain.key.keystore-password (env COTRAIN_KEY_KEYSTORE_PASSWORD) is missing")
                .contains(keystore.getAbsolutePath());

        env.put("COTRAIN_KEY_KEYSTORE", dir.resolve("gone.json").toString());
        assertThat(violations())
                .singleElement()
                .asString()
                .contains("cotrain.key.keystore (env COTRAIN_KEY_KEYSTORE): no such file");
    }

    @Test
    void environmentNamesFollowQuarkusMapping() {
        assertThat(NodeSettings.envName("cotrain.tasks[0].held-out-csv")).isEqualTo("COTRAIN_TASKS_0__HELD_OUT_CSV");
        assertThat(NodeSettings.envName("cotrain.rpc-url")).isEqualTo("COTRAIN_RPC_URL");
    }

    @Test
    void anUnparsableNumberFailsInTheMappingNamingTheProperty() {
        files.put("cotrain.chain-id", "abc");
        assertThatThrownBy(this::validate).hasMessageContaining("cotrain.chain-id");
    }
}
