package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.testing.SyntheticImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Image tasks ({@link SyntheticImages}): an archive of PNG folders in, a CNN base model, and the evaluators' verdicts
 * on honest and hostile contributions and archives.
 */
class ImageTaskTest {
    private static final EvaluationLimits LIMITS = EvaluationLimits.defaults();
    private static DataSchema schema;
    private static TaskContext task;

    @BeforeAll
    static void task() {
        schema = SchemaDerivation.derive(
                        SyntheticImages.archive(10, 1), null, MissingValues.ERROR, TaskMetric.ACCURACY, LIMITS)
                .schema();
        TaskModel base = ImageModels.baseModel(schema, 3);
        LocalTraining.train(
                base,
                TabularDataset.parse(SyntheticImages.archive(10, 1), schema, LIMITS)
                        .toDataSet(),
                1,
                3);
        task = TaskContext.create(5, schema, SyntheticImages.archive(60, 2), ModelCodec.write(base), LIMITS);
    }

    private static byte[] zip(String name, BufferedImage image) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(name));
            ImageIO.write(image, "png", zip);
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static TaskModel trained(byte[] archive, int epochs) {
        TaskModel model = task.freshGlobalModel();
        return LocalTraining.train(
                model, TabularDataset.parse(archive, schema, LIMITS).toDataSet(), epochs, 1);
    }

    @Test
    void derive_archive_takesTheFoldersAsClassesAndTheFirstImagesSize() {
        assertThat(schema.image()).contains(new ImageShape(16, 16, 1));
        assertThat(schema.classNames()).containsExactlyElementsOf(SyntheticImages.CLASSES);
        assertThat(schema.featureCount()).isEqualTo(256);
        byte[] document = SchemaDocument.write(schema);
        assertThat(new String(document, StandardCharsets.UTF_8))
                .contains("\"featureColumns\":[],\"labelColumn\":\"class\"")
                .endsWith("\"image\":{\"width\":16,\"height\":16,\"channels\":1}}");
        assertThat(SchemaDocument.read(document)).isEqualTo(schema);
    }

    @Test
    void extensionOf_namesTheDataFormat() {
        assertThat(TabularDataset.extensionOf(SyntheticImages.archive(1, 1))).isEqualTo("zip");
        assertThat(TabularDataset.extensionOf(" [{\"a\":1}]".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("json");
        assertThat(TabularDataset.extensionOf("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("csv");
    }

    @Test
    void parse_image_givesEachPixelOverItsMaximumRowByRow() throws IOException {
        var image = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(2, 1, 0, 255);
        image.getRaster().setSample(0, 3, 0, 51);

        TabularDataset data = TabularDataset.parse(zip("cross/a.png", image), schema, LIMITS);

        assertThat(data.rows()).isEqualTo(1);
        assertThat(data.label(0)).isEqualTo(1);
        float[] pixels = data.features(0);
        assertThat(pixels[16 + 2]).isEqualTo(1f);
        assertThat(pixels[3 * 16]).isEqualTo(0.2f);
        assertThat(pixels[5]).isZero();
    }

    @Test
    void parse_hostileArchives_areRefusedNamingTheEntry() throws IOException {
        var wrongSize = new BufferedImage(17, 16, BufferedImage.TYPE_BYTE_GRAY);
        var colour = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        var gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);

        assertRefused(zip("circle/big.png", wrongSize), "'circle/big.png' is 17x16, the task's images are 16x16");
        assertRefused(zip("circle/c.png", colour), "'circle/c.png' is in colour, the task's images are 16x16 gray");
        assertRefused(zip("dog/d.png", gray), "folder 'dog' is not one of the task's classes circle,cross,square");
        assertRefused(zip("circle/deep/d.png", gray), "entries are class/name.png, one folder per class");
        assertRefused(zip("circle/d.txt", gray), "entries are class/name.png");
        assertRefused("label\n1\n".getBytes(StandardCharsets.UTF_8), "a zip archive of PNG images");
        var notPng = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(notPng)) {
            zip.putNextEntry(new ZipEntry("circle/x.png"));
            zip.write("not an image".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        assertRefused(notPng.toByteArray(), "'circle/x.png' not a PNG image");
    }

    @Test
    void parse_archiveInflatingBeyondTheLimit_isRefusedWhileReading() throws IOException {
        var bomb = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bomb)) {
            zip.putNextEntry(new ZipEntry("circle/bomb.png"));
            zip.write(new byte[64 << 20]); // 64 MiB of zeros, deflated to about 64 KiB
            zip.closeEntry();
        }
        var small = new EvaluationLimits(8 << 20, 64L << 20, 8, 20, 1 << 20, 1_000, 0.1, 1_000_000);

        assertThatThrownBy(() -> TabularDataset.parse(bomb.toByteArray(), schema, small))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("more bytes than the limit uncompressed");
    }

    @Test
    void parse_manySmallPngsDecodingBeyondWhatATableCouldHold_areRefusedBeforeDecoding() throws IOException {
        var blank = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        var archive = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(archive)) {
            for (int i = 0; i < 100; i++) {
                zip.putNextEntry(new ZipEntry("circle/" + i + ".png"));
                ImageIO.write(blank, "png", zip);
                zip.closeEntry();
            }
        }
        // 24 KiB of data sets hold at most 12,288 values: 48 images of 256 values, though 100 blank PNGs fit in it
        var small = new EvaluationLimits(8 << 20, 64L << 20, 8, 20, 24 << 10, 1_000, 0.1, 1_000_000);
        assertThat(archive.size()).isLessThan(24 << 10);

        assertThatThrownBy(() -> TabularDataset.parse(archive.toByteArray(), schema, small))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("image 49")
                .hasMessageContaining("may number at most 48 in one data set (12288 values)");
    }

    @Test
    void readBaseModel_mlpOrCnnOfAnotherSize_isRefusedNamingTheMismatch() {
        var other = DataSchema.images(new ImageShape(8, 8, 1), SyntheticImages.CLASSES);
        byte[] smallCnn = ModelCodec.write(ImageModels.baseModel(other, 1));
        var tabular = new DataSchema(List.of("a", "b"), "y", 3);
        byte[] mlp = ModelCodec.write(TabularModels.baseModel(tabular, 1));

        assertThatThrownBy(() -> TaskContext.readBaseModel(schema, smallCnn, LIMITS))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("must take the flat 16x16 grayscale image");
        assertThatThrownBy(() -> TaskContext.readBaseModel(schema, mlp, LIMITS))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("the first layer must be a ConvolutionLayer");
    }

    @Test
    void evaluate_honestCnnUpdate_scoresAboveNeutral_flippedBelowTheSlashThreshold() {
        byte[] shard = SyntheticImages.archive(40, 3);
        Evaluation honest = new ModelUpdateEvaluator().evaluate(task, ModelCodec.write(trained(shard, 8)));
        TaskContext better = task.withGlobalModel(ModelCodec.write(trained(shard, 8)));
        TaskModel flipped = better.freshGlobalModel();
        var data = TabularDataset.parse(SyntheticImages.archive(40, 4), schema, LIMITS)
                .toDataSet();
        var labels = data.getLabels();
        // poison: every image labelled as the next class
        data.setLabels(Nd4j.concat(1, labels.getColumn(2, true), labels.getColumn(0, true), labels.getColumn(1, true)));
        LocalTraining.train(flipped, data, 8, 1);

        assertThat(honest.floorReason()).isEmpty();
        assertThat(honest.score()).isGreaterThan(QualityScore.NEUTRAL);
        assertThat(new ModelUpdateEvaluator()
                        .evaluate(better, ModelCodec.write(flipped))
                        .score())
                .isLessThan(30);
    }

    @Test
    void evaluate_cnnWithAnotherGeometry_isFlooredAsAnArchitectureMismatch() {
        var conf = ImageModels.cnnConfiguration(schema, new int[] {8, 16}, new int[] {32}, 1);
        // same parameter count, another stride: the weights would mean something else
        ((SubsamplingLayer) conf.getConf(1).getLayer()).setStride(new int[] {1, 1});
        var model = new MultiLayerNetwork(conf);
        model.init();

        Evaluation evaluation = new ModelUpdateEvaluator().evaluate(task, ModelCodec.write(TaskModel.of(model)));

        assertThat(evaluation.floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("architecture mismatch"));
    }

    @Test
    void evaluate_updateWhoseConfigurationWouldCrashTheForwardPass_isRunInTheTasksConfiguration() {
        // the attack: a setting the architecture check does not compare (the data format) that makes DL4J throw on
        // the contributor's own configuration, which would be the validator's failure and stall its round
        var conf = ImageModels.cnnConfiguration(schema, new int[] {8, 16}, new int[] {32}, 1);
        ((ConvolutionLayer) conf.getConf(0).getLayer()).setCnn2dDataFormat(CNN2DFormat.NHWC);
        var model = new MultiLayerNetwork(conf);
        model.init();
        model.setParams(trained(SyntheticImages.archive(40, 3), 8).params());

        Evaluation evaluation = new ModelUpdateEvaluator().evaluate(task, ModelCodec.write(TaskModel.of(model)));

        assertThat(evaluation.floorReason()).isEmpty();
        assertThat(evaluation.score()).isGreaterThan(QualityScore.NEUTRAL);
    }

    @Test
    void parse_oneBitGrayscalePng_isGrayscale() throws IOException {
        var binary = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_BINARY);
        binary.setRGB(4, 2, 0xffffff);

        TabularDataset data = TabularDataset.parse(zip("square/bits.png", binary), schema, LIMITS);

        assertThat(data.features(0)[2 * 16 + 4]).isEqualTo(1f);
        assertThat(data.features(0)[0]).isZero();
    }

    @Test
    void parse_folderEntryCarryingData_isRefused() throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("circle/"));
            zip.write(new byte[1 << 20]);
            zip.closeEntry();
        }

        assertRefused(bytes.toByteArray(), "more bytes than the limit uncompressed");
    }

    @Test
    void evaluate_datasetBeyondTheTrainingBound_isTrainedOnTheSameSampleOnEveryValidator() {
        // a bound of 60 images' values per epoch: the 120-image dataset is trained on 60 of them
        var bounded = new DatasetEvaluator(DatasetEvaluator.DEFAULT_EPOCHS, DatasetEvaluator.DEFAULT_SEED, 60 * 256);
        byte[] dataset = SyntheticImages.archive(40, 6);

        Evaluation first = bounded.evaluate(task, dataset);
        Evaluation again = bounded.evaluate(task, dataset);
        Evaluation whole = new DatasetEvaluator().evaluate(task, dataset);

        assertThat(first.metrics()).containsEntry("trainedRows", 60.0).containsEntry("datasetRows", 120.0);
        assertThat(again).isEqualTo(first);
        assertThat(whole.metrics()).containsEntry("trainedRows", 120.0);
    }

    @Test
    void evaluate_imageDataset_trainsTheCnnAndScoresIt_copiesOfHeldOutImagesAreFloored() {
        Evaluation honest = new DatasetEvaluator().evaluate(task, SyntheticImages.archive(40, 5));
        Evaluation copies = new DatasetEvaluator().evaluate(task, SyntheticImages.archive(60, 2));

        assertThat(honest.floorReason()).isEmpty();
        assertThat(honest.score()).isGreaterThan(QualityScore.NEUTRAL);
        assertThat(copies.floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).contains("copy held-out rows"));
    }

    private static void assertRefused(byte[] archive, String message) {
        assertThatThrownBy(() -> TabularDataset.parse(archive, schema, LIMITS))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(message);
    }
}
