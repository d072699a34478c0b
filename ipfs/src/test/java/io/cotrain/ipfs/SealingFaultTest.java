package io.cotrain.ipfs;

import static io.cotrain.ipfs.testing.SealingKeys.address;
import static io.cotrain.ipfs.testing.SealingKeys.publicKeys;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
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

    /**
     * The attack as a sealer can make it: the victim's entry from a second sealing of the same content under another
     * content key, signed by its own ephemeral key like any wrap. The victim's key opens, but not the content.
     */
    private Sealing decoyFor(ECKeyPair victim, Sealing sealing) {
        Sealing.Sealed decoy = Sealing.seal(BINDING, CONTENT, publicKeys(victim), random);
        return withEntry(sealing, decoy.sealing().recipient(address(victim)).orElseThrow());
    }

    @Test
    void check_anotherKeyWrappedForOneValidator_isProvenToAnother() {
        Sealing.Sealed sealed = honest();
        Sealing attack = decoyFor(target, sealed.sealing());
        assertThat(attack.unboundRecipients(BINDING)).as("signed like any wrap").isEmpty();
        assertThat(attack.open(BINDING, sealed.ciphertext(), other))
                .as("the others open it")
                .isEqualTo(CONTENT);
        assertThatThrownBy(() -> attack.open(BINDING, sealed.ciphertext(), target))
                .isInstanceOf(Sealing.OpenException.class);

        SealingFault evidence = SealingFault.decode(
                SealingFault.prove(attack, BINDING, target, DIGEST, random).encoded());

        SealingFault.Check check = evidence.check(address(target), attack, BINDING, sealed::ciphertext, DIGEST);
        assertThat(check.proven()).as(check.reason()).isTrue();
        assertThat(check.reason()).contains("wrapped for " + address(target)).contains("does not open the content");
    }

    /**
     * Garbage the ephemeral key did not sign, or an ephemeral key copied from another sealing to the same validator (a
     * held-out set): every validator floors it from the manifest alone, and the validator never reveals its agreement
     * with a key whose secret the sealer may not hold, which would open the other sealing's content.
     */
    @Test
    void unboundRecipients_alteredWrapOrEphemeralKeyFromAnotherSealing_areListedAndNeverProved() {
        Sealing.Sealed sealed = honest();
        Sealing.Recipient entry = sealed.sealing().recipient(address(target)).orElseThrow();
        byte[] garbage = new byte[entry.wrappedKey().length];
        random.nextBytes(garbage);
        Sealing altered = withEntry(
                sealed.sealing(),
                new Sealing.Recipient(
                        entry.address(),
                        entry.ephemeralPublicKey(),
                        entry.ephemeralSignature(),
                        entry.nonce(),
                        garbage));
        Sealing.Binding heldOut = new Sealing.Binding("cotrain held-out v1", "task 7".getBytes(UTF_8));
        Sealing.Recipient secret = Sealing.seal(heldOut, "held-out rows".getBytes(UTF_8), publicKeys(target), random)
                .sealing()
                .recipient(address(target))
                .orElseThrow();
        Sealing copied = withEntry(sealed.sealing(), secret);

        for (Sealing attack : List.of(altered, copied)) {
            assertThat(attack.unboundRecipients(BINDING)).containsExactly(address(target));
            assertThatThrownBy(() -> SealingFault.prove(attack, BINDING, target, DIGEST, random))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("did not sign its wrap");
        }
        assertThat(sealed.sealing().unboundRecipients(BINDING)).isEmpty();
    }

    /** A validator that claims a fault in honest content only shows its own wrap opens: nothing is floored. */
    @Test
    void check_falseClaimAgainstHonestContent_isNotProven() {
        Sealing.Sealed sealed = honest();
        SealingFault evidence = SealingFault.prove(sealed.sealing(), BINDING, target, DIGEST, random);

        SealingFault.Check check =
                evidence.check(address(target), sealed.sealing(), BINDING, sealed::ciphertext, DIGEST);
        assertThat(check.proven()).isFalse();
        assertThat(check.reason()).contains("opens with the key wrapped for");
    }

    @Test
    void check_forgedEvidence_isNotProven_withoutReadingTheContent() {
        Sealing.Sealed sealed = honest();
        Sealing attack = decoyFor(target, sealed.sealing());
        SealingFault real = SealingFault.prove(attack, BINDING, target, DIGEST, random);
        Supplier<byte[]> unread = () -> {
            throw new AssertionError("evidence that does not hold must cost no read of the content");
        };

        SealingFault byAnother = SealingFault.prove(attack, BINDING, other, DIGEST, random);
        assertThat(byAnother
                        .check(address(target), attack, BINDING, unread, DIGEST)
                        .reason())
                .as("another validator's key under the target's name")
                .contains("is not the key of its reporter");

        byte[] otherPoint =
                Sealing.point(publicKeys(other).values().iterator().next()).getEncoded(true);
        SealingFault guessedPoint =
                new SealingFault(real.reporterPublicKey(), otherPoint, real.challenge(), real.response());
        assertThat(guessedPoint
                        .check(address(target), attack, BINDING, unread, DIGEST)
                        .proven())
                .as("a shared point the proof is not about")
                .isFalse();

        byte[] tweaked = real.response().clone();
        tweaked[31] ^= 1;
        SealingFault badResponse =
                new SealingFault(real.reporterPublicKey(), real.sharedPoint(), real.challenge(), tweaked);
        assertThat(badResponse
                        .check(address(target), attack, BINDING, unread, DIGEST)
                        .reason())
                .contains("proof does not hold");

        assertThat(real.check(address(target), attack, BINDING, unread, Sha256.of(CONTENT))
                        .proven())
                .as("evidence about another contribution")
                .isFalse();

        byte[] notAPoint = new byte[33];
        notAPoint[0] = 2;
        assertThat(new SealingFault(real.reporterPublicKey(), notAPoint, real.challenge(), real.response())
                        .check(address(target), attack, BINDING, unread, DIGEST)
                        .proven())
                .isFalse();
    }

    @Test
    void prove_notARecipient_isRefused() {
        Sealing.Sealed sealed = Sealing.seal(BINDING, CONTENT, publicKeys(other), random);
        assertThatThrownBy(() -> SealingFault.prove(sealed.sealing(), BINDING, target, DIGEST, random))
                .isInstanceOfSatisfying(
                        Sealing.OpenException.class,
                        e -> assertThat(e.failure()).isEqualTo(Sealing.Failure.NOT_A_RECIPIENT));
        SealingFault evidence = SealingFault.prove(sealed.sealing(), BINDING, other, DIGEST, random);
        assertThat(evidence.check(address(target), sealed.sealing(), BINDING, sealed::ciphertext, DIGEST)
                        .reason())
                .contains("is not the key of its reporter");
    }

    @Test
    void decode_wrongLength_isRefused() {
        assertThat(SealingFault.prove(honest().sealing(), BINDING, target, DIGEST, random)
                        .encoded())
                .hasSize(SealingFault.BYTES);
        assertThatThrownBy(() -> SealingFault.decode(new byte[SealingFault.BYTES - 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("160");
    }

    /** An ephemeral key that is no curve point is seen by every validator alike, without anyone's evidence. */
    @Test
    void unboundRecipients_ephemeralKeyNotAPoint_isListed() {
        Sealing.Sealed sealed = honest();
        Sealing.Recipient entry = sealed.sealing().recipient(address(target)).orElseThrow();
        byte[] notAPoint = entry.ephemeralPublicKey().clone();
        notAPoint[63] ^= 1;
        Sealing attack = withEntry(
                sealed.sealing(),
                new Sealing.Recipient(
                        entry.address(), notAPoint, entry.ephemeralSignature(), entry.nonce(), entry.wrappedKey()));
        assertThat(attack.unboundRecipients(BINDING)).containsExactly(address(target));
    }
}
