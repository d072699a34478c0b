package io.cotrain.deployment;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.ProtocolParameter;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainTimelock;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ValidatorRegistry;
import io.cotrain.contracts.testing.AnvilExtension;
import io.cotrain.contracts.testing.AnvilNode;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Numeric;

/** Deploy.s.sol and Upgrade.s.sol against a real anvil, checked through the Java bindings. */
@ExtendWith(AnvilExtension.class)
class DeployScriptIT {
    /** ERC-1967 implementation slot: bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1). */
    private static final BigInteger IMPLEMENTATION_SLOT =
            Numeric.toBigInt("0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc");

    private final Credentials admin = DevAccounts.account(0);
    private final Credentials validator = DevAccounts.account(1);
    private final Credentials contributor = DevAccounts.account(2);

    @Test
    void deploysBindsAndHandsGovernanceToTheTimelock_thenUpgradesThroughItKeepingState(AnvilNode anvil)
            throws Exception {
        Path addressesFile = ScriptRunner.freshFile("deploy-");
        Map<String, String> environment = Map.of(
                "PRIVATE_KEY",
                privateKeyOf(admin),
                "COTRAIN_ADDRESSES_FILE",
                addressesFile.toString(),
                "COTRAIN_SUBMISSION_BLOCKS",
                "12",
                "COTRAIN_VALIDATORS",
                validator.getAddress(),
                "COTRAIN_TOKEN_RECIPIENTS",
                validator.getAddress() + "," + contributor.getAddress(),
                "COTRAIN_TOKENS_EACH",
                "500",
                "COTRAIN_POOL_FUNDING",
                "2000");
        ScriptRunner.forgeScript("Deploy.s.sol", anvil.rpcUrl(), environment);

        DeploymentAddresses addresses = DeploymentAddresses.read(addressesFile);
        assertThat(addresses.chainId()).isEqualTo(anvil.chainId());
        CotrainClients chain = new CotrainClients(anvil.web3j(), anvil.chainId()).use(addresses);
        CotrainProtocol protocol = chain.protocol(admin);
        ValidatorRegistry registry = chain.registry(admin);
        ModelRegistry models = chain.models(admin);

        assertThat(protocol.stakingToken().send()).isEqualToIgnoringCase(addresses.token());
        assertThat(protocol.validatorRegistry().send()).isEqualToIgnoringCase(addresses.validatorRegistry());
        assertThat(registry.protocol().send()).isEqualToIgnoringCase(addresses.protocol());
        assertThat(registry.modelRegistry().send())
                .as("the model registry may slash attestations")
                .isEqualToIgnoringCase(addresses.modelRegistry());
        assertThat(implementationOf(anvil, addresses.protocol()))
                .isEqualToIgnoringCase(addresses.protocolImplementation());
        assertThat(protocol.parameter(ProtocolParameter.SUBMISSION_BLOCKS.index())
                        .send())
                .isEqualTo(BigInteger.valueOf(12));
        assertThat(protocol.parameter(ProtocolParameter.QUORUM_BPS.index()).send())
                .isEqualTo(BigInteger.valueOf(6_666));
        assertThat(registry.validatorInfo(validator.getAddress()).send().admitted)
                .isTrue();
        assertThat(chain.token(admin).balanceOf(contributor.getAddress()).send())
                .isEqualTo(tokens(500));
        assertThat(protocol.poolTotals().send().component2()).isEqualTo(tokens(2_000));
        assertThat(models.PROTOCOL().send()).isEqualToIgnoringCase(addresses.protocol());
        assertThat(models.commitToken().send()).isEqualToIgnoringCase(addresses.commitToken());
        assertThat(chain.commits(admin).MINTER().send()).isEqualToIgnoringCase(addresses.modelRegistry());

        // Governance: every role that moves funds or changes rules is the timelock's; the deployer kept only pausing.
        String timelock = addresses.timelock();
        byte[] adminRole = new byte[32];
        for (byte[] role : List.of(
                adminRole,
                protocol.PARAMETER_ROLE().send(),
                protocol.UPGRADER_ROLE().send())) {
            assertThat(protocol.hasRole(role, timelock).send()).isTrue();
            assertThat(protocol.hasRole(role, admin.getAddress()).send()).isFalse();
        }
        assertThat(protocol.hasRole(protocol.PAUSER_ROLE().send(), admin.getAddress())
                        .send())
                .isTrue();
        for (byte[] role : List.of(
                adminRole,
                registry.VALIDATOR_MANAGER_ROLE().send(),
                registry.UPGRADER_ROLE().send())) {
            assertThat(registry.hasRole(role, timelock).send()).isTrue();
            assertThat(registry.hasRole(role, admin.getAddress()).send()).isFalse();
        }
        for (byte[] role : List.of(adminRole, models.UPGRADER_ROLE().send())) {
            assertThat(models.hasRole(role, timelock).send()).isTrue();
            assertThat(models.hasRole(role, admin.getAddress()).send()).isFalse();
        }
        // its exit window is two rounds of 12 + 10 + 10 blocks and the longest unbonding delay (two rounds again),
        // and its delay that window at 12 seconds a block
        CotrainTimelock governance = CotrainTimelock.load(timelock, anvil.web3j(), admin, CotrainClients.GAS);
        BigInteger unbondingBlocks = protocol.parameter(ProtocolParameter.VALIDATOR_UNBONDING_BLOCKS.index())
                .send();
        BigInteger exitBlocks = governance.exitBlocks().send();
        assertThat(exitBlocks).isEqualTo(BigInteger.valueOf(2 * (12 + 10 + 10)).add(unbondingBlocks));
        assertThat(governance.getMinDelay().send()).isEqualTo(exitBlocks.multiply(BigInteger.valueOf(12)));
        assertThat(governance.PROTOCOL().send()).isEqualToIgnoringCase(addresses.protocol());

        // An upgrade is scheduled, waits for the delay, and only then runs.
        Map<String, String> upgrade = Map.of(
                "PRIVATE_KEY", privateKeyOf(admin),
                "COTRAIN_ADDRESSES_FILE", addressesFile.toString(),
                "COTRAIN_UPGRADE_FILE",
                        addressesFile
                                .resolveSibling("upgrade-" + addressesFile.getFileName())
                                .toString(),
                "COTRAIN_UPGRADE", "protocol,models");
        ScriptRunner.forgeScript("Upgrade.s.sol", anvil.rpcUrl(), with(upgrade, "COTRAIN_UPGRADE_STEP", "schedule"));
        assertThat(implementationOf(anvil, addresses.protocol()))
                .isEqualToIgnoringCase(addresses.protocolImplementation());
        assertThatThrownBy(() -> ScriptRunner.forgeScript(
                        "Upgrade.s.sol", anvil.rpcUrl(), with(upgrade, "COTRAIN_UPGRADE_STEP", "execute")))
                .as("not before the delay")
                .hasMessageContaining("TimelockUnexpectedOperationState");
        anvil.advanceTime(governance.getMinDelay().send().longValueExact());
        assertThatThrownBy(() -> ScriptRunner.forgeScript(
                        "Upgrade.s.sol", anvil.rpcUrl(), with(upgrade, "COTRAIN_UPGRADE_STEP", "execute")))
                .as("the delay in seconds passed, the exit window on the protocol clock did not")
                .hasMessageContaining("TimelockUnexpectedOperationState");
        anvil.mine(exitBlocks.longValueExact());
        ScriptRunner.forgeScript("Upgrade.s.sol", anvil.rpcUrl(), with(upgrade, "COTRAIN_UPGRADE_STEP", "execute"));

        assertThat(implementationOf(anvil, addresses.protocol()))
                .isNotEqualToIgnoringCase(addresses.protocolImplementation());
        assertThat(implementationOf(anvil, addresses.modelRegistry()))
                .isNotEqualToIgnoringCase(addresses.modelRegistryImplementation());
        assertThat(models.commitToken().send()).isEqualToIgnoringCase(addresses.commitToken());
        assertThat(protocol.poolTotals().send().component2())
                .as("state survives the upgrade")
                .isEqualTo(tokens(2_000));
        assertThat(protocol.parameter(ProtocolParameter.SUBMISSION_BLOCKS.index())
                        .send())
                .isEqualTo(BigInteger.valueOf(12));
    }

    @Test
    void refusesATimelockShorterThanTheExitWindow(AnvilNode anvil) throws Exception {
        Map<String, String> environment = Map.of(
                "PRIVATE_KEY", privateKeyOf(admin),
                "COTRAIN_ADDRESSES_FILE", ScriptRunner.freshFile("short-").toString(),
                "COTRAIN_TIMELOCK_DELAY", "60");
        assertThatThrownBy(() -> ScriptRunner.forgeScript("Deploy.s.sol", anvil.rpcUrl(), environment))
                .hasMessageContaining("TimelockDelayTooShort");
    }

    private static Map<String, String> with(Map<String, String> environment, String name, String value) {
        Map<String, String> extended = new HashMap<>(environment);
        extended.put(name, value);
        return extended;
    }

    private static String implementationOf(AnvilNode anvil, String proxy) throws Exception {
        String word = anvil.web3j()
                .ethGetStorageAt(proxy, IMPLEMENTATION_SLOT, DefaultBlockParameterName.LATEST)
                .send()
                .getData();
        return "0x" + Numeric.cleanHexPrefix(word).substring(24);
    }

    private static String privateKeyOf(Credentials account) {
        return Numeric.toHexStringWithPrefixZeroPadded(account.getEcKeyPair().getPrivateKey(), 64);
    }
}
