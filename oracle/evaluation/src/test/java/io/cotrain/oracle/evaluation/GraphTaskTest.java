package io.cotrain.oracle.evaluation;

import static io.cotrain.oracle.evaluation.testing.TwoBranchGraph.branches;
import static io.cotrain.oracle.evaluation.testing.TwoBranchGraph.bytes;
import static io.cotrain.oracle.evaluation.testing.TwoBranchGraph.dense;
import static io.cotrain.oracle.evaluation.testing.TwoBranchGraph.head;
import static io.cotrain.oracle.evaluation.testing.TwoBranchGraph.mixedBy;
import static io.cotrain.oracle.evaluation.testing.TwoBranchGraph.model;
import static io.cotrain.oracle.evaluation.testing.TwoBranchGraph.twoBranches;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;

/**
 * A task whose base model is a DL4J {@link ComputationGraph}: two branches over the features, merged, then the head.
 * It is read, scored, trained on datasets and refused exactly as a layer stack is, and every way to bend the graph
 * (rewire it, add a vertex, swap in a layer stack, a cycle, a branch that leads nowhere) is refused by name.
 */
class GraphTaskTest {
    private static final DataSchema SCHEMA = Fixtures.TASK.schema();
    private static final EvaluationLimits LIMITS = EvaluationLimits.defaults();

    private static TaskContext graphContext() {
        return TaskContext.create(11, SCHEMA, Fixtures.TASK.heldOutCsv(), bytes(twoBranches(SCHEMA, 3)), LIMITS);
    }

    private static byte[] trained(TaskModel model, byte[] shardCsv, int contributor) {
        var shard = TabularDataset.parse(shardCsv, SCHEMA, LIMITS).toDataSet();
        return ModelCodec.write(LocalTraining.train(model, shard, 5, 100 + contributor));
    }

    @Test
    void codec_writesAndReadsAGraph_canonically_andInteroperatesWithModelSerializer() throws IOException {
        byte[] bytes = bytes(twoBranches(SCHEMA, 3));
        TaskModel read = ModelCodec.read(bytes, LIMITS);
        assertThat(read.network()).isInstanceOf(ComputationGraph.class);
        assertThat(ModelCodec.write(read)).isEqualTo(bytes);
        assertThat(read.parameters()).isEqualTo(model(twoBranches(SCHEMA, 3)).parameters());
        assertThat(read.architecture().summary()).isEqualTo("graph of 5 vertices, 4 layers, 667 params");

        var restored = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), false);
        assertThat(TaskModel.of(restored).parameters()).isEqualTo(read.parameters());
        // an owner's graph written by DL4J's own serializer, with updater state, is a base model as it is
        var out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(restored, out, true);
        assertThat(TaskContext.readBaseModel(SCHEMA, out.toByteArray(), LIMITS).parameters())
                .isEqualTo(read.parameters());
    }

    @Test
    void graphBase_isTheTaskArchitecture_honestUpdateScoresAboveNeutral_flippedLabelsBelowTheSlashThreshold() {
        TaskContext context = graphContext();
        assertThat(context.baseArchitecture().wiring())
                .containsExactly(
                        "input features",
                        "narrow <- features : " + "DenseLayer",
                        "wide <- features : " + "DenseLayer",
                        "merge <- wide,narrow : " + "MergeVertex(1)",
                        "mixed <- merge : " + "DenseLayer",
                        "out <- mixed : " + "OutputLayer",
                        "output out");

        var evaluator = new ModelUpdateEvaluator();
        Evaluation honest =
                evaluator.evaluate(context, trained(context.freshGlobalModel(), Fixtures.TASK.shardCsv(1, 2_000), 1));
        assertThat(honest.floorReason()).isEmpty();
        assertThat(honest.score()).isGreaterThan(QualityScore.NEUTRAL);
        assertThat(honest.metrics().get("accuracy"))
                .isGreaterThan(honest.metrics().get("baselineAccuracy"));

        TaskContext better =
                context.withGlobalModel(trained(context.freshGlobalModel(), Fixtures.TASK.shardCsv(2, 4_000), 2));
        Evaluation flipped = evaluator.evaluate(
                better, trained(better.freshGlobalModel(), Fixtures.TASK.labelFlippedShardCsv(3, 2_000), 3));
        assertThat(flipped.score()).isLessThan(30);
    }

    @Test
    void graphDataset_isTrainedInTheGraphAndScored() {
        Evaluation dataset = new DatasetEvaluator().evaluate(graphContext(), Fixtures.TASK.shardCsv(4, 1_000));
        assertThat(dataset.floorReason()).isEmpty();
        assertThat(dataset.score()).isGreaterThan(QualityScore.NEUTRAL);
    }

    @Test
    void updatesThatBendTheGraph_areFloored_namingTheDifference() {
        TaskContext context = graphContext();
        var evaluator = new ModelUpdateEvaluator();
        // attack: the same layers and parameter count, the branches feeding the merge the other way round
        GraphBuilder swapped = mixedBy(
                SCHEMA,
                branches(SCHEMA, 3, 8).addVertex("merge", new MergeVertex(), "narrow", "wide"),
                dense(24, 16, Activation.RELU),
                "merge");
        assertThat(evaluator.evaluate(context, bytes(swapped)).floorReason())
                .hasValueSatisfying(r -> assertThat(r)
                        .contains("architecture mismatch: graph wiring 'merge <- narrow,wide")
                        .contains("expected 'merge <- wide,narrow"));
        // a sum instead of a concatenation (the mixing layer resized to fit)
        GraphBuilder summed = mixedBy(
                SCHEMA,
                branches(SCHEMA, 3, 16)
                        .addVertex("merge", new ElementWiseVertex(ElementWiseVertex.Op.Add), "wide", "narrow"),
                dense(16, 16, Activation.RELU),
                "merge");
        assertThat(evaluator.evaluate(context, bytes(summed)).floorReason())
                .hasValueSatisfying(r -> assertThat(r).contains("architecture mismatch: graph wiring"));
        // a layer stack for a graph task, and a graph for a layer-stack task
        assertThat(evaluator
                        .evaluate(context, ModelCodec.write(TabularModels.baseModel(SCHEMA, 3)))
                        .floorReason())
                .hasValue("architecture mismatch: a layer stack, expected a graph");
        assertThat(evaluator
                        .evaluate(Fixtures.context(), bytes(twoBranches(SCHEMA, 3)))
                        .floorReason())
                .hasValue("architecture mismatch: a graph, expected a layer stack");
    }

    @Test
    void graphsOutsideTheProtocolsLimits_areRefusedAsBases_namingWhy() {
        GraphBuilder twoOutputs = twoBranches(SCHEMA, 1)
                .addLayer("second", head(SCHEMA, 16), "mixed")
                .setOutputs("out", "second");
        assertRefused(twoOutputs, "a graph model has one input and one output, this one [features] and [out, second]");

        GraphBuilder deadBranch = twoBranches(SCHEMA, 1)
                .addLayer("unused", dense(24, 4, Activation.RELU), "merge")
                .allowDisconnected(true); // DL4J refuses it by default, an attacker need not ask it
        assertRefused(deadBranch, "vertex unused does not lead to the output out");

        GraphBuilder scaled = mixedBy(
                SCHEMA,
                branches(SCHEMA, 1, 8)
                        .addVertex("merge", new MergeVertex(), "wide", "narrow")
                        .addVertex("scale", new ScaleVertex(2), "merge"),
                dense(24, 16, Activation.RELU),
                "scale");
        assertRefused(
                scaled,
                "vertex scale is a ScaleVertex; a graph model has layers, MergeVertex and " + "ElementWiseVertex only");

        GraphBuilder recurrent = branches(SCHEMA, 1, 8)
                .addVertex("merge", new MergeVertex(), "wide", "narrow")
                .addLayer("mixed", new LSTM.Builder().nIn(24).nOut(16).build(), "merge")
                .addLayer("out", head(SCHEMA, 16), "mixed")
                .setOutputs("out");
        assertRefused(recurrent, "graph layer 2 is LSTM, expected one of [DenseLayer]");

        // sizes that do not fit each other: the merge gives 24 values, the mixing layer takes 20
        GraphBuilder misfit = mixedBy(
                SCHEMA,
                branches(SCHEMA, 1, 8).addVertex("merge", new MergeVertex(), "wide", "narrow"),
                dense(20, 16, Activation.RELU),
                "merge");
        assertRefused(misfit, "DL4J cannot run it on one row of 8 features");

        GraphBuilder noHead = branches(SCHEMA, 1, 8)
                .addVertex("merge", new MergeVertex(), "wide", "narrow")
                .addLayer("mixed", dense(24, 16, Activation.RELU), "merge")
                .addLayer("out", dense(16, SCHEMA.classCount(), Activation.SOFTMAX), "mixed")
                .setOutputs("out");
        assertRefused(noHead, "the graph's output vertex must be an OutputLayer");
    }

    @Test
    void hostileGraphConfigurations_areInvalidModels_notValidatorFailures() throws IOException {
        byte[] base = bytes(twoBranches(SCHEMA, 1));
        String json = model(twoBranches(SCHEMA, 1)).configurationJson();
        // a cycle: the wide branch takes the mixing layer's output
        String cyclic = json.replaceFirst("\"wide\" : \\[ \"features\" \\]", "\"wide\" : [ \"mixed\" ]");
        assertThat(cyclic).isNotEqualTo(json);
        assertThatThrownBy(() -> ModelCodec.read(withConfiguration(base, cyclic), LIMITS))
                .isInstanceOf(InvalidModelException.class)
                .hasMessage("the graph model has a cycle or a vertex unreachable from its input");
        // an input that names no vertex
        String ghost = json.replaceFirst("\"wide\" : \\[ \"features\" \\]", "\"wide\" : [ \"ghost\" ]");
        assertThatThrownBy(() -> ModelCodec.read(withConfiguration(base, ghost), LIMITS))
                .isInstanceOf(InvalidModelException.class)
                .hasMessage("vertex wide takes ghost, which is not a vertex");
        // vertices that are not a graph's
        assertThatThrownBy(() -> ModelCodec.read(withConfiguration(base, "{\"vertices\": 7}"), LIMITS))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageStartingWith("not a DL4J model: configuration.json is not a ComputationGraph");
    }

    /** The model's bytes with another configuration.json (its coefficients kept). */
    private static byte[] withConfiguration(byte[] model, String json) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(ModelSerializer.CONFIGURATION_JSON));
            zip.write(json.getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry(ModelSerializer.COEFFICIENTS_BIN));
            zip.write(ModelCodec.scan(model, LIMITS).get(ModelSerializer.COEFFICIENTS_BIN));
        }
        return out.toByteArray();
    }

    private static void assertRefused(GraphBuilder builder, String reason) {
        byte[] bytes;
        try {
            bytes = bytes(builder);
        } catch (RuntimeException e) {
            // DL4J refuses some graphs itself when building them; then no owner can make their bytes either
            throw new AssertionError("DL4J could not build the graph: " + e.getMessage(), e);
        }
        assertThatThrownBy(() -> TaskContext.readBaseModel(SCHEMA, bytes, LIMITS))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining(reason);
    }
}
