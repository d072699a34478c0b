package io.cotrain.ipfs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256, the one hash Cotrain's content addresses use, and the lower-case hex its digests are written in. */
final class Sha256 {
    static final int DIGEST_BYTES = 32;
    private static final HexFormat HEX = HexFormat.of();

    private Sha256() {}

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static byte[] of(byte[] bytes) {
        return newDigest().digest(bytes);
    }

    static String hex(byte[] digest) {
        return HEX.formatHex(digest);
    }
}
