package io.cotrain.ipfs;

/**
 * Content read from IPFS whose sha256 is not the one it was asked for: the node (or whoever stored it) served
 * other bytes. Nothing was parsed from them.
 */
public final class ContentMismatchException extends RuntimeException {
    private final Cid cid;
    private final String expectedSha256;
    private final String actualSha256;

    ContentMismatchException(Cid cid, byte[] expectedSha256, byte[] actualSha256) {
        super("content of " + cid + " has sha256 " + Sha256.hex(actualSha256) + ", expected "
                + Sha256.hex(expectedSha256));
        this.cid = cid;
        this.expectedSha256 = Sha256.hex(expectedSha256);
        this.actualSha256 = Sha256.hex(actualSha256);
    }

    /** @return the CID that was read */
    public Cid cid() {
        return cid;
    }

    /** @return the digest asked for, lower-case hex */
    public String expectedSha256() {
        return expectedSha256;
    }

    /** @return the digest of the bytes received, lower-case hex */
    public String actualSha256() {
        return actualSha256;
    }
}
