package io.cotrain.ipfs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 * A task's held-out set encrypted to validators (ECIES on secp256k1 with AES-256-GCM), stored on IPFS and announced
 * by the model registry's {@code HeldOutShared} event. The set is encrypted once under a random content key; for each
 * recipient the content key is wrapped under a key derived (HKDF-SHA256) from an ECDH agreement between a fresh
 * ephemeral key and the recipient's public key, so each recipient opens it with its own signing key and nobody else
 * learns more than its size. The task id and the set's sha256 are authenticated with every ciphertext, and the set
 * opened is checked against that sha256, which the registry records.
 *
 * <p>Canonical JSON, bytes as lower-case hex (the set's ciphertext as base64):
 *
 * <pre>{"formatVersion":1,"taskId":2,"heldOutSha256":"..","nonce":"..","ciphertext":"..",
 *  "recipients":[{"address":"0x..","ephemeralPublicKey":"..","nonce":"..","wrappedKey":".."}]}</pre>
 *
 * @param taskId the task (model id) the set belongs to
 * @param heldOutSha256 the sha256 of the plaintext set
 * @param nonce the content cipher's 12-byte GCM nonce
 * @param ciphertext the set under the content key, with its GCM tag
 * @param recipients one entry per validator it is encrypted to
 */
public record HeldOutEnvelope(
        long taskId, byte[] heldOutSha256, byte[] nonce, byte[] ciphertext, List<Recipient> recipients) {
    /** The format this code reads and writes. */
    public static final int FORMAT_VERSION = 1;

    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int PUBLIC_KEY_BYTES = 64;
    private static final byte[] INFO = "cotrain held-out envelope v1".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();
    private static final Set<String> FIELDS =
            Set.of("formatVersion", "taskId", "heldOutSha256", "nonce", "ciphertext", "recipients");
    private static final Set<String> RECIPIENT_FIELDS = Set.of("address", "ephemeralPublicKey", "nonce", "wrappedKey");
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * The content key wrapped for one validator.
     *
     * @param address the validator's address, lower case with 0x
     * @param ephemeralPublicKey the 64-byte public key of the ephemeral key agreed with it
     * @param nonce the wrapping cipher's 12-byte GCM nonce
     * @param wrappedKey the content key under the agreed key, with its GCM tag
     */
    public record Recipient(String address, byte[] ephemeralPublicKey, byte[] nonce, byte[] wrappedKey) {}

    /**
     * Encrypts a held-out set to validators.
     *
     * @param taskId the task
     * @param heldOut the plaintext set
     * @param publicKeys each recipient's 64-byte secp256k1 public key, by address; each key must hash to its address
     * @param random the source of keys and nonces
     * @return the envelope
     * @throws IllegalArgumentException if a key is not a curve point of the address it is given for
     */
    public static HeldOutEnvelope seal(
            long taskId, byte[] heldOut, Map<String, byte[]> publicKeys, SecureRandom random) {
        byte[] digest = Sha256.of(heldOut);
        byte[] contentKey = randomBytes(random, KEY_BYTES);
        byte[] nonce = randomBytes(random, NONCE_BYTES);
        byte[] ciphertext = gcm(Cipher.ENCRYPT_MODE, contentKey, nonce, aad(taskId, digest), heldOut);
        List<Recipient> recipients = new ArrayList<>();
        for (var entry : publicKeys.entrySet()) {
            String address = entry.getKey().toLowerCase(Locale.ROOT);
            byte[] publicKey = entry.getValue();
            if (publicKey.length != PUBLIC_KEY_BYTES
                    || !("0x" + Keys.getAddress(new BigInteger(1, publicKey))).equals(address)) {
                throw new IllegalArgumentException("the public key given for " + address + " is not that account's");
            }
            ECKeyPair ephemeral;
            try {
                ephemeral = Keys.createEcKeyPair(random);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot create an ephemeral secp256k1 key", e);
            }
            byte[] ephemeralPublic = Numeric.toBytesPadded(ephemeral.getPublicKey(), PUBLIC_KEY_BYTES);
            byte[] wrappingKey = agreedKey(ephemeral.getPrivateKey(), publicKey, ephemeralPublic, address, taskId);
            byte[] wrapNonce = randomBytes(random, NONCE_BYTES);
            byte[] wrapped = gcm(Cipher.ENCRYPT_MODE, wrappingKey, wrapNonce, aad(taskId, digest), contentKey);
            recipients.add(new Recipient(address, ephemeralPublic, wrapNonce, wrapped));
        }
        return new HeldOutEnvelope(taskId, digest, nonce, ciphertext, List.copyOf(recipients));
    }

    /**
     * @param address an account
     * @return whether the envelope is encrypted to it
     */
    public boolean isFor(String address) {
        String lower = address.toLowerCase(Locale.ROOT);
        return recipients.stream().anyMatch(r -> r.address().equals(lower));
    }

    /**
     * Decrypts the set with a recipient's own key.
     *
     * @param key the recipient validator's key pair
     * @return the plaintext set, its sha256 checked against {@link #heldOutSha256()}
     * @throws IllegalArgumentException if the envelope is not for that key, or does not decrypt to the set it names
     */
    public byte[] open(ECKeyPair key) {
        String address = "0x" + Keys.getAddress(key);
        Recipient recipient = recipients.stream()
                .filter(r -> r.address().equals(address))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "the held-out envelope of task " + taskId + " is not encrypted to " + address));
        byte[] wrappingKey = agreedKey(
                key.getPrivateKey(), recipient.ephemeralPublicKey(), recipient.ephemeralPublicKey(), address, taskId);
        byte[] contentKey = gcm(
                Cipher.DECRYPT_MODE,
                wrappingKey,
                recipient.nonce(),
                aad(taskId, heldOutSha256),
                recipient.wrappedKey());
        byte[] heldOut = gcm(Cipher.DECRYPT_MODE, contentKey, nonce, aad(taskId, heldOutSha256), ciphertext);
        if (!MessageDigest.isEqual(Sha256.of(heldOut), heldOutSha256)) {
            throw new IllegalArgumentException("the held-out envelope of task " + taskId + " holds another set");
        }
        return heldOut;
    }

    /** @return the canonical document */
    public byte[] write() {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("taskId", taskId);
        root.put("heldOutSha256", HEX.formatHex(heldOutSha256));
        root.put("nonce", HEX.formatHex(nonce));
        root.put("ciphertext", Base64.getEncoder().encodeToString(ciphertext));
        ArrayNode list = root.putArray("recipients");
        for (Recipient recipient : recipients) {
            ObjectNode entry = list.addObject();
            entry.put("address", recipient.address());
            entry.put("ephemeralPublicKey", HEX.formatHex(recipient.ephemeralPublicKey()));
            entry.put("nonce", HEX.formatHex(recipient.nonce()));
            entry.put("wrappedKey", HEX.formatHex(recipient.wrappedKey()));
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a held-out envelope", e);
        }
    }

    /**
     * @param document an envelope's bytes, e.g. fetched from IPFS by the announced digest
     * @return the envelope
     * @throws IllegalArgumentException naming what is wrong with the document
     */
    public static HeldOutEnvelope read(byte[] document) {
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (IOException e) {
            throw new IllegalArgumentException("a held-out envelope must be JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject())
            throw new IllegalArgumentException("a held-out envelope is a JSON object");
        onlyFields(root, FIELDS, "held-out envelope");
        if (root.path("formatVersion").asInt(-1) != FORMAT_VERSION
                || !root.path("formatVersion").isInt()) {
            throw new IllegalArgumentException("held-out envelope formatVersion must be " + FORMAT_VERSION);
        }
        JsonNode task = root.path("taskId");
        if (!task.canConvertToLong() || !task.isIntegralNumber() || task.asLong() < 1) {
            throw new IllegalArgumentException("held-out envelope taskId must be a positive integer, got " + task);
        }
        List<Recipient> recipients = new ArrayList<>();
        JsonNode list = root.path("recipients");
        if (!list.isArray()) throw new IllegalArgumentException("held-out envelope recipients must be an array");
        for (JsonNode entry : list) {
            onlyFields(entry, RECIPIENT_FIELDS, "held-out envelope recipient");
            String address = text(entry, "address");
            if (!address.matches("0x[0-9a-f]{40}")) {
                throw new IllegalArgumentException("held-out envelope recipient address must be 0x and 40 lower-case"
                        + " hex digits, got '" + address + "'");
            }
            recipients.add(new Recipient(
                    address,
                    hex(entry, "ephemeralPublicKey", PUBLIC_KEY_BYTES),
                    hex(entry, "nonce", NONCE_BYTES),
                    hex(entry, "wrappedKey", KEY_BYTES + TAG_BITS / 8)));
        }
        byte[] ciphertext;
        try {
            ciphertext = Base64.getDecoder().decode(text(root, "ciphertext"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("held-out envelope ciphertext must be base64", e);
        }
        return new HeldOutEnvelope(
                task.asLong(),
                hex(root, "heldOutSha256", Sha256.DIGEST_BYTES),
                hex(root, "nonce", NONCE_BYTES),
                ciphertext,
                List.copyOf(recipients));
    }

    /** The ECDH shared secret's x coordinate through HKDF-SHA256, bound to the ephemeral key, recipient and task. */
    private static byte[] agreedKey(
            BigInteger privateKey, byte[] otherPublicKey, byte[] ephemeralPublicKey, String address, long taskId) {
        ECPoint point;
        try {
            point = Sign.CURVE_PARAMS.getCurve().decodePoint(prefixed(otherPublicKey));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a held-out envelope key is not a secp256k1 point", e);
        }
        ECPoint shared = point.multiply(privateKey).normalize();
        if (shared.isInfinity()) throw new IllegalArgumentException("a held-out envelope key agreement failed");
        byte[] secret = shared.getAffineXCoord().getEncoded();
        byte[] info = ByteBuffer.allocate(INFO.length + address.length() + Long.BYTES)
                .put(INFO)
                .put(address.getBytes(StandardCharsets.US_ASCII))
                .putLong(taskId)
                .array();
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(secret, ephemeralPublicKey, info));
        byte[] key = new byte[KEY_BYTES];
        hkdf.generateBytes(key, 0, key.length);
        return key;
    }

    private static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("a held-out envelope does not decrypt: wrong key or altered content", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable", e);
        }
    }

    private static byte[] aad(long taskId, byte[] heldOutSha256) {
        return ByteBuffer.allocate(Long.BYTES + heldOutSha256.length)
                .putLong(taskId)
                .put(heldOutSha256)
                .array();
    }

    private static byte[] prefixed(byte[] publicKey) {
        byte[] encoded = new byte[publicKey.length + 1];
        encoded[0] = 0x04;
        System.arraycopy(publicKey, 0, encoded, 1, publicKey.length);
        return encoded;
    }

    private static byte[] randomBytes(SecureRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static void onlyFields(JsonNode node, Set<String> allowed, String what) {
        if (!node.isObject()) throw new IllegalArgumentException(what + " must be a JSON object");
        node.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) throw new IllegalArgumentException("unknown " + what + " field " + name);
        });
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isTextual()) throw new IllegalArgumentException("held-out envelope " + field + " must be a string");
        return value.asText();
    }

    private static byte[] hex(JsonNode node, String field, int length) {
        String text = text(node, field);
        if (!text.matches("[0-9a-f]{" + 2 * length + "}")) {
            throw new IllegalArgumentException(
                    "held-out envelope " + field + " must be " + length + " bytes of lower-case hex");
        }
        return HEX.parseHex(text);
    }
}
