package io.cotrain.contracts.testing;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.generated.CommitToken;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainToken;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ValidatorRegistry;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * The bindings of one deployment as each account sees them: every key signs its own transactions through one
 * transaction manager (one nonce source per key), with receipts polled every 50 ms since anvil mines at once.
 */
public final class CotrainClients {
    /** One token in wei (18 decimals). */
    public static final BigInteger TOKEN = BigInteger.TEN.pow(18);
    /** Legacy gas price above anvil's starting base fee, and a limit that fits a proxy deployment. */
    public static final ContractGasProvider GAS =
            new StaticGasProvider(BigInteger.valueOf(2_000_000_000L), BigInteger.valueOf(12_000_000L));

    private final Web3j web3j;
    private final long chainId;
    private final Map<String, TransactionManager> managers = new HashMap<>();
    private DeploymentAddresses addresses;

    public CotrainClients(Web3j web3j, long chainId) {
        this.web3j = web3j;
        this.chainId = chainId;
    }

    /**
     * @param tokens whole tokens
     * @return the amount in wei
     */
    public static BigInteger tokens(long tokens) {
        return TOKEN.multiply(BigInteger.valueOf(tokens));
    }

    /**
     * @param account a key
     * @return the one transaction manager of that key
     */
    public synchronized TransactionManager transactionManager(Credentials account) {
        return managers.computeIfAbsent(
                account.getAddress(),
                address -> new RawTransactionManager(
                        web3j, account, chainId, new PollingTransactionReceiptProcessor(web3j, 50, 400)));
    }

    /**
     * Points the clients at a deployment.
     *
     * @param deployment the addresses to load bindings from
     * @return this
     */
    public CotrainClients use(DeploymentAddresses deployment) {
        this.addresses = deployment;
        return this;
    }

    public DeploymentAddresses addresses() {
        return addresses;
    }

    public Web3j web3j() {
        return web3j;
    }

    public long chainId() {
        return chainId;
    }

    public CotrainProtocol protocol(Credentials account) {
        return CotrainProtocol.load(addresses.protocol(), web3j, transactionManager(account), GAS);
    }

    public CotrainToken token(Credentials account) {
        return CotrainToken.load(addresses.token(), web3j, transactionManager(account), GAS);
    }

    public ValidatorRegistry registry(Credentials account) {
        return ValidatorRegistry.load(addresses.validatorRegistry(), web3j, transactionManager(account), GAS);
    }

    public ModelRegistry models(Credentials account) {
        return ModelRegistry.load(addresses.modelRegistry(), web3j, transactionManager(account), GAS);
    }

    public CommitToken commits(Credentials account) {
        return CommitToken.load(addresses.commitToken(), web3j, transactionManager(account), GAS);
    }
}
