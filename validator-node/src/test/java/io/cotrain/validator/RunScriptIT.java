package io.cotrain.validator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run-validator.sh} starts the production jar with the settings it finds in the environment; with an incomplete
 * configuration the node exits at startup naming every missing or bad setting, and echoes no secret.
 */
class RunScriptIT {
    private static final String SECRET = "0x1234notakey5678";

    @TempDir
    Path dir;

    @Test
    void anIncompleteConfigurationStopsTheNodeWithEveryProblemNamed() throws Exception {
        Path script = Path.of("run-validator.sh").toAbsolutePath();
        assertThat(script).isExecutable();
        Path output = dir.resolve("node.log");
        ProcessBuilder builder =
                new ProcessBuilder(script.toString()).redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("COTRAIN_") || name.startsWith("QUARKUS_"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("COTRAIN_RPC_URL", "localhost:8545");
        env.put("COTRAIN_CHAIN_ID", "31337");
        env.put("COTRAIN_KEY_PRIVATE_KEY", SECRET);
        env.put("COTRAIN_DATA_DIRECTORY", dir.resolve("data").toString());
        env.put("QUARKUS_HTTP_PORT", "0");
        Process node = builder.start();
        try {
            assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("the node exits").isTrue();
        } finally {
            node.destroyForcibly();
        }
        String log = Files.readString(output);
        assertThat(node.exitValue()).as(log).isNotZero();
        assertThat(log)
                .contains("Configuration validation failed")
                .contains("cotrain.rpc-url (env COTRAIN_RPC_URL) must be an http(s) URL")
                .contains("cotrain.deployment-file (env COTRAIN_DEPLOYMENT_FILE) is missing")
                .contains("cotrain.key.private-key (env COTRAIN_KEY_PRIVATE_KEY) is not a 32-byte hex private key")
                .doesNotContain("1234notakey");
    }
}
