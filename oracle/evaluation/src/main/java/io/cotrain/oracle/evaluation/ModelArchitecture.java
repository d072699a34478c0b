package io.cotrain.oracle.evaluation;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.impl.LossL1;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * What must match between a contributed model and the task's global model: layer types, sizes, activations, loss,
 * input preprocessors, and the parameter count. Derived from a configuration alone, before any parameter is read.
 *
 * @param layers         one entry per layer, in order
 * @param preprocessors  number of input preprocessors (0 for the tabular MLPs)
 * @param parameterCount total number of parameters (weights and biases)
 * @param dataType       the network's data type, e.g. {@code FLOAT}
 */
public record ModelArchitecture(List<LayerSpec> layers, int preprocessors, long parameterCount, String dataType) {

    /**
     * One layer.
     *
     * @param type       the DL4J configuration class, e.g. {@code org.deeplearning4j.nn.conf.layers.DenseLayer}
     * @param nIn        input size (-1 for layers without one)
     * @param nOut       output size (-1 for layers without one)
     * @param activation the activation function, e.g. {@code relu}, {@code softmax} (empty if none)
     * @param loss       the loss function of an output layer (empty for other layers)
     * @param parameters the layer's number of parameters
     */
    public record LayerSpec(String type, long nIn, long nOut, String activation, String loss, long parameters) {}

    /** Most layers of a task's model: {@value TabularModels#MAX_HIDDEN_LAYERS} hidden layers and the output layer. */
    public static final int MAX_LAYERS = TabularModels.MAX_HIDDEN_LAYERS + 1;

    private static final String DENSE = DenseLayer.class.getName();
    private static final String OUTPUT = OutputLayer.class.getName();
    private static final String SOFTMAX =
            Activation.SOFTMAX.getActivationFunction().toString();
    private static final String CROSS_ENTROPY = new LossMCXENT().toString();
    private static final String IDENTITY =
            Activation.IDENTITY.getActivationFunction().toString();
    /** The losses a regression head may train with: squared or absolute error. */
    private static final List<String> REGRESSION_LOSSES = List.of(new LossMSE().toString(), new LossL1().toString());

    public ModelArchitecture {
        layers = List.copyOf(layers);
    }

    /** The architecture of a configuration (no parameters are allocated). */
    public static ModelArchitecture of(MultiLayerConfiguration conf) {
        var specs = new ArrayList<LayerSpec>();
        long total = 0;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            var layerConf = conf.getConf(i);
            Layer layer = layerConf.getLayer();
            if (layer == null) {
                throw new InvalidModelException("layer " + i + " has no configuration");
            }
            long nIn = -1;
            long nOut = -1;
            if (layer instanceof FeedForwardLayer ff) {
                nIn = ff.getNIn();
                nOut = ff.getNOut();
            }
            String activation = layer instanceof BaseLayer base && base.getActivationFn() != null
                    ? base.getActivationFn().toString()
                    : "";
            String loss = layer instanceof BaseOutputLayer out && out.getLossFn() != null
                    ? out.getLossFn().toString()
                    : "";
            long params = layer.initializer().numParams(layerConf);
            specs.add(new LayerSpec(layer.getClass().getName(), nIn, nOut, activation, loss, params));
            total = Math.addExact(total, params);
        }
        int preprocessors = conf.getInputPreProcessors() == null
                ? 0
                : conf.getInputPreProcessors().size();
        return new ModelArchitecture(specs, preprocessors, total, String.valueOf(conf.getDataType()));
    }

    /** The architecture of a network. */
    public static ModelArchitecture of(MultiLayerNetwork network) {
        return of(network.getLayerWiseConfigurations());
    }

    /** A short human-readable form, e.g. {@code 8-32-32-3 [relu,relu,softmax] 1475 params}. */
    public String summary() {
        var sb = new StringBuilder();
        var acts = new ArrayList<String>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            if (i == 0) {
                sb.append(l.nIn());
            }
            sb.append('-').append(l.nOut());
            acts.add(l.activation());
        }
        return sb + " " + acts + " " + parameterCount + " params";
    }

    /**
     * The first difference to another architecture, or null if equal: used as the floor reason of a contribution
     * whose architecture differs from the task's.
     */
    public String differenceFrom(ModelArchitecture expected) {
        if (layers.size() != expected.layers.size()) {
            return "architecture mismatch: " + layers.size() + " layers, expected " + expected.layers.size();
        }
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec a = layers.get(i);
            LayerSpec e = expected.layers.get(i);
            if (!a.type().equals(e.type())) {
                return "architecture mismatch: layer " + i + " is " + simple(a.type()) + ", expected "
                        + simple(e.type());
            }
            if (a.nIn() != e.nIn() || a.nOut() != e.nOut()) {
                return "architecture mismatch: layer " + i + " is " + a.nIn() + "->" + a.nOut() + ", expected "
                        + e.nIn() + "->" + e.nOut();
            }
            if (!a.activation().equals(e.activation())) {
                return "architecture mismatch: layer " + i + " activation " + a.activation() + ", expected "
                        + e.activation();
            }
            if (!a.loss().equals(e.loss())) {
                return "architecture mismatch: layer " + i + " loss " + a.loss() + ", expected " + e.loss();
            }
            if (a.parameters() != e.parameters()) {
                return "architecture mismatch: layer " + i + " has " + a.parameters() + " parameters, expected "
                        + e.parameters();
            }
        }
        if (preprocessors != expected.preprocessors) {
            return "architecture mismatch: " + preprocessors + " input preprocessors, expected "
                    + expected.preprocessors;
        }
        if (!dataType.equals(expected.dataType)) {
            return "architecture mismatch: data type " + dataType + ", expected " + expected.dataType;
        }
        if (parameterCount != expected.parameterCount) {
            return "architecture mismatch: " + parameterCount + " parameters, expected " + expected.parameterCount;
        }
        return null;
    }

    /**
     * Why this architecture cannot be the base of a task with this schema, or null if it can. A task's model is, for
     * now, a multilayer perceptron within the protocol's limits: 1 to {@value TabularModels#MAX_HIDDEN_LAYERS} hidden
     * {@code DenseLayer}s (any activation, at least one unit each) then an {@code OutputLayer}: for classification
     * with softmax and multi-class cross-entropy (MCXENT) and one output per class, for regression with the identity
     * activation, squared (MSE) or absolute (L1) error and one output; the first layer takes the schema's features,
     * each layer the previous one's outputs; no input preprocessors; 32-bit floats. (The parameter limit is
     * {@link ModelCodec}'s.)
     */
    public String misfitFor(DataSchema schema) {
        if (layers.size() < 2 || layers.size() > MAX_LAYERS) {
            return "the model has " + layers.size() + " layers, expected an MLP of 1 to "
                    + TabularModels.MAX_HIDDEN_LAYERS + " hidden layers and an output layer";
        }
        int last = layers.size() - 1;
        for (int i = 0; i < last; i++) {
            if (!layers.get(i).type().equals(DENSE)) {
                return "layer " + i + " is " + simple(layers.get(i).type())
                        + ", expected a DenseLayer (only MLPs are supported)";
            }
        }
        LayerSpec output = layers.get(last);
        if (!output.type().equals(OUTPUT)) {
            return "the last layer (" + last + ") is " + simple(output.type()) + ", expected an OutputLayer";
        }
        if (layers.getFirst().nIn() != schema.featureCount()) {
            return "the first layer takes " + layers.getFirst().nIn() + " inputs, but the schema has "
                    + schema.featureCount() + " features";
        }
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).nOut() < 1) {
                return "layer " + i + " has " + layers.get(i).nOut() + " outputs";
            }
            if (i > 0 && layers.get(i).nIn() != layers.get(i - 1).nOut()) {
                return "layer " + i + " takes " + layers.get(i).nIn() + " inputs, but layer " + (i - 1) + " gives "
                        + layers.get(i - 1).nOut();
            }
        }
        String head = schema.metric().regression() ? regressionMisfit(output) : classificationMisfit(output, schema);
        if (head != null) return head;
        if (preprocessors != 0) {
            return "the model has " + preprocessors + " input preprocessors, expected none";
        }
        if (!dataType.equals(DataType.FLOAT.toString())) {
            return "the model's data type is " + dataType + ", expected " + DataType.FLOAT;
        }
        return null;
    }

    private static String classificationMisfit(LayerSpec output, DataSchema schema) {
        if (output.nOut() != schema.classCount()) {
            return "the output layer gives " + output.nOut() + " outputs, but the schema has " + schema.classCount()
                    + " classes";
        }
        if (!output.activation().equals(SOFTMAX)) {
            return "the output layer's activation is " + output.activation() + ", expected " + SOFTMAX;
        }
        if (!output.loss().equals(CROSS_ENTROPY)) {
            return "the output layer's loss is " + output.loss() + ", expected " + CROSS_ENTROPY
                    + " (multi-class cross-entropy)";
        }
        return null;
    }

    private static String regressionMisfit(LayerSpec output) {
        if (output.nOut() != 1) {
            return "the output layer gives " + output.nOut() + " outputs, but a regression task predicts one number";
        }
        if (!output.activation().equals(IDENTITY)) {
            return "the output layer's activation is " + output.activation() + ", expected " + IDENTITY
                    + " for regression";
        }
        if (!REGRESSION_LOSSES.contains(output.loss())) {
            return "the output layer's loss is " + output.loss() + ", expected one of " + REGRESSION_LOSSES;
        }
        return null;
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
