package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalTrainingTest {

    @Test
    void sameSeedSameWeights() {
        var data = Fixtures.TASK.shard(3, 500).toDataSet();
        var a = LocalTraining.train(Fixtures.TASK.baseModel(), data, 2, 11);
        var b = LocalTraining.train(Fixtures.TASK.baseModel(), data, 2, 11);
        var c = LocalTraining.train(Fixtures.TASK.baseModel(), data, 2, 12);
        assertThat(ModelCodec.write(a)).isEqualTo(ModelCodec.write(b));
        assertThat(c.parameters()).isNotEqualTo(a.parameters());
    }

    @Test
    void baseModelIsDeterministicPerSeed() {
        var schema = Fixtures.TASK.schema();
        assertThat(TabularModels.baseModel(schema, 5).parameters())
                .isEqualTo(TabularModels.baseModel(schema, 5).parameters());
    }
}
