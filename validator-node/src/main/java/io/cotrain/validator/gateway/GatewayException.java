package io.cotrain.validator.gateway;

/**
 * Why the gateway cannot do what a request asks, in the domain's terms: the caller's input does not fit, the task is
 * unknown or not held here, the content a request names cannot be used, there is nothing to claim, the client holds
 * too many live streams, or the gateway cannot serve it now. Each message says what went wrong and what to do. Only
 * {@code api/} turns these into HTTP problems, one status per kind; a refusal by the chain is the protocol client's
 * {@code ContractRevertedException} or {@code TransactionRejectedException}.
 */
public abstract sealed class GatewayException extends RuntimeException
        permits InvalidInputException,
                UnknownTaskException,
                TaskNotHeldException,
                UnusableContentException,
                NothingToClaimException,
                TooManyStreamsException,
                TemporarilyUnavailableException {
    GatewayException(String message) {
        super(message);
    }

    GatewayException(String message, Throwable cause) {
        super(message, cause);
    }
}
