package io.cotrain.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentAddressesTest {
    private static final String FILE = """
            {"chainId":31337,"token":"0x5FbDB2315678afecb367f032d93F642f64180aa3",
             "protocol":"0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
             "protocolImplementation":"0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
             "validatorRegistry":"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
             "validatorRegistryImplementation":"0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
             "modelRegistry":"0x0165878A594ca255338adfa4d48449f69242Eb8F",
             "modelRegistryImplementation":"0x5FC8d32690cc91D4c39d9d3abcBD16989F875707",
             "commitToken":"0xa513E6E4b8f2a923D98304ec87F64353C4D5C853",
             "deployBlock":4}
            """;

    @TempDir
    Path dir;

    @Test
    void readsTheFileTheDeployScriptWrites() throws Exception {
        Path file = DeploymentAddresses.fileFor(dir, 31337);
        Files.writeString(file, FILE);

        DeploymentAddresses addresses = DeploymentAddresses.read(file);

        assertThat(file.getFileName()).hasToString("31337.json");
        assertThat(addresses.chainId()).isEqualTo(31337);
        assertThat(addresses.protocol()).isEqualTo("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0");
        assertThat(addresses.validatorRegistry()).isEqualTo("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
        assertThat(addresses.deployBlock()).isEqualTo(BigInteger.valueOf(4));
    }

    @Test
    void writesWhatItReads() throws Exception {
        Path original = Files.writeString(dir.resolve("original.json"), FILE);
        DeploymentAddresses addresses = DeploymentAddresses.read(original);

        Path copy = dir.resolve("copy.json");
        addresses.write(copy);

        assertThat(DeploymentAddresses.read(copy)).isEqualTo(addresses);
        assertThat(addresses.modelRegistry()).isEqualTo("0x0165878A594ca255338adfa4d48449f69242Eb8F");
        assertThat(addresses.commitToken()).isEqualTo("0xa513E6E4b8f2a923D98304ec87F64353C4D5C853");
    }

    @Test
    void namesTheFileAndTheFieldThatIsWrong() throws Exception {
        Path missing = dir.resolve("missing.json");
        Files.writeString(missing, FILE.replace("\"token\"", "\"tokn\""));
        assertThatThrownBy(() -> DeploymentAddresses.read(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(missing + ": missing address field 'token'");

        Path malformed = dir.resolve("malformed.json");
        Files.writeString(malformed, FILE.replace("0x5FbDB2315678afecb367f032d93F642f64180aa3", "0x1234"));
        assertThatThrownBy(() -> DeploymentAddresses.read(malformed))
                .hasMessage(malformed + ": token is not a 20-byte hex address: 0x1234");
    }

    @Test
    void reportsAnUnreadableFile() {
        assertThatThrownBy(() -> DeploymentAddresses.read(dir.resolve("absent.json")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("absent.json");
    }
}
