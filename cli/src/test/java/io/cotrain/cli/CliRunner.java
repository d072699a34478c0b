package io.cotrain.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs the CLI in-process with an explicit environment, capturing stdout and stderr ({@code -Dcotrain.cli.echo=true}
 * prints every run, to read what users see).
 */
final class CliRunner {
    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private CliRunner() {}

    static Result run(CliEnvironment environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = CotrainCli.commandLine(environment);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        Result result = new Result(exitCode, out.toString(), err.toString());
        if (Boolean.getBoolean("cotrain.cli.echo")) {
            System.out.println("$ cotrain " + String.join(" ", args) + "\n" + result);
        }
        return result;
    }

    static CliEnvironment environment(Map<String, String> variables, Path workingDirectory) {
        return new CliEnvironment(variables, workingDirectory, CliEnvironment.PasswordPrompt.NONE, false);
    }
}
