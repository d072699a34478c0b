package io.cotrain.oracle.scoring;

import io.cotrain.client.ContractRevertedException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the evidence this validator made against content sealed to it that does not open ({@link SealedArtifacts}),
 * while the protocol takes reports for its round: the other validators check it before they commit and floor the
 * contribution with this one, so that a contributor cannot make one chosen validator deviate from the rest.
 */
final class SealingFaultDuty {
    private static final Logger LOG = LoggerFactory.getLogger(SealingFaultDuty.class);

    private final ValidatorChain chain;
    private final SealingFaultOutbox outbox;

    SealingFaultDuty(ValidatorChain chain, SealingFaultOutbox outbox) {
        this.chain = chain;
        this.outbox = outbox;
    }

    /**
     * Sends every waiting report whose round still takes reports, and drops those too late or refused. A report
     * that fails for a passing reason (the node, a pause) stays for the next call; the others go on.
     *
     * @param problems told of each report that failed, or came too late
     */
    void perform(Consumer<String> problems) {
        for (SealingFaultOutbox.Pending pending : outbox.pending()) {
            try {
                if (chain.sealingFaultsOpen(pending.round())) {
                    chain.reportSealingFault(pending.contentDigest(), pending.evidence());
                    LOG.info("reported the sealing fault of contribution {}", pending.contributionId());
                } else {
                    problems.accept("contribution " + pending.contributionId() + ": round " + pending.round()
                            + " took sealing fault reports no more; this validator's floor stays unproven");
                }
                outbox.remove(pending.contributionId());
            } catch (ContractRevertedException e) {
                // refused for good (too late, or not a validator the round expects), unless only paused
                problems.accept("reporting the sealing fault of contribution " + pending.contributionId() + ": "
                        + e.getMessage());
                if (!"ProtocolPaused".equals(e.errorName())) outbox.remove(pending.contributionId());
            } catch (RuntimeException e) {
                problems.accept("reporting the sealing fault of contribution " + pending.contributionId() + ": "
                        + e.getMessage());
            }
        }
    }
}
