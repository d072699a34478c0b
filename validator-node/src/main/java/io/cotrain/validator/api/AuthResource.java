package io.cotrain.validator.api;

import io.cotrain.validator.NodeSettings;
import io.cotrain.validator.ProblemException;
import io.cotrain.validator.ValidatorConfig;
import io.cotrain.validator.auth.GatewayTokens;
import io.cotrain.validator.auth.MalformedSiweMessageException;
import io.cotrain.validator.auth.NonceStore;
import io.cotrain.validator.auth.SignInRejectedException;
import io.cotrain.validator.auth.SignInVerifier;
import io.cotrain.validator.auth.SiweMessage;
import io.cotrain.validator.gateway.Inputs;
import io.quarkus.security.Authenticated;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Sign-In with Ethereum: {@code POST /auth/nonce} hands out a single-use nonce (and, given an address, the exact
 * EIP-4361 message to sign), {@code POST /token} exchanges the signed message for a short-lived bearer token whose
 * subject is the wallet's address.
 */
@Path("/")
@Singleton
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {
    static final String STATEMENT = "Sign in to the Cotrain gateway.";
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    /** @param address the wallet to prepare a message for (optional) */
    public record NonceRequest(String address) {}

    /**
     * @param message the EIP-4361 message to sign with personal_sign, when an address was given
     */
    public record NonceView(
            String nonce,
            String issuedAt,
            String expiresAt,
            String domain,
            String uri,
            long chainId,
            String statement,
            String message) {}

    public record TokenRequest(String message, String signature) {}

    public record TokenView(String accessToken, String tokenType, long expiresIn, String expiresAt, String address) {}

    public record SessionView(String address, String expiresAt) {}

    @Inject
    ValidatorConfig config;

    @Inject
    NodeSettings settings;

    @Inject
    GatewayTokens tokens;

    @Inject
    JsonWebToken jwt;

    private final Clock clock = Clock.systemUTC();
    private NonceStore nonces;
    private List<String> domains;

    @PostConstruct
    void start() {
        nonces = new NonceStore(clock, config.gateway().nonceLifetime(), 10_000);
        domains = config.gateway().domains().orElse(List.of());
    }

    @POST
    @Path("auth/nonce")
    @Consumes(MediaType.WILDCARD)
    @RateLimited
    @Operation(summary = "A single-use sign-in nonce, and the EIP-4361 message to sign when an address is given")
    public NonceView nonce(NonceRequest request, @Context UriInfo uri) {
        Optional<String> address =
                Optional.ofNullable(request).map(NonceRequest::address).map(a -> Inputs.address("address", a));
        NonceStore.Issued issued;
        try {
            issued = nonces.issue();
        } catch (IllegalStateException full) {
            throw new ProblemException(503, full.getMessage());
        }
        String domain = domains.isEmpty() ? uri.getBaseUri().getAuthority() : domains.getFirst();
        String origin = uri.getBaseUri().getScheme() + "://" + domain;
        long chainId = settings.chainId();
        String message = address.map(a -> new SiweMessage(
                                Optional.empty(),
                                domain,
                                a,
                                Optional.of(STATEMENT),
                                origin,
                                "1",
                                chainId,
                                issued.nonce(),
                                issued.issuedAt(),
                                Optional.of(issued.expiresAt()),
                                Optional.empty(),
                                Optional.empty(),
                                List.of())
                        .format())
                .orElse(null);
        return new NonceView(
                issued.nonce(),
                issued.issuedAt().toString(),
                issued.expiresAt().toString(),
                domain,
                origin,
                chainId,
                STATEMENT,
                message);
    }

    @POST
    @Path("token")
    @Consumes(MediaType.APPLICATION_JSON)
    @RateLimited
    @Operation(summary = "Exchange a signed EIP-4361 message for a bearer token (JWT) whose subject is the signer")
    public TokenView token(TokenRequest request, @Context UriInfo uri) {
        if (request == null || request.message() == null || request.signature() == null) {
            throw ProblemException.badRequest("post {\"message\": the EIP-4361 message as signed, \"signature\": the "
                    + "0x-hex personal_sign signature}");
        }
        SignInVerifier verifier =
                new SignInVerifier(nonces, settings.chainId(), new HashSet<>(domains), clock, CLOCK_SKEW);
        SiweMessage message;
        try {
            message = verifier.verify(
                    request.message(), request.signature(), uri.getBaseUri().getAuthority());
        } catch (MalformedSiweMessageException e) {
            throw ProblemException.badRequest("not an EIP-4361 message: " + e.getMessage());
        } catch (SignInRejectedException e) {
            throw new ProblemException(401, e.getMessage(), Map.of("WWW-Authenticate", "Bearer"));
        }
        Instant now = clock.instant();
        Duration lifetime = config.gateway().tokenLifetime();
        // a token never outlives the message it was exchanged for
        Instant end = message.expirationTime()
                .filter(expiry -> expiry.isBefore(now.plus(lifetime)))
                .orElse(now.plus(lifetime));
        GatewayTokens.AccessToken token = tokens.issue(message.address(), now, Duration.between(now, end));
        return new TokenView(
                token.token(),
                "Bearer",
                Duration.between(now, token.expiresAt()).toSeconds(),
                token.expiresAt().toString(),
                message.address());
    }

    @GET
    @Path("auth/session")
    @Authenticated
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "The signed-in wallet and when its token expires")
    public SessionView session() {
        return new SessionView(
                jwt.getSubject(), Instant.ofEpochSecond(jwt.getExpirationTime()).toString());
    }
}
