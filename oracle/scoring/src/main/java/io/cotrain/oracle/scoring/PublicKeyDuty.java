package io.cotrain.oracle.scoring;

import io.cotrain.client.DurableNumber;
import java.math.BigInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this validator's public key on the validator registry once, so that model owners can encrypt held-out
 * sets to it ({@link InboxDuty} opens them) and contributors can seal their content to it ({@link SealedArtifacts}).
 * The registry records a key only for the account it hashes to, so the key is this node's signing key's own. The
 * block by which the registry had it is kept durably: the block the key was mined in, or, for a key published
 * before this record existed, the block the node first saw it in (later than the truth, so that nothing sealed
 * before it counts as leaving this validator out).
 */
final class PublicKeyDuty {
    private static final Logger LOG = LoggerFactory.getLogger(PublicKeyDuty.class);

    private final ValidatorChain chain;
    private final DurableNumber publishedAt;

    /**
     * @param publishedAt where the block by which the registry had the key is kept
     */
    PublicKeyDuty(ValidatorChain chain, DurableNumber publishedAt) {
        this.chain = chain;
        this.publishedAt = publishedAt;
    }

    /**
     * Publishes the key unless the registry has it, and records since when it has.
     *
     * @throws RuntimeException if the chain cannot be read or the transaction fails; tried again on the next call
     */
    void perform() {
        if (publishedAt.load().isPresent()) return;
        BigInteger block;
        if (chain.publicKeyPublished()) {
            block = chain.blockNumber();
        } else {
            block = chain.publishPublicKey();
            LOG.info("published this validator's public key at block {}, for content sealed to it", block);
        }
        publishedAt.save(block);
    }
}
