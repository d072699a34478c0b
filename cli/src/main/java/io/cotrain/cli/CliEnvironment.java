package io.cotrain.cli;

import java.io.Console;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the CLI takes from its surroundings, passed in rather than read deep inside, so that tests run commands
 * in-process with their own environment: the environment variables, the working directory relative paths resolve
 * against, how a keystore password is prompted for, and whether stderr is a terminal (progress bars redraw in place).
 *
 * @param variables environment variables ({@code COTRAIN_*})
 * @param workingDirectory where relative paths point
 * @param passwordPrompt reads a password without echo, or answers null when there is no terminal to ask on
 * @param interactive whether stderr is a terminal
 */
public record CliEnvironment(
        Map<String, String> variables, Path workingDirectory, PasswordPrompt passwordPrompt, boolean interactive) {

    /** Reads a secret from the user without echoing it. */
    @FunctionalInterface
    public interface PasswordPrompt {
        /** A prompt that never has a terminal. */
        PasswordPrompt NONE = prompt -> null;

        /**
         * @param prompt what to ask
         * @return the password, or null when there is no terminal to ask on
         */
        char[] readPassword(String prompt);
    }

    public CliEnvironment {
        variables = Map.copyOf(variables);
        workingDirectory = workingDirectory.toAbsolutePath();
        Objects.requireNonNull(passwordPrompt, "passwordPrompt");
    }

    /** @return the process's environment, working directory and console ({@link System#console()}) */
    public static CliEnvironment system() {
        Console console = System.console();
        boolean terminal = isTerminal(console);
        PasswordPrompt prompt = terminal ? text -> console.readPassword("%s", text) : PasswordPrompt.NONE;
        return new CliEnvironment(System.getenv(), Path.of(""), prompt, terminal);
    }

    /**
     * Java 21 has a console only on a terminal; Java 22+ may have one when redirected too, and says so with
     * {@code Console.isTerminal()} (called reflectively: the code is compiled for 21).
     */
    static boolean isTerminal(Console console) {
        if (console == null) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException java21) {
            return true;
        }
    }

    /**
     * @param name a variable
     * @return its value, or null when it is unset or blank
     */
    public String variable(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /**
     * @param path a path from an option or a variable
     * @return it, resolved against the working directory when relative
     */
    public Path resolve(Path path) {
        return workingDirectory.resolve(path).normalize();
    }
}
