package io.cotrain.contracts.testing;

import static io.cotrain.contracts.testing.CotrainClients.tokens;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.generated.CotrainProtocolExtension.ProtocolConfig;
import io.cotrain.contracts.generated.ModelRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.tx.Transfer;
import org.web3j.utils.Convert;

/**
 * The network an integration test starts from, built in one place: Cotrain deployed by the deploy script
 * ({@link ContractsDeployer}), the reward pool funded, validators admitted and bonded, accounts given tokens, a task
 * registered. Each test class says what it needs; the order of the steps is the builder's.
 *
 * <pre>{@code
 * TestNetwork network = TestNetwork.builder(anvil).validators(VALIDATORS).tokensFor(alice, 1_000).build();
 * BigInteger baseCommit = network.registerTask(spec).baseCommit();
 * }</pre>
 */
public final class TestNetwork {
    private final AnvilNode anvil;
    private final CotrainClients chain;
    private final Credentials admin;
    private final List<Credentials> validators;

    private TestNetwork(AnvilNode anvil, CotrainClients chain, Credentials admin, List<Credentials> validators) {
        this.anvil = anvil;
        this.chain = chain;
        this.admin = admin;
        this.validators = validators;
    }

    /** @return a builder for a network on {@code anvil}, deployed by dev account 0 with the test parameters */
    public static Builder builder(AnvilNode anvil) {
        return new Builder(anvil);
    }

    /** A registered task: its model id (the task id) and its base commit. */
    public record Task(BigInteger id, BigInteger baseCommit) {}

    /**
     * Registers a task as the admin (its owner in tests), and has every validator of the network serve it, as a
     * validator node holding its held-out set would.
     *
     * @param spec the model's registration: base model, held-out set and schema digests, rule, weights
     * @return the task
     * @throws Exception if the registration or a declaration is refused
     */
    public Task registerTask(ModelRegistry.ModelSpec spec) throws Exception {
        var registered = ModelRegistry.getModelRegisteredEvents(
                        chain.models(admin).registerModel(spec).send())
                .getFirst();
        for (Credentials validator : validators) {
            chain.registry(validator).serveTask(registered.modelId).send();
        }
        return new Task(registered.modelId, registered.baseCommit);
    }

    /**
     * Registers a task whose documents are placeholders, for tests of the protocol that never evaluate its
     * contributions, served by every validator of the network.
     *
     * @param name what the placeholder digests are made from
     * @return the task
     * @throws Exception if the registration or a declaration is refused
     */
    public Task registerTask(String name) throws Exception {
        return registerTask(fedAvgSpec(
                sha256(name + " base model"),
                sha256(name + " base model"),
                sha256(name + " held-out set"),
                sha256(name + " schema")));
    }

    /**
     * A task's registration with FedAvg and every reward to model updates, the tests' usual task.
     *
     * @param baseSha256 the base model's sha256
     * @param baseRoot its IPFS root hash
     * @param heldOutDigest the sha256 of the held-out set
     * @param schemaDigest the digest of the schema document
     * @return the registration
     */
    public static ModelRegistry.ModelSpec fedAvgSpec(
            byte[] baseSha256, byte[] baseRoot, byte[] heldOutDigest, byte[] schemaDigest) {
        return new ModelRegistry.ModelSpec(
                baseSha256,
                baseRoot,
                heldOutDigest,
                schemaDigest,
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.valueOf(10_000),
                BigInteger.ZERO,
                BigInteger.ZERO);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Gives an account tokens from the admin's supply.
     *
     * @param wholeTokens how many
     * @throws Exception if the transfer fails
     */
    public void giveTokens(Credentials account, long wholeTokens) throws Exception {
        chain.token(admin).transfer(account.getAddress(), tokens(wholeTokens)).send();
    }

    /**
     * A new account with 1 ETH for gas, registered as a contributor with a stake of the admin's tokens.
     *
     * @param stakeWholeTokens its stake
     * @return its key
     * @throws Exception if a transaction fails
     */
    public Credentials newContributor(long stakeWholeTokens) throws Exception {
        Credentials contributor = Credentials.create(Keys.createEcKeyPair());
        Transfer.sendFunds(anvil.web3j(), admin, contributor.getAddress(), BigDecimal.ONE, Convert.Unit.ETHER)
                .send();
        giveTokens(contributor, stakeWholeTokens);
        chain.token(contributor)
                .approve(chain.addresses().protocol(), tokens(stakeWholeTokens))
                .send();
        chain.protocol(contributor)
                .registerContributor(tokens(stakeWholeTokens))
                .send();
        return contributor;
    }

    /** @return the deployment's bindings, for every account */
    public CotrainClients chain() {
        return chain;
    }

    /** @return the deployment's addresses */
    public DeploymentAddresses addresses() {
        return chain.addresses();
    }

    /** @return the account that deployed it and holds every role and the rest of the supply */
    public Credentials admin() {
        return admin;
    }

    /** @return the bonded validators, in their set's order */
    public List<Credentials> validators() {
        return validators;
    }

    /** @return the chain */
    public AnvilNode anvil() {
        return anvil;
    }

    /** What the network starts with. */
    public static final class Builder {
        private final AnvilNode anvil;
        private Credentials admin = DevAccounts.account(0);
        private ProtocolConfig parameters = ContractsDeployer.testConfig();
        private long rewardPool = 100_000;
        private final List<Credentials> validators = new ArrayList<>();
        private long validatorBond = 2_000;
        private final List<Credentials> funded = new ArrayList<>();
        private final List<Long> fundedTokens = new ArrayList<>();

        private Builder(AnvilNode anvil) {
            this.anvil = anvil;
        }

        /** @param admin the deployer, holder of every role and the supply (dev account 0 unless set) */
        public Builder admin(Credentials admin) {
            this.admin = admin;
            return this;
        }

        /** @param parameters the protocol's initial parameters ({@link ContractsDeployer#testConfig()} unless set) */
        public Builder parameters(ProtocolConfig parameters) {
            this.parameters = parameters;
            return this;
        }

        /** @param wholeTokens what the admin funds the reward pool with (100,000 unless set; 0 for none) */
        public Builder rewardPool(long wholeTokens) {
            this.rewardPool = wholeTokens;
            return this;
        }

        /** @param accounts validators admitted and bonded, in this order (so their set indices are these) */
        public Builder validators(List<Credentials> accounts) {
            validators.addAll(accounts);
            return this;
        }

        /** @param wholeTokens each validator's bond (2,000 unless set) */
        public Builder validatorBond(long wholeTokens) {
            this.validatorBond = wholeTokens;
            return this;
        }

        /** @param wholeTokens tokens the account receives from the admin's supply */
        public Builder tokensFor(Credentials account, long wholeTokens) {
            funded.add(account);
            fundedTokens.add(wholeTokens);
            return this;
        }

        /**
         * Deploys and sets the network up.
         *
         * @return the network
         * @throws Exception if the deployment or a setup transaction fails
         */
        public TestNetwork build() throws Exception {
            CotrainClients chain = new CotrainClients(anvil.web3j(), anvil.chainId());
            DeploymentAddresses addresses = ContractsDeployer.deploy(anvil, admin, parameters);
            chain.use(addresses);
            if (rewardPool > 0) {
                chain.token(admin)
                        .approve(addresses.protocol(), tokens(rewardPool))
                        .send();
                chain.protocol(admin).fundRewards(tokens(rewardPool)).send();
            }
            for (Credentials validator : validators) {
                chain.token(admin)
                        .transfer(validator.getAddress(), tokens(validatorBond))
                        .send();
                chain.registry(admin).addValidator(validator.getAddress()).send();
                chain.token(validator)
                        .approve(addresses.validatorRegistry(), tokens(validatorBond))
                        .send();
                chain.registry(validator).bondValidator(tokens(validatorBond)).send();
            }
            for (int i = 0; i < funded.size(); i++) {
                chain.token(admin)
                        .transfer(funded.get(i).getAddress(), tokens(fundedTokens.get(i)))
                        .send();
            }
            return new TestNetwork(anvil, chain, admin, List.copyOf(validators));
        }
    }
}
