package io.cotrain.oracle.evaluation;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The base model of a tabular classification task, shared by validators (the architecture every update must have)
 * and contributors (the model they train): a small multilayer perceptron
 * {@code features -> 32 (relu) -> 32 (relu) -> classes (softmax)}, cross-entropy loss, Adam with learning rate
 * {@value #LEARNING_RATE}, Xavier initialisation from a fixed seed, 32-bit floats, no regularisation or dropout.
 */
public final class TabularModels {

    /** Width of both hidden layers. */
    public static final int HIDDEN = 32;
    /** Adam's learning rate. */
    public static final double LEARNING_RATE = 0.01;

    private TabularModels() {}

    /** The configuration of the base model for a schema, with weights initialised from {@code seed}. */
    public static MultiLayerConfiguration baseConfiguration(DataSchema schema, long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(LEARNING_RATE))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(schema.featureCount())
                        .nOut(HIDDEN)
                        .activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(HIDDEN)
                        .nOut(HIDDEN)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(HIDDEN)
                        .nOut(schema.classCount())
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
    }

    /** A freshly initialised base model for a schema: the same seed gives the same weights. */
    public static MultiLayerNetwork baseModel(DataSchema schema, long seed) {
        EvaluationRuntime.configure();
        var model = new MultiLayerNetwork(baseConfiguration(schema, seed));
        model.init();
        return model;
    }

    /** The architecture every model of a task with this schema has. */
    public static ModelArchitecture baseArchitecture(DataSchema schema) {
        return ModelArchitecture.of(baseConfiguration(schema, 0));
    }
}
