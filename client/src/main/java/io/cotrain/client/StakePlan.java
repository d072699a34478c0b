package io.cotrain.client;

import io.cotrain.contracts.ProtocolParameter;
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
     * @param minimumStake the least first stake that lets it contribute: the protocol's minimum contributor stake,
     *     and at least the stake one contribution locks in the round open now
     * @param freeStake its stake not locked by contributions (zero when not registered)
     * @param stakePerContribution what one contribution locks in the round open now
     */
    public record Account(
            String address,
            boolean registered,
            BigInteger balance,
            BigInteger allowance,
            BigInteger minimumStake,
            BigInteger freeStake,
            BigInteger stakePerContribution) {
        /**
         * Reads the account from the chain.
         *
         * @param protocol a read-only binding of the protocol
         * @param token a read-only binding of the token
         * @throws ChainUnavailableException when the chain does not answer
         */
        public static Account read(CotrainProtocol protocol, CotrainToken token, String address) {
            CotrainProtocol.ContributorProfile profile = ContractCalls.read(
                    "contributorProfile",
                    () -> protocol.contributorProfile(address).send());
            // each contribution locks the stake of the round it joins: the round open now, priced when it opened
            BigInteger round = ContractCalls.read(
                    "currentRound", () -> protocol.currentRound().send());
            BigInteger perContribution = ContractCalls.read(
                    "roundParameter(StakePerContribution)",
                    () -> protocol.roundParameter(round, ProtocolParameter.STAKE_PER_CONTRIBUTION.index())
                            .send());
            BigInteger minimum = ContractCalls.read(
                    "parameter(MinContributorStake)",
                    () -> protocol.parameter(ProtocolParameter.MIN_CONTRIBUTOR_STAKE.index())
                            .send());
            return new Account(
                    address,
                    profile.registered,
                    ContractCalls.read(
                            "balanceOf", () -> token.balanceOf(address).send()),
                    ContractCalls.read(
                            "allowance",
                            () -> token.allowance(address, protocol.getContractAddress())
                                    .send()),
                    minimum.max(perContribution),
                    profile.stake.subtract(profile.lockedStake),
                    perContribution);
        }

        /** @return the least stake to add so that it can contribute once: zero when its free stake covers it */
        public BigInteger leastUsefulStake() {
            return registered ? stakePerContribution.subtract(freeStake).max(BigInteger.ZERO) : minimumStake;
        }
    }

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
