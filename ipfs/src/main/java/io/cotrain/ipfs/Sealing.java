package io.cotrain.ipfs;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * Content sealed to a set of validators: ECIES on secp256k1 with AES-256-GCM. The content is encrypted once under a
 * fresh random content key; for each recipient the content key is wrapped under a key derived (HKDF-SHA256) from an
 * ECDH agreement between a fresh ephemeral key and the recipient's public key, so each recipient opens it with its own
 * account key and nobody else learns more than its size. What the content belongs to (a {@link Binding}) and the
 * plaintext's sha256 are authenticated with every ciphertext, and what is opened is checked against that sha256.
 *
 * <p>Recipients use their account (signing) key for the agreement, the key the validator registry already holds for
 * them, as devp2p's RLPx handshake does with node keys: the agreement's output only ever enters HKDF, bound to this
 * scheme's label, so no value it yields is a signature or a signed message, and each sealing uses a fresh ephemeral
 * key.
 *
 * @param plaintextSha256 the sha256 of the content
 * @param nonce the content cipher's 12-byte GCM nonce
 * @param recipients the content key wrapped for each recipient
 */
public record Sealing(byte[] plaintextSha256, byte[] nonce, List<Recipient> recipients) {
    /** Bytes of a content key. */
    static final int KEY_BYTES = 32;
    /** Bytes of a GCM nonce. */
    static final int NONCE_BYTES = 12;
    /** Bytes of a GCM tag, appended to every ciphertext. */
    public static final int TAG_BYTES = 16;
    /** Bytes of a secp256k1 public key, x then y. */
    public static final int PUBLIC_KEY_BYTES = 64;
    /** Bytes of a wrapped content key. */
    static final int WRAPPED_KEY_BYTES = KEY_BYTES + TAG_BYTES;
    /** Bytes of an ephemeral key's signature: r, s and the recovery byte v. */
    public static final int SIGNATURE_BYTES = 65;

    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]{40}");
    private static final String DERIVATION_LABEL = "cotrain sealing v1 ";
    private static final String EPHEMERAL_LABEL = "cotrain ephemeral key v1";

    public Sealing {
        Objects.requireNonNull(plaintextSha256, "plaintextSha256");
        Objects.requireNonNull(nonce, "nonce");
        if (plaintextSha256.length != Sha256.DIGEST_BYTES) {
            throw new IllegalArgumentException("a sealed content's sha256 is 32 bytes, got " + plaintextSha256.length);
        }
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("a sealing nonce is " + NONCE_BYTES + " bytes, got " + nonce.length);
        }
        recipients = List.copyOf(recipients);
        if (recipients.stream().map(Recipient::address).distinct().count() != recipients.size()) {
            throw new IllegalArgumentException("a sealing lists a recipient twice");
        }
    }

    /**
     * The content key wrapped for one recipient.
     *
     * @param address the recipient's address, lower case with 0x
     * @param ephemeralPublicKey the 64-byte public key of the ephemeral key agreed with it
     * @param ephemeralSignature the ephemeral key's 65-byte signature (r, s, v) of this wrap, its binding and the
     *     plaintext's sha256: proof that the sealer made the ephemeral key for this wrap, so that nobody can put an
     *     ephemeral key of another sealing in its own (a recipient's sealing fault evidence reveals its agreement with
     *     the ephemeral key, which must then be nothing the sealer did not know already; see {@link SealingFault})
     * @param nonce the wrapping cipher's 12-byte GCM nonce
     * @param wrappedKey the content key under the agreed key, with its GCM tag
     */
    public record Recipient(
            String address, byte[] ephemeralPublicKey, byte[] ephemeralSignature, byte[] nonce, byte[] wrappedKey) {
        public Recipient {
            if (address == null || !ADDRESS.matcher(address).matches()) {
                throw new IllegalArgumentException(
                        "a recipient's address must be 0x and 40 lower-case hex digits, got '" + address + "'");
            }
            requireLength("ephemeralPublicKey", ephemeralPublicKey, PUBLIC_KEY_BYTES);
            requireLength("ephemeralSignature", ephemeralSignature, SIGNATURE_BYTES);
            requireLength("nonce", nonce, NONCE_BYTES);
            requireLength("wrappedKey", wrappedKey, WRAPPED_KEY_BYTES);
        }
    }

    /**
     * What sealed content belongs to, mixed into every key derivation and authenticated with every ciphertext, so
     * that content sealed for one purpose (a task, a contributor) does not open as another's.
     *
     * @param label the scheme's name and version, e.g. {@code cotrain contribution v1}
     * @param context the owner's identifiers, e.g. the task id and contributor
     */
    public record Binding(String label, byte[] context) {
        byte[] keyInfo(String address) {
            byte[] label = this.label.getBytes(StandardCharsets.US_ASCII);
            return ByteBuffer.allocate(label.length + address.length() + context.length)
                    .put(label)
                    .put(address.getBytes(StandardCharsets.US_ASCII))
                    .put(context)
                    .array();
        }

        byte[] associatedData(byte[] plaintextSha256) {
            return ByteBuffer.allocate(context.length + plaintextSha256.length)
                    .put(context)
                    .put(plaintextSha256)
                    .array();
        }
    }

    /** Why sealed content did not open. */
    public enum Failure {
        /** It is not sealed to the key tried. */
        NOT_A_RECIPIENT,
        /** The ciphertext or the wrapped key was altered, or made for another binding or key. */
        DOES_NOT_DECRYPT,
        /** It decrypted, but not to the content whose sha256 it names. */
        OTHER_CONTENT
    }

    /** Sealed content that did not open, and why. */
    public static final class OpenException extends IllegalArgumentException {
        private final Failure failure;

        OpenException(Failure failure, String message, Throwable cause) {
            super(message, cause);
            this.failure = failure;
        }

        /** @return why it did not open */
        public Failure failure() {
            return failure;
        }
    }

    /**
     * Content and its sealing.
     *
     * @param sealing what names the content and its wrapped keys (public)
     * @param ciphertext the content under the content key, with its GCM tag
     */
    public record Sealed(Sealing sealing, byte[] ciphertext) {}

    /**
     * Where a sealing's content key, ephemeral keys and nonces come from: fresh randomness, or keys derived from a
     * secret of the sealer's, so that the same content sealed again by the same sealer to the same recipients is the
     * same bytes (a contributor's CLI then recognizes work it already submitted before anything is sent). Derived keys
     * depend on the plaintext's digest and the binding, so two different contents never share a key and nonce.
     */
    public interface KeySource {
        /**
         * @param context the binding's associated data for this content (binding context and plaintext sha256)
         * @param purpose what the bytes are for, e.g. {@code content key}
         * @param length how many bytes
         * @return the bytes
         */
        byte[] next(byte[] context, String purpose, int length);

        /** @return fresh randomness from {@code random} for every value */
        static KeySource random(SecureRandom random) {
            return (context, purpose, length) -> {
                byte[] bytes = new byte[length];
                random.nextBytes(bytes);
                return bytes;
            };
        }

        /**
         * @param secret the sealer's secret, such as its account's private key (only ever an HKDF input)
         * @return values derived with HKDF-SHA256 from the secret, the context and the purpose
         */
        static KeySource derived(byte[] secret) {
            byte[] ikm = secret.clone();
            return (context, purpose, length) -> {
                byte[] label = (DERIVATION_LABEL + purpose).getBytes(StandardCharsets.US_ASCII);
                HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
                hkdf.init(new HKDFParameters(ikm, context, label));
                byte[] bytes = new byte[length];
                hkdf.generateBytes(bytes, 0, length);
                return bytes;
            };
        }
    }

    /**
     * Seals content to recipients with fresh randomness.
     *
     * @see #seal(Binding, byte[], Map, KeySource)
     */
    public static Sealed seal(Binding binding, byte[] plaintext, Map<String, byte[]> publicKeys, SecureRandom random) {
        return seal(binding, plaintext, publicKeys, KeySource.random(random));
    }

    /**
     * Seals content to recipients.
     *
     * @param binding what the content belongs to
     * @param plaintext the content
     * @param publicKeys each recipient's 64-byte secp256k1 public key, by address; each key must hash to its address
     * @param keys the source of the content key, ephemeral keys and nonces
     * @return the sealing and the ciphertext
     * @throws IllegalArgumentException if a key is not a curve point of the address it is given for
     */
    public static Sealed seal(Binding binding, byte[] plaintext, Map<String, byte[]> publicKeys, KeySource keys) {
        byte[] digest = Sha256.of(plaintext);
        byte[] aad = binding.associatedData(digest);
        byte[] contentKey = keys.next(aad, "content key", KEY_BYTES);
        byte[] nonce = keys.next(aad, "content nonce", NONCE_BYTES);
        byte[] ciphertext = gcm(Cipher.ENCRYPT_MODE, contentKey, nonce, aad, plaintext);
        List<Recipient> recipients = new ArrayList<>();
        for (var entry : publicKeys.entrySet()) {
            String address = entry.getKey().toLowerCase(Locale.ROOT);
            byte[] publicKey = entry.getValue();
            if (publicKey.length != PUBLIC_KEY_BYTES
                    || !("0x" + Keys.getAddress(new BigInteger(1, publicKey))).equals(address)) {
                throw new IllegalArgumentException("the public key given for " + address + " is not that account's");
            }
            // a scalar in 1..n-1: 32 uniform bytes reduced mod n-1 are off uniform by under 2^-127
            BigInteger order = Sign.CURVE_PARAMS.getN();
            BigInteger scalar = new BigInteger(1, keys.next(aad, "ephemeral key " + address, KEY_BYTES))
                    .mod(order.subtract(BigInteger.ONE))
                    .add(BigInteger.ONE);
            ECKeyPair ephemeral = ECKeyPair.create(scalar);
            byte[] ephemeralPublic = Numeric.toBytesPadded(ephemeral.getPublicKey(), PUBLIC_KEY_BYTES);
            byte[] wrappingKey =
                    agreedKey(ephemeral.getPrivateKey(), publicKey, ephemeralPublic, binding.keyInfo(address));
            byte[] wrapNonce = keys.next(aad, "wrap nonce " + address, NONCE_BYTES);
            byte[] wrapped = gcm(Cipher.ENCRYPT_MODE, wrappingKey, wrapNonce, aad, contentKey);
            Sign.SignatureData signature = Sign.signMessage(
                    wrapDigest(binding, address, ephemeralPublic, wrapNonce, wrapped, digest), ephemeral, false);
            byte[] signed = ByteBuffer.allocate(SIGNATURE_BYTES)
                    .put(signature.getR())
                    .put(signature.getS())
                    .put(signature.getV())
                    .array();
            recipients.add(new Recipient(address, ephemeralPublic, signed, wrapNonce, wrapped));
        }
        return new Sealed(new Sealing(digest, nonce, recipients), ciphertext);
    }

    /**
     * @param address an account
     * @return its wrapped key, if the content is sealed to it
     */
    public Optional<Recipient> recipient(String address) {
        String lower = address.toLowerCase(Locale.ROOT);
        return recipients.stream().filter(r -> r.address().equals(lower)).findFirst();
    }

    /**
     * @param addresses the validators content should be sealed to
     * @return those it is not sealed to, lower case, in the given order
     */
    public List<String> missing(Collection<String> addresses) {
        return addresses.stream()
                .map(address -> address.toLowerCase(Locale.ROOT))
                .filter(address -> recipient(address).isEmpty())
                .toList();
    }

    /**
     * Opens sealed content with a recipient's own key.
     *
     * @param binding what the content must belong to
     * @param ciphertext the content under the content key
     * @param key the recipient's key pair
     * @return the content, its sha256 checked against {@link #plaintextSha256()}
     * @throws OpenException if it is not sealed to that key, does not decrypt, or holds other content
     */
    public byte[] open(Binding binding, byte[] ciphertext, ECKeyPair key) {
        return open(contentKey(binding, key), binding, ciphertext);
    }

    /**
     * Opens sealed content with its content key, as anyone can once its contributor reveals the key.
     *
     * @param contentKey the 32-byte content key
     * @param binding what the content must belong to
     * @param ciphertext the content under the content key
     * @return the content, its sha256 checked against {@link #plaintextSha256()}
     * @throws OpenException if it does not decrypt under that key or holds other content
     */
    public byte[] open(byte[] contentKey, Binding binding, byte[] ciphertext) {
        if (contentKey.length != KEY_BYTES) {
            throw new OpenException(
                    Failure.DOES_NOT_DECRYPT, "a content key is 32 bytes, got " + contentKey.length, null);
        }
        byte[] plaintext =
                gcm(Cipher.DECRYPT_MODE, contentKey, nonce, binding.associatedData(plaintextSha256), ciphertext);
        if (!MessageDigest.isEqual(Sha256.of(plaintext), plaintextSha256)) {
            throw new OpenException(
                    Failure.OTHER_CONTENT,
                    "decrypts to content of sha256 " + Sha256.hex(Sha256.of(plaintext)) + ", not the "
                            + Sha256.hex(plaintextSha256) + " it names",
                    null);
        }
        return plaintext;
    }

    /**
     * Unwraps the content key with a recipient's own key, for its owner to reveal.
     *
     * @param binding what the content belongs to
     * @param key a recipient's key pair
     * @return the 32-byte content key
     * @throws OpenException if it is not sealed to that key or the wrapped key was altered
     */
    public byte[] contentKey(Binding binding, ECKeyPair key) {
        String address = "0x" + Keys.getAddress(key);
        Recipient recipient = recipient(address)
                .orElseThrow(() -> new OpenException(Failure.NOT_A_RECIPIENT, "not sealed to " + address, null));
        return unwrap(binding, recipient, agreement(key.getPrivateKey(), recipient.ephemeralPublicKey()));
    }

    /**
     * Unwraps a recipient's content key with the agreement's shared point, as anyone can whom the recipient shows it
     * ({@link SealingFault}).
     *
     * @param binding what the content belongs to
     * @param recipient the recipient's wrapped key
     * @param shared the ECDH point the recipient's key and its ephemeral key agree on
     * @return the 32-byte content key
     * @throws OpenException if the wrapped key does not decrypt under the key derived from that point
     */
    byte[] unwrap(Binding binding, Recipient recipient, ECPoint shared) {
        byte[] wrappingKey = derivedKey(shared, recipient.ephemeralPublicKey(), binding.keyInfo(recipient.address()));
        return gcm(
                Cipher.DECRYPT_MODE,
                wrappingKey,
                recipient.nonce(),
                binding.associatedData(plaintextSha256),
                recipient.wrappedKey());
    }

    /**
     * @param binding what the content belongs to
     * @return the recipients whose ephemeral key is not a secp256k1 point, or did not sign its wrap for this binding
     *     and content: nobody can open what is wrapped for them, and nobody may make them show their agreement
     */
    public List<String> unboundRecipients(Binding binding) {
        return recipients.stream()
                .filter(recipient -> !bound(binding, recipient))
                .map(Recipient::address)
                .toList();
    }

    /** @return whether the recipient's ephemeral key is a point that signed this wrap of this content and binding */
    boolean bound(Binding binding, Recipient recipient) {
        byte[] signature = recipient.ephemeralSignature();
        byte v = signature[64];
        if (v != 27 && v != 28) return false;
        try {
            point(recipient.ephemeralPublicKey());
            BigInteger signer = Sign.signedMessageHashToKey(
                    wrapDigest(
                            binding,
                            recipient.address(),
                            recipient.ephemeralPublicKey(),
                            recipient.nonce(),
                            recipient.wrappedKey(),
                            plaintextSha256),
                    new Sign.SignatureData(
                            v, Arrays.copyOfRange(signature, 0, 32), Arrays.copyOfRange(signature, 32, 64)));
            return signer.equals(new BigInteger(1, recipient.ephemeralPublicKey()));
        } catch (SignatureException | RuntimeException e) {
            return false;
        }
    }

    /** What an ephemeral key signs: its wrap, for whom, of what content, under which binding. */
    private static byte[] wrapDigest(
            Binding binding, String address, byte[] ephemeralPublicKey, byte[] nonce, byte[] wrapped, byte[] digest) {
        byte[] label = EPHEMERAL_LABEL.getBytes(StandardCharsets.US_ASCII);
        byte[] info = binding.keyInfo(address);
        byte[] aad = binding.associatedData(digest);
        return Sha256.of(ByteBuffer.allocate(label.length
                        + info.length
                        + aad.length
                        + ephemeralPublicKey.length
                        + nonce.length
                        + wrapped.length)
                .put(label)
                .put(info)
                .put(aad)
                .put(ephemeralPublicKey)
                .put(nonce)
                .put(wrapped)
                .array());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Sealing that
                && Arrays.equals(plaintextSha256, that.plaintextSha256)
                && Arrays.equals(nonce, that.nonce)
                && recipients.size() == that.recipients.size()
                && IntStream.range(0, recipients.size()).allMatch(i -> same(recipients.get(i), that.recipients.get(i)));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(plaintextSha256) * 31 + Arrays.hashCode(nonce);
    }

    private static boolean same(Recipient a, Recipient b) {
        return a.address().equals(b.address())
                && Arrays.equals(a.ephemeralPublicKey(), b.ephemeralPublicKey())
                && Arrays.equals(a.ephemeralSignature(), b.ephemeralSignature())
                && Arrays.equals(a.nonce(), b.nonce())
                && Arrays.equals(a.wrappedKey(), b.wrappedKey());
    }

    /** The ECDH shared secret's x coordinate through HKDF-SHA256, salted with the ephemeral key, bound by info. */
    private static byte[] agreedKey(
            BigInteger privateKey, byte[] otherPublicKey, byte[] ephemeralPublicKey, byte[] info) {
        return derivedKey(agreement(privateKey, otherPublicKey), ephemeralPublicKey, info);
    }

    /** @return the ECDH point of a private key and another party's 64-byte public key */
    static ECPoint agreement(BigInteger privateKey, byte[] otherPublicKey) {
        ECPoint shared = point(otherPublicKey).multiply(privateKey).normalize();
        if (shared.isInfinity()) throw new OpenException(Failure.DOES_NOT_DECRYPT, "a key agreement failed", null);
        return shared;
    }

    /** @return the secp256k1 point of a 64-byte public key (x then y) */
    static ECPoint point(byte[] publicKey) {
        try {
            return Sign.CURVE_PARAMS.getCurve().decodePoint(prefixed(publicKey));
        } catch (IllegalArgumentException e) {
            throw new OpenException(Failure.DOES_NOT_DECRYPT, "a sealing key is not a secp256k1 point", e);
        }
    }

    private static byte[] derivedKey(ECPoint shared, byte[] ephemeralPublicKey, byte[] info) {
        byte[] secret = shared.normalize().getAffineXCoord().getEncoded();
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(secret, ephemeralPublicKey, info));
        byte[] key = new byte[KEY_BYTES];
        hkdf.generateBytes(key, 0, key.length);
        return key;
    }

    private static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(8 * TAG_BYTES, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new OpenException(
                    Failure.DOES_NOT_DECRYPT, "does not decrypt: wrong key, other owner or altered content", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable", e);
        }
    }

    private static byte[] prefixed(byte[] publicKey) {
        byte[] encoded = new byte[publicKey.length + 1];
        encoded[0] = 0x04;
        System.arraycopy(publicKey, 0, encoded, 1, publicKey.length);
        return encoded;
    }

    private static void requireLength(String field, byte[] value, int length) {
        if (value == null || value.length != length) {
            throw new IllegalArgumentException("a recipient's " + field + " must be " + length + " bytes, got "
                    + (value == null ? "none" : value.length));
        }
    }
}
