package io.cotrain.contracts.testing;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.generated.CommitToken;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocolExtension;
import io.cotrain.contracts.generated.CotrainProtocolExtension.ProtocolConfig;
import io.cotrain.contracts.generated.CotrainToken;
import io.cotrain.contracts.generated.ERC1967Proxy;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ValidatorRegistry;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.crypto.ContractUtils;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.tx.TransactionManager;
import org.web3j.utils.Numeric;

/**
 * Deploys a fresh Cotrain through the generated Java bindings, as {@code deployment/script/Deploy.s.sol} does with
 * forge: the token, the validator registry, the protocol (with its extension) and the model registry behind ERC-1967
 * proxies (UUPS), initialized in their constructors' call, then bound to each other, and the commit NFT collection,
 * minted by the model registry. Unlike the deploy script, every role stays with {@code admin} (no timelock), so that
 * tests can admit validators and pause at once.
 */
public final class ContractsDeployer {
    private ContractsDeployer() {}

    /**
     * @param clients the chain to deploy to
     * @param admin deployer, initial token holder and holder of every role
     * @param supply the token supply in wei
     * @param config the protocol's initial parameters
     * @return the new deployment's addresses
     * @throws Exception if a deployment transaction fails
     */
    public static DeploymentAddresses deploy(
            CotrainClients clients, Credentials admin, BigInteger supply, ProtocolConfig config) throws Exception {
        var web3j = clients.web3j();
        TransactionManager signer = clients.transactionManager(admin);
        BigInteger deployBlock = web3j.ethBlockNumber().send().getBlockNumber();

        CotrainToken token = CotrainToken.deploy(web3j, signer, CotrainClients.GAS, admin.getAddress(), supply)
                .send();
        String registryImplementation = ValidatorRegistry.deploy(
                        web3j, signer, CotrainClients.GAS, token.getContractAddress())
                .send()
                .getContractAddress();
        String registry = proxy(
                clients,
                signer,
                registryImplementation,
                new Function("initialize", List.of(new Address(admin.getAddress())), List.of()));
        String extension = CotrainProtocolExtension.deploy(
                        web3j, signer, CotrainClients.GAS, token.getContractAddress(), registry)
                .send()
                .getContractAddress();
        String protocolImplementation = CotrainProtocol.deploy(
                        web3j, signer, CotrainClients.GAS, token.getContractAddress(), registry, extension)
                .send()
                .getContractAddress();
        String protocol = proxy(
                clients,
                signer,
                protocolImplementation,
                new Function("initialize", List.of(new Address(admin.getAddress()), config), List.of()));

        ValidatorRegistry validators = ValidatorRegistry.load(registry, web3j, signer, CotrainClients.GAS);
        validators.setProtocol(protocol).send();

        String modelRegistryImplementation = ModelRegistry.deploy(web3j, signer, CotrainClients.GAS, protocol)
                .send()
                .getContractAddress();
        // The commit collection names its minter, the model registry's proxy, which is deployed right after it.
        BigInteger nonce = web3j.ethGetTransactionCount(admin.getAddress(), DefaultBlockParameterName.PENDING)
                .send()
                .getTransactionCount();
        String modelRegistryProxy =
                ContractUtils.generateContractAddress(admin.getAddress(), nonce.add(BigInteger.ONE));
        String commitToken = CommitToken.deploy(web3j, signer, CotrainClients.GAS, modelRegistryProxy)
                .send()
                .getContractAddress();
        String modelRegistry = proxy(
                clients,
                signer,
                modelRegistryImplementation,
                new Function(
                        "initialize", List.of(new Address(admin.getAddress()), new Address(commitToken)), List.of()));
        if (!modelRegistry.equalsIgnoreCase(modelRegistryProxy)) {
            throw new IllegalStateException("model registry deployed at " + modelRegistry + ", expected "
                    + modelRegistryProxy + ": another transaction of " + admin.getAddress() + " came between");
        }
        validators.bindModelRegistry(modelRegistry).send();
        return new DeploymentAddresses(
                clients.chainId(),
                token.getContractAddress(),
                protocol,
                protocolImplementation,
                registry,
                registryImplementation,
                modelRegistry,
                modelRegistryImplementation,
                commitToken,
                null,
                deployBlock);
    }

    private static String proxy(
            CotrainClients clients, TransactionManager signer, String implementation, Function initializer)
            throws Exception {
        byte[] initCall = Numeric.hexStringToByteArray(FunctionEncoder.encode(initializer));
        return ERC1967Proxy.deploy(
                        clients.web3j(), signer, CotrainClients.GAS, BigInteger.ZERO, implementation, initCall)
                .send()
                .getContractAddress();
    }

    /**
     * The parameters the tests run with: 20/10/10-block round windows, two-of-three quorum, and the deploy script's
     * stakes, rewards, caps and penalties.
     *
     * @return the initial parameters
     */
    public static ProtocolConfig testConfig() {
        return new ProtocolConfig(
                CotrainClients.tokens(100), // minContributorStake
                CotrainClients.tokens(10), // stakePerContribution
                BigInteger.valueOf(50), // contributorUnbondingBlocks
                BigInteger.valueOf(5_000), // contributorSlashBps
                BigInteger.valueOf(30), // slashThresholdScore
                BigInteger.valueOf(2_000), // reputationAlphaBps
                BigInteger.valueOf(5_000), // initialReputation
                CotrainClients.tokens(1_000), // minValidatorStake
                BigInteger.valueOf(100), // validatorUnbondingBlocks
                BigInteger.valueOf(16), // maxValidators
                CotrainClients.tokens(1), // validationReward
                BigInteger.valueOf(100), // deviationPenaltyBps
                BigInteger.valueOf(500), // absencePenaltyBps
                BigInteger.valueOf(10), // toleranceScore
                BigInteger.valueOf(6_666), // quorumBps: two of three validators
                BigInteger.valueOf(20), // submissionBlocks
                BigInteger.valueOf(10), // commitBlocks
                BigInteger.valueOf(10), // revealBlocks
                CotrainClients.tokens(20), // modelUpdateReward
                CotrainClients.tokens(15), // datasetReward
                CotrainClients.tokens(10), // validationWorkReward
                BigInteger.valueOf(50), // neutralScore
                BigInteger.valueOf(512), // maxContributionsPerRound
                BigInteger.valueOf(64), // maxContributionsPerContributor
                BigInteger.valueOf(3_334), // maxWeightShareBps
                BigInteger.valueOf(500), // maxRoundPenaltyBps: at most the absence penalty
                BigInteger.ZERO); // submissionFee
    }
}
