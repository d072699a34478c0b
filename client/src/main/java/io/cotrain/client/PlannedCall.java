package io.cotrain.client;

/**
 * One transaction of a plan, not signed yet: the CLI signs and sends it, the gateway hands it to a wallet.
 *
 * @param function the contract function it calls, e.g. {@code approve}
 * @param description what it does, for people, e.g. {@code approve the protocol to take 100 COT}
 * @param to the contract
 * @param data the ABI-encoded call
 */
public record PlannedCall(String function, String description, String to, String data) {}
