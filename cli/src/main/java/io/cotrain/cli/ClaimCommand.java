package io.cotrain.cli;

import io.cotrain.client.PlannedCall;
import io.cotrain.client.TransactionPlans;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.generated.CotrainProtocol;
import java.math.BigInteger;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.Command;

/** {@code cotrain claim}: pays out every reward credited to the account. */
@Command(
        name = "claim",
        mixinStandardHelpOptions = true,
        description = {
            "Claim every reward credited to the account. Rewards are credited when a round is finalized: "
                    + ContributionStatus.REWARD_RULE + ". Works while the protocol is paused."
        })
final class ClaimCommand extends ContributorCommand {
    @Override
    void run(Session session) {
        Chain chain = session.chain();
        PlannedCall claim = TransactionPlans.claimRewards(chain.protocol());
        TransactionReceipt receipt = session.send(claim.description(), claim.to(), claim.data());
        BigInteger amount = CotrainProtocol.getRewardsClaimedEvents(receipt).getFirst().amount;
        BigInteger balance = chain.read(chain.token().balanceOf(session.address()));
        session.out()
                .println(
                        "claimed " + TokenAmount.format(amount) + "; token balance now " + TokenAmount.format(balance));
        session.out().println("transaction: " + receipt.getTransactionHash());
    }
}
