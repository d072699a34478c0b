package io.cotrain.validator.auth;

import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/** What a wallet's {@code personal_sign} returns for a text: the EIP-191 signature r || s || v, 0x-hex. */
public final class PersonalSign {
    private PersonalSign() {}

    public static String sign(String text, Credentials key) {
        Sign.SignatureData data = Sign.signPrefixedMessage(text.getBytes(StandardCharsets.UTF_8), key.getEcKeyPair());
        byte[] signature = new byte[65];
        System.arraycopy(data.getR(), 0, signature, 0, 32);
        System.arraycopy(data.getS(), 0, signature, 32, 32);
        signature[64] = data.getV()[0];
        return Numeric.toHexString(signature);
    }
}
