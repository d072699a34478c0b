package io.cotrain.validator;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Drives the validator loop on two schedules, each every {@code cotrain.tick-interval}: the round duties, and the slow
 * work (judging, aggregation) that must not delay them. A run that is due while the previous one still runs is
 * skipped. On shutdown scheduling stops first, then {@link ValidatorService} waits for whatever is running.
 */
@ApplicationScoped
public class ValidatorTicker {
    static final String JOB = "validator-tick";
    static final String WORK_JOB = "validator-work";

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

    @Scheduled(
            identity = WORK_JOB,
            every = "${cotrain.tick-interval}",
            delayed = "${cotrain.first-tick-delay:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void work() {
        node.work();
    }

    /** Runs before the service's own shutdown observer (lower priority values are notified first). */
    void stopScheduling(@Observes @Priority(1) ShutdownEvent event) {
        scheduler.pause(JOB);
        scheduler.pause(WORK_JOB);
    }
}
