package io.cotrain.ipfs;

import java.util.Arrays;
import java.util.Objects;

/**
 * A CIDv1 with a sha256 multihash, written in multibase base32 ({@code b...}): the content addresses Cotrain uses.
 *
 * <p>A {@link Codec#RAW raw} CID ({@code bafkrei...}) addresses one block whose bytes are the content itself, so its
 * digest is {@code sha256(content)}: the bytes32 {@code contentDigest} stored on chain is the digest of a manifest,
 * and the manifest's CID derives from it without asking any node. A {@link Codec#DAG_PB dag-pb} CID
 * ({@code bafybei...}) is what a node returns for content larger than one chunk: its digest is that of the root
 * node of a UnixFS tree, not of the content, so such content is verified against a sha256 carried elsewhere (in a
 * {@link ContributionManifest}).
 */
public final class Cid {
    private static final char MULTIBASE_BASE32 = 'b';
    private static final int CID_VERSION_1 = 0x01;
    private static final int MULTIHASH_SHA2_256 = 0x12;
    private static final int PREFIX_BYTES = 4;
    private static final int BINARY_BYTES = PREFIX_BYTES + Sha256.DIGEST_BYTES;

    /** The content type a CID declares. Both codes fit in one varint byte, so every prefix is four bytes. */
    public enum Codec {
        /** Raw bytes: the block is the content. */
        RAW(0x55),
        /** A UnixFS dag-pb node: the root of content split into chunks. */
        DAG_PB(0x70);

        private final int code;

        Codec(int code) {
            this.code = code;
        }

        /** @return the multicodec code */
        public int code() {
            return code;
        }

        private static Codec ofCode(int code) {
            for (Codec codec : values()) {
                if (codec.code == code) return codec;
            }
            return null;
        }
    }

    private final Codec codec;
    private final byte[] digest;

    private Cid(Codec codec, byte[] digest) {
        this.codec = codec;
        this.digest = digest;
    }

    /**
     * The raw CID of some content.
     *
     * @param content the bytes addressed
     * @return {@code bafkrei...} with digest {@code sha256(content)}
     */
    public static Cid of(byte[] content) {
        return new Cid(Codec.RAW, Sha256.of(content));
    }

    /**
     * The raw CID of content whose sha256 is known, such as a {@code contentDigest} read from the chain.
     *
     * @param sha256 32 bytes
     * @return the raw CID with that digest
     * @throws IllegalArgumentException if the digest is not 32 bytes
     */
    public static Cid ofDigest(byte[] sha256) {
        Objects.requireNonNull(sha256, "sha256");
        if (sha256.length != Sha256.DIGEST_BYTES) {
            throw new IllegalArgumentException("a sha256 digest is 32 bytes, got " + sha256.length);
        }
        return new Cid(Codec.RAW, sha256.clone());
    }

    /**
     * The CID of a given codec whose multihash digest is known, such as a model's root read from the chain.
     *
     * @param codec raw or dag-pb
     * @param sha256 the 32-byte multihash digest: the content's for raw, the root node's for dag-pb
     * @return the CID
     * @throws IllegalArgumentException if the digest is not 32 bytes
     */
    public static Cid of(Codec codec, byte[] sha256) {
        Objects.requireNonNull(codec, "codec");
        return new Cid(codec, ofDigest(sha256).digest);
    }

    /**
     * Parses a raw or dag-pb CIDv1 with a sha256 multihash in base32.
     *
     * @param text e.g. {@code bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq}
     * @return the CID
     * @throws IllegalArgumentException naming {@code text} and what is wrong with it
     */
    public static Cid parse(String text) {
        Objects.requireNonNull(text, "CID");
        if (text.startsWith("Qm")) throw invalid(text, "a CIDv0; Cotrain uses CIDv1 in base32");
        if (text.isEmpty() || text.charAt(0) != MULTIBASE_BASE32) {
            throw invalid(text, "not multibase base32 (it must start with 'b')");
        }
        byte[] binary;
        try {
            binary = Base32.decode(text.substring(1));
        } catch (IllegalArgumentException e) {
            throw invalid(text, e.getMessage());
        }
        if (binary.length != BINARY_BYTES) {
            throw invalid(text, binary.length + " bytes, a CIDv1 with a sha256 multihash has " + BINARY_BYTES);
        }
        if (binary[0] != CID_VERSION_1) throw invalid(text, "CID version " + binary[0] + ", expected 1");
        Codec codec = Codec.ofCode(binary[1]);
        if (codec == null)
            throw invalid(text, String.format("codec 0x%02x, expected raw (0x55) or dag-pb (0x70)", binary[1]));
        if (binary[2] != MULTIHASH_SHA2_256 || binary[3] != Sha256.DIGEST_BYTES) {
            throw invalid(
                    text, String.format("multihash 0x%02x/%d, expected sha2-256 (0x12/32)", binary[2], binary[3]));
        }
        return new Cid(codec, Arrays.copyOfRange(binary, PREFIX_BYTES, BINARY_BYTES));
    }

    private static IllegalArgumentException invalid(String text, String problem) {
        return new IllegalArgumentException("invalid CID '" + text + "': " + problem);
    }

    /** @return what the CID addresses: raw content or a dag-pb root */
    public Codec codec() {
        return codec;
    }

    /** @return true for a raw CID, whose digest is the sha256 of the content itself */
    public boolean isRaw() {
        return codec == Codec.RAW;
    }

    /**
     * The multihash digest: for a raw CID the sha256 of the content (the on-chain {@code contentDigest}), for a
     * dag-pb CID the sha256 of its root node.
     *
     * @return a copy of the 32 bytes
     */
    public byte[] digest() {
        return digest.clone();
    }

    /** @return the digest in lower-case hex */
    public String digestHex() {
        return Sha256.hex(digest);
    }

    /** @return the base32 string form, {@code bafkrei...} or {@code bafybei...} */
    @Override
    public String toString() {
        byte[] binary = new byte[BINARY_BYTES];
        binary[0] = CID_VERSION_1;
        binary[1] = (byte) codec.code;
        binary[2] = MULTIHASH_SHA2_256;
        binary[3] = Sha256.DIGEST_BYTES;
        System.arraycopy(digest, 0, binary, PREFIX_BYTES, Sha256.DIGEST_BYTES);
        return MULTIBASE_BASE32 + Base32.encode(binary);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cid cid && codec == cid.codec && Arrays.equals(digest, cid.digest);
    }

    @Override
    public int hashCode() {
        return 31 * codec.hashCode() + Arrays.hashCode(digest);
    }
}
