package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A task's architecture is its base model's: a custom MLP base, its updates, and bases that do not fit. */
class CustomArchitectureTest {
    private static final int[] CUSTOM = {16, 8};
    private static final DataSchema SCHEMA = Fixtures.TASK.schema();

    private static TaskContext customContext() {
        byte[] base = ModelCodec.write(TabularModels.mlp(SCHEMA, CUSTOM, 3));
        return TaskContext.create(9, SCHEMA, Fixtures.TASK.heldOutCsv(), base, EvaluationLimits.defaults());
    }

    private static byte[] trainedFrom(TaskModel model, int contributor) {
        var shard = Fixtures.TASK.shard(contributor, 2_000).toDataSet();
        return ModelCodec.write(LocalTraining.train(model, shard, 5, 100 + contributor));
    }

    @Test
    void mlpTemplate_buildsTheChosenLayers_andTheDefaultIsTheBaseModel() {
        var architecture = TabularModels.mlp(SCHEMA, CUSTOM, 1).architecture();
        assertThat(architecture.summary()).isEqualTo("8-16-8-3 [relu, relu, softmax] 307 params");
        assertThat(architecture.misfitFor(SCHEMA)).isNull();
        assertThat(ModelCodec.write(TabularModels.mlp(SCHEMA, TabularModels.defaultHiddenLayers(), 5)))
                .isEqualTo(ModelCodec.write(TabularModels.baseModel(SCHEMA, 5)));
        assertThat(TabularModels.mlp(SCHEMA, new int[] {1024, 1, 2, 3, 4, 5, 6, 7}, 1)
                        .architecture()
                        .layers())
                .hasSize(9);
    }

    @Test
    void mlpTemplate_refusesHiddenLayersOutsideTheLimits() {
        assertThatThrownBy(() -> TabularModels.mlp(SCHEMA, new int[0], 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an MLP has 1 to 8 hidden layers, got 0");
        assertThatThrownBy(() -> TabularModels.mlp(SCHEMA, new int[9], 1))
                .hasMessage("an MLP has 1 to 8 hidden layers, got 9");
        assertThatThrownBy(() -> TabularModels.mlp(SCHEMA, new int[] {32, 0}, 1))
                .hasMessage("hidden layer 2 has 0 units, expected 1 to 1024");
        assertThatThrownBy(() -> TabularModels.mlp(SCHEMA, new int[] {1025}, 1))
                .hasMessage("hidden layer 1 has 1025 units, expected 1 to 1024");
    }

    @Test
    void customBase_isTheTaskArchitecture_andAnHonestUpdateIsEvaluatedNormally() {
        TaskContext context = customContext();
        assertThat(context.baseArchitecture().summary()).startsWith("8-16-8-3 ");
        assertThat(context.baseArchitecture()).isNotEqualTo(TabularModels.baseArchitecture(SCHEMA));

        byte[] honest = trainedFrom(context.freshGlobalModel(), 1);
        Evaluation evaluation = new ModelUpdateEvaluator().evaluate(context, honest);

        assertThat(evaluation.floorReason()).isEmpty();
        assertThat(evaluation.score()).isGreaterThanOrEqualTo(50);
        assertThat(evaluation.metrics().get("accuracy"))
                .isGreaterThan(evaluation.metrics().get("baselineAccuracy"));
        assertThat(context.withGlobalModel(honest).baseArchitecture()).isEqualTo(context.baseArchitecture());
    }

    @Test
    void customBase_updatesOfAnotherArchitectureAreRejected() {
        TaskContext context = customContext();
        var evaluator = new ModelUpdateEvaluator();
        // attack: a well-trained network of the default (bigger) architecture
        Evaluation bigger = evaluator.evaluate(context, trainedFrom(TabularModels.baseModel(SCHEMA, 3), 1));
        assertThat(bigger.score()).isEqualTo(QualityScore.FLOOR);
        assertThat(bigger.floorReason()).contains("architecture mismatch: layer 0 is 8->32, expected 8->16");
        // the same depth and parameter budget, other layer sizes
        Evaluation resized =
                evaluator.evaluate(context, trainedFrom(TabularModels.mlp(SCHEMA, new int[] {8, 16}, 3), 1));
        assertThat(resized.floorReason()).contains("architecture mismatch: layer 0 is 8->8, expected 8->16");
        // one more layer
        Evaluation deeper =
                evaluator.evaluate(context, trainedFrom(TabularModels.mlp(SCHEMA, new int[] {16, 8, 8}, 3), 1));
        assertThat(deeper.floorReason()).contains("architecture mismatch: 4 layers, expected 3");
        assertThatThrownBy(() -> context.withGlobalModel(ModelCodec.write(TabularModels.baseModel(SCHEMA, 3))))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("architecture mismatch");
        // and the default task refuses the custom architecture
        assertThat(evaluator
                        .evaluate(Fixtures.context(), trainedFrom(TabularModels.mlp(SCHEMA, CUSTOM, 3), 1))
                        .floorReason())
                .hasValueSatisfying(r -> assertThat(r).contains("architecture mismatch: layer 0 is 8->16"));
    }

    @Test
    void basesThatDoNotFitTheSchemaAreRefused_namingTheMismatch() {
        var limits = EvaluationLimits.defaults();
        var fourClasses = new DataSchema(SCHEMA.featureColumns(), SCHEMA.labelColumn(), 4);
        assertThatThrownBy(() -> TaskContext.readBaseModel(
                        fourClasses, ModelCodec.write(TabularModels.mlp(SCHEMA, CUSTOM, 1)), limits))
                .isInstanceOf(InvalidModelException.class)
                .hasMessage("the model does not fit the schema (8 features, 4 classes): the output layer gives 3 "
                        + "outputs, but the schema has 4 classes");
        var fewerFeatures = new DataSchema(List.of("a", "b"), "label", 3);
        assertThatThrownBy(() -> TaskContext.readBaseModel(
                        SCHEMA, ModelCodec.write(TabularModels.mlp(fewerFeatures, CUSTOM, 1)), limits))
                .hasMessageContaining("the first layer takes 2 inputs, but the schema has 8 features");
        assertThatThrownBy(() -> TaskContext.readBaseModel(
                        SCHEMA, head(Activation.SIGMOID, LossFunctions.LossFunction.MCXENT), limits))
                .hasMessageContaining("the output layer's activation is sigmoid, expected softmax");
        assertThatThrownBy(() -> TaskContext.readBaseModel(
                        SCHEMA, head(Activation.SOFTMAX, LossFunctions.LossFunction.MSE), limits))
                .hasMessageContaining("the output layer's loss is")
                .hasMessageContaining("(multi-class cross-entropy)");
        assertThatThrownBy(() -> TaskContext.readBaseModel(SCHEMA, outputOnly(), limits))
                .hasMessageContaining("the model has 1 layers, expected an MLP of 1 to 8 hidden layers");
        assertThat(TaskContext.readBaseModel(
                                SCHEMA, head(Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT), limits)
                        .architecture())
                .isNotNull();
    }

    /** 8 -> 4 (tanh) -> 3 with the given head (DL4J's own check of the head disabled). */
    private static byte[] head(Activation activation, LossFunctions.LossFunction loss) {
        var conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(8)
                        .nOut(4)
                        .activation(Activation.TANH)
                        .build())
                .layer(new OutputLayer.Builder(loss)
                        .nIn(4)
                        .nOut(3)
                        .activation(activation)
                        .build())
                .validateOutputLayerConfig(false) // a misconfigured head, on purpose
                .build();
        var model = new MultiLayerNetwork(conf);
        model.init();
        return ModelCodec.write(TaskModel.of(model));
    }

    private static byte[] outputOnly() {
        var conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(8)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        var model = new MultiLayerNetwork(conf);
        model.init();
        return ModelCodec.write(TaskModel.of(model));
    }
}
