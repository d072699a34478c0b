package io.cotrain.oracle.evaluation;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

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

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
