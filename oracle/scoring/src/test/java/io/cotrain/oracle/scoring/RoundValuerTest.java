package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.oracle.aggregation.AggregationRule;
import io.cotrain.oracle.aggregation.FedAvg;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import io.cotrain.oracle.valuation.ValueScore;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The round's valuation duty over real DL4J updates of the synthetic task, with the stores on disk. */
class RoundValuerTest {
    private static final SyntheticTabularTask TASK = SyntheticTabularTask.standard();
    private static final Contributions BUILDERS = new Contributions(TASK);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);
    private static final RoundValuer.Terms TERMS = RoundValuer.Terms.fixed(ValueScore.Scale.defaults(), new FedAvg());

    private static TaskContext task;
    private static float[] honestA;
    private static float[] honestB;
    private static float[] flipped;

    @TempDir
    Path data;

    @BeforeAll
    static void updates() {
        task = TaskContext.create(
                1, TASK.schema(), TASK.heldOutCsv(), TASK.baseModelBytes(), EvaluationLimits.defaults());
        honestA = parameters(BUILDERS.honestUpdate(0));
        honestB = parameters(BUILDERS.honestUpdate(1));
        flipped = parameters(BUILDERS.labelFlippedUpdate(2));
    }

    @Test
    void test_value_scoresEachUpdateByWhatItAddsAndKeepsTheScoreAlone() {
        Round round = new Round(BigInteger.TWO);
        round.admitted(1, "0xa", honestA, 62);
        round.admitted(2, "0xb", honestB, 58);
        round.admitted(3, "0xf", flipped, 40);

        List<ScoredContribution> changed = valuer().value(round.number, round.records);

        assertThat(changed)
                .extracting(ScoredContribution::id)
                .containsExactly(BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(3));
        ScoredContribution poisoned = evaluations().get(BigInteger.valueOf(3)).orElseThrow();
        assertThat(poisoned.score()).as("the flipped update is clearly harmful").isLessThan(30);
        assertThat(poisoned.metrics()).containsEntry("scoreAlone", 40d).containsKey("value");
        for (long honest : new long[] {1, 2}) {
            ScoredContribution judged =
                    evaluations().get(BigInteger.valueOf(honest)).orElseThrow();
            assertThat(judged.score()).as("honest update %s adds value", honest).isGreaterThan(50);
            assertThat(judged.metrics().get("value")).isPositive();
            assertThat(judged.metrics()).containsEntry("roundPlayers", 3d);
        }
    }

    @Test
    void test_value_twice_changesNothingTheSecondTime() {
        Round round = new Round(BigInteger.TWO);
        round.admitted(1, "0xa", honestA, 62);
        round.admitted(2, "0xb", copyWithNoise(honestA), 62);
        RoundValuer valuer = valuer();
        valuer.value(round.number, round.records);
        ScoredContribution first = evaluations().get(BigInteger.ONE).orElseThrow();

        List<ScoredContribution> again = valuer().value(round.number, round.records);

        assertThat(again).isEmpty();
        assertThat(evaluations().get(BigInteger.ONE).orElseThrow()).isEqualTo(first);
    }

    @Test
    void test_value_nearCopyOfAnotherContributorsUpdate_floorsAndNamesTheOriginal() {
        Round round = new Round(BigInteger.TWO);
        round.admitted(1, "0xa", honestA, 62);
        round.admitted(2, "0xb", honestB, 58);
        round.admitted(3, "0xc", copyWithNoise(honestB), 58);

        valuer().value(round.number, round.records);

        ScoredContribution copy = evaluations().get(BigInteger.valueOf(3)).orElseThrow();
        assertThat(copy.score()).isEqualTo(1);
        assertThat(copy.floorReason()).get().asString().startsWith("near-copy of contribution 2");
        assertThat(evaluations().get(BigInteger.TWO).orElseThrow().floorReason())
                .isEmpty();
    }

    @Test
    void test_value_copyOfAnEarlierRoundsUpdate_floorsAndFinalizedRoundsPruneWhatNoLaterRoundNeeds() {
        Round earlier = new Round(BigInteger.TWO);
        earlier.admitted(1, "0xa", honestA, 62);
        earlier.admitted(2, "0xb", honestB, 58);
        valuer().value(earlier.number, earlier.records);
        Round ancient = new Round(BigInteger.ONE);
        ancient.admitted(0, "0xd", flipped, 40);

        Round later = new Round(BigInteger.valueOf(2 + RoundValuer.LOOK_BACK));
        later.admitted(7, "0xc", copyWithNoise(honestA), 62);
        later.admitted(8, "0xe", honestB.clone(), 58);
        valuer().value(later.number, later.records);

        assertThat(evaluations().get(BigInteger.valueOf(7)).orElseThrow().floorReason())
                .get()
                .asString()
                .startsWith("near-copy of contribution 1");
        assertThat(evaluations().get(BigInteger.valueOf(8)).orElseThrow().floorReason())
                .get()
                .asString()
                .startsWith("near-copy of contribution 2");
        RoundValuer valuer = valuer();
        valuer.finalized(later.number.subtract(BigInteger.ONE));
        assertThat(new UpdateStore(data).round(1, BigInteger.ONE))
                .as("round 6 looks back to round 2")
                .isEmpty();
        assertThat(new UpdateStore(data).round(1, BigInteger.TWO)).hasSize(2);
        valuer.finalized(later.number);
        assertThat(new UpdateStore(data).round(1, BigInteger.TWO))
                .as("round 7 looks back to round 3")
                .isEmpty();
        assertThat(new UpdateStore(data).round(1, later.number)).hasSize(2);
    }

    @Test
    void test_value_datasetMostlyOfAnEarlierDatasetsRows_floorsAndNamesTheOriginal() {
        Round earlier = new Round(BigInteger.TWO);
        earlier.dataset(1, "0xa", LongStream.range(0, 100).toArray());
        valuer().value(earlier.number, earlier.records);
        Round later = new Round(BigInteger.valueOf(3));
        later.dataset(4, "0xc", LongStream.range(30, 130).toArray());
        later.dataset(5, "0xd", LongStream.range(1_000, 1_100).toArray());

        List<ScoredContribution> changed = valuer().value(later.number, later.records);

        assertThat(changed).extracting(ScoredContribution::id).containsExactly(BigInteger.valueOf(4));
        ScoredContribution copy = evaluations().get(BigInteger.valueOf(4)).orElseThrow();
        assertThat(copy.score()).isEqualTo(1);
        assertThat(copy.floorReason()).get().asString().startsWith("copy of contribution 1: 70 of its 100 rows");
        assertThat(copy.metrics()).containsEntry("scoreAlone", 57d);
        assertThat(evaluations().get(BigInteger.valueOf(5)).orElseThrow().score())
                .isEqualTo(57);
        assertThat(valuer().value(later.number, later.records))
                .as("valued again: nothing changes")
                .isEmpty();
    }

    @Test
    void test_value_roundWithoutKeptUpdates_readsNoTermsAndChangesNothing() {
        Round round = new Round(BigInteger.TWO);
        round.floored(1, "0xa");
        RoundValuer.Terms failing = new RoundValuer.Terms() {
            @Override
            public ValueScore.Scale scale(BigInteger number) {
                throw new AssertionError("no terms are needed");
            }

            @Override
            public AggregationRule rule(long taskId) {
                throw new AssertionError("no terms are needed");
            }
        };

        List<ScoredContribution> changed = new RoundValuer(
                        new UpdateStore(data), evaluations(), GlobalModelSource.configured(null), failing, CLOCK)
                .value(round.number, round.records);

        assertThat(changed).isEmpty();
        assertThat(evaluations().get(BigInteger.ONE).orElseThrow().score()).isEqualTo(1);
    }

    /** A round's contributions as the scorer leaves them: judged alone, their admitted updates kept. */
    private final class Round {
        final BigInteger number;
        final List<ContributionRecord> records = new ArrayList<>();

        Round(BigInteger number) {
            this.number = number;
        }

        void admitted(long id, String contributor, float[] parameters, int scoreAlone) {
            ContributionRecord record = record(id, contributor);
            new UpdateStore(data)
                    .put(new UpdateStore.Stored(
                            record.id(), number, 1, contributor, task.globalModelSha256(), parameters));
            evaluations()
                    .put(new ScoredContribution(
                            record.id(),
                            number,
                            1,
                            0,
                            scoreAlone,
                            Optional.empty(),
                            Map.of("accuracy", 0.8),
                            CLOCK.instant(),
                            5));
        }

        void dataset(long id, String contributor, long[] fingerprints) {
            ContributionRecord record = record(id, contributor);
            new UpdateStore(data).put(new UpdateStore.Rows(record.id(), number, 1, fingerprints));
            evaluations()
                    .put(new ScoredContribution(
                            record.id(),
                            number,
                            1,
                            1,
                            57,
                            Optional.empty(),
                            Map.of("accuracy", 0.8),
                            CLOCK.instant(),
                            5));
        }

        void floored(long id, String contributor) {
            ContributionRecord record = record(id, contributor);
            evaluations()
                    .put(new ScoredContribution(
                            record.id(),
                            number,
                            1,
                            0,
                            1,
                            Optional.of("invalid manifest"),
                            Map.of(),
                            CLOCK.instant(),
                            5));
        }

        private ContributionRecord record(long id, String contributor) {
            ContributionRecord record = new ContributionRecord(
                    BigInteger.valueOf(id), number, contributor, 0, 1, new byte[32], BigInteger.TEN);
            records.add(record);
            return record;
        }
    }

    private RoundValuer valuer() {
        return new RoundValuer(new UpdateStore(data), evaluations(), contribution -> Optional.of(task), TERMS, CLOCK);
    }

    private EvaluationStore evaluations() {
        return new EvaluationStore(data);
    }

    private static float[] parameters(byte[] model) {
        return ModelCodec.read(model, EvaluationLimits.defaults()).parameters();
    }

    /** The update with each parameter moved by a millionth of its size: a copy an attacker passes off as its own. */
    private static float[] copyWithNoise(float[] parameters) {
        float[] copy = parameters.clone();
        for (int i = 0; i < copy.length; i++) copy[i] += copy[i] * 1e-6f * (i % 2 == 0 ? 1 : -1);
        return copy;
    }
}
