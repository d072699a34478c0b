package io.cotrain.ipfs;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Supplier;
import org.bouncycastle.math.ec.ECPoint;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * A recipient's public evidence that what sealed content wraps for it does not open: the ECDH point S its key and
 * the ephemeral key agree on, and a Chaum-Pedersen proof (made non-interactive with Fiat-Shamir, as the DLEQ proofs of
 * RFC 9497) that S = d·E for the same d as its public key P = d·G. With S anyone derives the recipient's wrapping key
 * and sees that the wrapped key, or the content under it, does not decrypt: a fault of the sealer that every
 * validator can check alike, instead of the word of the one validator it was aimed at. Evidence is made only for a
 * wrap whose ephemeral key signed it ({@link Sealing#unboundRecipients}): the sealer knew the ephemeral secret e, so
 * S = e·P tells nobody anything the sealer could not have told, and an ephemeral key copied from another sealing (a
 * held-out set, another contributor's update) never makes the recipient reveal its agreement with it.
 *
 * @param reporterPublicKey the recipient's 64-byte public key (x then y), which must hash to its address
 * @param sharedPoint S, compressed (33 bytes)
 * @param challenge the proof's challenge c, 32 bytes
 * @param response the proof's response s = k + c·d mod n, 32 bytes
 */
public record SealingFault(byte[] reporterPublicKey, byte[] sharedPoint, byte[] challenge, byte[] response) {
    /** Bytes of encoded evidence: the protocol's {@code SEALING_FAULT_BYTES}. */
    public static final int BYTES = Sealing.PUBLIC_KEY_BYTES + 33 + 32 + 32;

    private static final byte[] DOMAIN = "cotrain sealing fault v1".getBytes(StandardCharsets.US_ASCII);
    private static final BigInteger ORDER = Sign.CURVE_PARAMS.getN();
    private static final ECPoint G = Sign.CURVE_PARAMS.getG();

    /**
     * What checking evidence found.
     *
     * @param proven whether the sealer's fault is proven
     * @param reason what was found, in a sentence
     */
    public record Check(boolean proven, String reason) {}

    /**
     * Evidence that a recipient's wrap does not open, made with its key.
     *
     * @param sealing the content's sealing
     * @param binding what the content belongs to
     * @param key the recipient's key pair
     * @param context what the evidence is about, such as the contribution's content digest; the proof is bound to it
     * @param random the source of the proof's nonce
     * @return the evidence
     * @throws Sealing.OpenException if the content is not sealed to that key
     * @throws IllegalArgumentException if the wrap's ephemeral key did not sign it for this binding: revealing the
     *     agreement with a key the sealer may not own could open another sealing's content
     */
    public static SealingFault prove(
            Sealing sealing, Sealing.Binding binding, ECKeyPair key, byte[] context, SecureRandom random) {
        String address = "0x" + Keys.getAddress(key);
        Sealing.Recipient recipient = sealing.recipient(address)
                .orElseThrow(() ->
                        new Sealing.OpenException(Sealing.Failure.NOT_A_RECIPIENT, "not sealed to " + address, null));
        if (!sealing.bound(binding, recipient)) {
            throw new IllegalArgumentException("the ephemeral key wrapped for " + address + " did not sign its wrap");
        }
        BigInteger secret = key.getPrivateKey();
        ECPoint publicPoint = G.multiply(secret).normalize();
        ECPoint ephemeral = Sealing.point(recipient.ephemeralPublicKey());
        ECPoint shared = ephemeral.multiply(secret).normalize();
        BigInteger nonce = new BigInteger(ORDER.bitLength() + 64, random)
                .mod(ORDER.subtract(BigInteger.ONE))
                .add(BigInteger.ONE);
        BigInteger c = challenge(
                sealing, recipient, context, publicPoint, shared, G.multiply(nonce), ephemeral.multiply(nonce));
        BigInteger s = nonce.add(c.multiply(secret)).mod(ORDER);
        return new SealingFault(
                Numeric.toBytesPadded(key.getPublicKey(), Sealing.PUBLIC_KEY_BYTES),
                shared.getEncoded(true),
                Numeric.toBytesPadded(c, 32),
                Numeric.toBytesPadded(s, 32));
    }

    /**
     * @param evidence encoded evidence, as {@link #encoded()} writes it
     * @return the evidence
     * @throws IllegalArgumentException if it is not {@value #BYTES} bytes
     */
    public static SealingFault decode(byte[] evidence) {
        if (evidence.length != BYTES) {
            throw new IllegalArgumentException("sealing fault evidence is " + BYTES + " bytes, got " + evidence.length);
        }
        int key = Sealing.PUBLIC_KEY_BYTES;
        return new SealingFault(
                Arrays.copyOfRange(evidence, 0, key),
                Arrays.copyOfRange(evidence, key, key + 33),
                Arrays.copyOfRange(evidence, key + 33, key + 65),
                Arrays.copyOfRange(evidence, key + 65, BYTES));
    }

    /** @return the evidence's {@value #BYTES} bytes: public key, shared point, challenge, response */
    public byte[] encoded() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(BYTES);
        out.writeBytes(reporterPublicKey);
        out.writeBytes(sharedPoint);
        out.writeBytes(challenge);
        out.writeBytes(response);
        return out.toByteArray();
    }

    /**
     * Checks evidence a recipient published against the content it is about.
     *
     * @param reporter the account that published it, lower case with 0x
     * @param sealing the content's sealing, from its verified manifest
     * @param binding what the content belongs to
     * @param ciphertext reads the sealed content, verified against its manifest: only once the proof holds and the
     *     reporter's wrap opens, so that evidence that does not hold costs no read of the content
     * @param context what the evidence must be about (as given to {@link #prove})
     * @return proven when the proof holds and the reporter's wrap, opened with its shared point, does not give the
     *     content; not proven, with the reason, otherwise
     */
    public Check check(
            String reporter, Sealing sealing, Sealing.Binding binding, Supplier<byte[]> ciphertext, byte[] context) {
        if (reporterPublicKey.length != Sealing.PUBLIC_KEY_BYTES
                || !("0x" + Keys.getAddress(new BigInteger(1, reporterPublicKey))).equalsIgnoreCase(reporter)) {
            return new Check(false, "the evidence's public key is not the key of its reporter " + reporter);
        }
        var recipient = sealing.recipient(reporter);
        if (recipient.isEmpty()) return new Check(false, "the content is not sealed to its reporter " + reporter);
        if (!sealing.bound(binding, recipient.get())) {
            return new Check(
                    false,
                    "the ephemeral key wrapped for " + reporter + " did not sign its wrap: its "
                            + "sealing is floored by all without evidence");
        }
        ECPoint shared;
        ECPoint ephemeral;
        ECPoint publicPoint;
        try {
            shared = Sign.CURVE_PARAMS.getCurve().decodePoint(sharedPoint).normalize();
            ephemeral = Sealing.point(recipient.get().ephemeralPublicKey());
            publicPoint = Sealing.point(reporterPublicKey);
        } catch (IllegalArgumentException e) {
            return new Check(false, "the evidence holds no curve point: " + e.getMessage());
        }
        BigInteger c = new BigInteger(1, challenge);
        BigInteger s = new BigInteger(1, response);
        if (shared.isInfinity() || c.compareTo(ORDER) >= 0 || s.compareTo(ORDER) >= 0) {
            return new Check(false, "the evidence's proof is out of range");
        }
        ECPoint a1 = G.multiply(s).subtract(publicPoint.multiply(c));
        ECPoint a2 = ephemeral.multiply(s).subtract(shared.multiply(c));
        if (!c.equals(challenge(sealing, recipient.get(), context, publicPoint, shared, a1, a2))) {
            return new Check(false, "the evidence's proof does not hold for the key of " + reporter);
        }
        byte[] contentKey;
        try {
            contentKey = sealing.unwrap(binding, recipient.get(), shared);
        } catch (Sealing.OpenException e) {
            return new Check(
                    true,
                    "the content key wrapped for " + reporter + " does not decrypt (proved by " + reporter
                            + " with its key agreement)");
        }
        try {
            sealing.open(contentKey, binding, ciphertext.get());
            return new Check(false, "the content opens with the key wrapped for " + reporter + ": no fault");
        } catch (Sealing.OpenException e) {
            return new Check(
                    true,
                    "the key wrapped for " + reporter + " does not open the content: " + e.getMessage() + " (proved by "
                            + reporter + " with its key agreement)");
        }
    }

    /** The Fiat-Shamir challenge over everything the proof is about, reduced mod n. */
    private static BigInteger challenge(
            Sealing sealing,
            Sealing.Recipient recipient,
            byte[] context,
            ECPoint publicPoint,
            ECPoint shared,
            ECPoint a1,
            ECPoint a2) {
        ByteArrayOutputStream transcript = new ByteArrayOutputStream();
        transcript.writeBytes(DOMAIN);
        for (ECPoint point :
                new ECPoint[] {publicPoint, Sealing.point(recipient.ephemeralPublicKey()), shared, a1, a2}) {
            transcript.writeBytes(point.normalize().getEncoded(true));
        }
        transcript.writeBytes(recipient.address().getBytes(StandardCharsets.US_ASCII));
        transcript.writeBytes(recipient.nonce());
        transcript.writeBytes(recipient.wrappedKey());
        transcript.writeBytes(sealing.plaintextSha256());
        transcript.writeBytes(sealing.nonce());
        transcript.writeBytes(context);
        return new BigInteger(1, Sha256.of(transcript.toByteArray())).mod(ORDER);
    }
}
