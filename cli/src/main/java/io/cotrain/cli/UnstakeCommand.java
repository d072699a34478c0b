package io.cotrain.cli;

import io.cotrain.contracts.generated.CotrainProtocol;
import java.math.BigInteger;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cotrain unstake --amount AMOUNT | --withdraw}: queues an unbonding request for free stake, or withdraws every
 * request whose delay has passed.
 */
@Command(
        name = "unstake",
        mixinStandardHelpOptions = true,
        description = {
            "Take stake out: --amount queues an unbonding request, --withdraw withdraws the requests that are ready.",
            "--amount: start unbonding AMOUNT of free stake (not locked by pending contributions) as a new request; "
                    + "it stops backing contributions at once and becomes withdrawable after the unbonding delay. "
                    + "Each request has its own ready block (a new one never delays an earlier one); at most "
                    + UnstakeCommand.MAX_REQUESTS + " are unbonding at once.",
            "--withdraw: withdraw every unbonding request whose delay has passed ('cotrain status' shows what is "
                    + "withdrawable now)."
        })
final class UnstakeCommand extends ContributorCommand {
    /** Unbonding requests a contributor may have at once (the protocol's MAX_UNBONDING_REQUESTS). */
    static final int MAX_REQUESTS = 16;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(
                names = "--amount",
                paramLabel = "AMOUNT",
                converter = TokenAmount.Converter.class,
                description = "whole tokens to unbond, decimals allowed")
        BigInteger amount;

        @Option(names = "--withdraw", description = "withdraw the unbonding requests that are ready")
        boolean withdraw;
    }

    @Override
    void run(Session session) {
        Chain chain = session.chain();
        String protocol = chain.addresses().protocol();
        if (mode.withdraw) {
            TransactionReceipt receipt = session.send(
                    "withdrawStake()",
                    protocol,
                    chain.protocol().withdrawStake().encodeFunctionCall());
            BigInteger amount = CotrainProtocol.getStakeWithdrawnEvents(receipt).getFirst().amount;
            BigInteger balance = chain.read(chain.token().balanceOf(session.address()));
            session.out()
                    .println("withdrew " + TokenAmount.format(amount) + "; token balance now "
                            + TokenAmount.format(balance));
            CotrainProtocol.ContributorProfile after =
                    chain.read(chain.protocol().contributorProfile(session.address()));
            if (after.unbondingStake.signum() > 0) {
                session.out().println("still unbonding: " + StatusCommand.unbonding(after, chain.blockNumber()));
            }
            session.out().println("transaction: " + receipt.getTransactionHash());
            return;
        }
        TransactionReceipt receipt = session.send(
                "requestUnstake(" + TokenAmount.format(mode.amount) + ")",
                protocol,
                chain.protocol().requestUnstake(mode.amount).encodeFunctionCall());
        var requested = CotrainProtocol.getUnstakeRequestedEvents(receipt).getFirst();
        BigInteger earlier = requested.unbondingTotal.subtract(requested.amount);
        session.out()
                .println(TokenAmount.format(requested.amount) + " started unbonding, withdrawable from block "
                        + requested.readyBlock + ": then run 'cotrain unstake --withdraw'");
        session.out()
                .println(
                        earlier.signum() == 0
                                ? "no other stake is unbonding"
                                : TokenAmount.format(requested.unbondingTotal) + " unbonding in all: the "
                                        + TokenAmount.format(earlier) + " requested before keeps its own ready blocks");
        session.out().println("transaction: " + receipt.getTransactionHash());
    }
}
