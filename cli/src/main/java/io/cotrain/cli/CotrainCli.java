package io.cotrain.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code cotrain}, the contributor's command line: stake, train and submit model updates, submit datasets, claim
 * rewards, unstake, and read a task's model history. Its options apply to every command and fall back to
 * {@code COTRAIN_*} environment variables; everything it takes from its surroundings comes in a
 * {@link CliEnvironment}, so tests run it in-process with {@link #commandLine(CliEnvironment)}.
 */
@Command(
        name = "cotrain",
        mixinStandardHelpOptions = true,
        versionProvider = CotrainCli.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "The Cotrain contributor's command line: stake COT, train model updates on your own data and submit them, "
                    + "submit datasets, claim rewards, unstake.",
            "",
            "Wallet: --keystore FILE (password from COTRAIN_KEYSTORE_PASSWORD, else prompted) or COTRAIN_PRIVATE_KEY."
        },
        subcommands = {
            RegisterCommand.class,
            StatusCommand.class,
            TrainCommand.class,
            SubmitCommand.class,
            ClaimCommand.class,
            UnstakeCommand.class,
            HistoryCommand.class,
            RevealCommand.class,
            InitModelCommand.class,
            RegisterModelCommand.class,
            ShareHeldOutCommand.class,
            BranchCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 done, 1 failed (the message says what to fix), 2 bad command line, "
                    + "3 chain or IPFS node unreachable."
        })
public final class CotrainCli implements Callable<Integer> {
    public static final String DEFAULT_RPC_URL = "http://127.0.0.1:8545";
    public static final String DEFAULT_IPFS_URL = "http://127.0.0.1:5001";
    public static final String RPC_URL_VARIABLE = "COTRAIN_RPC_URL";
    public static final String IPFS_URL_VARIABLE = "COTRAIN_IPFS_URL";
    public static final String DEPLOYMENT_VARIABLE = "COTRAIN_DEPLOYMENT";

    @Option(
            names = "--rpc-url",
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            description = "JSON-RPC endpoint of the chain (env COTRAIN_RPC_URL; default " + DEFAULT_RPC_URL + ")")
    private String rpcUrl;

    @Option(
            names = "--ipfs-url",
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            description = "IPFS RPC API (env COTRAIN_IPFS_URL; default " + DEFAULT_IPFS_URL + ")")
    private String ipfsUrl;

    @Option(
            names = "--deployment",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "the deploy script's addresses file (env COTRAIN_DEPLOYMENT; default "
                    + "deployment/addresses/<chainId>.json in the working directory)")
    private Path deployment;

    @Option(
            names = "--keystore",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "JSON keystore of the contributor's key (env COTRAIN_KEYSTORE); its password from "
                    + "COTRAIN_KEYSTORE_PASSWORD, else prompted. Without it, the key comes from COTRAIN_PRIVATE_KEY.")
    private Path keystore;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "print the stack trace of a failure")
    private boolean verbose;

    @Spec
    private CommandSpec spec;

    private final CliEnvironment environment;

    /** @param environment the variables, working directory and console the commands use */
    public CotrainCli(CliEnvironment environment) {
        this.environment = environment;
    }

    /**
     * The command line, ready to {@link CommandLine#execute(String...)}: failures are printed as one message on
     * stderr (with the stack trace under {@code --verbose}) and give a non-zero exit code.
     *
     * @param environment the variables, working directory and console the commands use
     * @return the command line; set its out and err writers to capture them
     */
    public static CommandLine commandLine(CliEnvironment environment) {
        CotrainCli cli = new CotrainCli(environment);
        CommandLine commandLine = new CommandLine(cli);
        commandLine.setExecutionExceptionHandler(cli::failed);
        commandLine.setParameterExceptionHandler(CotrainCli::invalidInput);
        return commandLine;
    }

    public static void main(String[] args) {
        // Before the first logger exists: the libraries' logs only on failure, or with --verbose.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty(
                    "org.slf4j.simpleLogger.defaultLogLevel", List.of(args).contains("--verbose") ? "info" : "error");
        }
        int exitCode = commandLine(CliEnvironment.system()).execute(args);
        System.exit(exitCode);
    }

    /** Without a command: the usage, and exit code 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CliException.USAGE;
    }

    CliEnvironment environment() {
        return environment;
    }

    /** @return {@code --rpc-url}, else {@code COTRAIN_RPC_URL}, else the default */
    String rpcUrl() {
        return firstOf(rpcUrl, environment.variable(RPC_URL_VARIABLE), DEFAULT_RPC_URL);
    }

    /** @return {@code --ipfs-url}, else {@code COTRAIN_IPFS_URL}, else the default */
    String ipfsUrl() {
        return firstOf(ipfsUrl, environment.variable(IPFS_URL_VARIABLE), DEFAULT_IPFS_URL);
    }

    /** @return {@code --deployment}, else {@code COTRAIN_DEPLOYMENT}, else null for the chain's default file */
    Path deployment() {
        if (deployment != null) return deployment;
        String variable = environment.variable(DEPLOYMENT_VARIABLE);
        return variable == null ? null : Path.of(variable);
    }

    Path keystore() {
        return keystore;
    }

    boolean verbose() {
        return verbose;
    }

    private static String firstOf(String option, String variable, String fallback) {
        if (option != null && !option.isBlank()) return option.strip();
        return variable != null ? variable : fallback;
    }

    private int failed(Exception failure, CommandLine commandLine, ParseResult parseResult) {
        CliException explained =
                Failures.describe(failure, FailureContext.offline(commandLine.getCommandName(), rpcUrl(), ipfsUrl()));
        PrintWriter err = commandLine.getErr();
        err.println("error: " + explained.getMessage());
        if (verbose) {
            Throwable trace = explained.getCause() != null ? explained.getCause() : explained;
            trace.printStackTrace(err);
        }
        err.flush();
        return explained.exitCode();
    }

    private static int invalidInput(ParameterException invalid, String[] args) {
        CommandLine commandLine = invalid.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println("error: " + invalid.getMessage());
        UnmatchedArgumentException.printSuggestions(invalid, err);
        err.println("see '" + commandLine.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = CotrainCli.class.getPackage().getImplementationVersion();
            return new String[] {"cotrain " + (version != null ? version : "(development build)")};
        }
    }
}
