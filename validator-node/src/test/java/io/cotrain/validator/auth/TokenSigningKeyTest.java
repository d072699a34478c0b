package io.cotrain.validator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSigningKeyTest {
    @TempDir
    Path directory;

    @Test
    void test_loadOrCreate_noFile_writesAnOwnerOnlyKeyThatLaterStartsRead() throws Exception {
        Path file = directory.resolve("gateway-token-key.pem");

        KeyPair made = TokenSigningKey.loadOrCreate(file);
        KeyPair read = TokenSigningKey.loadOrCreate(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(read.getPrivate().getEncoded()).isEqualTo(made.getPrivate().getEncoded());
        assertThat(read.getPublic().getEncoded()).isEqualTo(made.getPublic().getEncoded());
        try (var left = Files.list(directory)) {
            assertThat(left).as("no temporary file left").containsExactly(file);
        }
    }

    /** Another local user who can read the key can mint a token for any wallet. */
    @Test
    void test_load_readableByOthers_isRefusedWithTheFix() throws Exception {
        Path file = directory.resolve("key.pem");
        TokenSigningKey.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> TokenSigningKey.load(file))
                .isInstanceOf(TokenSigningKey.UnusableKeyException.class)
                .hasMessageContaining("rw-r--r--")
                .hasMessageContaining("chmod 600");
        assertThatThrownBy(() -> TokenSigningKey.loadOrCreate(file))
                .isInstanceOf(TokenSigningKey.UnusableKeyException.class);
    }

    @Test
    void test_load_missingFile_saysHowToMakeOne() {
        Path file = directory.resolve("absent.pem");

        assertThatThrownBy(() -> TokenSigningKey.load(file))
                .isInstanceOf(TokenSigningKey.UnusableKeyException.class)
                .hasMessageContaining("does not exist")
                .hasMessageContaining("openssl genpkey");
        assertThat(file).doesNotExist();
    }

    @Test
    void test_load_notAPrivateKey_isRefused() throws Exception {
        Path garbage = ownerOnly("garbage.pem", "not a key at all\n");
        assertThatThrownBy(() -> TokenSigningKey.load(garbage))
                .isInstanceOf(TokenSigningKey.UnusableKeyException.class)
                .hasMessageContaining("BEGIN PRIVATE KEY");

        Path certificate = ownerOnly("cert.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> TokenSigningKey.load(certificate))
                .isInstanceOf(TokenSigningKey.UnusableKeyException.class)
                .hasMessageContaining("found CERTIFICATE");

        Path notRsa = ownerOnly("ec.pem", TokenSigningKey.encode(pair("EC", 256)));
        assertThatThrownBy(() -> TokenSigningKey.load(notRsa))
                .isInstanceOf(TokenSigningKey.UnusableKeyException.class)
                .hasMessageContaining("not an RSA private key");
    }

    /** RS256 with a short modulus can be factored: a weak key would let anyone mint tokens. */
    @Test
    void test_load_shortRsaKey_isRefused() throws Exception {
        Path file = ownerOnly("short.pem", TokenSigningKey.encode(pair("RSA", 1024)));

        assertThatThrownBy(() -> TokenSigningKey.load(file))
                .isInstanceOf(TokenSigningKey.UnusableKeyException.class)
                .hasMessageContaining("1024 bits")
                .hasMessageContaining("at least 2048");
    }

    private Path ownerOnly(String name, String content) throws Exception {
        Path file = directory.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static KeyPair pair(String algorithm, int size) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(size);
        return generator.generateKeyPair();
    }
}
