package io.cotrain.ipfs;

import java.io.ByteArrayOutputStream;

/**
 * RFC 4648 base32, lower case, without padding: the multibase {@code b} encoding of CIDv1 strings. Decoding is
 * strict (only the alphabet, zero trailing bits) so one CID has exactly one string form.
 */
final class Base32 {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private static final int BITS_PER_CHAR = 5;

    private Base32() {}

    static String encode(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 8 + BITS_PER_CHAR - 1) / BITS_PER_CHAR);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= BITS_PER_CHAR) {
                bits -= BITS_PER_CHAR;
                out.append(ALPHABET.charAt((buffer >>> bits) & 0x1f));
            }
        }
        if (bits > 0) out.append(ALPHABET.charAt((buffer << (BITS_PER_CHAR - bits)) & 0x1f));
        return out.toString();
    }

    /**
     * @throws IllegalArgumentException naming the problem if {@code text} is not canonical unpadded base32
     */
    static byte[] decode(CharSequence text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() * BITS_PER_CHAR / 8);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < text.length(); i++) {
            int value = ALPHABET.indexOf(text.charAt(i));
            if (value < 0) {
                throw new IllegalArgumentException(
                        "'" + text.charAt(i) + "' at " + i + " is not a lower-case base32 character");
            }
            buffer = (buffer << BITS_PER_CHAR) | value;
            bits += BITS_PER_CHAR;
            if (bits >= 8) {
                bits -= 8;
                out.write(buffer >>> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        // Leftover bits are padding inside the last character: a canonical encoder leaves them zero and never
        // emits a whole character of padding.
        if (bits >= BITS_PER_CHAR || buffer != 0)
            throw new IllegalArgumentException("not canonical base32 (bad length or trailing bits)");
        return out.toByteArray();
    }
}
