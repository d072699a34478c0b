package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PublicKeyDutyTest {
    private final FakeValidatorChain chain = new FakeValidatorChain();

    @Test
    void perform_keyNotPublished_publishesItOnce() {
        PublicKeyDuty duty = new PublicKeyDuty(chain);
        duty.perform();
        duty.perform();
        assertThat(chain.sent).containsExactly("publishPublicKey");
        assertThat(chain.publicKeyPublished).isTrue();
    }

    /** A restarted node whose key the registry has already sends nothing. */
    @Test
    void perform_keyPublishedBefore_sendsNothing() {
        chain.publicKeyPublished = true;
        new PublicKeyDuty(chain).perform();
        assertThat(chain.sent).isEmpty();
    }
}
