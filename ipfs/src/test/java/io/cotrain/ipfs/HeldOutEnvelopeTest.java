package io.cotrain.ipfs;

import static io.cotrain.ipfs.testing.SealingKeys.address;
import static io.cotrain.ipfs.testing.SealingKeys.publicKeys;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

class HeldOutEnvelopeTest {
    private static final byte[] HELD_OUT = "f0,f1,label\n0.5,1.5,0\n2.5,3.5,1\n".getBytes(UTF_8);
    private final SecureRandom random = new SecureRandom();

    private static ECKeyPair key() throws Exception {
        return Keys.createEcKeyPair();
    }

    @Test
    void open_everyRecipientGetsTheSet_throughTheCanonicalDocument() throws Exception {
        ECKeyPair first = key();
        ECKeyPair second = key();
        HeldOutEnvelope sealed = HeldOutEnvelope.seal(7, HELD_OUT, publicKeys(first, second), random);
        byte[] document = sealed.write();
        HeldOutEnvelope read = HeldOutEnvelope.read(document);
        assertThat(read.write()).isEqualTo(document);
        assertThat(read.taskId()).isEqualTo(7);
        assertThat(read.heldOutSha256()).isEqualTo(Sha256.of(HELD_OUT));
        assertThat(read.open(first)).isEqualTo(HELD_OUT);
        assertThat(read.open(second)).isEqualTo(HELD_OUT);
        assertThat(read.isFor(address(first).toUpperCase().replace("0X", "0x"))).isTrue();
        assertThat(new String(document, UTF_8)).doesNotContain("label").doesNotContain("0.5,1.5");
    }

    @Test
    void open_anyoneElse_learnsNothing() throws Exception {
        HeldOutEnvelope sealed = HeldOutEnvelope.seal(7, HELD_OUT, publicKeys(key()), random);
        ECKeyPair outsider = key();
        assertThat(sealed.isFor(address(outsider))).isFalse();
        assertThatThrownBy(() -> sealed.open(outsider))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not sealed to " + address(outsider));
    }

    /** An outsider who copies a recipient's entry under its own address still cannot unwrap the content key. */
    @Test
    void open_entryCopiedUnderAnotherAddress_doesNotDecrypt() throws Exception {
        ECKeyPair recipient = key();
        ECKeyPair outsider = key();
        HeldOutEnvelope sealed = HeldOutEnvelope.seal(7, HELD_OUT, publicKeys(recipient), random);
        Sealing.Recipient entry = sealed.recipients().getFirst();
        HeldOutEnvelope forged = new HeldOutEnvelope(
                7,
                sealed.heldOutSha256(),
                sealed.nonce(),
                sealed.ciphertext(),
                List.of(new Sealing.Recipient(
                        address(outsider),
                        entry.ephemeralPublicKey(),
                        entry.ephemeralSignature(),
                        entry.nonce(),
                        entry.wrappedKey())));
        assertThatThrownBy(() -> forged.open(outsider))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not decrypt");
    }

    /** The task id and digest are authenticated: an envelope relabelled for another task does not open. */
    @Test
    void open_alteredCiphertextOrRelabelledTask_isRefused() throws Exception {
        ECKeyPair recipient = key();
        HeldOutEnvelope sealed = HeldOutEnvelope.seal(7, HELD_OUT, publicKeys(recipient), random);
        byte[] flipped = sealed.ciphertext().clone();
        flipped[0] ^= 1;
        HeldOutEnvelope altered =
                new HeldOutEnvelope(7, sealed.heldOutSha256(), sealed.nonce(), flipped, sealed.recipients());
        assertThatThrownBy(() -> altered.open(recipient)).hasMessageContaining("does not decrypt");
        HeldOutEnvelope relabelled = new HeldOutEnvelope(
                8, sealed.heldOutSha256(), sealed.nonce(), sealed.ciphertext(), sealed.recipients());
        assertThatThrownBy(() -> relabelled.open(recipient)).hasMessageContaining("does not decrypt");
    }

    @Test
    void seal_aKeyThatIsNotTheAddresses_isRefused() throws Exception {
        ECKeyPair recipient = key();
        Map<String, byte[]> wrong = Map.of(address(key()), Numeric.toBytesPadded(recipient.getPublicKey(), 64));
        assertThatThrownBy(() -> HeldOutEnvelope.seal(7, HELD_OUT, wrong, random))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not that account's");
    }

    @Test
    void read_malformedDocuments_nameTheField() {
        assertThatThrownBy(() -> HeldOutEnvelope.read("[]".getBytes(UTF_8))).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> HeldOutEnvelope.read("{\"formatVersion\":1,\"extra\":1}".getBytes(UTF_8)))
                .hasMessageContaining("unknown held-out envelope field extra");
        assertThatThrownBy(() -> HeldOutEnvelope.read("{\"formatVersion\":2}".getBytes(UTF_8)))
                .hasMessageContaining("formatVersion must be 1");
        assertThatThrownBy(() -> HeldOutEnvelope.read(
                        ("{\"formatVersion\":1,\"taskId\":1,\"heldOutSha256\":\"ab\",\"nonce\":\"00\","
                                        + "\"ciphertext\":\"\",\"recipients\":[]}")
                                .getBytes(UTF_8)))
                .hasMessageContaining("heldOutSha256 must be 32 bytes");
    }
}
