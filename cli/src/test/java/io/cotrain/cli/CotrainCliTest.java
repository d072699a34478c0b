package io.cotrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.testing.LocalProcesses;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without a chain: parsing, precedence of options over variables, usage errors, failure output. */
class CotrainCliTest {
    private static final String KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    @TempDir
    Path directory;

    private CliRunner.Result run(Map<String, String> variables, String... args) {
        return CliRunner.run(CliRunner.environment(variables, directory), args);
    }

    @Test
    void helpListsEveryCommand_andNoCommandIsAUsageError() {
        CliRunner.Result help = run(Map.of(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains(
                        "register",
                        "status",
                        "train",
                        "submit",
                        "claim",
                        "unstake",
                        "history",
                        "--rpc-url",
                        "--ipfs-url",
                        "--deployment",
                        "--keystore",
                        "COTRAIN_PRIVATE_KEY");
        CliRunner.Result none = run(Map.of());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("Usage: cotrain");
        assertThat(run(Map.of(), "train", "--help").out())
                .contains("--epochs", "--seed", "--out", "--submit", "--data");
    }

    @Test
    void optionsWinOverVariables_whichWinOverDefaults() {
        int closed = LocalProcesses.freePort();
        var variables = Map.of("COTRAIN_PRIVATE_KEY", KEY, "COTRAIN_RPC_URL", "http://127.0.0.1:" + closed);
        CliRunner.Result fromVariable = run(variables, "status");
        assertThat(fromVariable.exitCode()).isEqualTo(3);
        assertThat(fromVariable.err()).startsWith("error: cannot reach the chain at http://127.0.0.1:" + closed + ":");

        int other = LocalProcesses.freePort();
        CliRunner.Result before = run(variables, "--rpc-url", "http://127.0.0.1:" + other, "status");
        CliRunner.Result after = run(variables, "status", "--rpc-url", "http://127.0.0.1:" + other);
        for (CliRunner.Result result : new CliRunner.Result[] {before, after}) {
            assertThat(result.err())
                    .as("the option, before or after the command")
                    .startsWith("error: cannot reach the chain at http://127.0.0.1:" + other + ":");
        }
        assertThat(run(Map.of("COTRAIN_PRIVATE_KEY", KEY), "status").err())
                .as("the default")
                .satisfiesAnyOf(
                        err -> assertThat(err).contains("http://127.0.0.1:8545"),
                        err -> assertThat(err).contains("deployment/addresses/"));
    }

    @Test
    void failuresAreOneLineWithoutStackTrace_unlessVerbose() {
        int closed = LocalProcesses.freePort();
        var variables = Map.of("COTRAIN_PRIVATE_KEY", KEY, "COTRAIN_RPC_URL", "http://127.0.0.1:" + closed);
        CliRunner.Result quiet = run(variables, "claim");
        assertThat(quiet.err().strip().lines()).hasSize(1);
        assertThat(quiet.err()).doesNotContain("\tat ").doesNotContain(KEY.substring(2));
        CliRunner.Result verbose = run(variables, "claim", "--verbose");
        assertThat(verbose.exitCode()).isEqualTo(3);
        assertThat(verbose.err()).contains("\tat ").contains("ConnectException").doesNotContain(KEY.substring(2));
    }

    @Test
    void usageErrorsExitWith2AndPointAtHelp() {
        CliRunner.Result badDigest = run(Map.of(), "submit", "--task", "1", "--manifest", "0x1234");
        assertThat(badDigest.exitCode()).isEqualTo(2);
        assertThat(badDigest.err())
                .contains("'0x1234' is not a manifest digest")
                .contains("see 'cotrain submit --help'");
        assertThat(run(Map.of(), "submit", "--task", "1").err()).contains("Missing required argument");
        String digest = "ab".repeat(32);
        assertThat(run(Map.of(), "submit", "--task", "1", "--manifest", digest, "--dataset", "x.csv")
                        .err())
                .contains("mutually exclusive");
        assertThat(run(Map.of(), "unstake").exitCode()).isEqualTo(2);
        assertThat(run(Map.of(), "unstake", "--amount", "5", "--withdraw").err())
                .contains("mutually exclusive");
        assertThat(run(Map.of(), "register", "--stake", "-3").err()).contains("is not an amount of tokens");
        assertThat(run(Map.of(), "history", "--task", "0").err()).contains("is not a task id");
        assertThat(run(Map.of(), "regster").err()).contains("Did you mean").contains("register");
    }

    @Test
    void withoutAWalletTheCommandsThatSignSaySo() {
        for (String[] args : new String[][] {
            {"register", "--stake", "100"},
            {"status"},
            {"claim"},
            {"unstake", "--withdraw"},
            {"submit", "--task", "1", "--manifest", "ab".repeat(32)}
        }) {
            CliRunner.Result result = run(Map.of(), args);
            assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(result.err())
                    .as(String.join(" ", args))
                    .startsWith("error: no wallet: pass --keystore FILE")
                    .contains("COTRAIN_PRIVATE_KEY");
        }
    }

    @Test
    void malformedUrlsAreUsageErrors() {
        CliRunner.Result result = run(Map.of("COTRAIN_PRIVATE_KEY", KEY), "status", "--rpc-url", "localhost:8545");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("must be an http(s) URL");
    }
}
