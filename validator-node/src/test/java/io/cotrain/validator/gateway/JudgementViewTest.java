package io.cotrain.validator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.oracle.scoring.ScoredContribution;
import io.cotrain.validator.gateway.GatewayViews.JudgementView;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the gateway shows of this node's judgement: the score, why, and the copied contribution. */
class JudgementViewTest {
    @Test
    void test_judgementView_nearCopy_namesTheContributionItCopies() {
        JudgementView view = NetworkReader.judgementView(judged(
                1,
                Optional.of("near-copy of contribution 12: its " + "parameters are 0.001 from that update's"),
                Map.of("scoreAlone", 64d)));

        assertThat(view.copyOf()).isEqualTo(BigInteger.valueOf(12));
        assertThat(view.why()).startsWith("near-copy of contribution 12");
        assertThat(view.scoreAlone()).isEqualTo(64);
    }

    @Test
    void test_judgementView_exactCopy_namesTheContributionItCopies() {
        JudgementView view = NetworkReader.judgementView(judged(
                1,
                Optional.of("copy of contribution 3: its artifact " + "(sha256 ab) was submitted there first"),
                Map.of()));

        assertThat(view.copyOf()).isEqualTo(BigInteger.valueOf(3));
        assertThat(view.scoreAlone()).isNull();
    }

    @Test
    void test_judgementView_valued_carriesTheValueAndNoCopy() {
        JudgementView view = NetworkReader.judgementView(judged(
                71,
                Optional.empty(),
                Map.of(
                        "value",
                        0.02,
                        "valueStandardError",
                        0.004,
                        "valueShare",
                        0.05,
                        "roundPlayers",
                        3d,
                        "scoreAlone",
                        48d)));

        assertThat(view.copyOf()).isNull();
        assertThat(view.value()).isEqualTo(0.02);
        assertThat(view.valueStandardError()).isEqualTo(0.004);
        assertThat(view.why()).startsWith("removes 5.00%");
    }

    @Test
    void test_judgementView_freeRiderMentioningACopy_isNoCopy() {
        JudgementView view = NetworkReader.judgementView(judged(
                1,
                Optional.of("free rider: its change from the "
                        + "global model (0.001) is under 10% of the round's typical change (0.5)"),
                Map.of()));

        assertThat(view.copyOf()).isNull();
    }

    private static ScoredContribution judged(int score, Optional<String> floorReason, Map<String, Double> metrics) {
        return new ScoredContribution(
                BigInteger.ONE, BigInteger.TWO, 1, 0, score, floorReason, metrics, Instant.EPOCH, 3);
    }
}
