package io.cotrain.validator.api;

import io.cotrain.validator.ProblemException;
import io.cotrain.validator.ProblemMapper;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Security failures as problems: no or a bad bearer token is 401 (with the WWW-Authenticate challenge and what to do),
 * a token without the needed group 403. Proactive authentication is off (application.properties), so these reach
 * the REST layer instead of ending as bare 401s.
 */
public class SecurityProblems {
    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Bearer");

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return ProblemMapper.answer(
                new ProblemException(
                        401,
                        "this endpoint needs a bearer token: sign in with "
                                + "POST /auth/nonce and POST /token, then send 'Authorization: Bearer <token>'",
                        CHALLENGE),
                uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return ProblemMapper.answer(
                new ProblemException(
                        401,
                        "the bearer token is invalid or expired: sign in again "
                                + "with POST /auth/nonce and POST /token",
                        CHALLENGE),
                uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return ProblemMapper.answer(new ProblemException(403, "the signed-in wallet may not use this endpoint"), uri);
    }
}
