package io.cotrain.client;

import io.cotrain.contracts.AggregationMethod;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.ModelRegistry;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;

/**
 * The transactions a model owner or contributor sends, each defined once: the CLI signs and sends them, the gateway
 * returns them unsigned and relays only calls of these functions. Staking, a sequence of calls, is {@link StakePlan}.
 */
public final class TransactionPlans {
    private TransactionPlans() {}

    /**
     * A model's registration as the registry takes it, assembled once for the CLI and the gateway (each checks its
     * own input first; the registry checks the rule's parameters and that the weights sum to 10000).
     *
     * @param baseSha256    the base model's sha256
     * @param baseRoot      the digest of the base model's IPFS root (its CID's multihash digest)
     * @param heldOut       the held-out set's sha256
     * @param schema        the digest of the schema document's CID
     * @param rule          the aggregation rule
     * @param ruleA         its first parameter (0 when it takes none)
     * @param ruleB         its second parameter
     * @param rewardWeights basis points of the reward for model updates, datasets and validation work, in that order
     * @throws IllegalArgumentException when there are not three weights
     */
    public static ModelRegistry.ModelSpec modelSpec(
            byte[] baseSha256,
            byte[] baseRoot,
            byte[] heldOut,
            byte[] schema,
            AggregationMethod rule,
            int ruleA,
            int ruleB,
            List<Integer> rewardWeights) {
        if (rewardWeights.size() != ContributionKind.values().length) {
            throw new IllegalArgumentException("one reward weight per contribution kind, got " + rewardWeights);
        }
        return new ModelRegistry.ModelSpec(
                baseSha256,
                baseRoot,
                heldOut,
                schema,
                rule.onChain(),
                BigInteger.valueOf(ruleA),
                BigInteger.valueOf(ruleB),
                BigInteger.valueOf(rewardWeights.get(0)),
                BigInteger.valueOf(rewardWeights.get(1)),
                BigInteger.valueOf(rewardWeights.get(2)));
    }

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

    /**
     * @param protocol the protocol
     * @param manifestDigest the contribution's content digest
     * @param contentKey the 32-byte key its sealed content is encrypted under
     * @return the revealContent call: publishes the key, once the contribution's round is finalized
     */
    public static PlannedCall revealContent(CotrainProtocol protocol, byte[] manifestDigest, byte[] contentKey) {
        return new PlannedCall(
                "revealContent",
                "revealContent(0x" + HexFormat.of().formatHex(manifestDigest) + ")",
                protocol.getContractAddress(),
                protocol.revealContent(manifestDigest, contentKey).encodeFunctionCall());
    }
}
