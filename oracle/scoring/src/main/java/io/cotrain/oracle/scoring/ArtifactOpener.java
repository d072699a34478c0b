package io.cotrain.oracle.scoring;

import io.cotrain.ipfs.ContributionManifest;

/**
 * Turns a contribution's verified artifact into the content to evaluate: open content as it is, sealed content
 * opened with this validator's key ({@link SealedArtifacts}), or why it cannot be.
 */
@FunctionalInterface
interface ArtifactOpener {
    /** What opening decided. */
    sealed interface Opened {
        /** The content to evaluate, its sha256 checked against the manifest. */
        record Content(byte[] bytes) implements Opened {}

        /** The contributor's fault: it scores the floor for this reason. */
        record Floor(String reason) implements Opened {}

        /** Nobody's fault (this validator could not have been sealed to): it abstains, for this reason. */
        record Abstain(String reason) implements Opened {}
    }

    /**
     * @param contribution the contribution as recorded on chain
     * @param manifest its verified manifest
     * @param stored its one artifact's bytes, verified against the manifest's sha256
     * @return what to evaluate, or why not
     */
    Opened open(ContributionRecord contribution, ContributionManifest manifest, byte[] stored);
}
