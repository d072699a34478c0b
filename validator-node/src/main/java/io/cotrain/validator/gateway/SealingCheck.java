package io.cotrain.validator.gateway;

import io.cotrain.client.SealingRecipients;
import io.cotrain.contracts.generated.ValidatorRegistry;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentMismatchException;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.ipfs.ManifestException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a wallet is told before it submits a manifest: content the validators cannot fetch, or sealed without one of
 * the validators whose keys the registry holds, would be floored and cost the stake, so it is refused; open content
 * is allowed (its contributor's choice) with a warning that anyone can read and copy it.
 */
public final class SealingCheck {
    /** How long the manifest may take to arrive: a manifest is one small block the contributor stored already. */
    private static final Duration MANIFEST_TIMEOUT = Duration.ofSeconds(3);

    private final ContentStore content;
    private final ValidatorRegistry validators;

    /**
     * @param content where manifests are read
     * @param validators the registry holding the validators' public keys
     */
    public SealingCheck(ContentStore content, ValidatorRegistry validators) {
        this.content = content;
        this.validators = validators;
    }

    /** @return each validator's public key to seal to, by lower-case address ({@link SealingRecipients}) */
    public Map<String, byte[]> keys() {
        return SealingRecipients.of(validators);
    }

    /**
     * @param manifestDigest the manifest's sha256
     * @return a warning for open content, or nothing for content sealed to every validator
     * @throws UnusableContentException if the manifest is not on IPFS, invalid, or sealed without a validator
     */
    public Optional<String> check(byte[] manifestDigest) {
        Cid cid = Cid.ofDigest(manifestDigest);
        ContributionManifest manifest;
        try {
            manifest = content.fetchManifest(manifestDigest, MANIFEST_TIMEOUT);
        } catch (IpfsException e) {
            throw new UnusableContentException(
                    cid,
                    "manifest " + cid + " is not on IPFS (" + e.getMessage() + "): store it first; validators "
                            + "score content they cannot fetch 1 and slash the stake");
        } catch (ContentMismatchException | ManifestException e) {
            throw new UnusableContentException(cid, "manifest " + cid + " is not a valid manifest: " + e.getMessage());
        }
        if (manifest.sealing().isEmpty()) {
            return Optional.of("its content is not sealed: anyone can read and copy it from IPFS");
        }
        List<String> missing = manifest.sealing().get().missing(keys().keySet());
        if (!missing.isEmpty()) {
            throw new UnusableContentException(
                    cid,
                    "manifest " + cid + " is not sealed to validators " + missing + ", whose keys the registry "
                            + "holds: they would score it 1 and slash the stake; seal it again to every key of "
                            + "GET /training/sealing-keys");
        }
        return Optional.empty();
    }
}
