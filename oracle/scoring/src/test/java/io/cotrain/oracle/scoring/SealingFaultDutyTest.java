package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealingFaultDutyTest {
    private static final byte[] DIGEST = HexFormat.of().parseHex("ab".repeat(32));

    @TempDir
    Path data;

    private final FakeValidatorChain chain = new FakeValidatorChain();
    private final List<String> problems = new ArrayList<>();
    private SealingFaultOutbox outbox;
    private SealingFaultDuty duty;

    @BeforeEach
    void setUp() {
        outbox = new SealingFaultOutbox(data);
        duty = new SealingFaultDuty(chain, outbox);
        outbox.put(new SealingFaultOutbox.Pending(BigInteger.valueOf(4), BigInteger.TWO, DIGEST, new byte[] {1, 2}));
    }

    @Test
    void test_perform_reportsOpen_sendsTheEvidenceOnceAndForgetsIt() {
        chain.sealingFaultsOpen = true;

        duty.perform(problems::add);
        duty.perform(problems::add);

        assertThat(chain.sent).containsExactly("reportSealingFault(" + "ab".repeat(32) + ")");
        assertThat(chain.sealingFaults.getFirst().evidence()).containsExactly(1, 2);
        assertThat(new SealingFaultOutbox(data).pending()).isEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void test_perform_reportsClosed_dropsItWithAProblem() {
        duty.perform(problems::add);

        assertThat(chain.sent).isEmpty();
        assertThat(outbox.pending()).isEmpty();
        assertThat(problems).singleElement().asString().contains("contribution 4", "no more");
    }

    /** Kept across a restart until it is sent: the contribution is judged once, its evidence made once. */
    @Test
    void test_perform_pausedOrUnreachable_keepsItForTheNextCall() {
        chain.sealingFaultsOpen = true;
        chain.revertWith = "ProtocolPaused()";

        duty.perform(problems::add);

        assertThat(new SealingFaultOutbox(data).pending())
                .extracting(SealingFaultOutbox.Pending::contributionId)
                .containsExactly(BigInteger.valueOf(4));
        chain.revertWith = null;
        duty.perform(problems::add);
        assertThat(outbox.pending()).isEmpty();
        assertThat(chain.sent).hasSize(2);
    }

    @Test
    void test_perform_refusedForGood_dropsIt() {
        chain.sealingFaultsOpen = true;
        chain.revertWith = "NotExpectedValidator(round=2, validator=0xa1)";

        duty.perform(problems::add);

        assertThat(outbox.pending()).isEmpty();
        assertThat(problems).singleElement().asString().contains("NotExpectedValidator");
    }
}
