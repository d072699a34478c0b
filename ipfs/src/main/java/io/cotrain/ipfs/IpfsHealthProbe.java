package io.cotrain.ipfs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Says whether an IPFS node is healthy enough that content it cannot find may be blamed on the content rather than
 * on the node. Healthy means, each step within a short timeout: the node answers {@code version}, it stores (and
 * pins) a small probe object, and it serves that object back byte for byte. A node that is down, hung, out of disk
 * or unable to read its own blockstore fails one of the steps.
 *
 * <p>The probe object is stored on every probe rather than assumed from an earlier one, so a node whose repository
 * was replaced is judged on what it can do now. Adding content the node already holds changes nothing on it.
 */
public final class IpfsHealthProbe {
    /** What the probe stores and reads back: small, the same for every validator, one raw block. */
    static final byte[] PROBE_OBJECT = "cotrain: IPFS health probe, version 1\n".getBytes(StandardCharsets.UTF_8);

    private final IpfsClient ipfs;
    private final Duration timeout;

    /**
     * @param ipfs the node's client
     * @param timeout how long each step may take
     */
    public IpfsHealthProbe(IpfsClient ipfs, Duration timeout) {
        this.ipfs = Objects.requireNonNull(ipfs, "ipfs");
        if (timeout.toMillis() <= 0) throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        this.timeout = timeout;
    }

    /** @return empty when the node is healthy, else what failed */
    public Optional<String> problem() {
        try {
            ipfs.version(timeout);
            Cid stored = ipfs.add(PROBE_OBJECT, timeout);
            if (!stored.equals(Cid.of(PROBE_OBJECT))) {
                return Optional.of(
                        "the node stored the probe object as " + stored + ", expected " + Cid.of(PROBE_OBJECT));
            }
            byte[] served = ipfs.cat(stored, PROBE_OBJECT.length, timeout);
            if (!Arrays.equals(served, PROBE_OBJECT)) return Optional.of("the node served other bytes for " + stored);
            return Optional.empty();
        } catch (IpfsException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** @return whether the node answers, stores and serves content within the probe's timeout */
    public boolean healthy() {
        return problem().isEmpty();
    }
}
