package io.cotrain.validator.auth;

/** A well-formed sign-in that this gateway refuses: the message says why (nonce, expiry, chain, domain, signature). */
public final class SignInRejectedException extends RuntimeException {
    public SignInRejectedException(String message) {
        super(message);
    }
}
