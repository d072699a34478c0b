package io.cotrain.validator;

import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the scheduler runs and the loop keeps ticking: a tick started within the last few intervals, or one is
 * running now and started less than 30 minutes ago (a long evaluation is work, not a hang), or the node has only
 * just started.
 */
@Liveness
@ApplicationScoped
public class SchedulerLiveness implements HealthCheck {
    private static final Duration MIN_GRACE = Duration.ofMinutes(1);
    private static final int GRACE_INTERVALS = 5;
    /** A tick running longer than this is taken as hung. */
    static final Duration HUNG = Duration.ofMinutes(30);

    @Inject
    ValidatorService node;

    @Inject
    NodeSettings settings;

    @Inject
    Scheduler scheduler;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("validator scheduler")
                .withData("ticks", node.ticks())
                .withData("tickRunning", node.tickRunning());
        node.lastTickStarted().ifPresent(at -> response.withData("lastTickStarted", at.toString()));
        node.lastTickEnded().ifPresent(at -> response.withData("lastTickEnded", at.toString()));
        if (!settings.validationEnabled())
            return response.withData("validation", "off").up().build();
        boolean running = scheduler.isRunning() && !scheduler.isPaused(ValidatorTicker.JOB);
        return response.status(running
                        && fresh(
                                node.lastTickStarted().orElse(node.startedAt()),
                                node.tickRunning(),
                                settings.tickInterval(),
                                Instant.now()))
                .build();
    }

    /**
     * @return whether the loop counts as ticking: a tick is running, or the last one started within
     *     max(5 intervals, 1 minute)
     */
    static boolean fresh(Instant lastStarted, boolean running, Duration interval, Instant now) {
        if (running) return !lastStarted.plus(HUNG).isBefore(now);
        Duration grace = interval.multipliedBy(GRACE_INTERVALS);
        if (grace.compareTo(MIN_GRACE) < 0) grace = MIN_GRACE;
        return !lastStarted.plus(grace).isBefore(now);
    }
}
