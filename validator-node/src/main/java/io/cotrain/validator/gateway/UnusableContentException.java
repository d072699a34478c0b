package io.cotrain.validator.gateway;

import io.cotrain.ipfs.Cid;

/**
 * Content a request names that the gateway cannot use: IPFS cannot deliver it, it does not match its digest, or it is
 * not what the request says (a schema document, a model of the schema). The message says which and what to do.
 */
public final class UnusableContentException extends GatewayException {
    private final Cid content;

    /**
     * @param content the CID the content was looked for at
     * @param message what is wrong with it and what to do
     */
    public UnusableContentException(Cid content, String message) {
        super(message);
        this.content = content;
    }

    /** @return the CID the content was looked for at */
    public Cid content() {
        return content;
    }
}
