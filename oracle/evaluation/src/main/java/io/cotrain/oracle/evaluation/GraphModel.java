package io.cotrain.oracle.evaluation;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** A {@link ComputationGraph} of one input and one output behind the {@link TaskModel} port. */
record GraphModel(ComputationGraph network) implements TaskModel {

    @Override
    public INDArray output(INDArray features) {
        return network.outputSingle(false, features);
    }

    @Override
    public void fit(DataSet batch) {
        network.fit(batch);
    }

    @Override
    public INDArray params() {
        return network.params();
    }

    @Override
    public void setParams(INDArray parameters) {
        network.setParams(parameters);
    }

    @Override
    public long parameterCount() {
        return network.numParams();
    }

    @Override
    public TaskModel copy() {
        return new GraphModel(network.clone());
    }

    @Override
    public TaskModel blank() {
        var fresh = new ComputationGraph(network.getConfiguration().clone());
        fresh.init();
        return new GraphModel(fresh);
    }

    @Override
    public String configurationJson() {
        return network.getConfiguration().toJson();
    }

    @Override
    public ModelArchitecture architecture() {
        return ModelArchitecture.of(network.getConfiguration());
    }

    @Override
    public void setListeners(TrainingListener... listeners) {
        network.setListeners(listeners);
    }
}
