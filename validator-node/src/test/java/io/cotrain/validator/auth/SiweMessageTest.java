package io.cotrain.validator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SiweMessageTest {
    /** The example message of EIP-4361, with every optional field. */
    static final String FULL = """
            https://example.com wants you to sign in with your Ethereum account:
            0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2

            I accept the ExampleOrg Terms of Service: https://example.com/tos

            URI: https://example.com/login
            Version: 1
            Chain ID: 1
            Nonce: 32891756
            Issued At: 2021-09-30T16:25:24Z
            Expiration Time: 2021-10-01T16:25:24Z
            Not Before: 2021-09-30T16:25:24Z
            Request ID: some-request
            Resources:
            - ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/
            - https://example.com/my-web2-claim.json""";

    @Test
    void parsesEveryFieldOfTheEipsExample() {
        SiweMessage message = SiweMessage.parse(FULL);
        assertThat(message.scheme()).contains("https");
        assertThat(message.domain()).isEqualTo("example.com");
        assertThat(message.address()).isEqualTo("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2");
        assertThat(message.statement()).contains("I accept the ExampleOrg Terms of Service: https://example.com/tos");
        assertThat(message.uri()).isEqualTo("https://example.com/login");
        assertThat(message.chainId()).isEqualTo(1);
        assertThat(message.nonce()).isEqualTo("32891756");
        assertThat(message.issuedAt()).isEqualTo(Instant.parse("2021-09-30T16:25:24Z"));
        assertThat(message.expirationTime()).contains(Instant.parse("2021-10-01T16:25:24Z"));
        assertThat(message.notBefore()).contains(Instant.parse("2021-09-30T16:25:24Z"));
        assertThat(message.requestId()).contains("some-request");
        assertThat(message.resources()).hasSize(2);
        assertThat(message.format()).isEqualTo(FULL);
    }

    @Test
    void aMessageWithoutStatementOrOptionalFieldsRoundTrips() {
        SiweMessage message = new SiweMessage(
                Optional.empty(),
                "localhost:8080",
                "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
                Optional.empty(),
                "http://localhost:8080",
                "1",
                31337,
                "abcdefgh12",
                Instant.parse("2026-12-02T00:00:00Z"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of());
        String text = message.format();
        assertThat(text).contains("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\n\nURI: http://localhost:8080\n");
        assertThat(SiweMessage.parse(text)).isEqualTo(message);
    }

    @Test
    void malformedMessagesNameTheLineAndTheRule() {
        assertThatThrownBy(() -> SiweMessage.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> SiweMessage.parse("hello")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> SiweMessage.parse(FULL.replace("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "0x12")))
                .isInstanceOf(MalformedSiweMessageException.class)
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> SiweMessage.parse(FULL.replace("Version: 1", "Version: 2")))
                .hasMessageContaining("version must be 1");
        assertThatThrownBy(() -> SiweMessage.parse(FULL.replace("Nonce: 32891756", "Nonce: 123")))
                .hasMessageContaining("nonce");
        assertThatThrownBy(() -> SiweMessage.parse(FULL.replace("Chain ID: 1", "Chain ID: one")))
                .hasMessageContaining("chain id");
        assertThatThrownBy(() -> SiweMessage.parse(FULL.replace("2021-09-30T16:25:24Z\nExp", "yesterday\nExp")))
                .hasMessageContaining("Issued At must be an RFC 3339 date-time");
        assertThatThrownBy(() -> SiweMessage.parse(FULL + "\ntrailing")).hasMessageContaining("unexpected");
        assertThatThrownBy(() -> SiweMessage.parse(FULL.replace("\n", "\r\n"))).hasMessageContaining("carriage");
        assertThatThrownBy(() -> SiweMessage.parse(FULL.substring(0, FULL.indexOf("Version") - 1)))
                .hasMessageContaining("ends before");
        assertThatThrownBy(() -> SiweMessage.parse("x".repeat(SiweMessage.MAX_LENGTH + 1)))
                .hasMessageContaining("at most");
    }
}
