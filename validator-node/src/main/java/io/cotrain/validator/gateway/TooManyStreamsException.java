package io.cotrain.validator.gateway;

/** A client asked for one more live stream than a client, or the gateway as a whole, may hold open. */
public final class TooManyStreamsException extends GatewayException {
    /** @param message the limit reached, and that polling the API works meanwhile */
    public TooManyStreamsException(String message) {
        super(message);
    }
}
