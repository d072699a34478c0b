package io.cotrain.validator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.oracle.evaluation.EvaluationFailedException;
import io.cotrain.oracle.scoring.ScoredContribution;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

class NodeMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final NodeMetrics metrics = new NodeMetrics(registry);

    private static ScoredContribution scored(int score, String floorReason, long millis) {
        return new ScoredContribution(
                BigInteger.ONE,
                BigInteger.TWO,
                1,
                0,
                score,
                Optional.ofNullable(floorReason),
                Map.of(),
                Instant.EPOCH,
                millis);
    }

    private double counter(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).counter().count();
    }

    @Test
    void everySeriesExistsAtZeroFromTheStart() {
        assertThat(counter(NodeMetrics.EVALUATED, "outcome", "scored")).isZero();
        assertThat(counter(NodeMetrics.EVALUATED, "outcome", "floor")).isZero();
        assertThat(counter(NodeMetrics.VALUED, "outcome", "valued")).isZero();
        assertThat(counter(NodeMetrics.VALUED, "outcome", "screened")).isZero();
        for (String action : new String[] {"commitScores", "revealScores", "finalize"}) {
            assertThat(counter(NodeMetrics.SENT, "action", action)).isZero();
            assertThat(counter(NodeMetrics.FAILED, "action", action)).isZero();
        }
        assertThat(registry.get(NodeMetrics.CURRENT_ROUND).gauge().value()).isZero();
        assertThat(registry.get(NodeMetrics.EVALUATION).timer().count()).isZero();
        assertThat(registry.get(NodeMetrics.EVALUATION_FAILURES).counter().count())
                .isZero();
    }

    @Test
    void evaluationFailed_countsTheNodesFailuresApartFromFloors() {
        metrics.evaluationFailed(new EvaluationFailedException("contribution 4: a bug", new NullPointerException()));

        assertThat(registry.get(NodeMetrics.EVALUATION_FAILURES).counter().count())
                .isEqualTo(1);
        assertThat(counter(NodeMetrics.EVALUATED, "outcome", "floor")).isZero();
    }

    @Test
    void evaluationsCountByOutcomeAndTime() {
        metrics.evaluated(scored(73, null, 120));
        metrics.evaluated(scored(1, "not a zip file", 5));
        metrics.evaluated(scored(1, null, 80)); // a valid model worth nothing: the floor on merit
        metrics.evaluated(scored(0, "sealed before this validator's key was published: it abstains", 0));
        assertThat(counter(NodeMetrics.EVALUATED, "outcome", "scored")).isEqualTo(1);
        assertThat(counter(NodeMetrics.EVALUATED, "outcome", "floor")).isEqualTo(2);
        assertThat(counter(NodeMetrics.EVALUATED, "outcome", "abstained")).isEqualTo(1);
        assertThat(registry.get(NodeMetrics.EVALUATION).timer().count()).isEqualTo(4);
        assertThat(registry.get(NodeMetrics.EVALUATION).timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(205);
    }

    @Test
    void valuationsCountByOutcome() {
        metrics.valued(scored(71, null, 120));
        metrics.valued(scored(1, "near-copy of contribution 3: ...", 120));
        metrics.valued(scored(49, "free rider: ...", 120));
        assertThat(counter(NodeMetrics.VALUED, "outcome", "valued")).isEqualTo(1);
        assertThat(counter(NodeMetrics.VALUED, "outcome", "screened")).isEqualTo(2);
        assertThat(registry.get(NodeMetrics.EVALUATION).timer().count())
                .as("valuing is not evaluating")
                .isZero();
    }

    @Test
    void transactionsCountByActionWithoutTheRound() {
        metrics.succeeded("commitScores(round 7)", new TransactionReceipt());
        metrics.succeeded("commitScores(round 8)", new TransactionReceipt());
        metrics.failed("finalize(round 7)", new IllegalStateException("reverted"));
        metrics.failed("somethingNew", new IllegalStateException("x"));
        assertThat(counter(NodeMetrics.SENT, "action", "commitScores")).isEqualTo(2);
        assertThat(counter(NodeMetrics.FAILED, "action", "finalize")).isEqualTo(1);
        assertThat(counter(NodeMetrics.FAILED, "action", "somethingNew")).isEqualTo(1);
        assertThat(registry.find(NodeMetrics.SENT)
                        .tag("action", "commitScores(round 7)")
                        .counter())
                .isNull();
    }

    @Test
    void actionNamesDropArguments() {
        assertThat(NodeMetrics.actionName("revealScores(round 12)")).isEqualTo("revealScores");
        assertThat(NodeMetrics.actionName("finalize")).isEqualTo("finalize");
        assertThat(NodeMetrics.actionName(" ")).isEqualTo("unknown");
        assertThat(NodeMetrics.actionName(null)).isEqualTo("unknown");
    }

    @Test
    void theCurrentRoundIsAGauge() {
        metrics.currentRound(BigInteger.valueOf(42));
        assertThat(registry.get(NodeMetrics.CURRENT_ROUND).gauge().value()).isEqualTo(42);
    }

    @Test
    void livenessAllowsLongTicksButNotHungOnes() {
        Instant now = Instant.parse("2026-01-01T00:10:00Z");
        Duration interval = Duration.ofSeconds(5);
        assertThat(SchedulerLiveness.fresh(now.minusSeconds(30), false, interval, now))
                .isTrue();
        assertThat(SchedulerLiveness.fresh(now.minusSeconds(61), false, interval, now))
                .isFalse();
        assertThat(SchedulerLiveness.fresh(now.minusSeconds(61), false, Duration.ofSeconds(20), now))
                .isTrue();
        assertThat(SchedulerLiveness.fresh(now.minusSeconds(600), true, interval, now))
                .isTrue();
        assertThat(SchedulerLiveness.fresh(now.minus(Duration.ofMinutes(31)), true, interval, now))
                .isFalse();
    }
}
