package io.cotrain.oracle.evaluation;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** A {@link MultiLayerNetwork} behind the {@link TaskModel} port. */
record LayerStackModel(MultiLayerNetwork network) implements TaskModel {

    @Override
    public INDArray output(INDArray features) {
        return network.output(features, false);
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
        return new LayerStackModel(network.clone());
    }

    @Override
    public TaskModel blank() {
        var fresh = new MultiLayerNetwork(network.getLayerWiseConfigurations().clone());
        fresh.init();
        return new LayerStackModel(fresh);
    }

    @Override
    public String configurationJson() {
        return network.getLayerWiseConfigurations().toJson();
    }

    @Override
    public ModelArchitecture architecture() {
        return ModelArchitecture.of(network.getLayerWiseConfigurations());
    }

    @Override
    public void setListeners(TrainingListener... listeners) {
        network.setListeners(listeners);
    }
}
