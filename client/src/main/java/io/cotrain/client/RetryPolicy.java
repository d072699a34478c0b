package io.cotrain.client;

import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a call that failed with an I/O error (the RPC endpoint down, a timeout) with exponential backoff. Other
 * failures, reverts above all, are not retried: they would fail the same way again.
 *
 * @param maxAttempts attempts in all, at least 1
 * @param initialDelay wait before the second attempt
 * @param maxDelay the longest wait between attempts
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }

    /** @return 6 attempts from 200 ms doubling up to 5 s: rides out an RPC restart of about 10 s */
    public static RetryPolicy defaults() {
        return new RetryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    /** A call that may fail with an I/O error. */
    @FunctionalInterface
    public interface IoCall<T> {
        T call() throws IOException;
    }

    /**
     * @param what what the call does, for the log and the final error
     * @param call the call
     * @return its result
     * @throws ChainUnavailableException when every attempt failed with an I/O error
     */
    public <T> T call(String what, IoCall<T> call) {
        Duration delay = initialDelay;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (IOException e) {
                if (attempt >= maxAttempts) {
                    throw new ChainUnavailableException(
                            what + " failed after " + attempt + " attempts: " + e.getMessage(), e);
                }
                LOG.warn(
                        "{} failed (attempt {}/{}): {}; retrying in {} ms",
                        what,
                        attempt,
                        maxAttempts,
                        e.getMessage(),
                        delay.toMillis());
                sleep(delay);
                delay = delay.multipliedBy(2).compareTo(maxDelay) > 0 ? maxDelay : delay.multipliedBy(2);
            }
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChainUnavailableException("interrupted while waiting to retry", e);
        }
    }
}
