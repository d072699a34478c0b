package io.cotrain.ipfs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.web3j.crypto.ECKeyPair;

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
 *  "recipients":[{"address":"0x..","ephemeralPublicKey":"..","ephemeralSignature":"..","nonce":"..",
 *  "wrappedKey":".."}]}</pre>
 *
 * @param taskId the task (model id) the set belongs to
 * @param heldOutSha256 the sha256 of the plaintext set
 * @param nonce the content cipher's 12-byte GCM nonce
 * @param ciphertext the set under the content key, with its GCM tag
 * @param recipients one entry per validator it is encrypted to
 */
public record HeldOutEnvelope(
        long taskId, byte[] heldOutSha256, byte[] nonce, byte[] ciphertext, List<Sealing.Recipient> recipients) {
    /** The format this code reads and writes. */
    public static final int FORMAT_VERSION = 1;

    private static final String LABEL = "cotrain held-out envelope v1";
    private static final HexFormat HEX = HexFormat.of();
    private static final Set<String> FIELDS =
            Set.of("formatVersion", "taskId", "heldOutSha256", "nonce", "ciphertext", "recipients");
    private static final Set<String> RECIPIENT_FIELDS =
            Set.of("address", "ephemeralPublicKey", "ephemeralSignature", "nonce", "wrappedKey");
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
        Sealing.Sealed sealed = Sealing.seal(binding(taskId), heldOut, publicKeys, random);
        Sealing sealing = sealed.sealing();
        return new HeldOutEnvelope(
                taskId, sealing.plaintextSha256(), sealing.nonce(), sealed.ciphertext(), sealing.recipients());
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
        Sealing sealing = new Sealing(heldOutSha256, nonce, recipients);
        try {
            return sealing.open(binding(taskId), ciphertext, key);
        } catch (Sealing.OpenException e) {
            throw new IllegalArgumentException("the held-out envelope of task " + taskId + ": " + e.getMessage(), e);
        }
    }

    /** The task id is the context: an envelope relabelled for another task does not open. */
    private static Sealing.Binding binding(long taskId) {
        return new Sealing.Binding(
                LABEL, ByteBuffer.allocate(Long.BYTES).putLong(taskId).array());
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
        for (Sealing.Recipient recipient : recipients) {
            ObjectNode entry = list.addObject();
            entry.put("address", recipient.address());
            entry.put("ephemeralPublicKey", HEX.formatHex(recipient.ephemeralPublicKey()));
            entry.put("ephemeralSignature", HEX.formatHex(recipient.ephemeralSignature()));
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
        List<Sealing.Recipient> recipients = new ArrayList<>();
        JsonNode list = root.path("recipients");
        if (!list.isArray()) throw new IllegalArgumentException("held-out envelope recipients must be an array");
        for (JsonNode entry : list) {
            onlyFields(entry, RECIPIENT_FIELDS, "held-out envelope recipient");
            String address = text(entry, "address");
            if (!address.matches("0x[0-9a-f]{40}")) {
                throw new IllegalArgumentException("held-out envelope recipient address must be 0x and 40 lower-case"
                        + " hex digits, got '" + address + "'");
            }
            recipients.add(new Sealing.Recipient(
                    address,
                    hex(entry, "ephemeralPublicKey", Sealing.PUBLIC_KEY_BYTES),
                    hex(entry, "ephemeralSignature", Sealing.SIGNATURE_BYTES),
                    hex(entry, "nonce", Sealing.NONCE_BYTES),
                    hex(entry, "wrappedKey", Sealing.WRAPPED_KEY_BYTES)));
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
                hex(root, "nonce", Sealing.NONCE_BYTES),
                ciphertext,
                List.copyOf(recipients));
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
