package io.cotrain.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.testing.FoundryBinaries;
import io.cotrain.testing.Await;
import io.cotrain.testing.RepositoryRoot;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the repository's own deployment commands as a user would, logging their output under target/. */
final class ScriptRunner {
    static final Path ROOT = RepositoryRoot.path();
    static final Path WORK = ROOT.resolve("deployment/target/it");

    private ScriptRunner() {}

    /**
     * A script started as a terminal's shell starts it, to be stopped with Ctrl-C: SIGINT and SIGQUIT back to their
     * defaults first (Debian's perl resets them, then execs the script in its place, same pid). A test JVM launched in
     * the background of a non-interactive shell inherits both ignored, and bash cannot trap a signal it was started
     * ignoring, so without this the script would not see the test's SIGINT at all.
     */
    static ProcessBuilder asFromATerminal(Path script) {
        return new ProcessBuilder(
                "perl",
                "-e",
                "$SIG{INT} = $SIG{QUIT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die "
                        + "\"cannot run $ARGV[0]: $!\\n\"",
                script.toString());
    }

    /**
     * Runs a forge script from the Foundry root and expects it to succeed.
     *
     * @return the script's output
     */
    static String forgeScript(String script, String rpcUrl, Map<String, String> environment) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                FoundryBinaries.binary("forge").toString(),
                "script",
                "../deployment/script/" + script,
                "--rpc-url",
                rpcUrl,
                "--broadcast"));
        return run(command, ROOT.resolve("contracts"), environment, Duration.ofMinutes(5));
    }

    static String run(List<String> command, Path directory, Map<String, String> environment, Duration timeout)
            throws Exception {
        Files.createDirectories(WORK);
        Path log = Files.createTempFile(WORK, Path.of(command.get(0)).getFileName() + "-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean exited = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (!exited) process.destroyForcibly().waitFor();
        String output = Files.readString(log);
        assertThat(exited)
                .as("%s finished within %s; output:%n%s", command, timeout, output)
                .isTrue();
        assertThat(process.exitValue())
                .as("exit code of %s; output:%n%s", command, output)
                .isZero();
        return output;
    }

    static Path freshFile(String prefix) throws IOException {
        Files.createDirectories(WORK);
        Path file = Files.createTempFile(WORK, prefix, ".json");
        Files.delete(file); // the scripts create it
        return file;
    }

    /** Waits until the script prints a line starting with {@code prefix}; fails with its output if it exits first. */
    static void awaitLine(Process script, Path output, String prefix, Duration timeout) throws Exception {
        String name = Path.of(script.info().command().orElse("the script"))
                .getFileName()
                .toString();
        Await.until(
                name + " printing '" + prefix + "'",
                timeout,
                Await.POLL,
                () -> {
                    List<String> lines = Files.readAllLines(output);
                    if (lines.stream().anyMatch(line -> line.startsWith(prefix))) return true;
                    assertThat(script.isAlive())
                            .as("%s exited early:%n%s", name, String.join("\n", lines))
                            .isTrue();
                    return false;
                },
                () -> output.toString());
    }

    /** @return whether something accepts connections on the loopback port */
    static boolean answers(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
