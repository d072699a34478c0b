package io.cotrain.oracle.evaluation;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A task's network, whichever DL4J form its owner chose: a {@link MultiLayerNetwork} (a stack of layers) or a
 * {@link ComputationGraph} (layers and vertices wired as a graph, with one input and one output). Everything that
 * runs, trains, averages or writes a task's model (evaluators, local training, valuation, aggregation, the codec,
 * the CLI) goes through this port, so both forms are scored by the same code.
 *
 * <p>Not thread-safe, as DL4J's networks are not: run each instance on one thread at a time.
 */
public sealed interface TaskModel permits LayerStackModel, GraphModel {

    /** A layer stack as a task model. */
    static TaskModel of(MultiLayerNetwork network) {
        return new LayerStackModel(network);
    }

    /** A graph of one input and one output as a task model. */
    static TaskModel of(ComputationGraph graph) {
        return new GraphModel(graph);
    }

    /** The DL4J network itself, for DL4J's own tools (such as {@code ModelSerializer}). */
    Model network();

    /** The network's outputs for a batch of feature rows, in inference mode (no dropout, no state change). */
    INDArray output(INDArray features);

    /** One training step on a minibatch (features and one-hot labels or targets). */
    void fit(DataSet batch);

    /** The network's parameters as one flat row, in DL4J's order (a view: do not modify). */
    INDArray params();

    /** Replaces every parameter (a row of {@link #parameterCount()} values). */
    void setParams(INDArray parameters);

    /** Number of parameters (weights and biases). */
    long parameterCount();

    /** A deep copy: configuration, parameters and updater state. */
    TaskModel copy();

    /** A new network of the same configuration, freshly initialised (its own seed's weights). */
    TaskModel blank();

    /** The configuration as DL4J's JSON, what {@code configuration.json} of the model's bytes holds. */
    String configurationJson();

    /** What a contribution of this model's task must match ({@link ModelArchitecture}). */
    ModelArchitecture architecture();

    /** Listeners told of each training step. */
    void setListeners(TrainingListener... listeners);

    /** The parameters as floats in DL4J's flattened order. */
    default float[] parameters() {
        return params().castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /**
     * Puts other parameters into the model in place, such as an aggregate of several models of its architecture.
     *
     * @param parameters its new parameters, in {@link #parameters} order
     * @throws InvalidModelException when the count differs or a parameter is not finite
     */
    default void setParameters(float[] parameters) {
        long expected = parameterCount();
        if (parameters.length != expected) {
            throw new InvalidModelException("the model has " + expected + " parameters, got " + parameters.length);
        }
        ModelCodec.checkFinite(parameters);
        setParams(Nd4j.create(parameters, new long[] {1, parameters.length}, DataType.FLOAT));
    }

    /** A copy carrying other parameters ({@link #setParameters}); this model is left unchanged. */
    default TaskModel withParameters(float[] parameters) {
        TaskModel copy = copy();
        copy.setParameters(parameters);
        return copy;
    }
}
