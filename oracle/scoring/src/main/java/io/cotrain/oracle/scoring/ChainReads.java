package io.cotrain.oracle.scoring;

import io.cotrain.client.ContractCalls;
import io.cotrain.client.RetryPolicy;

/** Contract calls (eth_call) with the node's retry policy: I/O failures retried, anything else reported by name. */
final class ChainReads {
    private final RetryPolicy retry;

    ChainReads(RetryPolicy retry) {
        this.retry = retry;
    }

    <T> T read(String what, ContractCalls.Call<T> call) {
        return ContractCalls.read(what, call, retry);
    }
}
