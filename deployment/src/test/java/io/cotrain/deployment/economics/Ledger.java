package io.cotrain.deployment.economics;

import java.util.HashMap;
import java.util.Map;

/**
 * The contract's settlement of one scored model update, with the deploy defaults (deployment/script/Deploy.s.sol):
 * a score below the slash threshold (30) slashes half the 10-COT lock; a score above neutral (50) is paid
 * {@code 20 COT x (score - 50) / 50 x (0.5 + reputation / 10000)}; every scored contribution pays the 1-COT fee;
 * reputation moves to {@code 0.8 x reputation + 0.2 x score x 100}, from 5000. As ScoreConsensus and
 * ContributorStaking settle it; a pool large enough that no reward falls short.
 */
final class Ledger {
    static final int NEUTRAL = 50;
    static final int SLASH_THRESHOLD = 30;
    /** How far a validator's score may be from the consensus before it counts as a deviation (ToleranceScore). */
    static final int TOLERANCE = 10;

    private static final double BASE_REWARD = 20;
    private static final double SLASHED_PER_CONTRIBUTION = 5;
    private static final double FEE = 1;
    private static final double ALPHA = 0.2;
    private static final double INITIAL_REPUTATION = 5_000;

    /** What one wallet received and lost. */
    static final class Account {
        double rewards;
        double slashed;
        double fees;
        int floored;
        int slashedContributions;
        int contributions;
        int rewardedRounds;
        double reputation = INITIAL_REPUTATION;
    }

    private final Map<String, Account> accounts = new HashMap<>();

    /** Settles one contribution of {@code wallet} and returns its reward. */
    double settle(String wallet, int score, boolean floored) {
        Account account = accounts.computeIfAbsent(wallet, w -> new Account());
        account.contributions++;
        account.fees += FEE;
        if (floored) account.floored++;
        double reward = 0;
        if (score < SLASH_THRESHOLD) {
            account.slashed += SLASHED_PER_CONTRIBUTION;
            account.slashedContributions++;
        } else if (score > NEUTRAL) {
            reward = BASE_REWARD * (score - NEUTRAL) / (100.0 - NEUTRAL) * (0.5 + account.reputation / 10_000);
            account.rewards += reward;
        }
        account.reputation = account.reputation * (1 - ALPHA) + score * 100.0 * ALPHA;
        return reward;
    }

    Account account(String wallet) {
        return accounts.computeIfAbsent(wallet, w -> new Account());
    }
}
