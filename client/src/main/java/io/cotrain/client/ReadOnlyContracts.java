package io.cotrain.client;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainToken;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ValidatorRegistry;
import java.math.BigInteger;
import org.web3j.protocol.Web3j;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;

/**
 * Bindings of a deployment's contracts for calls and for encoding transactions, never for sending them (that is
 * {@link TransactionSender}'s): the one place they are set up.
 *
 * @param protocol the protocol
 * @param token the COT token
 * @param validators the validator registry
 * @param models the model registry
 */
public record ReadOnlyContracts(
        CotrainProtocol protocol, CotrainToken token, ValidatorRegistry validators, ModelRegistry models) {
    private static final StaticGasProvider NO_GAS = new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO);

    /**
     * @param caller the {@code from} of the calls: a view that depends on {@code msg.sender} answers for it
     * @return bindings of every contract of {@code deployment}
     */
    public static ReadOnlyContracts of(Web3j web3j, DeploymentAddresses deployment, String caller) {
        var calls = new ReadonlyTransactionManager(web3j, caller);
        return new ReadOnlyContracts(
                CotrainProtocol.load(deployment.protocol(), web3j, calls, NO_GAS),
                CotrainToken.load(deployment.token(), web3j, calls, NO_GAS),
                ValidatorRegistry.load(deployment.validatorRegistry(), web3j, calls, NO_GAS),
                ModelRegistry.load(deployment.modelRegistry(), web3j, calls, NO_GAS));
    }
}
