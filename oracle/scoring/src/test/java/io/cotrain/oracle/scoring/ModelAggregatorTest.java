package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.contracts.generated.ModelRegistry.ModelSpec;
import io.cotrain.oracle.aggregation.AggregationRule;
import io.cotrain.oracle.aggregation.CoordinateMedian;
import io.cotrain.oracle.aggregation.FedAvg;
import io.cotrain.oracle.aggregation.Krum;
import io.cotrain.oracle.aggregation.ModelUpdate;
import io.cotrain.oracle.aggregation.MultiKrum;
import io.cotrain.oracle.aggregation.Parallelism;
import io.cotrain.oracle.aggregation.Rebase;
import io.cotrain.oracle.aggregation.TrimmedMean;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.InvalidModelException;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import io.cotrain.oracle.evaluation.testing.TwoBranchGraph;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The next global model from accepted updates, with real DL4J models of the synthetic task. */
class ModelAggregatorTest {
    private static final SyntheticTabularTask TASK = SyntheticTabularTask.standard();
    private static final Contributions BUILDERS = new Contributions(TASK);

    private static TaskContext base;
    private static byte[] honestA;
    private static byte[] honestB;

    @BeforeAll
    static void models() {
        base = TaskContext.create(
                1, TASK.schema(), TASK.heldOutCsv(), TASK.baseModelBytes(), EvaluationLimits.defaults());
        honestA = BUILDERS.honestUpdate(0);
        honestB = BUILDERS.honestUpdate(1);
    }

    @Test
    void fedAvgOfAcceptedUpdatesIsWeightedByTheirWeight_andWrittenCanonically() {
        var a = new ModelAggregator.Input(BigInteger.valueOf(9), honestA, 31);
        var b = new ModelAggregator.Input(BigInteger.valueOf(4), honestB, 11);

        ModelAggregator.Result result = ModelAggregator.aggregate(base, new FedAvg(), List.of(a, b));

        float[] expected = new FedAvg()
                .aggregate(List.of(
                        new ModelUpdate(9, parameters(honestA), 31, 1),
                        new ModelUpdate(4, parameters(honestB), 11, 1)));
        assertThat(parameters(result.model())).isEqualTo(expected);
        assertThat(result.contributionIds()).containsExactly(BigInteger.valueOf(4), BigInteger.valueOf(9));
        assertThat(result.sha256()).isEqualTo(ModelCodec.sha256Hex(result.model()));
        assertThat(ModelCodec.write(ModelCodec.read(result.model(), EvaluationLimits.defaults())))
                .as("canonical bytes")
                .isEqualTo(result.model());
        assertThat(result.metrics())
                .isEqualTo(base.withGlobalModel(result.model()).baseline());
        assertThat(result.metrics().accuracy()).isGreaterThan(base.baseline().accuracy());
    }

    @Test
    void aggregate_graphTask_averagesInTheOwnersGraph_andTheNextGlobalModelIsThatGraph() {
        byte[] graphBase = TwoBranchGraph.bytes(TwoBranchGraph.twoBranches(TASK.schema(), 3));
        TaskContext graphTask =
                TaskContext.create(2, TASK.schema(), TASK.heldOutCsv(), graphBase, EvaluationLimits.defaults());
        byte[] a = ModelCodec.write(LocalTraining.train(
                graphTask.freshGlobalModel(), TASK.shard(0, 2_000).toDataSet(), 3, 1));
        byte[] b = ModelCodec.write(LocalTraining.train(
                graphTask.freshGlobalModel(), TASK.shard(1, 2_000).toDataSet(), 3, 2));

        ModelAggregator.Result result = ModelAggregator.aggregate(
                graphTask,
                new FedAvg(),
                List.of(
                        new ModelAggregator.Input(BigInteger.ONE, a, 1),
                        new ModelAggregator.Input(BigInteger.TWO, b, 3)));

        float[] expected = new FedAvg()
                .aggregate(List.of(new ModelUpdate(1, parameters(a), 1, 1), new ModelUpdate(2, parameters(b), 3, 1)));
        assertThat(parameters(result.model())).isEqualTo(expected);
        var next = ModelCodec.read(result.model(), EvaluationLimits.defaults(), graphTask.baseArchitecture());
        assertThat(next.network()).isInstanceOf(ComputationGraph.class);
        assertThat(result.metrics().value()).isGreaterThan(graphTask.baseline().value());
        assertThat(graphTask.withGlobalModel(result.model()).baseArchitecture())
                .isEqualTo(graphTask.baseArchitecture());
    }

    @Test
    void aggregate_copyOfAnOlderGlobalModel_leavesTheHeadAsItIs() {
        TaskContext improved = base.withGlobalModel(honestA);
        var copy =
                new ModelAggregator.Input(BigInteger.ONE, TASK.baseModelBytes(), 1, Optional.of(TASK.baseModelBytes()));

        ModelAggregator.Result result = ModelAggregator.aggregate(improved, new FedAvg(), List.of(copy));

        assertThat(parameters(result.model())).isEqualTo(parameters(honestA));
        assertThat(result.metrics()).isEqualTo(improved.baseline());
    }

    @Test
    void aggregate_honestUpdateTrainedFromAnOlderGlobalModel_addsItsChangeToTheHead() {
        TaskContext improved = base.withGlobalModel(honestA);
        var current = new ModelAggregator.Input(BigInteger.ONE, honestA, 1);
        var stale = new ModelAggregator.Input(BigInteger.TWO, honestB, 1, Optional.of(TASK.baseModelBytes()));

        ModelAggregator.Result result = ModelAggregator.aggregate(improved, new FedAvg(), List.of(current, stale));

        float[] rebased = Rebase.onto(parameters(honestB), parameters(TASK.baseModelBytes()), parameters(honestA));
        float[] expected = new FedAvg()
                .aggregate(List.of(new ModelUpdate(1, parameters(honestA), 1, 1), new ModelUpdate(2, rebased, 1, 1)));
        assertThat(parameters(result.model())).isEqualTo(expected);
        assertThat(result.metrics().accuracy()).isGreaterThan(base.baseline().accuracy());
    }

    @Test
    void theSameInputsInAnyOrderGiveTheSameBytes() {
        var a = new ModelAggregator.Input(BigInteger.ONE, honestA, 21);
        var b = new ModelAggregator.Input(BigInteger.TWO, honestB, 26);
        TaskContext otherValidator = TaskContext.create(
                1, TASK.schema(), TASK.heldOutCsv(), TASK.baseModelBytes(), EvaluationLimits.defaults());

        var one = ModelAggregator.aggregate(base, new CoordinateMedian(), List.of(a, b));
        var other = ModelAggregator.aggregate(otherValidator, new CoordinateMedian(), List.of(b, a));

        assertThat(other.model()).isEqualTo(one.model());
        assertThat(other.metrics().valuePpm()).isEqualTo(one.metrics().valuePpm());
        assertThat(other.metrics().lossMicros()).isEqualTo(one.metrics().lossMicros());
    }

    @Test
    void metricsInChainUnitsAreExact() {
        var result = ModelAggregator.aggregate(
                base, new FedAvg(), List.of(new ModelAggregator.Input(BigInteger.ONE, honestA, 1)));

        assertThat(result.metrics().valuePpm())
                .isEqualTo(result.metrics().correct()
                        * 1_000_000L
                        / result.metrics().rows());
        assertThat(result.metrics().lossMicros())
                .isEqualTo(Math.round(result.metrics().loss() * 1e6));
    }

    @Test
    void aMergeIsTheEqualWeightAverageOfTheTwoHeads() {
        TaskContext target = base.withGlobalModel(honestA);

        var merge = ModelAggregator.merge(target, honestB);

        float[] a = parameters(honestA);
        float[] b = parameters(honestB);
        float[] actual = parameters(merge.model());
        for (int i = 0; i < a.length; i++) {
            assertThat((double) actual[i]).isCloseTo(((double) a[i] + b[i]) / 2, Offset.offset(1e-6));
        }
        assertThat(merge.contributionIds()).isEmpty();
    }

    @Test
    void anUpdateThatIsNotAModelOfTheTaskIsRefused() {
        assertThatThrownBy(() -> ModelAggregator.aggregate(
                        base,
                        new FedAvg(),
                        List.of(new ModelAggregator.Input(BigInteger.ONE, BUILDERS.wrongArchitecture(), 1))))
                .isInstanceOf(InvalidModelException.class);
        assertThatThrownBy(() -> ModelAggregator.aggregate(base, new FedAvg(), List.of()))
                .hasMessage("nothing to aggregate");
    }

    @Test
    void theRegistrysRuleBecomesTheMatchingRule() {
        assertThat(ruleOf(0, 0, 0)).isInstanceOf(FedAvg.class);
        assertThat(ruleOf(1, 0, 0)).isInstanceOf(CoordinateMedian.class);
        assertThat(ruleOf(2, 1_000, 0))
                .isInstanceOfSatisfying(
                        TrimmedMean.class, rule -> assertThat(rule.trim()).isEqualTo(0.1));
        assertThat(ruleOf(3, 2, 0))
                .isInstanceOfSatisfying(Krum.class, rule -> assertThat(rule.f()).isEqualTo(2));
        assertThat(ruleOf(4, 1, 3)).isInstanceOfSatisfying(MultiKrum.class, rule -> {
            assertThat(rule.f()).isEqualTo(1);
            assertThat(rule.m()).isEqualTo(3);
        });
        assertThatThrownBy(() -> ruleOf(5, 0, 0)).hasMessage("unknown aggregation rule 5");
    }

    private static AggregationRule ruleOf(int rule, int a, int b) {
        return ModelCommitter.ruleOf(spec(rule, a, b), Parallelism.sequential());
    }

    private static ModelSpec spec(int rule, int a, int b) {
        byte[] digest = new byte[32];
        return new ModelSpec(
                digest,
                digest,
                digest,
                digest,
                BigInteger.valueOf(rule),
                BigInteger.valueOf(a),
                BigInteger.valueOf(b),
                BigInteger.valueOf(10_000),
                BigInteger.ZERO,
                BigInteger.ZERO);
    }

    private static float[] parameters(byte[] model) {
        return ModelCodec.read(model, EvaluationLimits.defaults()).parameters();
    }
}
