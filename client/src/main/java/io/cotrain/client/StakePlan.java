package io.cotrain.client;

import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainToken;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The transactions that stake tokens as a contributor, the one home of that sequence for the CLI (which signs and
 * sends them) and the gateway (which returns them unsigned): an approval when the allowance is short, then
 * {@code registerContributor} for a first stake or {@code increaseStake} for a registered contributor.
 */
public final class StakePlan {
    private StakePlan() {}

    /**
     * What the account holds and may spend, as read from the chain.
     *
     * @param registered whether it is a registered contributor
     * @param balance its token balance
     * @param allowance what the protocol may take from it
     * @param minimumStake the protocol's minimum first stake
     */
    public record Account(
            String address, boolean registered, BigInteger balance, BigInteger allowance, BigInteger minimumStake) {}

    /**
     * @param protocol a binding of the protocol (used to encode calls only)
     * @param token a binding of the token (used to encode calls only)
     * @param amount the stake to add, in the token's smallest unit
     * @return the calls, in order
     * @throws StakeBelowMinimumException for a first stake below the protocol's minimum
     * @throws InsufficientBalanceException when the account holds less than {@code amount}
     */
    public static List<PlannedCall> calls(
            CotrainProtocol protocol, CotrainToken token, Account account, BigInteger amount) {
        if (!account.registered() && amount.compareTo(account.minimumStake()) < 0) {
            throw new StakeBelowMinimumException(account.minimumStake(), amount);
        }
        if (account.balance().compareTo(amount) < 0) {
            throw new InsufficientBalanceException(account.address(), account.balance(), amount);
        }
        String spender = protocol.getContractAddress();
        List<PlannedCall> calls = new ArrayList<>();
        if (account.allowance().compareTo(amount) < 0) {
            calls.add(new PlannedCall(
                    "approve",
                    "approve the protocol to take the stake",
                    token.getContractAddress(),
                    token.approve(spender, amount).encodeFunctionCall()));
        }
        if (account.registered()) {
            calls.add(new PlannedCall(
                    "increaseStake",
                    "increaseStake(" + amount + ")",
                    spender,
                    protocol.increaseStake(amount).encodeFunctionCall()));
        } else {
            calls.add(new PlannedCall(
                    "registerContributor",
                    "registerContributor(" + amount + ")",
                    spender,
                    protocol.registerContributor(amount).encodeFunctionCall()));
        }
        return List.copyOf(calls);
    }
}
