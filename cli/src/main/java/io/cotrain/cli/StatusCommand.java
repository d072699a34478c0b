package io.cotrain.cli;

import io.cotrain.contracts.generated.CotrainProtocol;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code cotrain status}: the account's tokens, stake, reputation, rewards, and the round open now. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show the account: token balance, stake (locked and free), unbonding stake, reputation, "
                + "contributions, claimable rewards, and the current round and its phase.")
final class StatusCommand extends ContributorCommand {
    @Override
    void run(Session session) {
        String me = session.address();
        Chain chain = session.chain();
        CotrainProtocol protocol = chain.protocol();
        BigInteger block = chain.blockNumber();
        CotrainProtocol.ContributorProfile profile = chain.read(protocol.contributorProfile(me));
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("address", me);
        lines.put("chain", chain.chainId() + " at " + chain.rpcUrl() + ", block " + block);
        lines.put("token balance", TokenAmount.format(chain.read(chain.token().balanceOf(me))));
        if (profile.registered) {
            BigInteger free = profile.stake.subtract(profile.lockedStake);
            lines.put("stake", TokenAmount.format(profile.stake) + " (" + TokenAmount.format(profile.lockedStake)
                    + " locked, " + TokenAmount.format(free) + " free)");
        } else {
            lines.put("stake", "not registered: cotrain register --stake "
                    + TokenAmount.plain(chain.parameter(Chain.MIN_CONTRIBUTOR_STAKE)));
        }
        if (profile.unbondingStake.signum() > 0) {
            boolean ready = block.compareTo(profile.unbondingReadyBlock) >= 0;
            lines.put("unbonding", TokenAmount.format(profile.unbondingStake) + ", withdrawable from block "
                    + profile.unbondingReadyBlock + (ready ? " (ready: cotrain unstake --withdraw)"
                            : " (" + profile.unbondingReadyBlock.subtract(block) + " blocks to go)"));
        } else {
            lines.put("unbonding", "none");
        }
        if (profile.registered) {
            lines.put("reputation", new BigDecimal(profile.reputation).movePointLeft(2).setScale(2) + "% ("
                    + profile.reputation + " of 10000)");
            lines.put("contributions", profile.submittedContributions + " submitted, " + profile.pendingContributions
                    + " pending");
        }
        lines.put("claimable rewards", TokenAmount.format(chain.read(protocol.claimable(me))));
        BigInteger round = chain.read(protocol.currentRound());
        CotrainProtocol.RoundView info = chain.read(protocol.roundInfo(round));
        String phase = Failures.PHASES.get(info.phase.intValue());
        lines.put("current round", round + ", " + phase + " phase"
                + (info.exists ? ", ends at block " + info.submissionEndBlock + " (" + info.contributionCount
                        + " contribution" + (info.contributionCount.equals(BigInteger.ONE) ? "" : "s") + " so far)"
                        : " (no contributions yet: its deadlines are fixed by the first)"));
        if (chain.read(protocol.paused())) lines.put("protocol", "PAUSED: " + Failures.PAUSED);

        int width = lines.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        lines.forEach((key, value) -> session.out().println(String.format("%-" + width + "s%s", key, value)));
    }
}
