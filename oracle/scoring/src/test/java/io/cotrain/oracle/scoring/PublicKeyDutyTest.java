package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.client.DurableNumber;
import java.math.BigInteger;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublicKeyDutyTest {
    private final FakeValidatorChain chain = new FakeValidatorChain();

    @TempDir
    Path directory;

    @Test
    void perform_keyNotPublished_publishesItOnceAndRecordsItsBlock() {
        chain.block = BigInteger.valueOf(42);
        DurableNumber publishedAt = new DurableNumber(directory.resolve("public-key-block"));
        PublicKeyDuty duty = new PublicKeyDuty(chain, publishedAt);
        duty.perform();
        chain.block = BigInteger.valueOf(50);
        duty.perform();
        assertThat(chain.sent).containsExactly("publishPublicKey");
        assertThat(chain.publicKeyPublished).isTrue();
        assertThat(publishedAt.load()).contains(BigInteger.valueOf(42));
    }

    /** A node whose key the registry already has sends nothing and records the block it saw it in, not earlier. */
    @Test
    void perform_keyPublishedBefore_sendsNothingAndRecordsNow() {
        chain.publicKeyPublished = true;
        chain.block = BigInteger.valueOf(7);
        DurableNumber publishedAt = new DurableNumber(directory.resolve("public-key-block"));
        new PublicKeyDuty(chain, publishedAt).perform();
        assertThat(chain.sent).isEmpty();
        assertThat(publishedAt.load()).contains(BigInteger.valueOf(7));
    }
}
