package io.cotrain.validator;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.testing.AnvilNode;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.contracts.testing.TestNetwork;
import io.cotrain.ipfs.testing.IpfsNode;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * The network one validator node needs, started before Quarkus boots: a real anvil chain with Cotrain deployed (dev
 * account 0 is admin and funds the reward pool; dev account 1 is admitted and bonded as the only validator), a real
 * offline js-ipfs node, and the synthetic task's held-out set and base model on disk. Returns the node's settings;
 * stops both processes when the tests end.
 *
 * <p>The keys are anvil's public development keys ({@link DevAccounts}): local chains only.
 */
public class ValidatorNetworkResource implements QuarkusTestResourceLifecycleManager {
    static final long TASK = 1;
    static final Credentials ADMIN = DevAccounts.account(0);
    static final Credentials VALIDATOR = DevAccounts.account(1);

    static final String RPC_URL = "validator-it.rpc-url";
    static final String CHAIN_ID = "validator-it.chain-id";
    static final String DEPLOYMENT_FILE = "validator-it.deployment-file";
    static final String IPFS_API_URL = "validator-it.ipfs-api-url";

    /** The gateway's budget of expensive calls per client and minute in these tests. */
    static final int EXPENSIVE_REQUESTS_PER_MINUTE = 60;

    private AnvilNode anvil;
    private IpfsNode ipfs;

    @Override
    public Map<String, String> start() {
        try {
            Path work =
                    Files.createDirectories(Path.of("target", "validator-it").toAbsolutePath());
            anvil = AnvilNode.start(work.resolve("anvil"));
            ipfs = IpfsNode.start(work.resolve("ipfs"));

            DeploymentAddresses deployment = TestNetwork.builder(anvil)
                    .admin(ADMIN)
                    .validators(List.of(VALIDATOR))
                    .build()
                    .addresses();

            Path run = Files.createTempDirectory(work, "run-");
            Path deploymentFile = run.resolve(anvil.chainId() + ".json");
            deployment.write(deploymentFile);

            SyntheticTabularTask task = SyntheticTabularTask.standard();
            Path heldOut = Files.write(run.resolve("held-out.csv"), task.heldOutCsv());
            Path model = Files.write(run.resolve("base-model.zip"), task.baseModelBytes());

            Map<String, String> config = new LinkedHashMap<>();
            config.put("cotrain.rpc-url", anvil.rpcUrl());
            config.put("cotrain.chain-id", Long.toString(anvil.chainId()));
            config.put("cotrain.deployment-file", deploymentFile.toString());
            config.put(
                    "cotrain.key.private-key",
                    Numeric.toHexStringWithPrefixZeroPadded(
                            VALIDATOR.getEcKeyPair().getPrivateKey(), 64));
            config.put("cotrain.ipfs.api-url", ipfs.apiUrl().toString());
            config.put("cotrain.tasks[0].id", Long.toString(TASK));
            config.put(
                    "cotrain.tasks[0].feature-columns",
                    String.join(",", task.schema().featureColumns()));
            config.put("cotrain.tasks[0].label-column", task.schema().labelColumn());
            config.put(
                    "cotrain.tasks[0].class-count",
                    Integer.toString(task.schema().classCount()));
            config.put("cotrain.tasks[0].held-out-csv", heldOut.toString());
            config.put("cotrain.tasks[0].global-model", model.toString());
            config.put("cotrain.confirmations", "1");
            config.put("cotrain.data-directory", run.resolve("data").toString());
            config.put("cotrain.tick-interval", "1s");
            config.put("cotrain.first-tick-delay", "0s");
            config.put("cotrain.receipt-timeout", "30s");
            config.put("cotrain.priority-fee-wei", "1");
            config.put(
                    "cotrain.gateway.expensive-requests-per-minute", Integer.toString(EXPENSIVE_REQUESTS_PER_MINUTE));
            // the test reads where the network is from system properties: it may run in another class loader than this
            System.setProperty(RPC_URL, anvil.rpcUrl());
            System.setProperty(CHAIN_ID, Long.toString(anvil.chainId()));
            System.setProperty(DEPLOYMENT_FILE, deploymentFile.toString());
            System.setProperty(IPFS_API_URL, ipfs.apiUrl().toString());
            return config;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("cannot start the test network: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (ipfs != null) ipfs.close();
        if (anvil != null) anvil.close();
        ipfs = null;
        anvil = null;
    }
}
