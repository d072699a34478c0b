package io.cotrain.cli;

import io.cotrain.client.ChainUnavailableException;
import io.cotrain.client.EventQueryException;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.ProtocolParameter;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.generated.CotrainProtocol;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cotrain status}: the account's tokens, stake, reputation, contributions, rewards, and the round open now. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show the account: token balance, stake (locked and free), unbonding requests (what is withdrawable now "
                    + "and when all of it is), reputation, its contributions by status, its submissions to the round "
                    + "open now, claimable rewards, and the current round with its submission window.",
            "Statuses: Pending, Accepted, Unrewarded, Rejected, Released; --contributions lists what each one means "
                    + "for the stake and the reward."
        })
final class StatusCommand extends ContributorCommand {
    @Option(
            names = "--contributions",
            description = "also list every contribution of the account with its status, "
                    + "score, reward and slash, and what each status means")
    boolean contributions;

    @Override
    void run(Session session) {
        String me = session.address();
        Chain chain = session.chain();
        CotrainProtocol protocol = chain.protocol();
        BigInteger block = chain.blockNumber();
        CotrainProtocol.ContributorProfile profile = chain.read(protocol.contributorProfile(me));
        boolean paused = chain.read(protocol.paused());
        BigInteger round = chain.read(protocol.currentRound());
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("address", me);
        lines.put("chain", chain.chainId() + " at " + chain.rpcUrl() + ", block " + block);
        lines.put("token balance", TokenAmount.format(chain.read(chain.token().balanceOf(me))));
        if (profile.registered) {
            BigInteger free = profile.stake.subtract(profile.lockedStake);
            lines.put(
                    "stake",
                    TokenAmount.format(profile.stake) + " (" + TokenAmount.format(profile.lockedStake) + " locked, "
                            + TokenAmount.format(free) + " free)");
        } else {
            lines.put(
                    "stake",
                    "not registered: cotrain register --stake "
                            + TokenAmount.plain(chain.parameter(ProtocolParameter.MIN_CONTRIBUTOR_STAKE)));
        }
        lines.put("unbonding", unbonding(profile, block));
        List<ContributionLedger.Entry> entries = null;
        if (profile.registered) {
            lines.put(
                    "reputation",
                    new BigDecimal(profile.reputation).movePointLeft(2).setScale(2) + "% (" + profile.reputation
                            + " of 10000)");
            String failure = null;
            try {
                entries = ContributionLedger.of(chain, me);
            } catch (EventQueryException | ChainUnavailableException e) {
                failure = e.getMessage();
            }
            lines.put(
                    "contributions",
                    entries != null
                            ? summary(entries)
                            : "cannot list them: the endpoint refused the log query (" + failure + ")");
            BigInteger perContributor =
                    chain.roundParameter(round, ProtocolParameter.MAX_CONTRIBUTIONS_PER_CONTRIBUTOR);
            BigInteger now = profile.lastRound.equals(round) ? profile.lastRoundSubmissions : BigInteger.ZERO;
            lines.put(
                    "your submissions",
                    now + " of at most " + perContributor + " to round " + round
                            + (profile.lastRound.signum() > 0 && !profile.lastRound.equals(round)
                                    ? "; the latest went to round " + profile.lastRound + " ("
                                            + profile.lastRoundSubmissions + ")"
                                    : ""));
        }
        lines.put("claimable rewards", TokenAmount.format(chain.read(protocol.claimable(me))));
        lines.put("current round", currentRound(chain, round, block, paused));
        if (paused) lines.put("protocol", "PAUSED: " + Failures.PAUSED);

        int width = lines.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        lines.forEach((key, value) -> session.out().println(String.format("%-" + width + "s%s", key, value)));
        if (contributions && entries != null) {
            session.out().println();
            table(entries).forEach(session.out()::println);
            if (!entries.isEmpty()) session.out().println();
            for (ContributionStatus status :
                    ContributionLedger.countByStatus(entries).keySet()) {
                session.out().println(status + ": " + status.meaning());
            }
        }
    }

    /**
     * @param profile the contributor's profile
     * @param block the chain's block now
     * @return its unbonding requests in one line: how much, what is withdrawable now, from when all of it is
     */
    static String unbonding(CotrainProtocol.ContributorProfile profile, BigInteger block) {
        if (profile.unbondingStake.signum() == 0) return "none";
        String total = TokenAmount.format(profile.unbondingStake);
        if (profile.withdrawableStake.compareTo(profile.unbondingStake) >= 0) {
            return total + ", all of it withdrawable now: cotrain unstake --withdraw";
        }
        BigInteger left = profile.unbondingReadyBlock.subtract(block);
        String all = "all of it from block " + profile.unbondingReadyBlock + " (" + left + " block"
                + (left.equals(BigInteger.ONE) ? "" : "s") + " to go)";
        return total + ": "
                + (profile.withdrawableStake.signum() == 0
                        ? "none withdrawable yet, " + all
                        : TokenAmount.format(profile.withdrawableStake)
                                + " withdrawable now (cotrain unstake --withdraw), " + all);
    }

    /**
     * @param entries the account's contributions
     * @return e.g. {@code 3 submitted: 1 pending, 2 accepted; 24.5 COT earned}
     */
    static String summary(List<ContributionLedger.Entry> entries) {
        if (entries.isEmpty()) return "none submitted yet";
        StringJoiner statuses = new StringJoiner(", ");
        ContributionLedger.countByStatus(entries)
                .forEach((status, count) -> statuses.add(count + " " + status.label()));
        BigInteger earned = BigInteger.ZERO;
        BigInteger slashed = BigInteger.ZERO;
        for (ContributionLedger.Entry entry : entries) {
            earned = earned.add(entry.reward());
            slashed = slashed.add(entry.slashed());
        }
        return entries.size() + " submitted: " + statuses + "; " + TokenAmount.format(earned) + " earned"
                + (slashed.signum() > 0 ? ", " + TokenAmount.format(slashed) + " slashed" : "");
    }

    /**
     * @param entries contributions
     * @return a table of them, header first
     */
    static List<String> table(List<ContributionLedger.Entry> entries) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(List.of("ID", "ROUND", "KIND", "STATUS", "SCORE", "REWARD", "SLASHED", "MANIFEST"));
        for (ContributionLedger.Entry entry : entries) {
            cells.add(List.of(
                    entry.id().toString(),
                    entry.round().toString(),
                    entry.kindName(),
                    entry.status().toString(),
                    entry.score() == 0 ? "-" : Integer.toString(entry.score()),
                    TokenAmount.format(entry.reward()),
                    TokenAmount.format(entry.slashed()),
                    Arguments.hex(entry.digest())));
        }
        return TextTable.lines(cells);
    }

    private static String currentRound(Chain chain, BigInteger round, BigInteger block, boolean paused) {
        CotrainProtocol.RoundView info = chain.read(chain.protocol().roundInfo(round));
        BigInteger perRound = chain.roundParameter(round, ProtocolParameter.MAX_CONTRIBUTIONS_PER_ROUND);
        StringBuilder line =
                new StringBuilder(round + ", " + RoundPhase.of(info.phase).label() + " phase");
        if (info.submissionEndBlock.signum() > 0) {
            line.append(", submission window ends at block ").append(info.submissionEndBlock);
            if (paused) {
                line.append(" (paused: the window stands still until the protocol resumes");
            } else {
                BigInteger left = info.submissionEndBlock.subtract(block).max(BigInteger.ZERO);
                line.append(" (")
                        .append(left)
                        .append(" block")
                        .append(left.equals(BigInteger.ONE) ? "" : "s")
                        .append(" to go");
            }
            line.append("; ");
        } else {
            line.append(" (");
        }
        line.append(
                        info.exists
                                ? info.contributionCount + " contribution"
                                        + (info.contributionCount.equals(BigInteger.ONE) ? "" : "s") + " so far"
                                : "no contributions yet")
                .append(", at most ")
                .append(perRound)
                .append(")");
        return line.toString();
    }
}
