package io.cotrain.ipfs.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/** Recipients' keys as the validator registry publishes them, for sealing content to test keys. */
public final class SealingKeys {
    private SealingKeys() {}

    /** @return the key's account address, lower case with 0x */
    public static String address(ECKeyPair key) {
        return "0x" + Keys.getAddress(key);
    }

    /** @return each key's 64-byte public key, by address, in the given order */
    public static Map<String, byte[]> publicKeys(ECKeyPair... keys) {
        Map<String, byte[]> publicKeys = new LinkedHashMap<>();
        for (ECKeyPair key : keys) publicKeys.put(address(key), Numeric.toBytesPadded(key.getPublicKey(), 64));
        return publicKeys;
    }
}
