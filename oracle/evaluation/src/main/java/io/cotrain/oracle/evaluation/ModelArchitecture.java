package io.cotrain.oracle.evaluation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.impl.LossL1;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * What must match between a contributed model and the task's global model: layer types, sizes, activations, loss,
 * convolution and pooling geometry, input preprocessors, a graph's wiring, and the parameter count. Derived from a
 * configuration alone, before any parameter is read; a {@link MultiLayerConfiguration} (a layer stack) or a
 * {@link ComputationGraphConfiguration} (a graph of one input and one output).
 *
 * @param layers         one entry per layer, in order (a graph's: in the order of {@link #wiring})
 * @param preprocessors  the input preprocessors as {@code layer:description}, by layer (none for the tabular MLPs); a
 *                       graph's layers are named by their vertex names
 * @param wiring         a graph's vertices in a fixed topological order, each {@code name <- inputs : type}, between
 *                       its {@code input} and its {@code output} (types by simple name; a layer's full type is in
 *                       {@link #layers}); empty for a layer stack
 * @param parameterCount total number of parameters (weights and biases)
 * @param dataType       the network's data type, e.g. {@code FLOAT}
 */
public record ModelArchitecture(
        List<LayerSpec> layers, List<String> preprocessors, List<String> wiring, long parameterCount, String dataType) {

    /**
     * One layer.
     *
     * @param type       the DL4J configuration class, e.g. {@code org.deeplearning4j.nn.conf.layers.DenseLayer}
     * @param nIn        input size (-1 for layers without one)
     * @param nOut       output size (-1 for layers without one)
     * @param activation the activation function, e.g. {@code relu}, {@code softmax} (empty if none)
     * @param loss       the loss function of an output layer (empty for other layers)
     * @param parameters the layer's number of parameters
     * @param geometry   a convolution's or pooling's kernel, stride, padding, dilation and mode (empty for others)
     */
    public record LayerSpec(
            String type, long nIn, long nOut, String activation, String loss, long parameters, String geometry) {}

    /** Most layers of a task's model: {@value TabularModels#MAX_HIDDEN_LAYERS} hidden layers and the output layer. */
    public static final int MAX_LAYERS = TabularModels.MAX_HIDDEN_LAYERS + 1;
    /** Most layers of an image task's model: convolutions, poolings, dense layers and the output layer. */
    public static final int MAX_IMAGE_LAYERS = 16;
    /** Most vertices (layers, merges, element-wise operations) of a graph-shaped model. */
    public static final int MAX_GRAPH_VERTICES = 32;

    private static final String DENSE = DenseLayer.class.getName();
    private static final String OUTPUT = OutputLayer.class.getName();
    private static final String CONVOLUTION = ConvolutionLayer.class.getName();
    private static final String POOLING = SubsamplingLayer.class.getName();
    private static final String SOFTMAX =
            Activation.SOFTMAX.getActivationFunction().toString();
    private static final String CROSS_ENTROPY = new LossMCXENT().toString();
    private static final String IDENTITY =
            Activation.IDENTITY.getActivationFunction().toString();
    /** The losses a regression head may train with: squared or absolute error. */
    private static final List<String> REGRESSION_LOSSES = List.of(new LossMSE().toString(), new LossL1().toString());

    public ModelArchitecture {
        layers = List.copyOf(layers);
        preprocessors = List.copyOf(preprocessors);
        wiring = List.copyOf(wiring);
    }

    /** The architecture of a configuration (no parameters are allocated). */
    public static ModelArchitecture of(MultiLayerConfiguration conf) {
        var specs = new ArrayList<LayerSpec>();
        long total = 0;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            LayerSpec spec = spec(String.valueOf(i), conf.getConf(i));
            specs.add(spec);
            total = Math.addExact(total, spec.parameters());
        }
        List<String> preprocessors = new ArrayList<>();
        if (conf.getInputPreProcessors() != null) {
            new TreeMap<>(conf.getInputPreProcessors()).forEach((at, p) -> preprocessors.add(at + ":" + p));
        }
        return new ModelArchitecture(specs, preprocessors, List.of(), total, String.valueOf(conf.getDataType()));
    }

    /**
     * The architecture of a graph configuration (no parameters are allocated). Its vertices are listed in a
     * topological order that breaks ties by name, so the same graph always gives the same architecture.
     *
     * @throws InvalidModelException when the graph has not exactly one input and one output, too many vertices, an
     *                               input that names no vertex, a cycle, or a vertex that does not lead to the output
     */
    public static ModelArchitecture of(ComputationGraphConfiguration conf) {
        List<String> inputs = conf.getNetworkInputs();
        List<String> outputs = conf.getNetworkOutputs();
        Map<String, GraphVertex> vertices = conf.getVertices();
        Map<String, List<String>> vertexInputs = conf.getVertexInputs();
        if (inputs == null || inputs.size() != 1 || outputs == null || outputs.size() != 1) {
            throw new InvalidModelException(
                    "a graph model has one input and one output, this one " + inputs + " and " + outputs);
        }
        if (vertices == null || vertices.isEmpty() || vertices.size() > MAX_GRAPH_VERTICES) {
            throw new InvalidModelException("a graph model has 1 to " + MAX_GRAPH_VERTICES + " vertices, this one "
                    + (vertices == null ? 0 : vertices.size()));
        }
        List<String> order = topologicalOrder(inputs.getFirst(), outputs.getFirst(), vertices.keySet(), vertexInputs);
        var specs = new ArrayList<LayerSpec>();
        var preprocessors = new ArrayList<String>();
        var wiring = new ArrayList<String>();
        wiring.add("input " + inputs.getFirst());
        long total = 0;
        for (String name : order) {
            GraphVertex vertex = vertices.get(name);
            String type;
            if (vertex instanceof LayerVertex layerVertex) {
                LayerSpec spec = spec(name, layerVertex.getLayerConf());
                specs.add(spec);
                total = Math.addExact(total, spec.parameters());
                type = simple(spec.type());
                InputPreProcessor preprocessor = layerVertex.getPreProcessor();
                if (preprocessor != null) preprocessors.add(name + ":" + preprocessor);
            } else if (vertex instanceof ElementWiseVertex elementWise) {
                type = ElementWiseVertex.class.getSimpleName() + "(" + elementWise.getOp() + ")";
            } else if (vertex instanceof MergeVertex merge) {
                type = MergeVertex.class.getSimpleName() + "(" + merge.getMergeAxis() + ")";
            } else {
                throw new InvalidModelException("vertex " + name + " is a "
                        + (vertex == null ? "missing vertex" : vertex.getClass().getSimpleName())
                        + "; a graph model has layers, MergeVertex and ElementWiseVertex only");
            }
            wiring.add(name + " <- " + String.join(",", vertexInputs.get(name)) + " : " + type);
        }
        wiring.add("output " + outputs.getFirst());
        return new ModelArchitecture(specs, preprocessors, wiring, total, String.valueOf(conf.getDataType()));
    }

    /**
     * The vertices in an order where each comes after its inputs (ties broken by name), ending with the output.
     *
     * @throws InvalidModelException on an unknown input, a cycle, or a vertex the output does not depend on
     */
    private static List<String> topologicalOrder(
            String input, String output, Set<String> names, Map<String, List<String>> vertexInputs) {
        if (names.contains(input) || !names.contains(output)) {
            throw new InvalidModelException("a graph model's input " + input + " must not be a vertex and its output "
                    + output + " must be one");
        }
        var waiting = new HashMap<String, Integer>();
        var consumers = new HashMap<String, List<String>>();
        for (String name : names) {
            List<String> from = vertexInputs == null ? null : vertexInputs.get(name);
            if (from == null || from.isEmpty()) {
                throw new InvalidModelException("vertex " + name + " has no input");
            }
            for (String source : from) {
                if (!source.equals(input) && !names.contains(source)) {
                    throw new InvalidModelException("vertex " + name + " takes " + source + ", which is not a vertex");
                }
                consumers.computeIfAbsent(source, k -> new ArrayList<>()).add(name);
            }
            waiting.put(name, from.size());
        }
        var ready = new TreeSet<String>();
        for (String name : consumers.getOrDefault(input, List.of())) {
            if (waiting.merge(name, -1, Integer::sum) == 0) ready.add(name);
        }
        var order = new ArrayList<String>();
        while (!ready.isEmpty()) {
            String next = ready.pollFirst();
            order.add(next);
            for (String consumer : consumers.getOrDefault(next, List.of())) {
                if (waiting.merge(consumer, -1, Integer::sum) == 0) ready.add(consumer);
            }
        }
        if (order.size() != names.size()) {
            throw new InvalidModelException("the graph model has a cycle or a vertex unreachable from its input");
        }
        var needed = new HashSet<String>(Set.of(output));
        var pending = new ArrayDeque<String>(List.of(output));
        while (!pending.isEmpty()) {
            for (String source : vertexInputs.get(pending.poll())) {
                if (names.contains(source) && needed.add(source)) pending.add(source);
            }
        }
        for (String name : order) {
            if (!needed.contains(name)) {
                throw new InvalidModelException("vertex " + name + " does not lead to the output " + output);
            }
        }
        return order; // every vertex leads to the output, so the output is the only one without consumers: last
    }

    private static LayerSpec spec(String name, NeuralNetConfiguration layerConf) {
        Layer layer = layerConf == null ? null : layerConf.getLayer();
        if (layer == null) {
            throw new InvalidModelException("layer " + name + " has no configuration");
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
        return new LayerSpec(layer.getClass().getName(), nIn, nOut, activation, loss, params, geometry(layer));
    }

    private static String geometry(Layer layer) {
        if (layer instanceof ConvolutionLayer conv) {
            return "kernel " + Arrays.toString(conv.getKernelSize()) + " stride " + Arrays.toString(conv.getStride())
                    + " padding " + Arrays.toString(conv.getPadding()) + " dilation "
                    + Arrays.toString(conv.getDilation()) + " " + conv.getConvolutionMode() + " bias "
                    + conv.hasBias();
        }
        if (layer instanceof SubsamplingLayer pool) {
            return pool.getPoolingType() + " kernel " + Arrays.toString(pool.getKernelSize()) + " stride "
                    + Arrays.toString(pool.getStride()) + " padding " + Arrays.toString(pool.getPadding()) + " "
                    + pool.getConvolutionMode();
        }
        return "";
    }

    /**
     * A short human-readable form, e.g. {@code 8-32-32-3 [relu,relu,softmax] 1475 params}, or for a CNN
     * {@code 1-8-pool-16-pool-32-3 [relu, relu, relu, softmax] 9571 params} (16x16 grayscale, 3 classes).
     */
    public String summary() {
        if (!wiring.isEmpty()) {
            return "graph of " + (wiring.size() - 2) + " vertices, " + layers.size() + " layers, " + parameterCount
                    + " params";
        }
        var sb = new StringBuilder();
        var acts = new ArrayList<String>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            if (i == 0) {
                sb.append(l.nIn());
            }
            if (l.type().equals(POOLING)) {
                sb.append("-pool");
                continue;
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
        if (!wiring.equals(expected.wiring)) {
            return wiring.isEmpty() || expected.wiring.isEmpty()
                    ? "architecture mismatch: a " + (wiring.isEmpty() ? "layer stack" : "graph") + ", expected a "
                            + (expected.wiring.isEmpty() ? "layer stack" : "graph")
                    : "architecture mismatch: graph wiring " + firstDifference(wiring, expected.wiring);
        }
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
            if (!a.geometry().equals(e.geometry())) {
                return "architecture mismatch: layer " + i + " is " + a.geometry() + ", expected " + e.geometry();
            }
        }
        if (!preprocessors.equals(expected.preprocessors)) {
            return "architecture mismatch: input preprocessors " + preprocessors + ", expected "
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
     * Why this architecture cannot be the base of a task with this schema, or null if it can. An image task's model is
     * a small CNN (see {@code imageMisfit}) with the classification head below. A tabular task's model is a multilayer
     * perceptron within the protocol's limits: 1 to {@value TabularModels#MAX_HIDDEN_LAYERS} hidden
     * {@code DenseLayer}s (any activation, at least one unit each) then an {@code OutputLayer}: for classification
     * with softmax and multi-class cross-entropy (MCXENT) and one output per class, for regression with the identity
     * activation, squared (MSE) or absolute (L1) error and one output; the first layer takes the schema's features,
     * each layer the previous one's outputs; no input preprocessors; 32-bit floats. (The parameter limit is
     * {@link ModelCodec}'s.)
     */
    public String misfitFor(DataSchema schema) {
        String misfit = !wiring.isEmpty()
                ? graphMisfit(schema)
                : schema.image().isPresent() ? imageMisfit(schema.image().get()) : mlpMisfit(schema);
        if (misfit != null) return misfit;
        LayerSpec output = layers.getLast();
        String head = schema.metric().regression() ? regressionMisfit(output) : classificationMisfit(output, schema);
        if (head != null) return head;
        if (!dataType.equals(DataType.FLOAT.toString())) {
            return "the model's data type is " + dataType + ", expected " + DataType.FLOAT;
        }
        return null;
    }

    /**
     * Why this is not a small CNN for images of this shape: 2 to {@value #MAX_IMAGE_LAYERS} layers, convolutions and
     * poolings first (the first a {@code ConvolutionLayer} taking the images' channels, fed by the flat image through
     * DL4J's {@code FeedForwardToCnnPreProcessor} of the shape), then dense layers, then the {@code OutputLayer}.
     */
    private String imageMisfit(ImageShape shape) {
        if (layers.size() < 2 || layers.size() > MAX_IMAGE_LAYERS) {
            return "the model has " + layers.size() + " layers, expected 2 to " + MAX_IMAGE_LAYERS;
        }
        if (!layers.getFirst().type().equals(CONVOLUTION) || layers.getFirst().nIn() != shape.channels()) {
            return "the first layer must be a ConvolutionLayer taking the images' " + shape.channels() + " channel(s)";
        }
        String flatImage = "0:" + new FeedForwardToCnnPreProcessor(shape.height(), shape.width(), shape.channels());
        if (preprocessors.isEmpty() || !preprocessors.getFirst().equals(flatImage)) {
            return "the model must take the flat " + shape + " image (InputType.convolutionalFlat(" + shape.height()
                    + ", " + shape.width() + ", " + shape.channels() + "))";
        }
        boolean dense = false;
        for (int i = 0; i < layers.size() - 1; i++) {
            String type = layers.get(i).type();
            if (type.equals(DENSE)) {
                dense = true;
            } else if (dense || !(type.equals(CONVOLUTION) || type.equals(POOLING))) {
                return "layer " + i + " is " + simple(type) + ", expected convolutions and poolings, then dense layers";
            }
        }
        if (!layers.getLast().type().equals(OUTPUT)) {
            return "the last layer is " + simple(layers.getLast().type()) + ", expected an OutputLayer";
        }
        return null;
    }

    /**
     * Why this graph cannot be a task's model: its layers must be of the types a layer stack of the task may have
     * (dense layers, and for images convolutions and poolings), joined by merges and element-wise vertices, the last
     * vertex an {@code OutputLayer}; a tabular graph has no input preprocessors. Whether the layers' sizes fit each
     * other and the input is checked by running the graph ({@link TaskContext#readBaseModel}).
     */
    private String graphMisfit(DataSchema schema) {
        Set<String> allowed = schema.image().isPresent() ? Set.of(DENSE, CONVOLUTION, POOLING) : Set.of(DENSE);
        for (int i = 0; i < layers.size() - 1; i++) {
            if (!allowed.contains(layers.get(i).type())) {
                return "graph layer " + i + " is " + simple(layers.get(i).type()) + ", expected one of "
                        + allowed.stream()
                                .map(ModelArchitecture::simple)
                                .sorted()
                                .toList();
            }
        }
        if (layers.isEmpty() || !wiring.get(wiring.size() - 2).endsWith(" : " + simple(OUTPUT))) {
            return "the graph's output vertex must be an OutputLayer";
        }
        if (schema.image().isEmpty() && !preprocessors.isEmpty()) {
            return "the model has input preprocessors " + preprocessors + ", expected none";
        }
        return null;
    }

    private String mlpMisfit(DataSchema schema) {
        if (layers.size() < 2 || layers.size() > MAX_LAYERS) {
            return "the model has " + layers.size() + " layers, expected an MLP of 1 to "
                    + TabularModels.MAX_HIDDEN_LAYERS + " hidden layers and an output layer";
        }
        int last = layers.size() - 1;
        for (int i = 0; i < last; i++) {
            if (!layers.get(i).type().equals(DENSE)) {
                return "layer " + i + " is " + simple(layers.get(i).type())
                        + ", expected a DenseLayer (a tabular task's model is an MLP)";
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
        if (!preprocessors.isEmpty()) {
            return "the model has input preprocessors " + preprocessors + ", expected none";
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

    private static String firstDifference(List<String> actual, List<String> expected) {
        for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
            if (!actual.get(i).equals(expected.get(i))) {
                return "'" + actual.get(i) + "', expected '" + expected.get(i) + "'";
            }
        }
        return actual.size() + " entries, expected " + expected.size();
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
