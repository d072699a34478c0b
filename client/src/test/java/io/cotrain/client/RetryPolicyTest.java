package io.cotrain.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2));

    @Test
    void retriesIoErrorsUntilTheCallSucceeds() {
        AtomicInteger attempts = new AtomicInteger();
        String result = policy.call("flaky", () -> {
            if (attempts.incrementAndGet() < 3) throw new IOException("connection refused");
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void givesUpAfterMaxAttemptsNamingTheCall() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> policy.call("read block number", () -> {
                    attempts.incrementAndGet();
                    throw new IOException("connection refused");
                }))
                .isInstanceOf(ChainUnavailableException.class)
                .hasMessage("read block number failed after 3 attempts: connection refused");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void doesNotRetryOtherFailures() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> policy.call("revert", () -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("reverted");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(attempts).hasValue(1);
    }
}
