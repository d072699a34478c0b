package io.cotrain.oracle.scoring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this validator's public key on the validator registry once, so that model owners can encrypt held-out
 * sets to it ({@link InboxDuty} opens them) and contributors can seal their content to it ({@link SealedArtifacts}).
 * The registry records a key only for the account it hashes to, so the key is this node's signing key's own.
 */
final class PublicKeyDuty {
    private static final Logger LOG = LoggerFactory.getLogger(PublicKeyDuty.class);

    private final ValidatorChain chain;
    private volatile boolean published;

    PublicKeyDuty(ValidatorChain chain) {
        this.chain = chain;
    }

    /**
     * Publishes the key unless the registry has it.
     *
     * @throws RuntimeException if the chain cannot be read or the transaction fails; tried again on the next call
     */
    void perform() {
        if (published) return;
        if (!chain.publicKeyPublished()) {
            chain.publishPublicKey();
            LOG.info("published this validator's public key, for held-out sets encrypted to it");
        }
        published = true;
    }
}
