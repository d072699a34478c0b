package io.cotrain.client;

import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Hears about every transaction a sender sends: a hook for metrics and status pages. */
public interface TransactionListener {
    TransactionListener NONE = new TransactionListener() {};

    /** A transaction was mined and succeeded. */
    default void succeeded(String action, TransactionReceipt receipt) {}

    /** A transaction could not be sent, or reverted. */
    default void failed(String action, RuntimeException failure) {}
}
