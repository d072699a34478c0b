package io.cotrain.validator;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.TestNetwork;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.SchemaDocument;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import io.cotrain.testing.Await;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.Transfer;
import org.web3j.utils.Convert;

/**
 * A test class's own clients of the network {@link ValidatorNetworkResource} started for its Quarkus app (read from the
 * system properties the resource sets, so only once the app is up: in a test or {@code @BeforeEach}), and what every
 * scenario on that shared network starts with: the node ready, wallets of its own, a round of its own.
 */
final class NetworkClients implements AutoCloseable {
    static final Credentials ADMIN = ValidatorNetworkResource.ADMIN;

    final long chainId;
    final AnvilBlocks blocks;
    final Web3j web3j;
    final CotrainClients chain;
    final IpfsClient ipfs;
    final ContentStore content;

    private NetworkClients() {
        chainId = Long.parseLong(System.getProperty(ValidatorNetworkResource.CHAIN_ID));
        HttpService rpc = new HttpService(System.getProperty(ValidatorNetworkResource.RPC_URL));
        blocks = new AnvilBlocks(rpc);
        web3j = Web3j.build(rpc);
        chain = new CotrainClients(web3j, chainId)
                .use(DeploymentAddresses.read(Path.of(System.getProperty(ValidatorNetworkResource.DEPLOYMENT_FILE))));
        ipfs = new IpfsClient(URI.create(System.getProperty(ValidatorNetworkResource.IPFS_API_URL)));
        content = new ContentStore(ipfs);
    }

    /**
     * Every scenario's first step: clients of the network the running app uses (the integration-test extension
     * starts the resource after @BeforeAll, so they are made on first use), once the node reports ready.
     *
     * @param connected the test's clients, or null before its first scenario
     * @return the test's clients
     */
    static NetworkClients whenReady(NetworkClients connected, Duration timeout) throws Exception {
        Await.until(
                "the node ready", timeout, () -> given().get("/q/health/ready").statusCode() == 200);
        return connected != null ? connected : new NetworkClients();
    }

    /** @return a new key with no ether or tokens */
    static Credentials newKey() {
        try {
            return Credentials.create(Keys.createEcKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param wholeTokens Cotrain tokens it gets from the admin (0 for none)
     * @return a new wallet with one ether for gas and the tokens
     */
    Credentials newWallet(long wholeTokens) throws Exception {
        Credentials wallet = newKey();
        Transfer.sendFunds(web3j, ADMIN, wallet.getAddress(), BigDecimal.ONE, Convert.Unit.ETHER)
                .send();
        if (wholeTokens > 0) {
            chain.token(ADMIN)
                    .transfer(wallet.getAddress(), tokens(wholeTokens))
                    .send();
        }
        return wallet;
    }

    /**
     * What an owner registers: the schema and base model stored on IPFS, and the held-out set's digest (the set itself
     * stays with the owner and the validators).
     */
    record ModelDocuments(Cid schema, ModelFile base, Cid heldOut) {}

    /** @return a synthetic task's model documents */
    ModelDocuments modelDocuments(SyntheticTabularTask task) {
        return new ModelDocuments(
                content.putVerified(SchemaDocument.write(task.schema())),
                content.putModel(task.baseModelBytes()),
                Cid.of(task.heldOutCsv()));
    }

    /**
     * Task 1, the task the node holds the held-out set of, registered by the admin straight on chain unless the
     * registry has a task already (a registration scenario ran), and served by the node in the round open now: what a
     * scenario that submits to it needs. The node declares it on its first tick after the registration.
     */
    void taskOneServed() throws Exception {
        ModelRegistry models = chain.models(ADMIN);
        if (models.modelCount().send().signum() == 0) {
            ModelDocuments documents = modelDocuments(SyntheticTabularTask.standard());
            var registered = ModelRegistry.getModelRegisteredEvents(models.registerModel(TestNetwork.fedAvgSpec(
                                    documents.base().sha256(),
                                    documents.base().cid().digest(),
                                    documents.heldOut().digest(),
                                    documents.schema().digest()))
                            .send())
                    .getFirst();
            assertThat(registered.modelId).isEqualTo(BigInteger.valueOf(ValidatorNetworkResource.TASK));
        }
        BigInteger task = BigInteger.valueOf(ValidatorNetworkResource.TASK);
        Await.until(
                "the node serving task 1",
                Duration.ofSeconds(60),
                () -> chain.registry(ADMIN)
                                .servingMask(task, currentRound())
                                .send()
                                .signum()
                        != 0);
    }

    /** @return the round the chain is in now */
    BigInteger currentRound() throws Exception {
        return chain.protocol(ADMIN).currentRound().send();
    }

    /**
     * Mines until the chain enters the next round: a round no other scenario submitted to, its submission window whole.
     *
     * @return that round
     */
    BigInteger freshRound() throws Exception {
        return blocks.mineToNextRound(chain.protocol(ADMIN));
    }

    /** @return the round's phase on chain */
    RoundPhase phase(BigInteger round) {
        try {
            return RoundPhase.of(chain.protocol(ADMIN).roundInfo(round).send().phase);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        web3j.shutdown();
        ipfs.close();
    }
}
