package io.cotrain.oracle.scoring;

import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.Sealing;
import io.cotrain.ipfs.SealingFault;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * Opens sealed contributions with this validator's account key. What every validator decides alike comes from the
 * chain: content must be sealed to every validator whose key the validator registry held {@link #GRACE_BLOCKS} blocks
 * before its submission (the contributor could not miss them), and is floored otherwise, by all. Content sealed to
 * this validator that does not decrypt, or holds other content than its manifest names, is floored. Content not
 * sealed to this validator, which was not required (its key came later: admitted after the content was sealed), has
 * this validator abstain. A wrap whose ephemeral key is no curve point or did not sign it is floored by all.
 *
 * <p>Content sealed to this validator that does not open with what it wraps for it may be a fault aimed at this one
 * validator (a garbage wrap for it alone), which the others cannot see: it scores the floor and keeps evidence of the
 * fault ({@link SealingFault}) in the {@link SealingFaultOutbox}, which {@link SealingFaultDuty} publishes for the
 * others to check before they commit ({@link SealingFaultCheck}).
 */
final class SealedArtifacts implements ArtifactOpener {
    /** Blocks between reading the validators' keys and the submission being mined that a contributor is allowed. */
    static final long GRACE_BLOCKS = 32;

    private final ECKeyPair key;
    private final String address;
    private final Function<BigInteger, Set<String>> recipientsAt;
    private final SealingFaultOutbox faults;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param key this validator's account key
     * @param recipientsAt the validators content had to be sealed to as of a block
     *     ({@link ValidatorChain#sealingRecipients})
     * @param faults where evidence against content that does not open for this validator waits to be published
     */
    SealedArtifacts(ECKeyPair key, Function<BigInteger, Set<String>> recipientsAt, SealingFaultOutbox faults) {
        this.key = key;
        this.address = "0x" + Keys.getAddress(key);
        this.recipientsAt = recipientsAt;
        this.faults = faults;
    }

    /**
     * @throws RuntimeException if the chain cannot be read: not the contributor's fault, so nothing is decided
     */
    @Override
    public Opened open(ContributionRecord contribution, ContributionManifest manifest, byte[] stored) {
        if (manifest.sealing().isEmpty()) return new Opened.Content(stored);
        Sealing sealing = manifest.sealing().get();
        BigInteger reference = contribution
                .submittedBlock()
                .subtract(BigInteger.valueOf(GRACE_BLOCKS))
                .max(BigInteger.ZERO);
        List<String> missing = sealing.missing(recipientsAt.apply(reference));
        if (!missing.isEmpty()) {
            return new Opened.Floor(
                    "sealed without validators " + missing + ", whose keys the validator registry held at" + " block "
                            + reference + ", " + GRACE_BLOCKS + " blocks before the submission");
        }
        List<String> unbound = sealing.unboundRecipients(manifest.binding());
        if (!unbound.isEmpty()) {
            return new Opened.Floor("sealed with ephemeral keys that are no curve points or did not sign their wraps"
                    + " for " + unbound + ": copied from another sealing, or altered");
        }
        if (sealing.recipient(address).isEmpty()) {
            return new Opened.Abstain("not sealed to validator " + address + ", whose key the validator registry did "
                    + "not hold at block " + reference + ": it abstains");
        }
        try {
            return new Opened.Content(sealing.open(manifest.binding(), stored, key));
        } catch (Sealing.OpenException e) {
            byte[] evidence = SealingFault.prove(sealing, manifest.binding(), key, contribution.contentDigest(), random)
                    .encoded();
            faults.put(new SealingFaultOutbox.Pending(
                    contribution.id(), contribution.round(), contribution.contentDigest(), evidence));
            return new Opened.Floor(
                    switch (e.failure()) {
                        case NOT_A_RECIPIENT, DOES_NOT_DECRYPT ->
                            "sealed content that does not decrypt with the key wrapped for " + address
                                    + ": altered, wrapped for another key, or sealed for another contributor or task";
                        case OTHER_CONTENT -> "sealed content that " + e.getMessage();
                    });
        }
    }
}
