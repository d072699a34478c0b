package io.cotrain.oracle.scoring;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import java.math.BigInteger;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** In a round's reveal window, reveals exactly the scores and salt this validator journaled and committed to. */
final class RevealDuty {
    private static final Logger LOG = LoggerFactory.getLogger(RevealDuty.class);

    private final ValidatorChain chain;
    private final ScoreJournal journal;

    RevealDuty(ValidatorChain chain, ScoreJournal journal) {
        this.chain = chain;
        this.journal = journal;
    }

    /**
     * @param info the round, in its reveal phase
     * @throws IllegalStateException when this validator committed but has no journal entry to reveal
     * @throws ContractRevertedException for a revert other than {@code AlreadyRevealed}
     */
    void perform(BigInteger round, RoundView info) {
        Optional<Integer> index = chain.validatorIndex();
        if (index.isEmpty() || !info.committedValidators.testBit(index.get())) return;
        Optional<ScoreJournal.Entry> entry = journal.read(round);
        if (info.revealedValidators.testBit(index.get())) {
            // mined before the last crash, not journaled yet
            entry.filter(e -> e.state() != ScoreJournal.State.REVEALED)
                    .ifPresent(e -> journal.write(e.withState(ScoreJournal.State.REVEALED)));
            return;
        }
        if (entry.isEmpty()) {
            throw new IllegalStateException("round " + round + " was committed but this node has no journal entry for "
                    + "it: it cannot reveal (was the data directory replaced?)");
        }
        try {
            chain.revealScores(entry.get().commitment());
        } catch (ContractRevertedException e) {
            if (!"AlreadyRevealed".equals(e.errorName())) throw e;
        }
        journal.write(entry.get().withState(ScoreJournal.State.REVEALED));
        LOG.info("revealed scores for round {}", round);
    }
}
