package io.cotrain.oracle.scoring;

import io.cotrain.client.DurableNumber;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.Sealing;
import java.math.BigInteger;
import java.util.Optional;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * Opens sealed contributions with this validator's account key. Content sealed to it is decrypted and checked
 * against the plaintext sha256 its manifest names; content that does not decrypt or holds other content is the
 * contributor's fault. Content not sealed to it is the contributor's fault only when the contributor could have
 * sealed to it: when the registry published this validator's key at least {@link #GRACE_BLOCKS} blocks before the
 * contribution was submitted. A validator whose key came later (admitted after the content was sealed), or that does
 * not know when its key was published, abstains: its own uncertainty never floors honest work.
 */
final class SealedArtifacts implements ArtifactOpener {
    /** Blocks between reading the validators' keys and the submission being mined that a contributor is allowed. */
    static final long GRACE_BLOCKS = 10;

    private final ECKeyPair key;
    private final String address;
    private final DurableNumber keyPublishedAt;

    /**
     * @param key this validator's account key
     * @param keyPublishedAt the block by which the registry had this validator's public key ({@link PublicKeyDuty})
     */
    SealedArtifacts(ECKeyPair key, DurableNumber keyPublishedAt) {
        this.key = key;
        this.address = "0x" + Keys.getAddress(key);
        this.keyPublishedAt = keyPublishedAt;
    }

    @Override
    public Opened open(ContributionRecord contribution, ContributionManifest manifest, byte[] stored) {
        if (manifest.sealing().isEmpty()) return new Opened.Content(stored);
        Sealing sealing = manifest.sealing().get();
        if (sealing.recipient(address).isEmpty()) return notSealedToMe(contribution);
        try {
            return new Opened.Content(sealing.open(manifest.binding(), stored, key));
        } catch (Sealing.OpenException e) {
            return new Opened.Floor(
                    switch (e.failure()) {
                        case NOT_A_RECIPIENT, DOES_NOT_DECRYPT ->
                            "sealed content that does not decrypt with the key wrapped for " + address
                                    + ": altered, wrapped for another key, or sealed for another contributor or task";
                        case OTHER_CONTENT -> "sealed content that " + e.getMessage();
                    });
        }
    }

    private Opened notSealedToMe(ContributionRecord contribution) {
        Optional<BigInteger> published = keyPublishedAt.load();
        BigInteger submitted = contribution.submittedBlock();
        if (published.isPresent()
                && published.get().add(BigInteger.valueOf(GRACE_BLOCKS)).compareTo(submitted) <= 0) {
            return new Opened.Floor("sealed without validator " + address + ", whose public key the registry had "
                    + "since block " + published.get() + ", before the submission at block " + submitted);
        }
        return new Opened.Abstain("sealed before validator " + address + "'s public key was published"
                + published.map(block -> " (block " + block + ")").orElse("") + ": it abstains");
    }
}
