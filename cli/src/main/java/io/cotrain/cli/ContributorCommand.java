package io.cotrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A {@code cotrain} command: runs with a {@link Session} that is closed afterwards, and turns any failure into a
 * {@link CliException} while the session can still look things up for the message.
 */
abstract class ContributorCommand implements Callable<Integer> {
    @ParentCommand
    CotrainCli cli;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        CommandLine commandLine = spec.commandLine();
        try (Session session = new Session(cli, spec.name(), commandLine.getOut(), commandLine.getErr())) {
            try {
                if (needsWallet()) session.wallet();
                run(session);
                return 0;
            } catch (Exception e) {
                throw Failures.describe(e, session);
            } finally {
                session.out().flush();
                session.err().flush();
            }
        }
    }

    /** @return whether the command signs or reads as the contributor: its wallet is loaded before anything else */
    boolean needsWallet() {
        return true;
    }

    /**
     * Does the command's work, printing results on {@link Session#out()} and progress on {@link Session#err()}.
     *
     * @param session what the command works with
     * @throws Exception anything: {@link Failures} explains it
     */
    abstract void run(Session session) throws Exception;
}
