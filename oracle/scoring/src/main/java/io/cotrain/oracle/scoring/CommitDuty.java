package io.cotrain.oracle.scoring;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import java.math.BigInteger;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In a round's commit window, commits one hash over this validator's scores, when the round expects it. The scores
 * and salt are journaled before the transaction leaves (a crash after it is mined must still be able to reveal),
 * and a journaled commitment is sent again as it is, never prepared anew: a second salt would not match the hash.
 * Scores are prepared only once the round takes sealing fault reports no more, so that every validator judges with the
 * same reports ({@link SealingFaultCheck}); meanwhile the round's contributions are judged, all of them against one
 * fetch deadline, so that content nobody stored costs the round one deadline. Nor are they prepared before the node
 * has looked at every registered task once since it started: a node restarted mid-round serves its tasks on chain
 * before it has taken them up again, and scores prepared then would abstain where it must judge, a deviation.
 */
final class CommitDuty {
    private static final Logger LOG = LoggerFactory.getLogger(CommitDuty.class);

    /** Judges a round and journals its scores with a fresh salt, durably, as {@link ScoreJournal.State#PREPARED}. */
    @FunctionalInterface
    interface Preparer {
        ScoreJournal.Entry prepare(BigInteger round, RoundView info);
    }

    /** Judges every contribution of a round that this validator judges, storing the judgements. */
    @FunctionalInterface
    interface Judge {
        void judge(BigInteger round, RoundView info);
    }

    private final ValidatorChain chain;
    private final ScoreJournal journal;
    private final Judge judge;
    private final Preparer preparer;
    private final BooleanSupplier tasksTakenUp;

    /**
     * @param tasksTakenUp whether the node has looked at every registered task since it started (DiscoveryDuty)
     */
    CommitDuty(
            ValidatorChain chain, ScoreJournal journal, Judge judge, Preparer preparer, BooleanSupplier tasksTakenUp) {
        this.chain = chain;
        this.journal = journal;
        this.judge = judge;
        this.preparer = preparer;
        this.tasksTakenUp = tasksTakenUp;
    }

    /**
     * @param info the round, in its commit phase
     * @throws ContractRevertedException for a revert other than {@code AlreadyCommitted}; the journal keeps the salt
     */
    void perform(BigInteger round, RoundView info) {
        Optional<Integer> index = chain.validatorIndex();
        if (index.isEmpty() || !info.expectedValidators.testBit(index.get())) return;
        Optional<ScoreJournal.Entry> entry = journal.read(round);
        if (info.committedValidators.testBit(index.get())) {
            // mined before the last crash, journaled as prepared only
            entry.filter(e -> e.state() == ScoreJournal.State.PREPARED)
                    .ifPresent(e -> journal.write(e.withState(ScoreJournal.State.COMMITTED)));
            return;
        }
        if (entry.isEmpty() && !tasksTakenUp.getAsBoolean()) return;
        if (entry.isEmpty() && chain.sealingFaultsOpen(round)) {
            judge.judge(round, info);
            return;
        }
        ScoreJournal.Entry prepared = entry.orElseGet(() -> preparer.prepare(round, info));
        try {
            chain.commitScores(round, chain.commitmentHash(prepared.commitment()));
        } catch (ContractRevertedException e) {
            if (!"AlreadyCommitted".equals(e.errorName())) throw e;
        }
        journal.write(prepared.withState(ScoreJournal.State.COMMITTED));
        LOG.info("committed to {} scores for round {}", prepared.commitment().scores().length, round);
    }
}
