package io.cotrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.ImageShape;
import io.cotrain.oracle.evaluation.MissingValues;
import io.cotrain.oracle.evaluation.ModelArchitecture;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.SchemaDerivation;
import io.cotrain.oracle.evaluation.TabularModels;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.TaskMetric;
import io.cotrain.testing.SyntheticImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cotrain init-model}: writes a base model from the schema and the template's options, without a chain. */
class InitModelCommandTest {
    private static final DataSchema SCHEMA = new DataSchema(List.of("a", "b", "c"), "y", 4);

    @TempDir
    Path directory;

    private CliRunner.Result run(String... args) {
        return CliRunner.run(CliRunner.environment(Map.of(), directory), args);
    }

    private static String[] args(String... extra) {
        var all = new ArrayList<>(List.of("init-model", "--features", "a,b,c", "--label", "y", "--classes", "4"));
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    @Test
    void writesAReadableModelWithTheChosenLayers() throws IOException {
        CliRunner.Result result = run(args("--hidden", "16,8,4", "--seed", "7", "--out", "models/base.zip"));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        byte[] bytes = Files.readAllBytes(directory.resolve("models/base.zip"));
        var model = TaskContext.readBaseModel(SCHEMA, bytes, EvaluationLimits.defaults());
        ModelArchitecture architecture = model.architecture();
        assertThat(architecture.summary()).isEqualTo("3-16-8-4-4 [relu, relu, relu, softmax] 256 params");
        assertThat(bytes).isEqualTo(ModelCodec.write(TabularModels.mlp(SCHEMA, new int[] {16, 8, 4}, 7)));
        assertThat(result.out())
                .contains("architecture: 3-16-8-4-4")
                .contains("parameters: 256")
                .contains("sha256: " + ModelCodec.sha256Hex(bytes));
        assertThat(result.err()).isEmpty();
    }

    @Test
    void defaultsToTheStandardTemplate() throws IOException {
        CliRunner.Result result = run(args("--out", "base.zip"));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(Files.readAllBytes(directory.resolve("base.zip")))
                .isEqualTo(ModelCodec.write(TabularModels.baseModel(SCHEMA, 42)));
        assertThat(run("init-model", "--help").out()).contains("--hidden", "--seed", "--out", "--force", "--features");
        assertThat(run("--help").out()).contains("init-model");
    }

    @Test
    void badHiddenLayersAreUsageErrorsNamingTheOption() {
        for (String hidden : new String[] {"0", "32,2000", "1,1,1,1,1,1,1,1,1"}) {
            CliRunner.Result result = run(args("--hidden", hidden, "--out", "base.zip"));
            assertThat(result.exitCode()).as(hidden).isEqualTo(2);
            assertThat(result.err()).as(hidden).startsWith("error: --hidden " + hidden + ": ");
        }
        assertThat(run(args("--hidden", "32,2000", "--out", "base.zip")).err())
                .contains("hidden layer 2 has 2000 units, expected 1 to 1024");
        // 1024 units everywhere is within the template but over the parameter limit
        assertThat(run(args("--hidden", "1024,1024", "--out", "base.zip")).err())
                .contains("--hidden 1024,1024 gives a model outside the limits")
                .contains("parameters");
        CliRunner.Result notANumber = run(args("--hidden", "32,x", "--out", "base.zip"));
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--hidden");
        assertThat(directory.resolve("base.zip")).doesNotExist();
    }

    @Test
    void badSchemaIsTheSameUsageErrorAsRegisterModel() {
        CliRunner.Result result =
                run("init-model", "--features", "a,a", "--label", "y", "--classes", "2", "--out", "base.zip");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("the schema given by --features, --label and --classes is invalid");
    }

    private static final String RAW_SAMPLE = """
            Name,grams,mm,Origin
            a,1500,12,Europe
            b,2200,9,USA
            c,1700,,Japan
            d,2500,8,USA
            e,1400,14,Europe
            f,1800,11,Japan
            """;

    @Test
    void init_rawSample_derivesTheSchemaAndTrainsOnIt() throws IOException {
        Files.writeString(directory.resolve("sample.csv"), RAW_SAMPLE);

        CliRunner.Result result = run(
                "init-model",
                "--sample",
                "sample.csv",
                "--label",
                "Origin",
                "--missing",
                "drop-row",
                "--hidden",
                "8",
                "--epochs",
                "30",
                "--out",
                "base.zip");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err())
                .contains("2 features (grams,mm), 3 classes (Europe,Japan,USA), 5 rows (1 with missing values "
                        + "left out); not numeric, left out: Name")
                .contains("trained 30 epochs on the sample's 5 rows");
        var schema = SchemaDerivation.derive(
                        RAW_SAMPLE.getBytes(StandardCharsets.UTF_8),
                        "Origin",
                        MissingValues.DROP_ROW,
                        TaskMetric.ACCURACY,
                        EvaluationLimits.defaults())
                .schema();
        byte[] bytes = Files.readAllBytes(directory.resolve("base.zip"));
        var untrained = ModelCodec.write(TabularModels.mlp(schema, new int[] {8}, 42));
        assertThat(TaskContext.readBaseModel(schema, bytes, EvaluationLimits.defaults())
                        .architecture()
                        .summary())
                .startsWith("2-8-3");
        assertThat(bytes).as("trained, not as initialised").isNotEqualTo(untrained);
    }

    @Test
    void init_regressionMetric_predictsTheNumericLabelWithOneIdentityOutput() throws IOException {
        Files.writeString(directory.resolve("sample.csv"), RAW_SAMPLE);

        CliRunner.Result result = run(
                "init-model",
                "--sample",
                "sample.csv",
                "--label",
                "grams",
                "--metric",
                "mae",
                "--missing",
                "drop-row",
                "--epochs",
                "5",
                "--out",
                "base.zip");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err())
                .contains("1 features (mm), regression of grams (mean ")
                .contains(") by mae, 5 rows")
                .containsPattern("trained 5 epochs on the sample's 5 rows: on the sample mae skill -?[0-9.]+ \\(mae ");
        var schema = SchemaDerivation.derive(
                        RAW_SAMPLE.getBytes(StandardCharsets.UTF_8),
                        "grams",
                        MissingValues.DROP_ROW,
                        TaskMetric.MAE,
                        EvaluationLimits.defaults())
                .schema();
        var model = TaskContext.readBaseModel(
                schema, Files.readAllBytes(directory.resolve("base.zip")), EvaluationLimits.defaults());
        assertThat(model.architecture().summary()).isEqualTo("1-32-32-1 [relu, relu, identity] 1153 params");
    }

    @Test
    void init_regressionWithoutASample_orAnUnknownMetric_sayWhatToGive() {
        assertThat(run(args("--metric", "mse", "--out", "b.zip")).err())
                .contains("a regression task (--metric mse) is derived from --sample");
        assertThat(run(args("--metric", "r2", "--out", "b.zip")).err())
                .contains("metric 'r2' is not one of [accuracy, macro-f1, mse, mae]");
        assertThat(directory.resolve("b.zip")).doesNotExist();
    }

    @Test
    void init_archiveOfImages_writesACnnTrainedOnThem() throws IOException {
        Files.write(directory.resolve("images.zip"), SyntheticImages.archive(5, 1));

        CliRunner.Result result =
                run("init-model", "--sample", "images.zip", "--hidden", "16", "--epochs", "2", "--out", "base.zip");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err())
                .contains("schema from images.zip: 16x16 grayscale images of 3 classes (circle,cross,square), 15 "
                        + "images")
                .contains("trained 2 epochs on the sample's 15 rows: on the sample accuracy ");
        var schema = DataSchema.images(new ImageShape(16, 16, 1), SyntheticImages.CLASSES);
        var model = TaskContext.readBaseModel(
                schema, Files.readAllBytes(directory.resolve("base.zip")), EvaluationLimits.defaults());
        assertThat(model.architecture().summary()).startsWith("1-8-pool-16-pool-16-3 [relu, relu, relu, softmax]");
        assertThat(run("init-model", "--sample", "images.zip", "--label", "Origin", "--out", "b.zip")
                        .err())
                .contains("is an archive of images, whose folders are the classes: leave out --label");
    }

    @Test
    void init_schemaOptionsThatGiveNoSchema_sayWhatToGive() throws IOException {
        Files.writeString(directory.resolve("sample.csv"), RAW_SAMPLE);

        assertThat(run("init-model", "--label", "y", "--out", "base.zip").err())
                .contains("give --sample FILE to derive the schema from your data, or declare it with --features");
        assertThat(run("init-model", "--sample", "sample.csv", "--features", "a", "--label", "Origin", "--out", "b.zip")
                        .err())
                .contains("leave out --features and --classes");
        CliRunner.Result missing = run("init-model", "--sample", "sample.csv", "--label", "Origin", "--out", "b.zip");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--sample sample.csv: line 4, column 'mm': a missing value");
        assertThat(run(args("--epochs", "3", "--out", "b.zip")).err()).contains("--epochs takes 0 to 10000 passes");
        assertThat(run("init-model", "--sample", "sample.csv", "--label", "Origin", "--missing", "guess", "--out", "b")
                        .err())
                .contains("missing-value rule 'guess' is not one of [error, drop-row, impute-mean]");
        assertThat(directory.resolve("b.zip")).doesNotExist();
    }

    @Test
    void anExistingOutIsKeptUnlessForced() throws IOException {
        Path existing = Files.writeString(directory.resolve("base.zip"), "mine");

        CliRunner.Result refused = run(args("--out", "base.zip"));
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err())
                .contains("--out " + existing + " already exists")
                .contains("--force");
        assertThat(Files.readString(existing)).isEqualTo("mine");

        CliRunner.Result forced = run(args("--out", "base.zip", "--force"));
        assertThat(forced.exitCode()).as(forced.toString()).isZero();
        assertThat(Files.readAllBytes(existing)).isEqualTo(ModelCodec.write(TabularModels.baseModel(SCHEMA, 42)));
    }
}
