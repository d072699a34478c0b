package io.cotrain.validator.api;

import io.cotrain.validator.gateway.InvalidInputException;
import io.cotrain.validator.gateway.TransactionBuilder;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.function.Function;

/** What the wallet endpoints share: a body must be posted, and a signed transaction in it is relayed. */
final class WalletRequests {
    private WalletRequests() {}

    /**
     * @param body the bound body, null when none was posted (or JSON null)
     * @param signedTransaction the body's signed transaction, if it has one
     * @return 202 with the transaction hash when the body holds a signed transaction, else empty
     * @throws InvalidInputException when no body was posted
     */
    static <B> Optional<Response> relayed(
            TransactionBuilder transactions,
            TransactionBuilder.Purpose purpose,
            B body,
            Function<B, String> signedTransaction) {
        if (body == null) throw new InvalidInputException("body", null, BodyProblems.POST_AN_OBJECT);
        return Optional.ofNullable(signedTransaction.apply(body))
                .map(signed ->
                        Response.accepted(transactions.relay(purpose, signed)).build());
    }
}
