package io.cotrain.validator.api;

import io.cotrain.client.ChainUnavailableException;
import io.cotrain.client.InsufficientBalanceException;
import io.cotrain.client.StakeBelowMinimumException;
import io.cotrain.validator.ProblemException;
import io.cotrain.validator.ProblemMapper;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The protocol client's refusals as problems: what the chain would refuse is a 422 that says what to change. Only
 * this layer turns the client's typed exceptions into HTTP answers.
 */
public class ClientProblems {
    @ServerExceptionMapper
    public Response chainUnavailable(ChainUnavailableException e, UriInfo uri) {
        return ProblemMapper.answer(
                new ProblemException(
                        503,
                        "the chain does not answer this node now ("
                                + (e.getCause() == null
                                        ? "no answer"
                                        : e.getCause().getClass().getSimpleName())
                                + "); try again shortly"),
                uri);
    }

    @ServerExceptionMapper
    public Response insufficientBalance(InsufficientBalanceException e, UriInfo uri) {
        return ProblemMapper.answer(new ProblemException(422, e.getMessage() + ": get more tokens or stake less"), uri);
    }

    @ServerExceptionMapper
    public Response stakeBelowMinimum(StakeBelowMinimumException e, UriInfo uri) {
        return ProblemMapper.answer(new ProblemException(422, e.getMessage()), uri);
    }
}
