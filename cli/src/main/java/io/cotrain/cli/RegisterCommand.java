package io.cotrain.cli;

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
        BigInteger balance = chain.read(chain.token().balanceOf(me));
        if (balance.compareTo(stake) < 0) throw Failures.insufficientBalance(me, balance, stake);
        if (chain.read(chain.protocol().paused())) throw new CliException(Failures.PAUSED);
        CotrainProtocol.ContributorProfile profile = chain.read(chain.protocol().contributorProfile(me));
        if (!profile.registered) {
            BigInteger minimum = chain.parameter(Chain.MIN_CONTRIBUTOR_STAKE);
            if (stake.compareTo(minimum) < 0) {
                throw new CliException("a first stake must be at least " + TokenAmount.format(minimum) + ", got "
                        + TokenAmount.format(stake) + ": cotrain register --stake " + TokenAmount.plain(minimum));
            }
        }

        String protocol = chain.addresses().protocol();
        BigInteger allowance = chain.read(chain.token().allowance(me, protocol));
        if (allowance.compareTo(stake) < 0) {
            session.send(
                    "approve(" + TokenAmount.format(stake) + ")",
                    chain.addresses().token(),
                    chain.token().approve(protocol, stake).encodeFunctionCall());
            session.err().println("approved the protocol to take " + TokenAmount.format(stake));
        }
        TransactionReceipt receipt;
        if (profile.registered) {
            receipt = session.send(
                    "increaseStake(" + TokenAmount.format(stake) + ")",
                    protocol,
                    chain.protocol().increaseStake(stake).encodeFunctionCall());
            BigInteger newStake =
                    CotrainProtocol.getStakeIncreasedEvents(receipt).getFirst().newStake;
            session.out()
                    .println("stake of " + me + " increased by " + TokenAmount.format(stake) + " to "
                            + TokenAmount.format(newStake));
        } else {
            receipt = session.send(
                    "registerContributor(" + TokenAmount.format(stake) + ")",
                    protocol,
                    chain.protocol().registerContributor(stake).encodeFunctionCall());
            session.out()
                    .println("registered " + me + " as a contributor with a stake of " + TokenAmount.format(stake));
        }
        session.out().println("transaction: " + receipt.getTransactionHash());
    }
}
