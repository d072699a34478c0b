package io.cotrain.validator.auth;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.build.Jwt;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Issues and verifies the gateway's access tokens: short-lived JWTs (RS256) whose subject is a signed-in wallet
 * address. The signing key is made when the node starts and lives in memory only: nothing secret is ever written,
 * and a restart ends every session (tokens last minutes; clients sign in again). Verification replaces SmallRye JWT's
 * configured key with this key ({@link JWTAuthContextInfo} produced here), so tokens are accepted by the node that
 * issued them.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class GatewayTokens {
    public static final String ISSUER = "cotrain-gateway";
    /** The one group every signed-in wallet is in. */
    public static final String WALLET_GROUP = "wallet";

    /** An access token and when it expires. */
    public record AccessToken(String token, Instant expiresAt) {}

    private final KeyPair keys = rsaKeyPair();

    /** @return what SmallRye JWT verifies bearer tokens with: this node's key and issuer */
    @Produces
    @Singleton
    JWTAuthContextInfo verification() {
        JWTAuthContextInfo info = new JWTAuthContextInfo((RSAPublicKey) keys.getPublic(), ISSUER);
        info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256));
        return info;
    }

    /**
     * @param address the signed-in account, EIP-55
     * @param issuedAt now
     * @param lifetime how long the token is accepted
     * @return a signed token for {@code address}
     */
    public AccessToken issue(String address, Instant issuedAt, Duration lifetime) {
        Instant expiresAt = issuedAt.plus(lifetime);
        String token = Jwt.issuer(ISSUER)
                .subject(address)
                .upn(address)
                .groups(Set.of(WALLET_GROUP))
                .issuedAt(issuedAt)
                .expiresAt(expiresAt)
                .jws()
                .algorithm(SignatureAlgorithm.RS256)
                .sign(keys.getPrivate());
        return new AccessToken(token, expiresAt);
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no RSA key generator", e);
        }
    }
}
