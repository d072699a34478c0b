package io.cotrain.validator.api;

import io.cotrain.validator.ProblemException;
import io.cotrain.validator.ValidatorConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-client token buckets (bucket4j) in front of the {@link RateLimited} endpoints: a signed-in client is counted by
 * its address, anyone else by its IP address. A client over its budget gets 429 with Retry-After. The table of
 * buckets is bounded: when it holds too many clients it starts afresh, which at worst gives everyone a full bucket.
 */
@Provider
@RateLimited
@Priority(Priorities.AUTHORIZATION + 1)
public class RateLimitFilter implements ContainerRequestFilter {
    private static final int MAX_CLIENTS = 10_000;

    /** A provider: REST filters are made at static init, before config mappings exist. */
    @Inject
    Instance<ValidatorConfig> config;

    @Inject
    SecurityIdentity identity;

    @Inject
    HttpServerRequest request;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    @Override
    public void filter(ContainerRequestContext context) {
        String client = identity.isAnonymous()
                ? "ip:" + request.remoteAddress().hostAddress()
                : "address:" + identity.getPrincipal().getName().toLowerCase(Locale.ROOT);
        if (buckets.size() >= MAX_CLIENTS) buckets.clear();
        int perMinute = config.get().gateway().expensiveRequestsPerMinute();
        Bucket bucket = buckets.computeIfAbsent(
                client,
                key -> Bucket.builder()
                        .addLimit(Bandwidth.builder()
                                .capacity(perMinute)
                                .refillGreedy(perMinute, Duration.ofMinutes(1))
                                .build())
                        .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(
                    1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1);
            throw new ProblemException(
                    429,
                    "this client made more than " + perMinute + " requests a minute to "
                            + "the expensive endpoints (evaluation, transactions, sign-in): retry in " + seconds + " s",
                    Map.of("Retry-After", Long.toString(seconds)));
        }
    }
}
