package io.cotrain.validator.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single-use sign-in nonces with an expiry. A nonce is consumed by its first use, successful or not, so a signed
 * message can never be replayed. The number of outstanding nonces is bounded: once full, expired ones are dropped,
 * and if that frees nothing new nonces are refused until some are used or expire.
 */
public final class NonceStore {
    /** How a nonce presented at sign-in was found. */
    public enum Outcome {
        CONSUMED,
        UNKNOWN,
        EXPIRED
    }

    /** A nonce and when it stops being accepted. */
    public record Issued(String nonce, Instant issuedAt, Instant expiresAt) {}

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final int NONCE_LENGTH = 22; // ~131 bits

    private final Map<String, Instant> outstanding = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration lifetime;
    private final int capacity;

    /**
     * @param clock the time source
     * @param lifetime how long a nonce may wait for its sign-in
     * @param capacity the most nonces outstanding at once
     */
    public NonceStore(Clock clock, Duration lifetime, int capacity) {
        if (lifetime.isNegative() || lifetime.isZero()) throw new IllegalArgumentException("lifetime must be positive");
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1");
        this.clock = clock;
        this.lifetime = lifetime;
        this.capacity = capacity;
    }

    /**
     * @return a fresh nonce (22 letters and digits)
     * @throws IllegalStateException when {@code capacity} unexpired nonces are outstanding
     */
    public Issued issue() {
        Instant now = clock.instant();
        if (outstanding.size() >= capacity) {
            outstanding.values().removeIf(expiry -> !expiry.isAfter(now));
            if (outstanding.size() >= capacity) {
                throw new IllegalStateException(capacity + " sign-ins are pending; try again when they have expired");
            }
        }
        char[] nonce = new char[NONCE_LENGTH];
        for (int i = 0; i < nonce.length; i++) nonce[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        Instant expiresAt = now.plus(lifetime);
        String value = new String(nonce);
        outstanding.put(value, expiresAt);
        return new Issued(value, now, expiresAt);
    }

    /**
     * Takes a nonce out of the store, whatever the outcome of the sign-in that presents it.
     *
     * @param nonce the nonce of a sign-in message
     * @return CONSUMED when it was outstanding and unexpired, EXPIRED when it was outstanding but too old, UNKNOWN when
     *     this store never issued it or it was used already
     */
    public Outcome consume(String nonce) {
        Instant expiry = outstanding.remove(nonce);
        if (expiry == null) return Outcome.UNKNOWN;
        return expiry.isAfter(clock.instant()) ? Outcome.CONSUMED : Outcome.EXPIRED;
    }

    public Duration lifetime() {
        return lifetime;
    }
}
