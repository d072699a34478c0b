package io.cotrain.validator.auth;

import static io.cotrain.validator.auth.PersonalSign.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/** Real secp256k1 signatures (EIP-191 personal_sign, as wallets make them) from a test key. */
class SignInVerifierTest {
    private static final Credentials WALLET =
            Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    private static final Credentials OTHER =
            Credentials.create("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
    private static final String HOST = "127.0.0.1:8081";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final NonceStore nonces = new NonceStore(clock, Duration.ofMinutes(5), 100);
    private final SignInVerifier verifier = new SignInVerifier(nonces, 31337, Set.of(), clock, Duration.ofMinutes(1));

    @Test
    void aMessageSignedByItsAccountForThisGatewaySignsIn() {
        String text = message(
                nonces.issue().nonce(), HOST, 31337, Optional.of(clock.instant().plusSeconds(300)));
        SiweMessage message = verifier.verify(text, sign(text, WALLET), HOST);
        assertThat(message.address()).isEqualTo(Keys.toChecksumAddress(WALLET.getAddress()));
    }

    @Test
    void recoveryIdsZeroAndOneAreAccepted() {
        String text = message(nonces.issue().nonce(), HOST, 31337, Optional.empty());
        byte[] signature = Numeric.hexStringToByteArray(sign(text, WALLET));
        signature[64] -= 27;
        assertThat(verifier.verify(text, Numeric.toHexString(signature), HOST).address())
                .isEqualToIgnoringCase(WALLET.getAddress());
    }

    @Test
    void aReplayedMessageIsRefused() {
        String text = message(nonces.issue().nonce(), HOST, 31337, Optional.empty());
        String signature = sign(text, WALLET);
        verifier.verify(text, signature, HOST);
        assertThatThrownBy(() -> verifier.verify(text, signature, HOST))
                .isInstanceOf(SignInRejectedException.class)
                .hasMessageContaining("was not issued by this gateway or was used already");
    }

    @Test
    void aNonceThisGatewayNeverIssuedIsRefused() {
        String text = message("neverIssued123", HOST, 31337, Optional.empty());
        assertThatThrownBy(() -> verifier.verify(text, sign(text, WALLET), HOST))
                .isInstanceOf(SignInRejectedException.class)
                .hasMessageContaining("neverIssued123");
    }

    @Test
    void anExpiredMessageIsRefused() {
        String text = message(
                nonces.issue().nonce(), HOST, 31337, Optional.of(clock.instant().plusSeconds(60)));
        clock.advance(Duration.ofSeconds(61));
        assertThatThrownBy(() -> verifier.verify(text, sign(text, WALLET), HOST))
                .isInstanceOf(SignInRejectedException.class)
                .hasMessageContaining("expired at");
    }

    @Test
    void anExpiredNonceIsRefused() {
        String text = message(nonces.issue().nonce(), HOST, 31337, Optional.empty());
        clock.advance(Duration.ofMinutes(6));
        assertThatThrownBy(() -> verifier.verify(text, sign(text, WALLET), HOST))
                .isInstanceOf(SignInRejectedException.class)
                .hasMessageContaining("expired (nonces live 300 s)");
    }

    @Test
    void aMessageForAnotherChainIsRefused_andItsNonceIsSpent() {
        String nonce = nonces.issue().nonce();
        String text = message(nonce, HOST, 1, Optional.empty());
        assertThatThrownBy(() -> verifier.verify(text, sign(text, WALLET), HOST))
                .isInstanceOf(SignInRejectedException.class)
                .hasMessageContaining("for chain 1")
                .hasMessageContaining("31337");
        String retry = message(nonce, HOST, 31337, Optional.empty());
        assertThatThrownBy(() -> verifier.verify(retry, sign(retry, WALLET), HOST))
                .hasMessageContaining("used already");
    }

    @Test
    void aMessageForAnotherDomainIsRefused() {
        String text = message(nonces.issue().nonce(), "phishing.example", 31337, Optional.empty());
        assertThatThrownBy(() -> verifier.verify(text, sign(text, WALLET), HOST))
                .isInstanceOf(SignInRejectedException.class)
                .hasMessageContaining("phishing.example");
        var configured = new SignInVerifier(nonces, 31337, Set.of("cotrain.example"), clock, Duration.ZERO);
        String ok = message(nonces.issue().nonce(), "cotrain.example", 31337, Optional.empty());
        assertThat(configured.verify(ok, sign(ok, WALLET), "10.0.0.1:8080").domain())
                .isEqualTo("cotrain.example");
    }

    @Test
    void aSignatureByAnotherKeyOrMalformedIsRefused() {
        String text = message(nonces.issue().nonce(), HOST, 31337, Optional.empty());
        assertThatThrownBy(() -> verifier.verify(text, sign(text, OTHER), HOST))
                .isInstanceOf(SignInRejectedException.class)
                .hasMessageContaining("signed by " + Keys.toChecksumAddress(OTHER.getAddress()));
        String tampered = text.replace("Sign in", "Sign out");
        assertThatThrownBy(() -> verifier.verify(tampered, sign(text, WALLET), HOST))
                .isInstanceOf(SignInRejectedException.class)
                .hasMessageContaining("bad signature");
        assertThatThrownBy(() -> verifier.verify(text, "0x1234", HOST)).hasMessageContaining("65 bytes");
        assertThatThrownBy(() -> verifier.verify(text, "0x" + "00".repeat(65), HOST))
                .isInstanceOf(SignInRejectedException.class)
                .hasMessageContaining("bad signature");
    }

    @Test
    void aMessageIssuedInTheFutureIsRefused() {
        String nonce = nonces.issue().nonce();
        String text = new SiweMessage(
                        Optional.empty(),
                        HOST,
                        Keys.toChecksumAddress(WALLET.getAddress()),
                        Optional.empty(),
                        "http://" + HOST,
                        "1",
                        31337,
                        nonce,
                        clock.instant().plusSeconds(600),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        List.of())
                .format();
        assertThatThrownBy(() -> verifier.verify(text, sign(text, WALLET), HOST))
                .hasMessageContaining("in the future");
    }

    @Test
    void anAddressWithoutItsChecksumIsMalformed() {
        String text = message(nonces.issue().nonce(), HOST, 31337, Optional.empty())
                .replace(
                        Keys.toChecksumAddress(WALLET.getAddress()),
                        WALLET.getAddress().toLowerCase());
        assertThatThrownBy(() -> verifier.verify(text, sign(text, WALLET), HOST))
                .isInstanceOf(MalformedSiweMessageException.class)
                .hasMessageContaining("EIP-55");
    }

    @Test
    void nonceStoreIsBoundedAndSingleUse() {
        NonceStore small = new NonceStore(clock, Duration.ofSeconds(10), 2);
        String first = small.issue().nonce();
        small.issue();
        assertThatThrownBy(small::issue)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 sign-ins");
        assertThat(small.consume(first)).isEqualTo(NonceStore.Outcome.CONSUMED);
        assertThat(small.consume(first)).isEqualTo(NonceStore.Outcome.UNKNOWN);
        small.issue();
        clock.advance(Duration.ofSeconds(11));
        assertThat(small.issue().nonce()).matches("[A-Za-z0-9]{22}"); // expired ones made room
    }

    static String message(String nonce, String domain, long chainId, Optional<Instant> expiry) {
        return new SiweMessage(
                        Optional.empty(),
                        domain,
                        Keys.toChecksumAddress(WALLET.getAddress()),
                        Optional.of("Sign in to the Cotrain gateway."),
                        "http://" + domain,
                        "1",
                        chainId,
                        nonce,
                        Instant.parse("2026-12-02T10:00:00Z"),
                        expiry,
                        Optional.empty(),
                        Optional.empty(),
                        List.of())
                .format();
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
