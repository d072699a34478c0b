package io.cotrain.oracle.scoring;

import io.cotrain.client.ContractRevertedException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares on chain exactly the tasks this node holds (configured and bound to their registry entries, see
 * {@link BindingDuty}): serves each held task it does not serve yet, and stops serving each task it neither holds nor
 * may still bind (not configured any more, or refused), so that contributions to a task are judged only by validators
 * that can evaluate them (and a task this node cannot judge does not count it towards its quorum). A task the model
 * registry does not hold yet ({@code UnknownTask}) and a validator not admitted yet are retried on the next tick; a
 * task bound or refused later is declared or withdrawn on the tick after.
 */
final class ServingDuty {
    private static final Logger LOG = LoggerFactory.getLogger(ServingDuty.class);
    /** Calls between two reads of the declarations while they match: a few minutes at the nodes' tick interval. */
    static final int RECHECK_CALLS = 60;

    private final ValidatorChain chain;
    private final TaskCatalog tasks;
    /** The held tasks when the declarations last matched them; null while they do not. */
    private volatile Set<Long> settledFor;
    /** Whether the last settlement could withdraw tasks. */
    private volatile boolean withdrawn;
    /** Calls since the declarations were last read from the chain. */
    private int callsSinceRead;

    ServingDuty(ValidatorChain chain, TaskCatalog tasks) {
        this.chain = chain;
        this.tasks = tasks;
    }

    /** @return whether the declarations on chain matched the held tasks when last checked */
    boolean settled() {
        return settledFor != null && settledFor.equals(Set.copyOf(tasks.taskIds()));
    }

    /**
     * Brings the declarations in line with the held tasks; while they already are, it reads them again only every
     * {@value #RECHECK_CALLS} calls (a validator that left the set and was admitted again has none). A refusal that a
     * later tick may not meet (the task not registered yet, the validator not admitted yet, its most served tasks
     * reached) leaves it to that tick.
     *
     * @param mayWithdraw whether a declared task this node does not hold may be withdrawn: not before the node has
     *     taken up again, after a restart, the tasks whose held-out sets it has
     * @throws ContractRevertedException for a refusal other than those
     */
    void perform(boolean mayWithdraw) {
        // settled: the chain is read again now and then all the same, since a full exit clears the declarations
        if (settled() && mayWithdraw == withdrawn && ++callsSinceRead < RECHECK_CALLS) return;
        callsSinceRead = 0;
        if (chain.validatorIndex().isEmpty()) return;
        Set<Long> held = new TreeSet<>(tasks.taskIds());
        Set<Long> mayBind = new TreeSet<>(tasks.unbound());
        Set<Long> declared = new LinkedHashSet<>(chain.servedTasks());
        // withdrawals first: they free the places that declarations take
        if (mayWithdraw) {
            for (long task : declared) {
                if (held.contains(task) || mayBind.contains(task)) continue;
                chain.stopServingTask(task);
                LOG.info("stopped serving task {}: this node does not hold it", task);
            }
        }
        boolean complete = true;
        for (long task : held) {
            if (!declared.contains(task)) complete &= declare(task);
        }
        settledFor = complete ? Set.copyOf(held) : null;
        withdrawn = mayWithdraw;
    }

    private boolean declare(long task) {
        try {
            chain.serveTask(task);
            LOG.info("serving task {}", task);
            return true;
        } catch (ContractRevertedException e) {
            if ("UnknownTask".equals(e.errorName())
                    || "ValidatorNotAdmitted".equals(e.errorName())
                    || "TooManyServedTasks".equals(e.errorName())) {
                LOG.info("task {} cannot be served yet: {}", task, e.getMessage());
                return false;
            }
            throw e;
        }
    }
}
