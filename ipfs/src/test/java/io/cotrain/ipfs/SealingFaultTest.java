package io.cotrain.ipfs;

import static io.cotrain.ipfs.testing.SealingKeys.address;
import static io.cotrain.ipfs.testing.SealingKeys.publicKeys;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * A contributor who wraps garbage for one chosen validator cannot make that validator's floor its word against the
 * others': the validator's evidence proves the fault to anyone, and evidence cannot be forged against honest content.
 */
class SealingFaultTest {
    private static final byte[] CONTENT = "weights of an update".getBytes(UTF_8);
    private static final byte[] DIGEST = Sha256.of("the manifest".getBytes(UTF_8));
    private static final Sealing.Binding BINDING = new Sealing.Binding("cotrain test v1", "task 7".getBytes(UTF_8));
    private final SecureRandom random = new SecureRandom();
    private final ECKeyPair target = key();
    private final ECKeyPair other = key();

    private static ECKeyPair key() {
        try {
            return Keys.createEcKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Sealing.Sealed honest() {
        return Sealing.seal(BINDING, CONTENT, publicKeys(target, other), random);
    }

    /** The honest sealing with the target's entry replaced. */
    private static Sealing withEntry(Sealing sealing, Sealing.Recipient entry) {
        List<Sealing.Recipient> recipients = new ArrayList<>(sealing.recipients());
        recipients.replaceAll(r -> r.address().equals(entry.address()) ? entry : r);
        return new Sealing(sealing.plaintextSha256(), sealing.nonce(), recipients);
    }

    private Sealing garbageFor(ECKeyPair victim, Sealing sealing) {
        Sealing.Recipient entry = sealing.recipient(address(victim)).orElseThrow();
        byte[] garbage = new byte[entry.wrappedKey().length];
        random.nextBytes(garbage);
        return withEntry(
                sealing, new Sealing.Recipient(entry.address(), entry.ephemeralPublicKey(), entry.nonce(), garbage));
    }

    @Test
    void check_garbageWrappedForOneValidator_isProvenToAnother() {
        Sealing.Sealed sealed = honest();
        Sealing attack = garbageFor(target, sealed.sealing());
        assertThat(attack.open(BINDING, sealed.ciphertext(), other))
                .as("the others open it")
                .isEqualTo(CONTENT);
        assertThatThrownBy(() -> attack.open(BINDING, sealed.ciphertext(), target))
                .isInstanceOf(Sealing.OpenException.class);

        SealingFault evidence = SealingFault.decode(
                SealingFault.prove(attack, target, DIGEST, random).encoded());

        SealingFault.Check check = evidence.check(address(target), attack, BINDING, sealed.ciphertext(), DIGEST);
        assertThat(check.proven()).as(check.reason()).isTrue();
        assertThat(check.reason()).contains("wrapped for " + address(target)).contains("does not decrypt");
    }

    /** A wrap of another content key decrypts, but not the content: proven too, and the real key stays secret. */
    @Test
    void check_anotherKeyWrappedForOneValidator_isProven() {
        Sealing.Sealed sealed = honest();
        Sealing.Sealed decoy = Sealing.seal(BINDING, CONTENT, publicKeys(target), random);
        Sealing attack = withEntry(
                sealed.sealing(), decoy.sealing().recipient(address(target)).orElseThrow());

        SealingFault evidence = SealingFault.prove(attack, target, DIGEST, random);

        SealingFault.Check check = evidence.check(address(target), attack, BINDING, sealed.ciphertext(), DIGEST);
        assertThat(check.proven()).as(check.reason()).isTrue();
        assertThat(check.reason()).contains("does not open the content");
    }

    /** A validator that claims a fault in honest content only shows its own wrap opens: nothing is floored. */
    @Test
    void check_falseClaimAgainstHonestContent_isNotProven() {
        Sealing.Sealed sealed = honest();
        SealingFault evidence = SealingFault.prove(sealed.sealing(), target, DIGEST, random);

        SealingFault.Check check =
                evidence.check(address(target), sealed.sealing(), BINDING, sealed.ciphertext(), DIGEST);
        assertThat(check.proven()).isFalse();
        assertThat(check.reason()).contains("opens with the key wrapped for");
    }

    @Test
    void check_forgedEvidence_isNotProven() {
        Sealing.Sealed sealed = honest();
        Sealing attack = garbageFor(target, sealed.sealing());
        SealingFault real = SealingFault.prove(attack, target, DIGEST, random);
        byte[] ciphertext = sealed.ciphertext();

        SealingFault byAnother = SealingFault.prove(attack, other, DIGEST, random);
        assertThat(byAnother
                        .check(address(target), attack, BINDING, ciphertext, DIGEST)
                        .reason())
                .as("another validator's key under the target's name")
                .contains("is not the key of its reporter");

        byte[] otherPoint =
                Sealing.point(publicKeys(other).values().iterator().next()).getEncoded(true);
        SealingFault guessedPoint =
                new SealingFault(real.reporterPublicKey(), otherPoint, real.challenge(), real.response());
        assertThat(guessedPoint
                        .check(address(target), attack, BINDING, ciphertext, DIGEST)
                        .proven())
                .as("a shared point the proof is not about")
                .isFalse();

        byte[] tweaked = real.response().clone();
        tweaked[31] ^= 1;
        SealingFault badResponse =
                new SealingFault(real.reporterPublicKey(), real.sharedPoint(), real.challenge(), tweaked);
        assertThat(badResponse
                        .check(address(target), attack, BINDING, ciphertext, DIGEST)
                        .reason())
                .contains("proof does not hold");

        assertThat(real.check(address(target), attack, BINDING, ciphertext, Sha256.of(CONTENT))
                        .proven())
                .as("evidence about another contribution")
                .isFalse();

        byte[] notAPoint = new byte[33];
        notAPoint[0] = 2;
        assertThat(new SealingFault(real.reporterPublicKey(), notAPoint, real.challenge(), real.response())
                        .check(address(target), attack, BINDING, ciphertext, DIGEST)
                        .proven())
                .isFalse();
    }

    @Test
    void prove_notARecipient_isRefused() {
        Sealing.Sealed sealed = Sealing.seal(BINDING, CONTENT, publicKeys(other), random);
        assertThatThrownBy(() -> SealingFault.prove(sealed.sealing(), target, DIGEST, random))
                .isInstanceOfSatisfying(
                        Sealing.OpenException.class,
                        e -> assertThat(e.failure()).isEqualTo(Sealing.Failure.NOT_A_RECIPIENT));
        SealingFault evidence = SealingFault.prove(sealed.sealing(), other, DIGEST, random);
        assertThat(evidence.check(address(target), sealed.sealing(), BINDING, sealed.ciphertext(), DIGEST)
                        .reason())
                .contains("is not the key of its reporter");
    }

    @Test
    void decode_wrongLength_isRefused() {
        assertThat(SealingFault.prove(honest().sealing(), target, DIGEST, random)
                        .encoded())
                .hasSize(SealingFault.BYTES);
        assertThatThrownBy(() -> SealingFault.decode(new byte[SealingFault.BYTES - 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("160");
    }

    /** An ephemeral key that is no curve point is seen by every validator alike, without anyone's evidence. */
    @Test
    void malformedRecipients_ephemeralKeyNotAPoint_isListed() {
        Sealing.Sealed sealed = honest();
        Sealing.Recipient entry = sealed.sealing().recipient(address(target)).orElseThrow();
        byte[] notAPoint = entry.ephemeralPublicKey().clone();
        notAPoint[63] ^= 1;
        Sealing attack = withEntry(
                sealed.sealing(), new Sealing.Recipient(entry.address(), notAPoint, entry.nonce(), entry.wrappedKey()));
        assertThat(sealed.sealing().malformedRecipients()).isEmpty();
        assertThat(attack.malformedRecipients()).containsExactly(address(target));
    }
}
