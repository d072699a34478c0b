package io.cotrain.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: the one "await until" of the integration tests. */
public final class Await {
    /** How often {@link #until(String, Duration, Condition)} asks. */
    public static final Duration POLL = Duration.ofMillis(250);

    /** A condition that may fail with an exception, which stops the wait. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {}

    /**
     * @param what what is awaited, for the failure message
     * @throws AssertionError naming {@code what} and the timeout when the condition does not hold in time
     */
    public static void until(String what, Duration timeout, Condition condition) throws Exception {
        until(what, timeout, POLL, condition, () -> "");
    }

    /**
     * @param what what is awaited, for the failure message
     * @param poll the pause between two asks
     * @param state what the failure message adds (a log, a status), read only when the wait fails
     * @throws AssertionError naming {@code what}, the timeout and the state when the condition does not hold in time
     */
    public static void until(String what, Duration timeout, Duration poll, Condition condition, Supplier<String> state)
            throws Exception {
        if (!within(timeout, poll, condition)) {
            String context = state.get();
            throw new AssertionError(what + " not within " + timeout + (context.isEmpty() ? "" : ":\n" + context));
        }
    }

    /** @return whether the condition held within the timeout, asked every {@code poll} and once more at the end */
    public static boolean within(Duration timeout, Duration poll, Condition condition) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (condition.holds()) return true;
            Thread.sleep(poll);
        }
        return condition.holds();
    }
}
