package io.cotrain.oracle.evaluation;

import java.util.Arrays;
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
 * The templates of a tabular task's base model, the one place MLPs are built: a multilayer perceptron
 * {@code features -> hidden... (relu) -> head}, Adam with learning rate {@value #LEARNING_RATE}, Xavier initialisation
 * from a seed, 32-bit floats, no regularisation or dropout. The head of a classification task is one softmax output
 * per class with cross-entropy loss; that of a regression task one identity output trained on the squared error (the
 * absolute error when the task's metric is MAE).
 *
 * <p>The owner picks the hidden layers ({@link #mlp}); the default ({@link #baseModel}) is {@code 32 -> 32}. The task's
 * architecture is then whatever its base model is ({@link TaskContext#readBaseModel}); these templates only write it.
 */
public final class TabularModels {

    /** Width of both hidden layers of the default template. */
    public static final int HIDDEN = 32;
    /** Hidden layers of the default template. */
    private static final int[] DEFAULT_HIDDEN = {HIDDEN, HIDDEN};
    /** Most hidden layers a template takes. */
    public static final int MAX_HIDDEN_LAYERS = 8;
    /** Most units of one hidden layer of a template. */
    public static final int MAX_HIDDEN_UNITS = 1024;
    /** Adam's learning rate. */
    public static final double LEARNING_RATE = 0.01;

    private TabularModels() {}

    /** The default hidden layers, {@code {32, 32}}. */
    public static int[] defaultHiddenLayers() {
        return DEFAULT_HIDDEN.clone();
    }

    /**
     * Checks hidden layer sizes for {@link #mlp}.
     *
     * @throws IllegalArgumentException naming the problem: not 1..{@value #MAX_HIDDEN_LAYERS} layers, or a layer not
     *                                  of 1..{@value #MAX_HIDDEN_UNITS} units
     */
    public static void checkHiddenLayers(int[] hiddenLayers) {
        if (hiddenLayers == null || hiddenLayers.length < 1 || hiddenLayers.length > MAX_HIDDEN_LAYERS) {
            throw new IllegalArgumentException("an MLP has 1 to " + MAX_HIDDEN_LAYERS + " hidden layers, got "
                    + (hiddenLayers == null ? 0 : hiddenLayers.length));
        }
        for (int i = 0; i < hiddenLayers.length; i++) {
            if (hiddenLayers[i] < 1 || hiddenLayers[i] > MAX_HIDDEN_UNITS) {
                throw new IllegalArgumentException("hidden layer " + (i + 1) + " has " + hiddenLayers[i]
                        + " units, expected 1 to " + MAX_HIDDEN_UNITS);
            }
        }
    }

    /**
     * The configuration of an MLP for a schema, with weights initialised from {@code seed}.
     *
     * @param hiddenLayers the units of each hidden layer (relu), in order ({@link #checkHiddenLayers})
     */
    public static MultiLayerConfiguration mlpConfiguration(DataSchema schema, int[] hiddenLayers, long seed) {
        checkHiddenLayers(hiddenLayers);
        int[] hidden = Arrays.copyOf(hiddenLayers, hiddenLayers.length);
        var list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(LEARNING_RATE))
                .weightInit(WeightInit.XAVIER)
                .list();
        int nIn = schema.featureCount();
        for (int units : hidden) {
            list.layer(new DenseLayer.Builder()
                    .nIn(nIn)
                    .nOut(units)
                    .activation(Activation.RELU)
                    .build());
            nIn = units;
        }
        boolean regression = schema.metric().regression();
        LossFunctions.LossFunction loss = !regression
                ? LossFunctions.LossFunction.MCXENT
                : schema.metric() == TaskMetric.MAE ? LossFunctions.LossFunction.L1 : LossFunctions.LossFunction.MSE;
        return list.layer(new OutputLayer.Builder(loss)
                        .nIn(nIn)
                        .nOut(schema.outputs())
                        .activation(regression ? Activation.IDENTITY : Activation.SOFTMAX)
                        .build())
                .build();
    }

    /**
     * A freshly initialised MLP for a schema: the same hidden layers and seed give the same weights.
     *
     * @param hiddenLayers the units of each hidden layer, in order: 1 to {@value #MAX_HIDDEN_LAYERS} layers of 1 to
     *                     {@value #MAX_HIDDEN_UNITS} units
     * @throws IllegalArgumentException when the hidden layers are outside those bounds
     */
    public static TaskModel mlp(DataSchema schema, int[] hiddenLayers, long seed) {
        MultiLayerConfiguration configuration = mlpConfiguration(schema, hiddenLayers, seed);
        EvaluationRuntime.configure();
        var model = new MultiLayerNetwork(configuration);
        model.init();
        return TaskModel.of(model);
    }

    /** The configuration of the default base model ({@code 32 -> 32}) for a schema. */
    public static MultiLayerConfiguration baseConfiguration(DataSchema schema, long seed) {
        return mlpConfiguration(schema, DEFAULT_HIDDEN, seed);
    }

    /** A freshly initialised default base model ({@code 32 -> 32}) for a schema: one seed, one set of weights. */
    public static TaskModel baseModel(DataSchema schema, long seed) {
        return mlp(schema, DEFAULT_HIDDEN, seed);
    }

    /**
     * The architecture of the default template for this schema. A task's architecture is its base model's
     * ({@link TaskContext#baseArchitecture()}), which need not be this one.
     */
    public static ModelArchitecture baseArchitecture(DataSchema schema) {
        return ModelArchitecture.of(baseConfiguration(schema, 0));
    }
}
