package io.cotrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.WalletUtils;
import org.web3j.utils.Numeric;

class WalletTest {
    private static final String KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    static Path directory;

    private static Path keystore;
    private static String address;

    @BeforeAll
    static void keystore() throws Exception {
        ECKeyPair pair = ECKeyPair.create(Numeric.toBigInt(KEY));
        keystore = directory.resolve(WalletUtils.generateWalletFile(PASSWORD, pair, directory.toFile(), false));
        address = Credentials.create(pair).getAddress();
    }

    private static CliEnvironment environment(Map<String, String> variables, CliEnvironment.PasswordPrompt prompt) {
        return new CliEnvironment(variables, directory, prompt, false);
    }

    @Test
    void aPrivateKeyFromTheEnvironment() {
        assertThat(Wallet.load(
                                null,
                                environment(Map.of("COTRAIN_PRIVATE_KEY", KEY), CliEnvironment.PasswordPrompt.NONE))
                        .getAddress())
                .isEqualTo(address);
        assertThat(Wallet.load(
                                null,
                                environment(
                                        Map.of("COTRAIN_PRIVATE_KEY", KEY.substring(2)),
                                        CliEnvironment.PasswordPrompt.NONE))
                        .getAddress())
                .isEqualTo(address);
    }

    @Test
    void aKeystoreWithItsPasswordFromTheEnvironment_relativeToTheWorkingDirectory() {
        var variables = Map.of("COTRAIN_KEYSTORE_PASSWORD", PASSWORD);
        assertThat(Wallet.load(keystore.getFileName(), environment(variables, CliEnvironment.PasswordPrompt.NONE))
                        .getAddress())
                .isEqualTo(address);
        var fromVariable = Map.of(
                "COTRAIN_KEYSTORE",
                keystore.toString(),
                "COTRAIN_KEYSTORE_PASSWORD",
                PASSWORD,
                "COTRAIN_PRIVATE_KEY",
                "0x" + "11".repeat(32));
        assertThat(Wallet.load(null, environment(fromVariable, CliEnvironment.PasswordPrompt.NONE))
                        .getAddress())
                .as("the keystore wins over the private key")
                .isEqualTo(address);
    }

    @Test
    void withoutAPasswordInTheEnvironmentItIsPrompted() {
        List<String> prompts = new ArrayList<>();
        CliEnvironment.PasswordPrompt prompt = text -> {
            prompts.add(text);
            return PASSWORD.toCharArray();
        };
        assertThat(Wallet.load(keystore, environment(Map.of(), prompt)).getAddress())
                .isEqualTo(address);
        assertThat(prompts).containsExactly("Password for " + keystore.getFileName() + ": ");
    }

    @Test
    void everyProblemSaysWhatToDo_andNoSecretIsEchoed() {
        assertThatThrownBy(() -> Wallet.load(null, environment(Map.of(), CliEnvironment.PasswordPrompt.NONE)))
                .isInstanceOf(CliException.class)
                .hasMessageStartingWith("no wallet: pass --keystore FILE")
                .hasMessageContaining("COTRAIN_PRIVATE_KEY");
        assertThatThrownBy(() -> Wallet.load(keystore, environment(Map.of(), CliEnvironment.PasswordPrompt.NONE)))
                .hasMessageContaining("needs its password: set COTRAIN_KEYSTORE_PASSWORD");
        assertThatThrownBy(() -> Wallet.load(
                        keystore,
                        environment(
                                Map.of("COTRAIN_KEYSTORE_PASSWORD", "wrong-pass"), CliEnvironment.PasswordPrompt.NONE)))
                .hasMessageContaining("wrong password")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-pass"));
        assertThatThrownBy(() -> Wallet.load(
                        directory.resolve("missing.json"), environment(Map.of(), CliEnvironment.PasswordPrompt.NONE)))
                .hasMessageContaining("missing.json does not exist");
        String badKey = "0x1234" + KEY.substring(10);
        assertThatThrownBy(() -> Wallet.load(
                        null, environment(Map.of("COTRAIN_PRIVATE_KEY", badKey), CliEnvironment.PasswordPrompt.NONE)))
                .hasMessage("COTRAIN_PRIVATE_KEY is not a private key: expected 64 hex digits, optionally 0x-prefixed");
    }

    @Test
    void aFileThatIsNoKeystore() throws Exception {
        Path notAKeystore = Files.writeString(directory.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> Wallet.load(
                        notAKeystore,
                        environment(Map.of("COTRAIN_KEYSTORE_PASSWORD", PASSWORD), CliEnvironment.PasswordPrompt.NONE)))
                .hasMessageContaining("not a JSON keystore");
    }
}
