package io.cotrain.oracle.valuation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.oracle.aggregation.FedAvg;
import io.cotrain.oracle.aggregation.ModelUpdate;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The round's game on a held-out set larger than a valuation uses: real DL4J models of the synthetic task. */
class HeldOutGameTest {
    private static final int HELD_OUT_ROWS = 3_000;
    private static TaskContext task;
    private static List<ModelUpdate> updates;

    @BeforeAll
    static void train() {
        SyntheticTabularTask synthetic = new SyntheticTabularTask(SyntheticTabularTask.DEFAULT_SEED, HELD_OUT_ROWS);
        task = synthetic.context(1);
        Contributions contributions = new Contributions(synthetic);
        updates = new ArrayList<>();
        for (int contributor = 1; contributor <= ShapleyEstimator.EXACT_MAX_PLAYERS + 2; contributor++) {
            byte[] model = contributions.honestUpdate(contributor);
            updates.add(new ModelUpdate(
                    contributor,
                    ModelCodec.read(model, EvaluationLimits.defaults()).parameters(),
                    1,
                    1));
        }
    }

    @Test
    void utility_largeHeldOutSet_isPlayedOnASampleDrawnByTheRoundsSeed() {
        HeldOutGame round7 = new HeldOutGame(task, new FedAvg(), updates, 7);
        HeldOutGame round8 = new HeldOutGame(task, new FedAvg(), updates, 8);

        assertThat(round7.rows()).isEqualTo(HeldOutGame.MAX_ROWS);
        assertThat(round7.utility(everyone()))
                .hasSize(2 * HeldOutGame.MAX_ROWS)
                .as("another round, another sample")
                .isNotEqualTo(round8.utility(everyone()));
        assertThat(new HeldOutGame(task, new FedAvg(), updates, 7).utility(everyone()))
                .as("the same seed, the same bits")
                .isEqualTo(round7.utility(everyone()));
    }

    @Test
    void value_sampledRound_oneThreadOrMany_sameBits() throws Exception {
        List<UpdateScreen.Update> round = new ArrayList<>();
        for (ModelUpdate update : updates) {
            long id = update.contributionId();
            round.add(new UpdateScreen.Update(id, "0xc" + id, update.parameters()));
        }
        Callable<List<RoundValuation.Valued>> value = () -> RoundValuation.value(
                task, new FedAvg(), round, List.of(), 7, ValueScore.Scale.defaults(), ValuationMethod.SHAPLEY);

        assertThat(new ForkJoinPool(4).submit(value).get())
                .isEqualTo(new ForkJoinPool(1).submit(value).get());
    }

    private static BitSet everyone() {
        BitSet all = new BitSet();
        all.set(0, updates.size());
        return all;
    }
}
