package io.cotrain.deployment;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.testing.AnvilExtension;
import io.cotrain.contracts.testing.AnvilNode;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import java.math.BigInteger;
import java.nio.file.Path;
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
    private static final int QUORUM_BPS = 14;
    private static final int SUBMISSION_BLOCKS = 15;

    private final Credentials admin = DevAccounts.account(0);
    private final Credentials validator = DevAccounts.account(1);
    private final Credentials contributor = DevAccounts.account(2);

    @Test
    void deploysBindsAndConfiguresTheProtocol_thenUpgradesKeepingState(AnvilNode anvil) throws Exception {
        Path addressesFile = ScriptRunner.freshFile("deploy-");
        Map<String, String> environment = Map.of(
                "PRIVATE_KEY", privateKeyOf(admin),
                "COTRAIN_ADDRESSES_FILE", addressesFile.toString(),
                "COTRAIN_SUBMISSION_BLOCKS", "12",
                "COTRAIN_VALIDATORS", validator.getAddress(),
                "COTRAIN_TOKEN_RECIPIENTS", validator.getAddress() + "," + contributor.getAddress(),
                "COTRAIN_TOKENS_EACH", "500",
                "COTRAIN_POOL_FUNDING", "2000");
        ScriptRunner.forgeScript("Deploy.s.sol", anvil.rpcUrl(), environment);

        DeploymentAddresses addresses = DeploymentAddresses.read(addressesFile);
        assertThat(addresses.chainId()).isEqualTo(anvil.chainId());
        CotrainClients chain = new CotrainClients(anvil.web3j(), anvil.chainId()).use(addresses);
        CotrainProtocol protocol = chain.protocol(admin);

        assertThat(protocol.stakingToken().send()).isEqualToIgnoringCase(addresses.token());
        assertThat(protocol.validatorRegistry().send()).isEqualToIgnoringCase(addresses.validatorRegistry());
        assertThat(chain.registry(admin).protocol().send()).isEqualToIgnoringCase(addresses.protocol());
        assertThat(implementationOf(anvil, addresses.protocol())).isEqualToIgnoringCase(addresses.protocolImplementation());
        for (byte[] role : new byte[][] {protocol.DEFAULT_ADMIN_ROLE().send(), protocol.PARAMETER_ROLE().send(),
                protocol.PAUSER_ROLE().send(), protocol.UPGRADER_ROLE().send()}) {
            assertThat(protocol.hasRole(role, admin.getAddress()).send()).isTrue();
        }
        assertThat(protocol.parameter(BigInteger.valueOf(SUBMISSION_BLOCKS)).send()).isEqualTo(BigInteger.valueOf(12));
        assertThat(protocol.parameter(BigInteger.valueOf(QUORUM_BPS)).send()).isEqualTo(BigInteger.valueOf(6_666));
        assertThat(chain.registry(admin).validatorInfo(validator.getAddress()).send().admitted).isTrue();
        assertThat(chain.token(admin).balanceOf(contributor.getAddress()).send()).isEqualTo(tokens(500));
        assertThat(protocol.poolTotals().send().component2()).isEqualTo(tokens(2_000));

        ModelRegistry models = chain.models(admin);
        assertThat(models.PROTOCOL().send()).isEqualToIgnoringCase(addresses.protocol());
        assertThat(models.commitToken().send()).isEqualToIgnoringCase(addresses.commitToken());
        assertThat(chain.commits(admin).MINTER().send()).isEqualToIgnoringCase(addresses.modelRegistry());
        assertThat(implementationOf(anvil, addresses.modelRegistry()))
                .isEqualToIgnoringCase(addresses.modelRegistryImplementation());
        assertThat(chain.registry(admin).hasRole(chain.registry(admin).SLASHER_ROLE().send(), addresses.modelRegistry())
                .send()).as("the model registry may slash attestations").isTrue();

        ScriptRunner.forgeScript("Upgrade.s.sol", anvil.rpcUrl(), Map.of(
                "PRIVATE_KEY", privateKeyOf(admin),
                "COTRAIN_ADDRESSES_FILE", addressesFile.toString(),
                "COTRAIN_UPGRADE", "protocol,models"));

        assertThat(implementationOf(anvil, addresses.protocol())).isNotEqualToIgnoringCase(addresses.protocolImplementation());
        assertThat(implementationOf(anvil, addresses.modelRegistry()))
                .isNotEqualToIgnoringCase(addresses.modelRegistryImplementation());
        assertThat(models.commitToken().send()).isEqualToIgnoringCase(addresses.commitToken());
        assertThat(protocol.poolTotals().send().component2()).as("state survives the upgrade").isEqualTo(tokens(2_000));
        assertThat(protocol.parameter(BigInteger.valueOf(SUBMISSION_BLOCKS)).send()).isEqualTo(BigInteger.valueOf(12));
    }

    private static String implementationOf(AnvilNode anvil, String proxy) throws Exception {
        String word = anvil.web3j().ethGetStorageAt(proxy, IMPLEMENTATION_SLOT, DefaultBlockParameterName.LATEST)
                .send()
                .getData();
        return "0x" + Numeric.cleanHexPrefix(word).substring(24);
    }

    private static String privateKeyOf(Credentials account) {
        return Numeric.toHexStringWithPrefixZeroPadded(account.getEcKeyPair().getPrivateKey(), 64);
    }
}
