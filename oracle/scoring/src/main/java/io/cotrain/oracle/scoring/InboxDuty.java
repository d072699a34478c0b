package io.cotrain.oracle.scoring;

import io.cotrain.client.DurableNumber;
import io.cotrain.ipfs.HeldOutEnvelope;
import io.cotrain.oracle.evaluation.ModelCodec;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.ECKeyPair;

/**
 * Receives the held-out sets model owners hand to this validator: follows the model registry's {@code HeldOutShared}
 * announcements, fetches each envelope from IPFS (verified against the announced digest), opens the ones encrypted to
 * this node's key and keeps the set in the held-out directory when its sha256 is the one the task's registry entry
 * records; {@link DiscoveryDuty} then takes the task up. An announcement for a task this node already evaluates, an
 * envelope not encrypted to it, and one that does not hold the registered set are passed over (the last two
 * reported); one whose envelope cannot be fetched now is tried again later with a back-off while the node runs,
 * without holding up the announcements after it (after a restart, the owner announces it again). An envelope
 * announced again is not fetched again.
 */
final class InboxDuty {
    private static final Logger LOG = LoggerFactory.getLogger(InboxDuty.class);

    private final HeldOutShares shares;
    private final ValidatorChain chain;
    private final RegistryChain registry;
    private final TaskCatalog tasks;
    private final TaskDocuments documents;
    private final ECKeyPair key;
    private final Path heldOutDirectory;
    private final DurableNumber cursor;
    private final BigInteger deployBlock;
    private final int confirmations;
    /** Announcements whose envelopes could not be had, and the envelopes read, since the node started. */
    private final List<HeldOutShares.Share> retries = new ArrayList<>();

    private final Set<String> opened = new HashSet<>();
    private final Backoff<HeldOutShares.Share> backoff = new Backoff<>();

    /**
     * @param key this validator's key, which envelopes are encrypted to
     * @param heldOutDirectory where the sets opened are kept ({@link HeldOutDirectory} reads it)
     * @param cursor the first block not read yet, kept across restarts
     */
    InboxDuty(
            HeldOutShares shares,
            ValidatorChain chain,
            RegistryChain registry,
            TaskCatalog tasks,
            TaskDocuments documents,
            ECKeyPair key,
            Path heldOutDirectory,
            DurableNumber cursor,
            BigInteger deployBlock,
            int confirmations) {
        this.shares = shares;
        this.chain = chain;
        this.registry = registry;
        this.tasks = tasks;
        this.documents = documents;
        this.key = key;
        this.heldOutDirectory = heldOutDirectory;
        this.cursor = cursor;
        this.deployBlock = deployBlock;
        this.confirmations = confirmations;
    }

    /**
     * Reads the announcements since the last call, up to the confirmed head.
     *
     * @param problems told each envelope passed over because it is wrong, with the reason
     * @throws RuntimeException if the chain or IPFS fails; the unread announcements are read on the next call
     */
    void perform(Consumer<String> problems) {
        backoff.tick();
        for (HeldOutShares.Share share : List.copyOf(retries)) {
            if (backoff.due(share)) attempt(share, problems);
        }
        BigInteger from = cursor.load().orElse(deployBlock);
        BigInteger to = chain.blockNumber().subtract(BigInteger.valueOf(confirmations));
        if (to.compareTo(from) < 0) return;
        for (HeldOutShares.Share share : shares.between(from, to)) attempt(share, problems);
        cursor.save(to.add(BigInteger.ONE));
    }

    /** One announcement: a failure that may pass is retried later, without holding up the announcements after it. */
    private void attempt(HeldOutShares.Share share, Consumer<String> problems) {
        try {
            receive(share, problems);
            retries.remove(share);
            backoff.done(share);
        } catch (RuntimeException e) {
            if (!retries.contains(share)) retries.add(share);
            backoff.failed(share);
            problems.accept("the held-out envelope announced for task " + share.taskId() + " cannot be had now, tried"
                    + " again later: " + e.getMessage());
        }
    }

    private void receive(HeldOutShares.Share share, Consumer<String> problems) {
        long taskId = share.taskId();
        if (tasks.configures(taskId)) return;
        byte[] registered = registry.model(BigInteger.valueOf(taskId)).spec().heldOutDigest;
        if (HeldOutDirectory.received(heldOutDirectory, taskId, HexFormat.of().formatHex(registered))) return;
        String envelopeHex = HexFormat.of().formatHex(share.envelopeDigest());
        if (!opened.add(envelopeHex)) return; // announced again: an envelope is fetched and read once
        HeldOutEnvelope envelope;
        try {
            envelope = documents.envelope(share.envelopeDigest());
        } catch (TransientFailureException e) {
            opened.remove(envelopeHex); // not read: fetched again when retried
            throw e;
        } catch (IllegalArgumentException e) {
            problems.accept("the held-out envelope announced for task " + taskId + " is not one: " + e.getMessage());
            return;
        }
        if (!envelope.isFor(chain.validator())) {
            LOG.info("the held-out envelope announced for task {} is not encrypted to this validator", taskId);
            return;
        }
        byte[] heldOut;
        try {
            if (envelope.taskId() != taskId) {
                throw new IllegalArgumentException("it is for task " + envelope.taskId());
            }
            heldOut = envelope.open(key);
            if (!ModelCodec.sha256Hex(heldOut).equals(HexFormat.of().formatHex(registered))) {
                throw new IllegalArgumentException("it holds a set whose sha256 is not the one the registry records");
            }
        } catch (IllegalArgumentException e) {
            problems.accept("the held-out envelope announced for task " + taskId + " is refused: " + e.getMessage());
            return;
        }
        PrivateFiles.write(heldOutDirectory.resolve(HeldOutDirectory.nameFor(taskId, heldOut)), heldOut);
        LOG.info("received the held-out set of task {} ({} bytes)", taskId, heldOut.length);
    }
}
