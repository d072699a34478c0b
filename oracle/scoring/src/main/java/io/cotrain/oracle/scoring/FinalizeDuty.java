package io.cotrain.oracle.scoring;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;

/**
 * After a round's reveal window, settles its next page of contributions. Finalizing is permissionless and pays no
 * one, so validators take turns a few blocks apart by index instead of all paying for the same call; one outside the
 * set goes last.
 */
final class FinalizeDuty {
    /** Reverts meaning someone else settled the round or this page first. */
    private static final Set<String> FINALIZED_BY_ANOTHER = Set.of("WrongPhase", "NotAtPosition", "PageBeyondRound");
    /** The turn of a node outside the validator set: after every validator's. */
    private static final int OUTSIDER_TURN = 8;

    /** The round's contributions in position order. */
    @FunctionalInterface
    interface Contributions {
        List<ContributionRecord> of(BigInteger round, RoundView info);
    }

    private final ValidatorChain chain;
    private final Contributions contributions;
    private final ValidatorLoop.Settings settings;

    FinalizeDuty(ValidatorChain chain, Contributions contributions, ValidatorLoop.Settings settings) {
        this.chain = chain;
        this.contributions = contributions;
        this.settings = settings;
    }

    /**
     * @param info the round, in its finalization phase
     * @throws ContractRevertedException for a revert that does not mean another finalized first
     */
    void perform(BigInteger round, RoundView info) {
        int turn = chain.validatorIndex().orElse(OUTSIDER_TURN);
        BigInteger myBlock = info.revealEndBlock.add(BigInteger.valueOf((long) turn * settings.finalizeTurnBlocks()));
        if (chain.blockNumber().compareTo(myBlock) < 0) return;
        int done = info.finalizedCount.intValueExact();
        int end = Math.min(info.contributionCount.intValueExact(), done + settings.finalizePageSize());
        List<byte[]> page = contributions.of(round, info).subList(done, end).stream()
                .map(ContributionRecord::contentDigest)
                .toList();
        try {
            chain.finalizeRound(round, page);
        } catch (ContractRevertedException e) {
            if (e.errorName() == null || !FINALIZED_BY_ANOTHER.contains(e.errorName())) throw e;
        }
    }
}
