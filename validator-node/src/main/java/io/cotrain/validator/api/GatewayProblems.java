package io.cotrain.validator.api;

import io.cotrain.validator.ProblemException;
import io.cotrain.validator.ProblemMapper;
import io.cotrain.validator.gateway.GatewayException;
import io.cotrain.validator.gateway.InvalidInputException;
import io.cotrain.validator.gateway.NothingToClaimException;
import io.cotrain.validator.gateway.TaskNotHeldException;
import io.cotrain.validator.gateway.TemporarilyUnavailableException;
import io.cotrain.validator.gateway.TooManyStreamsException;
import io.cotrain.validator.gateway.UnknownTaskException;
import io.cotrain.validator.gateway.UnusableContentException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The gateway's domain failures as problems, each kind with its status and its message as the detail: input that
 * does not fit is 400, an unknown task 404, a task this node does not hold 409, content it cannot use and a claim of
 * nothing 422, one live stream too many for a client 429, what does not answer now 503.
 */
public class GatewayProblems {
    /** @return the failure as a problem with its kind's status, its message the detail */
    @ServerExceptionMapper
    public Response gateway(GatewayException e, UriInfo uri) {
        return ProblemMapper.answer(new ProblemException(status(e), e.getMessage()), uri);
    }

    /** @return the HTTP status of a kind of failure */
    static int status(GatewayException e) {
        return switch (e) {
            case InvalidInputException invalid -> 400;
            case UnknownTaskException unknown -> 404;
            case TaskNotHeldException notHeld -> 409;
            case UnusableContentException unusable -> 422;
            case NothingToClaimException nothing -> 422;
            case TooManyStreamsException tooMany -> 429;
            case TemporarilyUnavailableException unavailable -> 503;
        };
    }
}
