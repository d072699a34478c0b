package io.cotrain.cli;

import io.cotrain.contracts.generated.CotrainProtocol;
import java.math.BigInteger;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cotrain unstake --amount AMOUNT | --withdraw}: starts unbonding free stake, or withdraws unbonded stake. */
@Command(
        name = "unstake",
        mixinStandardHelpOptions = true,
        description = {
            "Take stake out: --amount starts unbonding free stake, --withdraw withdraws what has unbonded.",
            "--amount: start unbonding AMOUNT of free stake (not locked by pending contributions); it stops backing "
                    + "contributions at once and becomes withdrawable after the unbonding delay (a new request adds to "
                    + "the pending one and restarts the delay).",
            "--withdraw: withdraw all unbonded stake whose delay has passed."
        })
final class UnstakeCommand extends ContributorCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--amount", paramLabel = "AMOUNT", converter = TokenAmount.Converter.class,
                description = "whole tokens to unbond, decimals allowed")
        BigInteger amount;

        @Option(names = "--withdraw", description = "withdraw the unbonded stake")
        boolean withdraw;
    }

    @Override
    void run(Session session) {
        Chain chain = session.chain();
        String protocol = chain.addresses().protocol();
        if (mode.withdraw) {
            TransactionReceipt receipt = session.send("withdrawStake()", protocol,
                    chain.protocol().withdrawStake().encodeFunctionCall());
            BigInteger amount = CotrainProtocol.getStakeWithdrawnEvents(receipt).getFirst().amount;
            BigInteger balance = chain.read(chain.token().balanceOf(session.address()));
            session.out().println("withdrew " + TokenAmount.format(amount) + "; token balance now "
                    + TokenAmount.format(balance));
            session.out().println("transaction: " + receipt.getTransactionHash());
            return;
        }
        TransactionReceipt receipt = session.send("requestUnstake(" + TokenAmount.format(mode.amount) + ")", protocol,
                chain.protocol().requestUnstake(mode.amount).encodeFunctionCall());
        var requested = CotrainProtocol.getUnstakeRequestedEvents(receipt).getFirst();
        session.out().println(TokenAmount.format(requested.amount) + " started unbonding ("
                + TokenAmount.format(requested.unbondingTotal) + " unbonding in all), withdrawable from block "
                + requested.readyBlock + ": then run 'cotrain unstake --withdraw'");
        session.out().println("transaction: " + receipt.getTransactionHash());
    }
}
