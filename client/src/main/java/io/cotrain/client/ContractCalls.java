package io.cotrain.client;

import java.io.IOException;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * Calls to the chain (views, block numbers) with their failures translated once: the one "call a binding and
 * translate the exception" of the off-chain parts.
 */
public final class ContractCalls {
    /** A call that may fail with an I/O error or anything else a web3j call declares. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws Exception;
    }

    private ContractCalls() {}

    /**
     * @param what the call, for messages, e.g. {@code roundInfo(3)}
     * @return its result
     * @throws ChainUnavailableException when the endpoint does not answer (the {@link IOException} is the cause)
     * @throws IllegalStateException naming {@code what} for any other checked failure; unchecked ones (a revert web3j
     *     reports) pass as they are
     */
    public static <T> T read(String what, Call<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new ChainUnavailableException(what + ": the chain does not answer: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Calls a view with {@code eth_call} and keeps what a binding's {@code send()} loses: a revert's data, decoded
     * as the contract's custom error.
     *
     * @param from     the caller (views that read {@code msg.sender} see it)
     * @param contract the contract's address
     * @param function the view and its outputs
     * @return the decoded outputs
     * @throws ContractRevertedException when the view reverts, with the decoded error where {@code decoder} knows it
     * @throws TransactionRejectedException when the node refuses the call for another reason
     * @throws ChainUnavailableException when the endpoint does not answer
     */
    @SuppressWarnings("rawtypes")
    public static List<Type> view(Web3j web3j, String from, String contract, Function function, RevertDecoder decoder) {
        String what = function.getName() + " on " + contract;
        EthCall call = read(
                what,
                () -> web3j.ethCall(
                                Transaction.createEthCallTransaction(from, contract, FunctionEncoder.encode(function)),
                                DefaultBlockParameterName.LATEST)
                        .send());
        if (call.hasError()) throw decoder.failure(what, call.getError());
        return FunctionReturnDecoder.decode(call.getValue(), function.getOutputParameters());
    }

    /**
     * {@link #read(String, Call)}, retrying a call the endpoint did not answer by {@code retry}; for a node's logs,
     * every other failure, checked or not, is wrapped in an {@link IllegalStateException} naming {@code what}.
     *
     * @throws ChainUnavailableException when every attempt failed with an I/O error
     */
    public static <T> T read(String what, Call<T> call, RetryPolicy retry) {
        return retry.call(what, () -> {
            try {
                return call.call();
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
            }
        });
    }
}
