package io.cotrain.validator;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Drives the validator loop: one tick every {@code cotrain.tick-interval}; a tick that is due while the previous one
 * still runs is skipped. On shutdown scheduling stops first, then {@link ValidatorService} waits for a running tick.
 */
@ApplicationScoped
public class ValidatorTicker {
    static final String JOB = "validator-tick";

    @Inject
    ValidatorService node;

    @Inject
    Scheduler scheduler;

    @Scheduled(
            identity = JOB,
            every = "${cotrain.tick-interval}",
            delayed = "${cotrain.first-tick-delay:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        node.tick();
    }

    /** Runs before the service's own shutdown observer (lower priority values are notified first). */
    void stopScheduling(@Observes @Priority(1) ShutdownEvent event) {
        scheduler.pause(JOB);
    }
}
