package io.cotrain.ipfs;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Stores and reads content through an {@link IpfsClient} so that no unverified byte reaches a caller: every read
 * is hashed and compared with the digest it was asked for before it is returned, hence before anything parses it.
 *
 * <p>Small content (manifests, up to {@link IpfsClient#CHUNK_BYTES}) is addressed by a raw CID, which carries its
 * sha256. Larger artifacts come back from the node as a dag-pb root and are verified against the sha256 their
 * manifest lists.
 */
public final class ContentStore {
    private final IpfsClient ipfs;

    /** @param ipfs the node to store to and read from */
    public ContentStore(IpfsClient ipfs) {
        this.ipfs = Objects.requireNonNull(ipfs, "ipfs");
    }

    /** @return the client of the node this store reads from and writes to */
    public IpfsClient client() {
        return ipfs;
    }

    /**
     * Adds and pins content and checks the node addressed it as expected: by {@link Cid#of(byte[])} when it fits
     * one chunk, by a dag-pb root otherwise.
     *
     * @param content the bytes to store
     * @return the CID to reference the content by
     * @throws IpfsException if the node fails, or answers a CID other than the content's
     */
    public Cid putVerified(byte[] content) {
        Cid stored = ipfs.add(content);
        boolean oneBlock = content.length <= IpfsClient.CHUNK_BYTES;
        if (oneBlock ? !stored.equals(Cid.of(content)) : stored.codec() != Cid.Codec.DAG_PB) {
            throw new IpfsException(
                    IpfsException.Failure.INVALID_RESPONSE,
                    "add of " + content.length
                            + " bytes: the node answered " + stored + ", expected "
                            + (oneBlock ? Cid.of(content) : "a dag-pb root"));
        }
        return stored;
    }

    /**
     * Reads content addressed by a raw CID, such as a manifest whose CID derives from an on-chain digest.
     *
     * @param cid a raw CID; at most {@link IpfsClient#maxObjectBytes()} are read
     * @return the content, whose sha256 is the CID's digest
     * @throws IllegalArgumentException for a dag-pb CID: use {@link #fetchVerified(Cid, byte[], long)}
     * @throws ContentMismatchException if the bytes received hash to another digest
     * @throws IpfsException if the node fails
     */
    public byte[] fetchVerified(Cid cid) {
        if (!cid.isRaw()) {
            throw new IllegalArgumentException(cid + " is a dag-pb root, whose digest is not the content's: "
                    + "fetch it with the sha256 its manifest lists");
        }
        return fetchVerified(cid, cid.digest(), ipfs.maxObjectBytes());
    }

    /**
     * Stores a manifest so that its on-chain digest finds it.
     *
     * @param manifest the manifest, stored as its canonical bytes
     * @return its raw CID, {@link ContributionManifest#cid()}
     * @throws IpfsException if the node fails, or the manifest is too large to be one raw block
     */
    public Cid putManifest(ContributionManifest manifest) {
        byte[] canonical = manifest.canonicalBytes();
        if (canonical.length > IpfsClient.CHUNK_BYTES) {
            throw new IpfsException(
                    IpfsException.Failure.TOO_LARGE,
                    "a manifest must fit one raw block of " + IpfsClient.CHUNK_BYTES + " bytes, this one has "
                            + canonical.length);
        }
        return putVerified(canonical);
    }

    /**
     * Seals a contribution's content to validators and stores the ciphertext: the plaintext never reaches IPFS.
     *
     * @param plain the manifest as it would name the plaintext: its one artifact gives the name and media type (of
     *     the plaintext, which a sealed artifact keeps)
     * @param plaintext the content
     * @param publicKeys the validators' 64-byte public keys, by address
     * @param keys the source of the content key, ephemeral keys and nonces
     * @return the manifest naming the stored ciphertext and its sealing (not stored yet)
     * @throws IpfsException if the node fails
     */
    public ContributionManifest putSealed(
            ContributionManifest plain, byte[] plaintext, Map<String, byte[]> publicKeys, Sealing.KeySource keys) {
        if (plain.artifacts().size() != 1) {
            throw new IllegalArgumentException("a sealed contribution has one artifact, got " + plain.artifacts());
        }
        Sealing.Sealed sealed = Sealing.seal(plain.binding(), plaintext, publicKeys, keys);
        Cid stored = putVerified(sealed.ciphertext());
        ContributionManifest.Artifact named = plain.artifacts().getFirst();
        return plain.sealedAs(
                ContributionManifest.Artifact.of(named.name(), stored, sealed.ciphertext(), named.mediaType()),
                sealed.sealing());
    }

    /**
     * Reads the manifest a contribution submitted on chain, verified against that digest and parsed strictly.
     *
     * @param contentDigest the contribution's 32-byte {@code contentDigest}
     * @return the manifest
     * @throws ContentMismatchException if the node served other bytes
     * @throws ManifestException if the bytes are not a valid manifest in canonical form
     * @throws IpfsException if the node fails or does not find it in time
     */
    public ContributionManifest fetchManifest(byte[] contentDigest) {
        Cid cid = Cid.ofDigest(contentDigest);
        return ContributionManifest.parseCanonical(fetchVerified(cid, contentDigest, IpfsClient.CHUNK_BYTES));
    }

    /**
     * Reads a contribution's manifest as {@link #fetchManifest(byte[])} does, within a timeout of its own.
     *
     * @param contentDigest the contribution's 32-byte {@code contentDigest}
     * @param timeout how long the node may look for it
     * @return the manifest
     * @throws ContentMismatchException if the node served other bytes
     * @throws ManifestException if the bytes are not a valid manifest in canonical form
     * @throws IpfsException if the node fails or does not find it in time
     */
    public ContributionManifest fetchManifest(byte[] contentDigest, Duration timeout) {
        Cid cid = Cid.ofDigest(contentDigest);
        byte[] content = ipfs.cat(cid, IpfsClient.CHUNK_BYTES, timeout);
        return ContributionManifest.parseCanonical(verified(cid, contentDigest, content));
    }

    /**
     * Reads an artifact a manifest lists, verified against the sha256 the manifest gives and no larger than its
     * declared size.
     *
     * @param artifact the manifest's entry
     * @return the artifact's bytes
     * @throws ContentMismatchException if the node served other bytes
     * @throws IpfsException if the node fails, or the content is larger than declared
     */
    public byte[] fetchArtifact(ContributionManifest.Artifact artifact) {
        return fetchVerified(artifact.cid(), artifact.digest(), artifact.size());
    }

    /**
     * Reads an artifact as {@link #fetchArtifact(ContributionManifest.Artifact)} does, within a timeout of its own.
     *
     * @param artifact the manifest's entry
     * @param timeout how long the node may take to find and serve it
     * @return the artifact's bytes
     * @throws ContentMismatchException if the node served other bytes
     * @throws IpfsException if the node fails or does not serve it in time, or it is larger than declared
     */
    public byte[] fetchArtifact(ContributionManifest.Artifact artifact, Duration timeout) {
        return verified(artifact.cid(), artifact.digest(), ipfs.cat(artifact.cid(), artifact.size(), timeout));
    }

    /**
     * Checks that the node serves an artifact in full and that it is what the manifest says, without keeping it: the
     * bytes are hashed as they stream in, so checking many large artifacts at once costs no memory.
     *
     * @param artifact the manifest's entry
     * @param timeout how long the node may take to find and serve it
     * @throws ContentMismatchException if the node served other bytes
     * @throws IpfsException if the node fails or does not serve it in time, or it is larger than declared
     */
    public void checkArtifact(ContributionManifest.Artifact artifact, Duration timeout) {
        byte[] expected = artifact.digest();
        IpfsClient.Hashed served = ipfs.hash(artifact.cid(), artifact.size(), timeout);
        if (!MessageDigest.isEqual(served.sha256(), expected)) {
            throw new ContentMismatchException(artifact.cid(), expected, served.sha256());
        }
    }

    /**
     * Stores a model file, such as a new global model, and says where it is.
     *
     * @param model the file's bytes
     * @return its sha256 and CID, the pair a commit records
     * @throws IpfsException if the node fails or answers an unexpected CID
     */
    public ModelFile putModel(byte[] model) {
        return new ModelFile(Sha256.of(model), putVerified(model));
    }

    /**
     * Reads a model file, verified against its sha256.
     *
     * @param file where it is, e.g. {@link ModelFile#ofCommit(byte[], byte[])} of a registry commit
     * @param maxBytes the most bytes read
     * @return the file's bytes
     * @throws ContentMismatchException if the node served other bytes
     * @throws IpfsException if the node fails, or the file is larger than {@code maxBytes}
     */
    public byte[] fetchModel(ModelFile file, long maxBytes) {
        return fetchVerified(file.cid(), file.sha256(), maxBytes);
    }

    /**
     * Reads content of any CID and checks it against a sha256 known from elsewhere (an artifact's manifest entry).
     *
     * @param cid the content's CID, raw or dag-pb
     * @param expectedSha256 the 32-byte digest the content must have
     * @param maxBytes the most bytes read
     * @return the content
     * @throws ContentMismatchException if the bytes received hash to another digest
     * @throws IpfsException if the node fails or the content is larger than {@code maxBytes}
     */
    public byte[] fetchVerified(Cid cid, byte[] expectedSha256, long maxBytes) {
        if (expectedSha256.length != Sha256.DIGEST_BYTES) {
            throw new IllegalArgumentException("a sha256 digest is 32 bytes, got " + expectedSha256.length);
        }
        return verified(cid, expectedSha256, ipfs.cat(cid, maxBytes));
    }

    private static byte[] verified(Cid cid, byte[] expectedSha256, byte[] content) {
        byte[] actual = Sha256.of(content);
        if (!MessageDigest.isEqual(actual, expectedSha256))
            throw new ContentMismatchException(cid, expectedSha256, actual);
        return content;
    }
}
