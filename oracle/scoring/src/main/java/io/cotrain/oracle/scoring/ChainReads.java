package io.cotrain.oracle.scoring;

import io.cotrain.client.RetryPolicy;
import java.io.IOException;
import java.util.concurrent.Callable;

/** Contract calls (eth_call) with the node's retry policy: I/O failures retried, anything else reported by name. */
final class ChainReads {
    private final RetryPolicy retry;

    ChainReads(RetryPolicy retry) {
        this.retry = retry;
    }

    <T> T read(String what, Callable<T> call) {
        return retry.call(what, () -> {
            try {
                return call.call();
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
            }
        });
    }
}
