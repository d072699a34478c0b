package io.cotrain.contracts.testing;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.generated.CotrainProtocolExtension.ProtocolConfig;
import io.cotrain.testing.RepositoryRoot;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.web3j.abi.TypeEncoder;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * Deploys a fresh Cotrain by running {@code deployment/script/Deploy.s.sol} with forge, as
 * {@code deployment/lib/chain.sh} does, so that the tests run on exactly the wiring a real network gets
 * (CotrainDeployment, which the Foundry fixtures share): the token, the validator registry, the protocol (with its
 * extension) and the model registry behind ERC-1967 proxies, bound to each other, and the commit NFT collection.
 * Unlike a network's deployment, the script runs with {@code COTRAIN_KEEP_ROLES=true}: every role stays with
 * {@code admin} (no timelock), so that tests can admit validators and pause at once; the admin also keeps the
 * script's whole token supply (no pool funding, no hand-outs).
 */
public final class ContractsDeployer {
    /** A deployment takes about a second; the first one after a change to the sources also compiles the script. */
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private ContractsDeployer() {}

    /**
     * @param anvil the chain to deploy to
     * @param admin deployer, holder of the whole token supply and of every role
     * @param config the protocol's initial parameters
     * @return the new deployment's addresses, without a timelock
     * @throws IOException if forge cannot be started or its files cannot be written or read
     * @throws InterruptedException if interrupted while forge runs
     * @throws IllegalStateException if the script fails or times out, with its output
     */
    public static DeploymentAddresses deploy(AnvilNode anvil, Credentials admin, ProtocolConfig config)
            throws IOException, InterruptedException {
        Path root = RepositoryRoot.path();
        // forge may write under deployment/target (foundry.toml's fs_permissions); its broadcast records go there too
        Path work = Files.createDirectories(root.resolve("deployment/target/test-deployments"));
        Path addresses = Files.createTempFile(work, "deployment-", ".json");
        Path log = addresses.resolveSibling(addresses.getFileName().toString().replace(".json", ".log"));
        ProcessBuilder forge = new ProcessBuilder(List.of(
                        FoundryBinaries.binary("forge").toString(),
                        "script",
                        "../deployment/script/Deploy.s.sol",
                        "--rpc-url",
                        anvil.rpcUrl(),
                        "--broadcast",
                        // one transaction at a time, as chain.sh does: anvil can leave transactions that reach it
                        // ahead of a lower nonce unmined for good, and the deployment then never ends
                        "--slow"))
                .directory(root.resolve("contracts").toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Nothing from the caller's environment may change the deployment: only the settings below.
        forge.environment().keySet().removeIf(name -> name.startsWith("COTRAIN_"));
        forge.environment()
                .putAll(Map.of(
                        "PRIVATE_KEY",
                        Numeric.toHexStringWithPrefixZeroPadded(
                                admin.getEcKeyPair().getPrivateKey(), 64),
                        "COTRAIN_PARAMETERS",
                        "0x" + TypeEncoder.encode(config),
                        "COTRAIN_KEEP_ROLES",
                        "true",
                        "COTRAIN_POOL_FUNDING",
                        "0",
                        "COTRAIN_ADDRESSES_FILE",
                        addresses.toString(),
                        "FOUNDRY_BROADCAST",
                        work.resolve("broadcast").toString()));
        Process process = forge.start();
        boolean exited = process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!exited) process.destroyForcibly().waitFor();
        if (!exited || process.exitValue() != 0) {
            String outcome = exited ? "failed with exit code " + process.exitValue() : "timed out after " + TIMEOUT;
            throw new IllegalStateException(
                    "forge script Deploy.s.sol " + outcome + " (" + log + "):\n" + Files.readString(log));
        }
        return DeploymentAddresses.read(addresses);
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
