package io.cotrain.cli;

/**
 * A failure told to the user in one message that says what to fix, with the process's exit code. The cause, if any,
 * is printed only with {@code --verbose}.
 */
public final class CliException extends RuntimeException {
    /** Something the user can fix: an argument, a file, the account's state on chain. */
    public static final int FAILED = 1;
    /** The command line itself is wrong (picocli's code for invalid input). */
    public static final int USAGE = 2;
    /** The chain's RPC endpoint or the IPFS node cannot be reached. */
    public static final int UNAVAILABLE = 3;

    private final int exitCode;

    public CliException(String message) {
        this(message, FAILED, null);
    }

    public CliException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** @return the process's exit code for this failure, never 0 */
    public int exitCode() {
        return exitCode;
    }
}
