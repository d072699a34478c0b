package io.cotrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TrainingProgressTest {
    private static final SyntheticTabularTask TASK = SyntheticTabularTask.standard();
    private static final int ROWS = 300; // 5 batches of 64 rows: 4 full, 1 of 44

    @Test
    void watchingTheTrainingDoesNotChangeIt() {
        TabularDataset shard = TASK.shard(0, ROWS);
        byte[] plain = ModelCodec.write(LocalTraining.train(TASK.baseModel(), shard.toDataSet(), 2, 7));
        var progress = new TrainingProgress(new PrintWriter(new StringWriter()), true, 2, ROWS);
        byte[] watched = ModelCodec.write(progress.train(TASK.baseModel(), shard.toDataSet(), 2, 7));
        assertThat(watched).isEqualTo(plain);
        assertThat(progress.batchesDone()).isEqualTo(10);
        byte[] otherSeed = ModelCodec.write(LocalTraining.train(TASK.baseModel(), shard.toDataSet(), 2, 8));
        assertThat(otherSeed).as("the seed matters").isNotEqualTo(plain);
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlace_elseOneLinePerEpoch() {
        TabularDataset shard = TASK.shard(1, ROWS);
        StringWriter terminal = new StringWriter();
        new TrainingProgress(new PrintWriter(terminal), true, 2, ROWS).train(TASK.baseModel(), shard.toDataSet(), 2, 1);
        assertThat(terminal.toString())
                .contains("\repoch 1/2 [")
                .contains("] batch 5/5  loss ")
                .contains("\repoch 2/2 [" + "#".repeat(30) + "] batch 5/5");
        assertThat(terminal.toString().chars().filter(c -> c == '\n').count())
                .as("a line break per epoch")
                .isEqualTo(2);

        StringWriter log = new StringWriter();
        new TrainingProgress(new PrintWriter(log), false, 2, ROWS).train(TASK.baseModel(), shard.toDataSet(), 2, 1);
        assertThat(log.toString().lines())
                .hasSize(2)
                .allMatch(line -> line.matches("epoch [12]/2 \\[#{30}] batch 5/5  loss \\d+\\.\\d{4}"));
        assertThat(log.toString()).doesNotContain("\r");
    }

    @Test
    void theBarFillsWithTheBatches() {
        assertThat(TrainingProgress.line(1, 3, 1, 4, 1.23456))
                .isEqualTo("epoch 1/3 [#######-----------------------] batch 1/4  loss 1.2346");
        assertThat(TrainingProgress.line(3, 3, 4, 4, 0.5))
                .isEqualTo("epoch 3/3 [" + "#".repeat(30) + "] batch 4/4  loss 0.5000");
    }
}
