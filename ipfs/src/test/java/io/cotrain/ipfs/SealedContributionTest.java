package io.cotrain.ipfs;

import static io.cotrain.ipfs.testing.SealingKeys.address;
import static io.cotrain.ipfs.testing.SealingKeys.publicKeys;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.ipfs.ContributionManifest.Artifact;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/** A contribution's artifact sealed to validators, named by its public manifest. */
class SealedContributionTest {
    private static final byte[] WEIGHTS = "weights of an honest update".getBytes(UTF_8);
    private static final String BASE = "ab".repeat(32);
    private final SecureRandom random = new SecureRandom();

    private static ECKeyPair key() throws Exception {
        return Keys.createEcKeyPair();
    }

    private static ContributionManifest plain(String contributor) {
        return ContributionManifest.modelUpdate(
                7,
                contributor,
                List.of(Artifact.of("model.zip", Cid.of(WEIGHTS), WEIGHTS, "application/zip")),
                100,
                BASE);
    }

    private record Sealed(ContributionManifest manifest, byte[] ciphertext) {}

    private Sealed seal(ContributionManifest plain, byte[] plaintext, ECKeyPair... recipients) {
        Sealing.Sealed sealed = Sealing.seal(plain.binding(), plaintext, publicKeys(recipients), random);
        Artifact stored = Artifact.of("model.zip", Cid.of(sealed.ciphertext()), sealed.ciphertext(), "application/zip");
        return new Sealed(plain.sealedAs(stored, sealed.sealing()), sealed.ciphertext());
    }

    @Test
    void open_recipientGetsThePlaintext_throughTheCanonicalManifest() throws Exception {
        ECKeyPair validator = key();
        ECKeyPair other = key();
        Sealed sealed = seal(plain(address(key())), WEIGHTS, validator, other);
        ContributionManifest read =
                ContributionManifest.parseCanonical(sealed.manifest().canonicalBytes());
        assertThat(read).isEqualTo(sealed.manifest());
        assertThat(read.artifacts().getFirst().sha256()).isEqualTo(Sha256.hex(Sha256.of(sealed.ciphertext())));
        assertThat(read.sealing().orElseThrow().plaintextSha256()).isEqualTo(Sha256.of(WEIGHTS));
        assertThat(read.sealing().orElseThrow().open(read.binding(), sealed.ciphertext(), validator))
                .isEqualTo(WEIGHTS);
        assertThat(read.sealing().orElseThrow().open(read.binding(), sealed.ciphertext(), other))
                .isEqualTo(WEIGHTS);
        assertThat(new String(sealed.ciphertext(), UTF_8)).doesNotContain("honest");
    }

    @Test
    void open_aWalletThatIsNotARecipient_cannotDecrypt() throws Exception {
        Sealed sealed = seal(plain(address(key())), WEIGHTS, key());
        ECKeyPair outsider = key();
        Sealing sealing = sealed.manifest().sealing().orElseThrow();
        assertThatThrownBy(() -> sealing.open(sealed.manifest().binding(), sealed.ciphertext(), outsider))
                .isInstanceOfSatisfying(
                        Sealing.OpenException.class,
                        e -> assertThat(e.failure()).isEqualTo(Sealing.Failure.NOT_A_RECIPIENT));
        // copying a recipient's entry under its own address does not unwrap the key either
        Sealing.Recipient entry = sealing.recipients().getFirst();
        Sealing forged = new Sealing(
                sealing.plaintextSha256(),
                sealing.nonce(),
                List.of(new Sealing.Recipient(
                        address(outsider),
                        entry.ephemeralPublicKey(),
                        entry.ephemeralSignature(),
                        entry.nonce(),
                        entry.wrappedKey())));
        assertThatThrownBy(() -> forged.open(sealed.manifest().binding(), sealed.ciphertext(), outsider))
                .isInstanceOfSatisfying(
                        Sealing.OpenException.class,
                        e -> assertThat(e.failure()).isEqualTo(Sealing.Failure.DOES_NOT_DECRYPT));
    }

    /** A copier who puts an honest sealed artifact under its own name gets a manifest nobody can open. */
    @Test
    void open_sealedArtifactCopiedUnderAnotherContributor_doesNotDecrypt() throws Exception {
        ECKeyPair validator = key();
        Sealed honest = seal(plain(address(key())), WEIGHTS, validator);
        ContributionManifest copy = plain(address(key()))
                .sealedAs(
                        honest.manifest().artifacts().getFirst(),
                        honest.manifest().sealing().orElseThrow());
        assertThatThrownBy(() -> copy.sealing().orElseThrow().open(copy.binding(), honest.ciphertext(), validator))
                .isInstanceOfSatisfying(
                        Sealing.OpenException.class,
                        e -> assertThat(e.failure()).isEqualTo(Sealing.Failure.DOES_NOT_DECRYPT));
        assertThat(copy.copyKey()).isNotEqualTo(honest.manifest().copyKey());
    }

    @Test
    void open_tamperedCiphertextOrClaimedDigest_isRefused() throws Exception {
        ECKeyPair validator = key();
        Sealed sealed = seal(plain(address(key())), WEIGHTS, validator);
        Sealing sealing = sealed.manifest().sealing().orElseThrow();
        byte[] flipped = sealed.ciphertext().clone();
        flipped[3] ^= 1;
        assertThatThrownBy(() -> sealing.open(sealed.manifest().binding(), flipped, validator))
                .isInstanceOfSatisfying(
                        Sealing.OpenException.class,
                        e -> assertThat(e.failure()).isEqualTo(Sealing.Failure.DOES_NOT_DECRYPT));
        Sealing otherDigest = new Sealing(Sha256.of("other".getBytes(UTF_8)), sealing.nonce(), sealing.recipients());
        assertThatThrownBy(() -> otherDigest.open(sealed.manifest().binding(), sealed.ciphertext(), validator))
                .isInstanceOf(Sealing.OpenException.class);
    }

    @Test
    void contentKey_revealedByTheContributor_opensForAnyone() throws Exception {
        ECKeyPair contributor = key();
        ECKeyPair validator = key();
        Sealed sealed = seal(plain(address(contributor)), WEIGHTS, validator, contributor);
        Sealing sealing = sealed.manifest().sealing().orElseThrow();
        byte[] contentKey = sealing.contentKey(sealed.manifest().binding(), contributor);
        assertThat(sealing.open(contentKey, sealed.manifest().binding(), sealed.ciphertext()))
                .isEqualTo(WEIGHTS);
        byte[] wrongKey = contentKey.clone();
        wrongKey[0] ^= 1;
        assertThatThrownBy(() -> sealing.open(wrongKey, sealed.manifest().binding(), sealed.ciphertext()))
                .isInstanceOfSatisfying(
                        Sealing.OpenException.class,
                        e -> assertThat(e.failure()).isEqualTo(Sealing.Failure.DOES_NOT_DECRYPT));
    }

    /** The same plaintext sealed again by its contributor is the same work: same copy key, other ciphertext. */
    @Test
    void copyKey_sameContributorSamePlaintext_isTheSame() throws Exception {
        String contributor = address(key());
        Sealed first = seal(plain(contributor), WEIGHTS, key());
        Sealed again = seal(plain(contributor), WEIGHTS, key());
        assertThat(again.ciphertext()).isNotEqualTo(first.ciphertext());
        assertThat(again.manifest().copyKey()).isEqualTo(first.manifest().copyKey());
        assertThat(plain(contributor).copyKey()).isEqualTo(Sha256.hex(Sha256.of(WEIGHTS)));
    }

    /** Keys derived from the sealer's secret: the same content sealed again is the same bytes; other content is not. */
    @Test
    void seal_derivedKeys_areDeterministicPerContentAndOpen() throws Exception {
        ECKeyPair validator = key();
        ContributionManifest plain = plain(address(key()));
        Sealing.KeySource keys = Sealing.KeySource.derived(new byte[] {1, 2, 3});
        Sealing.Sealed first = Sealing.seal(plain.binding(), WEIGHTS, publicKeys(validator), keys);
        Sealing.Sealed again = Sealing.seal(plain.binding(), WEIGHTS, publicKeys(validator), keys);
        byte[] otherWeights = "other weights".getBytes(UTF_8);
        Sealing.Sealed other = Sealing.seal(plain.binding(), otherWeights, publicKeys(validator), keys);
        Sealing.Sealed otherSecret = Sealing.seal(
                plain.binding(), WEIGHTS, publicKeys(validator), Sealing.KeySource.derived(new byte[] {9}));

        assertThat(again.ciphertext()).isEqualTo(first.ciphertext());
        assertThat(again.sealing()).isEqualTo(first.sealing());
        assertThat(other.sealing().nonce()).isNotEqualTo(first.sealing().nonce());
        assertThat(otherSecret.ciphertext()).isNotEqualTo(first.ciphertext());
        assertThat(first.sealing().open(plain.binding(), first.ciphertext(), validator))
                .isEqualTo(WEIGHTS);
        assertThat(other.sealing().open(plain.binding(), other.ciphertext(), validator))
                .isEqualTo(otherWeights);
    }

    @Test
    void parse_malformedSealing_namesTheField() throws Exception {
        Sealed sealed = seal(plain(address(key())), WEIGHTS, key());
        String json = new String(sealed.manifest().canonicalBytes(), UTF_8);
        String badNonce = json.replaceFirst("\"nonce\":\"[0-9a-f]+\"", "\"nonce\":\"00\"");
        assertThatThrownBy(() -> ContributionManifest.parse(badNonce.getBytes(UTF_8)))
                .isInstanceOfSatisfying(
                        ManifestException.class, e -> assertThat(e.field()).isEqualTo("sealing"));
        String badAddress = json.replaceFirst("\"address\":\"0x", "\"address\":\"0X");
        assertThatThrownBy(() -> ContributionManifest.parse(badAddress.getBytes(UTF_8)))
                .isInstanceOfSatisfying(
                        ManifestException.class, e -> assertThat(e.field()).isEqualTo("sealing.recipients[0]"));
    }

    @Test
    void privacy_onlyForModelUpdates_andValidated() {
        ContributionManifest update = plain("0x" + "1".repeat(40));
        ContributionManifest.Privacy privacy = new ContributionManifest.Privacy(4.0, 1e-5, 1.0, 1.25);
        ContributionManifest noisy = update.withPrivacy(privacy);
        assertThat(ContributionManifest.parseCanonical(noisy.canonicalBytes()).privacy())
                .contains(privacy);
        assertThatThrownBy(() -> new ContributionManifest.Privacy(0, 1e-5, 1.0, 1.0))
                .isInstanceOfSatisfying(
                        ManifestException.class, e -> assertThat(e.field()).isEqualTo("privacy.epsilon"));
        assertThatThrownBy(() -> new ContributionManifest.Privacy(1, 1, 1.0, 1.0))
                .isInstanceOfSatisfying(
                        ManifestException.class, e -> assertThat(e.field()).isEqualTo("privacy.delta"));
    }
}
