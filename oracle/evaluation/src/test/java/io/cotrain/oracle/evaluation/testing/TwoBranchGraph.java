package io.cotrain.oracle.evaluation.testing;

import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TaskModel;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A model owner's own {@link ComputationGraph} for a schema: two branches over the features, merged, then a mixing
 * layer and the head. Its parts are open so that tests can bend the graph.
 */
public final class TwoBranchGraph {
    private TwoBranchGraph() {}

    /** input -> wide (16, relu) and narrow (8, tanh) -> merge (24) -> mixed (16, relu) -> out (softmax). */
    public static GraphBuilder twoBranches(DataSchema schema, long seed) {
        return mixedBy(
                schema,
                branches(schema, seed, 8).addVertex("merge", new MergeVertex(), "wide", "narrow"),
                dense(24, 16, Activation.RELU),
                "merge");
    }

    /** The graph's input {@code features} and its two branches, wide (16, relu) and narrow (tanh). */
    public static GraphBuilder branches(DataSchema schema, long seed, int narrowUnits) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.01))
                .graphBuilder()
                .addInputs("features")
                .addLayer("wide", dense(schema.featureCount(), 16, Activation.RELU), "features")
                .addLayer("narrow", dense(schema.featureCount(), narrowUnits, Activation.TANH), "features");
    }

    /** Then the layer {@code mixed} (of 16 outputs) taking {@code mixedInput}, and the head {@code out}. */
    public static GraphBuilder mixedBy(DataSchema schema, GraphBuilder branches, DenseLayer mixed, String mixedInput) {
        return branches.addLayer("mixed", mixed, mixedInput)
                .addLayer("out", head(schema, 16), "mixed")
                .setOutputs("out");
    }

    public static DenseLayer dense(long nIn, long nOut, Activation activation) {
        return new DenseLayer.Builder()
                .nIn(nIn)
                .nOut(nOut)
                .activation(activation)
                .build();
    }

    /** The schema's head: softmax over its classes with cross-entropy, or for regression one output, squared error. */
    public static OutputLayer head(DataSchema schema, long nIn) {
        if (schema.metric().regression()) {
            return new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                    .nIn(nIn)
                    .nOut(1)
                    .activation(Activation.IDENTITY)
                    .build();
        }
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(nIn)
                .nOut(schema.classCount())
                .activation(Activation.SOFTMAX)
                .build();
    }

    /** The graph built and initialised from its seed. */
    public static TaskModel model(GraphBuilder builder) {
        var graph = new ComputationGraph(builder.build());
        graph.init();
        return TaskModel.of(graph);
    }

    /** The graph's bytes ({@link ModelCodec}). */
    public static byte[] bytes(GraphBuilder builder) {
        return ModelCodec.write(model(builder));
    }
}
