package io.cotrain.validator.auth;

/** A sign-in message that does not follow EIP-4361; the message says which line and which rule. */
public final class MalformedSiweMessageException extends RuntimeException {
    public MalformedSiweMessageException(String message) {
        super(message);
    }
}
