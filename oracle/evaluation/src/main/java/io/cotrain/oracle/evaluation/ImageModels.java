package io.cotrain.oracle.evaluation;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The template of an image task's base model: a small CNN, {@code conv 3x3 (relu) -> max-pool 2x2} once per filter
 * count (same padding, so each block halves the image), then the dense layers (relu) and one softmax output per class,
 * with cross-entropy loss, Adam with learning rate {@value TabularModels#LEARNING_RATE}, Xavier initialisation from a
 * seed and 32-bit floats. The images enter flat ({@link ImageShape}).
 */
public final class ImageModels {
    /** Filters of the default template's two convolution blocks. */
    private static final int[] DEFAULT_FILTERS = {8, 16};
    /** Units of the default template's dense layer. */
    private static final int[] DEFAULT_DENSE = {32};

    private ImageModels() {}

    /**
     * The configuration of a CNN for an image schema.
     *
     * @param filters the filters of each convolution block, in order: each block halves the image
     * @param dense   the units of each dense layer after the blocks ({@link TabularModels#checkHiddenLayers})
     * @throws IllegalArgumentException when the schema is not an image task, or its images are too small for the blocks
     */
    public static MultiLayerConfiguration cnnConfiguration(DataSchema schema, int[] filters, int[] dense, long seed) {
        ImageShape shape = schema.image().orElseThrow(() -> new IllegalArgumentException("not an image task"));
        TabularModels.checkHiddenLayers(dense);
        int smallest = 1 << filters.length;
        if (shape.width() < smallest || shape.height() < smallest) {
            throw new IllegalArgumentException(filters.length + " convolution blocks need images of at least "
                    + smallest + "x" + smallest + ", got " + shape);
        }
        var list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(TabularModels.LEARNING_RATE))
                .weightInit(WeightInit.XAVIER)
                .convolutionMode(ConvolutionMode.Same)
                .list();
        int channels = shape.channels();
        for (int count : filters) {
            list.layer(new ConvolutionLayer.Builder(3, 3)
                    .nIn(channels)
                    .nOut(count)
                    .activation(Activation.RELU)
                    .build());
            list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                    .kernelSize(2, 2)
                    .stride(2, 2)
                    .build());
            channels = count;
        }
        for (int units : dense) {
            list.layer(new DenseLayer.Builder()
                    .nOut(units)
                    .activation(Activation.RELU)
                    .build());
        }
        return list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(schema.classCount())
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(shape.height(), shape.width(), shape.channels()))
                .build();
    }

    /**
     * A freshly initialised CNN for an image schema: the same options and seed give the same weights.
     *
     * @param dense the units of each dense layer after the two convolution blocks (8 and 16 filters)
     */
    public static TaskModel cnn(DataSchema schema, int[] dense, long seed) {
        MultiLayerConfiguration configuration = cnnConfiguration(schema, DEFAULT_FILTERS, dense, seed);
        EvaluationRuntime.configure();
        var model = new MultiLayerNetwork(configuration);
        model.init();
        return TaskModel.of(model);
    }

    /** The default template (8 and 16 filters, 32 dense units) for an image schema. */
    public static TaskModel baseModel(DataSchema schema, long seed) {
        return cnn(schema, DEFAULT_DENSE, seed);
    }
}
