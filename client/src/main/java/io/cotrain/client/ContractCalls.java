package io.cotrain.client;

import java.io.IOException;

/**
 * Calls to the chain (views, block numbers) with their failures translated once: the one "call a binding and
 * translate the exception" of the off-chain parts.
 */
public final class ContractCalls {
    /** A call that may fail with an I/O error or anything else a web3j call declares. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws Exception;
    }

    private ContractCalls() {}

    /**
     * @param what the call, for messages, e.g. {@code roundInfo(3)}
     * @return its result
     * @throws ChainUnavailableException when the endpoint does not answer (the {@link IOException} is the cause)
     * @throws IllegalStateException naming {@code what} for any other checked failure; unchecked ones (a revert web3j
     *     reports) pass as they are
     */
    public static <T> T read(String what, Call<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new ChainUnavailableException(what + ": the chain does not answer: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * {@link #read(String, Call)}, retrying a call the endpoint did not answer by {@code retry}; for a node's logs,
     * every other failure, checked or not, is wrapped in an {@link IllegalStateException} naming {@code what}.
     *
     * @throws ChainUnavailableException when every attempt failed with an I/O error
     */
    public static <T> T read(String what, Call<T> call, RetryPolicy retry) {
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
