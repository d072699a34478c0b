package io.cotrain.client;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.ModelRegistry;
import java.math.BigInteger;
import java.util.HexFormat;

/**
 * The transactions a model owner or contributor sends, each defined once: the CLI signs and sends them, the gateway
 * returns them unsigned and relays only calls of these functions. Staking, a sequence of calls, is {@link StakePlan}.
 */
public final class TransactionPlans {
    private TransactionPlans() {}

    /**
     * @param models a binding of the model registry (used to encode calls only)
     * @param spec the model's registration
     * @return {@code registerModel}; the sender receives the model NFT
     */
    public static PlannedCall registerModel(ModelRegistry models, ModelRegistry.ModelSpec spec) {
        return new PlannedCall(
                "registerModel",
                "register the model; the wallet receives the model NFT",
                models.getContractAddress(),
                models.registerModel(spec).encodeFunctionCall());
    }

    /**
     * @param protocol a binding of the protocol (used to encode calls only)
     * @param kind what the contribution is
     * @param manifestDigest the sha256 of its manifest on IPFS
     * @param taskId the task it contributes to
     * @return {@code submitContribution}, which locks the round's stake per contribution
     */
    public static PlannedCall submitContribution(
            CotrainProtocol protocol, ContributionKind kind, byte[] manifestDigest, long taskId) {
        return new PlannedCall(
                "submitContribution",
                "submitContribution(" + kind + ", 0x" + HexFormat.of().formatHex(manifestDigest) + ", task " + taskId
                        + ")",
                protocol.getContractAddress(),
                protocol.submitContribution(kind.onChain(), manifestDigest, BigInteger.valueOf(taskId))
                        .encodeFunctionCall());
    }

    /**
     * @param protocol a binding of the protocol (used to encode calls only)
     * @return {@code claimRewards}: pays out everything the sender may claim
     */
    public static PlannedCall claimRewards(CotrainProtocol protocol) {
        return new PlannedCall(
                "claimRewards",
                "claimRewards()",
                protocol.getContractAddress(),
                protocol.claimRewards().encodeFunctionCall());
    }
}
