package io.cotrain.oracle.valuation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.oracle.aggregation.FedAvg;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.TaskMetric;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticRegressionTask;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real DL4J models of the synthetic task: honest, label-flipped, free-riding and copied updates in one round. */
class RoundValuationTest {
    private static final ValueScore.Scale SCALE = ValueScore.Scale.defaults();
    private static TaskContext task;
    private static List<float[]> honest;
    private static float[] flipped;

    @BeforeAll
    static void train() {
        SyntheticTabularTask synthetic = new SyntheticTabularTask(SyntheticTabularTask.DEFAULT_SEED, 1_000);
        task = synthetic.context(1);
        Contributions contributions = new Contributions(synthetic);
        honest = new ArrayList<>();
        for (int contributor = 1; contributor <= 4; contributor++) {
            honest.add(parameters(contributions.honestUpdate(contributor)));
        }
        flipped = parameters(contributions.labelFlippedUpdate(5));
    }

    @Test
    void value_mixedRound_paysHonestWork_slashesPoison_floorsFreeRidersAndCopies() {
        List<UpdateScreen.Update> round = new ArrayList<>();
        for (int i = 0; i < honest.size(); i++) round.add(update(i + 1, honest.get(i)));
        round.add(update(5, flipped));
        round.add(update(6, noisy(task.globalParameters(), honest.getFirst(), 0.01, 6)));
        round.add(update(7, noisy(honest.getFirst(), honest.getFirst(), 0.02, 7)));
        round.add(update(8, honest.get(1)));

        List<RoundValuation.Valued> valued = value(round);

        assertThat(valued).extracting(RoundValuation.Valued::id).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        for (int i = 0; i < 4; i++) {
            assertThat(valued.get(i).score())
                    .as("honest %d: %s", i + 1, valued.get(i).metrics())
                    .isGreaterThan(SCALE.neutral());
        }
        assertThat(valued.get(4).score())
                .as("label-flipped: %s", valued.get(4).metrics())
                .isLessThan(SCALE.slashThreshold());
        assertThat(valued.get(5).floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("free rider"));
        assertThat(valued.get(5).score())
                .as("a free rider is unpaid and left out, not slashed")
                .isEqualTo(SCALE.neutral() - 1);
        assertThat(valued.get(6).floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("near-copy of contribution 1"));
        assertThat(valued.get(7).floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("near-copy of contribution 2"));
        assertThat(value(round)).as("the same round, the same bits").isEqualTo(valued);
    }

    @Test
    void value_floodOfLargeChanges_neverMakesHonestUpdatesCopiesOfEachOther_norSlashesThem() {
        // the attack: more updates than honest ones, each far from the global model, to inflate the round's typical
        // change until honest updates fall under the free-rider line or within a near-copy distance of each other
        List<UpdateScreen.Update> round = new ArrayList<>();
        for (int i = 0; i < honest.size(); i++) round.add(update(i + 1, honest.get(i)));
        for (int i = 0; i < honest.size() + 2; i++) {
            round.add(update(20 + i, noisy(task.globalParameters(), honest.getFirst(), 50, 20 + i)));
        }

        List<RoundValuation.Valued> valued = value(round);

        for (int i = 0; i < honest.size(); i++) {
            RoundValuation.Valued judged = valued.get(i);
            assertThat(judged.score())
                    .as("honest %d: %s", i + 1, judged)
                    .isGreaterThanOrEqualTo(SCALE.slashThreshold());
            assertThat(judged.floorReason().orElse("")).as("honest %d", i + 1).doesNotContain("copy");
        }
    }

    @Test
    void value_copyOfAnEarlierRoundsUpdate_isFloored_andTheEarliestKeepsTheCredit() {
        List<UpdateScreen.Update> earlier = List.of(update(3, honest.get(2)));
        List<UpdateScreen.Update> round =
                List.of(update(10, honest.get(0)), update(11, honest.get(1)), update(12, honest.get(2)));

        List<RoundValuation.Valued> valued =
                RoundValuation.value(task, new FedAvg(), round, earlier, 9, SCALE, ValuationMethod.SHAPLEY);

        assertThat(valued.get(2).floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("near-copy of contribution 3"));
        assertThat(valued.get(0).score()).isGreaterThan(SCALE.neutral());
    }

    @Test
    void value_roundOfOne_isValuedAgainstTheGlobalModel() {
        List<RoundValuation.Valued> valued = RoundValuation.value(
                task,
                new FedAvg(),
                List.of(update(1, honest.getFirst())),
                List.of(),
                1,
                SCALE,
                ValuationMethod.SHAPLEY);

        assertThat(valued.getFirst().score()).isGreaterThan(SCALE.neutral());
        assertThat(valued.getFirst().metrics().get("value")).isPositive();
    }

    @Test
    void value_ownEarlierUpdateAgain_isAResubmission_neitherPaidNorSlashed() {
        List<UpdateScreen.Update> earlier = List.of(update(3, honest.get(2)));
        List<UpdateScreen.Update> round = List.of(
                update(10, honest.get(0)),
                update(11, honest.get(1)),
                new UpdateScreen.Update(12, "0xc3", honest.get(2)));

        List<RoundValuation.Valued> valued =
                RoundValuation.value(task, new FedAvg(), round, earlier, 9, SCALE, ValuationMethod.SHAPLEY);

        assertThat(valued.get(2).score()).isEqualTo(SCALE.neutral());
        assertThat(valued.get(2).floorReason()).isEmpty();
        assertThat(valued.get(2).metrics()).containsEntry("resubmissionOf", 3.0);
    }

    @Test
    void value_sameWorkRescaledFromOtherWallets_earnsWhatSubmittingItOnceEarns() {
        // the attack: one piece of work from three wallets, its change scaled so that no copy is within the near-copy
        // distance of another; together they would take three players' share of the round and of the aggregate
        List<UpdateScreen.Update> round = new ArrayList<>();
        for (int i = 0; i < honest.size(); i++) round.add(update(i + 1, honest.get(i)));
        round.add(update(5, rescaled(honest.getFirst(), 0.6)));
        round.add(update(6, rescaled(noisy(honest.getFirst(), honest.getFirst(), 0.05, 6), 1.4)));

        List<RoundValuation.Valued> valued = value(round);

        assertThat(valued.getFirst().score())
                .as("the earliest keeps the credit")
                .isGreaterThan(SCALE.neutral());
        for (RoundValuation.Valued again : valued.subList(4, 6)) {
            assertThat(again.floorReason())
                    .as("contribution %d", again.id())
                    .hasValueSatisfying(reason -> assertThat(reason).startsWith("same work as contribution 1"));
            assertThat(again.score())
                    .as("unpaid and left out, not slashed: the same direction may be chance")
                    .isEqualTo(SCALE.neutral() - 1);
        }
        for (int i = 1; i < honest.size(); i++) {
            assertThat(valued.get(i).floorReason())
                    .as("honest %d, trained on its own data", i + 1)
                    .isEmpty();
        }
    }

    /** An update by its own contributor, 0xc followed by its id. */
    @Test
    void value_regressionRound_paysErrorRemoved_andSlashesAnUpdateThatAddsError() {
        TaskContext regression = SyntheticRegressionTask.context(4, TaskMetric.MSE);
        List<UpdateScreen.Update> round = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            var trained = SyntheticRegressionTask.trained(regression, 300, 10 + i, false, 10);
            round.add(update(i, trained.parameters()));
        }
        round.add(update(
                4,
                SyntheticRegressionTask.trained(regression, 300, 14, true, 10).parameters()));

        List<RoundValuation.Valued> valued =
                RoundValuation.value(regression, new FedAvg(), round, List.of(), 77, SCALE, ValuationMethod.SHAPLEY);

        for (int i = 0; i < 3; i++) {
            assertThat(valued.get(i).score())
                    .as("honest %d: %s", i + 1, valued.get(i).metrics())
                    .isGreaterThan(SCALE.neutral());
            assertThat(valued.get(i).metrics().get("valueShare")).isPositive();
        }
        assertThat(valued.get(3).score())
                .as("negated targets: %s", valued.get(3).metrics())
                .isLessThan(SCALE.slashThreshold());
    }

    private static UpdateScreen.Update update(long id, float[] parameters) {
        return new UpdateScreen.Update(id, "0xc" + id, parameters);
    }

    private static List<RoundValuation.Valued> value(List<UpdateScreen.Update> round) {
        return RoundValuation.value(task, new FedAvg(), round, List.of(), 77, SCALE, ValuationMethod.SHAPLEY);
    }

    /** The global model plus {@code factor} times the update's change from it. */
    private static float[] rescaled(float[] update, double factor) {
        float[] global = task.globalParameters();
        float[] out = new float[update.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (global[i] + factor * ((double) update[i] - global[i]));
        return out;
    }

    /** {@code base} plus Gaussian noise whose norm is {@code fraction} of the honest update's change. */
    private static float[] noisy(float[] base, float[] honestUpdate, double fraction, long seed) {
        float[] global = task.globalParameters();
        double change = UpdateScreen.distance(honestUpdate, global);
        SplittableRandom random = new SplittableRandom(seed);
        double perCoordinate = fraction * change / Math.sqrt(base.length);
        float[] out = base.clone();
        for (int i = 0; i < out.length; i++) out[i] += (float) (perCoordinate * gaussian(random));
        return out;
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static float[] parameters(byte[] model) {
        return ModelCodec.read(model, EvaluationLimits.defaults()).parameters();
    }
}
