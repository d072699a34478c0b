package io.cotrain.validator.auth;

import io.cotrain.validator.ValidatorConfig;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.build.Jwt;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Issues and verifies the gateway's access tokens: short-lived JWTs (RS256) whose subject is a signed-in wallet
 * address. The signing key comes from {@code cotrain.gateway.token-key-file}, or from the data directory, where it is
 * made on first start ({@link TokenSigningKey}): sessions survive a restart, and gateway nodes given the same file
 * accept each other's tokens. A node with neither keeps a key in memory, and its restart signs everyone out.
 * Verification replaces SmallRye JWT's configured key with this key ({@link JWTAuthContextInfo} produced here).
 */
@ApplicationScoped
@Startup // a key file that cannot be used stops the node at start, not at the first sign-in
@Alternative
@Priority(1)
public class GatewayTokens {
    public static final String ISSUER = "cotrain-gateway";
    /** The one group every signed-in wallet is in. */
    public static final String WALLET_GROUP = "wallet";

    /** An access token and when it expires. */
    public record AccessToken(String token, Instant expiresAt) {}

    /** Where a node keeps its token signing key in its data directory, unless configured elsewhere. */
    public static final String KEY_FILE_NAME = "gateway-token-key.pem";

    private static final Logger LOG = Logger.getLogger(GatewayTokens.class);

    private final KeyPair keys;

    @Inject
    public GatewayTokens(ValidatorConfig config) {
        Optional<Path> file = config.gateway()
                .tokenKeyFile()
                .or(() -> config.dataDirectory().map(directory -> directory.resolve(KEY_FILE_NAME)));
        if (file.isPresent()) {
            keys = config.gateway().tokenKeyFile().isPresent()
                    ? TokenSigningKey.load(file.get())
                    : TokenSigningKey.loadOrCreate(file.get());
            LOG.infof("access tokens signed with the key in %s", file.get());
        } else {
            keys = TokenSigningKey.generate();
            LOG.warn("access tokens signed with a key in memory: a restart signs everyone out (set"
                    + " cotrain.gateway.token-key-file to keep sessions)");
        }
    }

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
}
