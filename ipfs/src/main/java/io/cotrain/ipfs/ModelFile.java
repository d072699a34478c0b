package io.cotrain.ipfs;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Where a global model's file is, as a model registry commit records it: the sha256 of the file ({@code weightsDigest})
 * and the multihash digest of its IPFS CID ({@code weightsRoot}). A file of one chunk is a raw block, so the two are
 * equal; a larger one is a dag-pb root whose digest is the root node's. Both follow from the bytes alone, so every
 * validator that computes the same model attests the same pair.
 *
 * @param sha256 the file's sha256, 32 bytes
 * @param cid where the file is
 */
public record ModelFile(byte[] sha256, Cid cid) {
    public ModelFile {
        Objects.requireNonNull(cid, "cid");
        sha256 = Cid.ofDigest(sha256).digest();
        if (cid.isRaw() && !Arrays.equals(sha256, cid.digest())) {
            throw new IllegalArgumentException("a raw CID's digest is the content's sha256: " + cid + " is not "
                    + HexFormat.of().formatHex(sha256));
        }
    }

    /**
     * The file a commit records.
     *
     * @param weightsDigest the commit's {@code weightsDigest}
     * @param weightsRoot the commit's {@code weightsRoot}
     * @return the file: a raw CID when the two are equal, a dag-pb root otherwise
     */
    public static ModelFile ofCommit(byte[] weightsDigest, byte[] weightsRoot) {
        Cid.Codec codec = Arrays.equals(weightsDigest, weightsRoot) ? Cid.Codec.RAW : Cid.Codec.DAG_PB;
        return new ModelFile(weightsDigest, Cid.of(codec, weightsRoot));
    }

    /** @return the 32-byte {@code weightsRoot} a commit records: the CID's multihash digest */
    public byte[] root() {
        return cid.digest();
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelFile that && Arrays.equals(sha256, that.sha256) && cid.equals(that.cid);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(sha256) + cid.hashCode();
    }

    @Override
    public String toString() {
        return "ModelFile[" + cid + ", sha256 " + HexFormat.of().formatHex(sha256) + "]";
    }
}
