package io.cotrain.cli;

import io.cotrain.client.PlannedCall;
import io.cotrain.client.StakePlan;
import io.cotrain.contracts.generated.CotrainProtocol;
import java.math.BigInteger;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cotrain register --stake AMOUNT}: registers as a contributor, or adds to the stake of a registered one. */
@Command(
        name = "register",
        mixinStandardHelpOptions = true,
        description = {
            "Stake COT as a contributor: registers the account with AMOUNT (at least the protocol's minimum stake), "
                    + "or adds AMOUNT to its stake when it is registered already.",
            "Checks the token balance first, then approves the protocol to take AMOUNT (when needed) and stakes it."
        })
final class RegisterCommand extends ContributorCommand {
    @Option(
            names = "--stake",
            required = true,
            paramLabel = "AMOUNT",
            converter = TokenAmount.Converter.class,
            description = "whole tokens, decimals allowed, e.g. 100 or 12.5")
    BigInteger stake;

    @Override
    void run(Session session) {
        String me = session.address();
        Chain chain = session.chain();
        if (chain.read(chain.protocol().paused())) throw new CliException(Failures.PAUSED);
        StakePlan.Account account = StakePlan.Account.read(chain.protocol(), chain.token(), me);
        for (PlannedCall call : StakePlan.calls(chain.protocol(), chain.token(), account, stake)) {
            TransactionReceipt receipt =
                    session.send(call.function() + "(" + TokenAmount.format(stake) + ")", call.to(), call.data());
            switch (call.function()) {
                case "approve" -> session.err().println("approved the protocol to take " + TokenAmount.format(stake));
                case "increaseStake" -> {
                    BigInteger newStake =
                            CotrainProtocol.getStakeIncreasedEvents(receipt).getFirst().newStake;
                    session.out()
                            .println("stake of " + me + " increased by " + TokenAmount.format(stake) + " to "
                                    + TokenAmount.format(newStake));
                }
                default ->
                    session.out()
                            .println("registered " + me + " as a contributor with a stake of "
                                    + TokenAmount.format(stake));
            }
            if (!call.function().equals("approve")) {
                session.out().println("transaction: " + receipt.getTransactionHash());
            }
        }
    }
}
