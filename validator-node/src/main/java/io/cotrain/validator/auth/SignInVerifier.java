package io.cotrain.validator.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * Checks a Sign-In with Ethereum message and its signature (EIP-191 {@code personal_sign} by an externally owned
 * account): the signer is the account the message names, the domain is one this gateway answers for, the chain is the
 * one it serves, the message is within its validity window, and the nonce is one this gateway issued and nobody used.
 * A nonce is spent by any correctly signed message that presents it, accepted or not.
 */
public final class SignInVerifier {
    private static final Pattern SIGNATURE = Pattern.compile("(0x)?[0-9a-fA-F]{130}");

    private final NonceStore nonces;
    private final long chainId;
    private final Set<String> domains;
    private final Clock clock;
    private final Duration skew;

    /**
     * @param nonces the nonces this gateway issued
     * @param chainId the chain sign-ins must be bound to
     * @param domains the domains (host[:port]) accepted; empty to accept only the host the request was sent to
     * @param clock the time source
     * @param skew how far a client's clock may run ahead of this one
     */
    public SignInVerifier(NonceStore nonces, long chainId, Set<String> domains, Clock clock, Duration skew) {
        this.nonces = nonces;
        this.chainId = chainId;
        this.domains = Set.copyOf(domains);
        this.clock = clock;
        this.skew = skew;
    }

    /**
     * @param text the message exactly as signed
     * @param signature the 65-byte signature, hex
     * @param requestHost the Host the request was sent to, used when no domains are configured
     * @return the verified message; its address is the signer's, EIP-55 checksummed
     * @throws MalformedSiweMessageException if the text is no EIP-4361 message
     * @throws SignInRejectedException if the signature, domain, chain, validity window or nonce is not accepted
     */
    public SiweMessage verify(String text, String signature, String requestHost) {
        SiweMessage message = SiweMessage.parse(text);
        if (!Keys.toChecksumAddress(message.address()).equals(message.address())) {
            throw new MalformedSiweMessageException("the address " + message.address() + " is not EIP-55 checksummed: "
                    + "write it as " + Keys.toChecksumAddress(message.address()));
        }
        String signer = signer(text, signature);
        if (!signer.equalsIgnoreCase(message.address())) {
            throw new SignInRejectedException(
                    "bad signature: the message was signed by " + signer + ", not by " + message.address());
        }
        NonceStore.Outcome nonce = nonces.consume(message.nonce());

        boolean domainAccepted = domains.isEmpty()
                ? message.domain().equalsIgnoreCase(requestHost)
                : domains.stream().anyMatch(d -> d.equalsIgnoreCase(message.domain()));
        if (!domainAccepted) {
            throw new SignInRejectedException("the message is for domain '" + message.domain() + "', this gateway is "
                    + (domains.isEmpty() ? "'" + requestHost + "'" : String.join(", ", domains))
                    + ": sign a message for this gateway");
        }
        if (message.chainId() != chainId) {
            throw new SignInRejectedException("the message is for chain " + message.chainId() + ", this gateway serves "
                    + "chain " + chainId + ": switch the wallet to chain " + chainId);
        }
        Instant now = clock.instant();
        if (message.issuedAt().isAfter(now.plus(skew))) {
            throw new SignInRejectedException("the message was issued at " + message.issuedAt() + ", in the future "
                    + "(the gateway's time is " + now + ")");
        }
        if (message.expirationTime().filter(expiry -> !expiry.isAfter(now)).isPresent()) {
            throw new SignInRejectedException("the message expired at "
                    + message.expirationTime().get() + ": request a new nonce and sign again");
        }
        if (message.notBefore().filter(start -> start.isAfter(now.plus(skew))).isPresent()) {
            throw new SignInRejectedException(
                    "the message is not valid before " + message.notBefore().get());
        }
        switch (nonce) {
            case UNKNOWN ->
                throw new SignInRejectedException("nonce " + message.nonce() + " was not issued by this "
                        + "gateway or was used already: request a new one from POST /auth/nonce");
            case EXPIRED ->
                throw new SignInRejectedException("nonce " + message.nonce() + " expired (nonces live "
                        + nonces.lifetime().toSeconds() + " s): request a new one from POST /auth/nonce");
            case CONSUMED -> {
                return message;
            }
        }
        throw new AssertionError(nonce);
    }

    /**
     * @return the checksummed address whose key made {@code signature} over the EIP-191 prefixed {@code text}
     * @throws SignInRejectedException if the signature is malformed or recovers no key
     */
    static String signer(String text, String signature) {
        if (signature == null || !SIGNATURE.matcher(signature).matches()) {
            throw new SignInRejectedException("bad signature: expected 65 bytes as 130 hex digits, 0x-prefixed");
        }
        byte[] bytes = Numeric.hexStringToByteArray(signature);
        byte v = bytes[64];
        if (v < 27) v += 27; // some wallets sign with recovery id 0/1
        if (v != 27 && v != 28) throw new SignInRejectedException("bad signature: recovery byte " + bytes[64]);
        var data = new Sign.SignatureData(v, Arrays.copyOfRange(bytes, 0, 32), Arrays.copyOfRange(bytes, 32, 64));
        try {
            BigInteger key = Sign.signedPrefixedMessageToKey(text.getBytes(StandardCharsets.UTF_8), data);
            return Keys.toChecksumAddress(Keys.getAddress(key));
        } catch (SignatureException | RuntimeException e) {
            throw new SignInRejectedException("bad signature: no key recovers from it");
        }
    }
}
