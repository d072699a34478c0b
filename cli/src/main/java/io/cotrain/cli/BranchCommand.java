package io.cotrain.cli;

import io.cotrain.contracts.generated.ModelRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple2;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cotrain branch}: a model owner's branch operations in the model registry: create a branch from a commit,
 * make a branch the default (rounds train on it), revert a branch to an earlier commit, or ask validators to merge one
 * branch into another.
 */
@Command(
        name = "branch",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Branch operations of a model's owner: --create NAME --from COMMIT, --default B, "
                + "--revert B --to COMMIT, or --merge SOURCE --into TARGET (validators then record a merge commit "
                + "with both heads as parents).")
final class BranchCommand extends ContributorCommand {
    @Mixin
    OwnedTaskOption owned;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Operation operation;

    static final class Operation {
        @ArgGroup(exclusive = false)
        Create create;

        @Option(names = "--default", paramLabel = "BRANCH", description = "make BRANCH the one rounds train on")
        BigInteger makeDefault;

        @ArgGroup(exclusive = false)
        Revert revert;

        @ArgGroup(exclusive = false)
        Merge merge;
    }

    static final class Create {
        @Option(
                names = "--create",
                required = true,
                paramLabel = "NAME",
                description = "a new branch's name (31 bytes at most)")
        String name;

        @Option(names = "--from", required = true, paramLabel = "COMMIT", description = "the commit it starts from")
        BigInteger from;
    }

    static final class Revert {
        @Option(names = "--revert", required = true, paramLabel = "BRANCH", description = "the branch to move back")
        BigInteger branch;

        @Option(
                names = "--to",
                required = true,
                paramLabel = "COMMIT",
                description = "an earlier commit of that branch")
        BigInteger to;
    }

    static final class Merge {
        @Option(
                names = "--merge",
                required = true,
                paramLabel = "SOURCE",
                description = "the branch whose head is merged")
        BigInteger source;

        @Option(
                names = "--into",
                required = true,
                paramLabel = "TARGET",
                description = "the branch that gets the merge")
        BigInteger target;
    }

    @Override
    void run(Session session) {
        long task = owned.id;
        Contributing.task(session, task);
        Chain chain = session.chain();
        ModelRegistry models = chain.models();
        BigInteger id = BigInteger.valueOf(task);
        String registry = chain.addresses().modelRegistry();
        if (operation.create != null) {
            byte[] name = operation.create.name.getBytes(StandardCharsets.UTF_8);
            if (name.length > 31)
                throw new CliException(
                        "--create NAME has " + name.length + " bytes, at most 31 fit", CliException.USAGE, null);
            byte[] padded = new byte[32];
            System.arraycopy(name, 0, padded, 0, name.length);
            TransactionReceipt receipt = session.send(
                    "createBranch",
                    registry,
                    models.createBranch(id, operation.create.from, padded).encodeFunctionCall());
            BigInteger branch = ModelRegistry.getBranchCreatedEvents(receipt).getFirst().branchId;
            session.out()
                    .println("created branch " + branch + " (" + operation.create.name + ") at commit "
                            + operation.create.from + " of task " + task);
        } else if (operation.makeDefault != null) {
            session.send(
                    "setDefaultBranch",
                    registry,
                    models.setDefaultBranch(id, operation.makeDefault).encodeFunctionCall());
            session.out().println("rounds of task " + task + " now train on branch " + operation.makeDefault);
        } else if (operation.revert != null) {
            session.send(
                    "revertBranch",
                    registry,
                    models.revertBranch(id, operation.revert.branch, operation.revert.to)
                            .encodeFunctionCall());
            session.out()
                    .println("branch " + operation.revert.branch + " of task " + task + " is back at commit "
                            + operation.revert.to);
        } else {
            Tuple2<BigInteger, BigInteger> pending = chain.read(models.pendingMerge(id, operation.merge.target));
            TransactionReceipt receipt = session.send(
                    "requestMerge",
                    registry,
                    models.requestMerge(id, operation.merge.source, operation.merge.target)
                            .encodeFunctionCall());
            var requested = ModelRegistry.getMergeRequestedEvents(receipt).getFirst();
            session.out()
                    .println("asked the validators to merge branch " + operation.merge.source + " (head commit "
                            + requested.sourceHead + ") into branch " + operation.merge.target + " of task " + task
                            + " as merge request " + requested.request
                            + "; the merge commit appears in 'cotrain history'");
            if (pending.component1().signum() != 0) {
                session.out()
                        .println("it replaces merge request " + pending.component2() + " (commit "
                                + pending.component1() + "), which validators no longer record");
            }
        }
    }
}
