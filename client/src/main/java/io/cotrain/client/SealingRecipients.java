package io.cotrain.client;

import io.cotrain.contracts.generated.ValidatorRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The validators content is sealed to: every admitted validator whose public key the validator registry holds, by
 * lower-case address. Admitted but inactive validators are included, since they may be expected to score by the time
 * the content is judged; the registry only holds a key for the account it hashes to, so each key is its validator's.
 */
public final class SealingRecipients {
    private SealingRecipients() {}

    /**
     * @param registry the validator registry, as of the block to read
     * @return each recipient's 64-byte public key, by lower-case address, in the registry's order
     * @throws ChainUnavailableException when the chain does not answer
     */
    public static Map<String, byte[]> of(ValidatorRegistry registry) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        List<?> validators =
                ContractCalls.read("validators()", () -> registry.validators().send());
        for (Object entry : validators) {
            String validator = (String) entry;
            if (!ContractCalls.read(
                            "validatorInfo",
                            () -> registry.validatorInfo(validator).send())
                    .admitted) continue;
            byte[] key = ContractCalls.read(
                    "publicKeyOf", () -> registry.publicKeyOf(validator).send());
            if (key.length > 0) keys.put(validator.toLowerCase(Locale.ROOT), key);
        }
        return keys;
    }
}
