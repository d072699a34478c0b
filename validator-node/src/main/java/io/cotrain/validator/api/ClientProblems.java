package io.cotrain.validator.api;

import io.cotrain.client.ChainUnavailableException;
import io.cotrain.client.ContractRevertedException;
import io.cotrain.client.InsufficientBalanceException;
import io.cotrain.client.StakeBelowMinimumException;
import io.cotrain.client.TransactionRejectedException;
import io.cotrain.validator.ProblemException;
import io.cotrain.validator.ProblemMapper;
import io.cotrain.validator.gateway.RevertReasons;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The protocol client's refusals as problems: what the chain would refuse is a 422 that says what to change (a revert
 * with the contract's custom error and what it means, a transaction the node refused with its reason). Only this
 * layer turns the client's typed exceptions into HTTP answers.
 */
public class ClientProblems {
    private static final int ECHO_LIMIT = 80;

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

    /** @return a 422 problem with the contract's custom error and what it means, or that it gives none */
    @ServerExceptionMapper
    public Response contractReverted(ContractRevertedException e, UriInfo uri) {
        String data = e.revertData();
        String why = e.error() != null
                ? RevertReasons.explain(e.error())
                : data.length() <= 2
                        ? "the contract gives no error that says why"
                        : "an error no Cotrain contract declares ("
                                + (data.length() > ECHO_LIMIT ? data.substring(0, ECHO_LIMIT) + "..." : data) + ")";
        return ProblemMapper.answer(new ProblemException(422, "the transaction would revert: " + why), uri);
    }

    /** @return a 422 problem with the node's reason (and, when the sender lacks ETH for gas, that it does) */
    @ServerExceptionMapper
    public Response transactionRejected(TransactionRejectedException e, UriInfo uri) {
        String hint = e.lacksFunds() ? ": the sending account needs ETH to pay for the gas" : "";
        return ProblemMapper.answer(
                new ProblemException(422, "the chain refused the transaction: " + e.reason() + hint), uri);
    }
}
