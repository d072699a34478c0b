package io.cotrain.oracle.evaluation.testing;

import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TabularModels;
import io.cotrain.oracle.evaluation.TaskModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builders of contributions to a {@link SyntheticTabularTask}, honest and hostile, all deterministic. SYNTHETIC TEST
 * DATA only.
 */
public final class Contributions {

    /** Rows of a contributor's shard used by the model-update builders. */
    public static final int SHARD_ROWS = 2_000;
    /** Local training epochs of the model-update builders. */
    public static final int EPOCHS = 5;

    private final SyntheticTabularTask task;

    public Contributions(SyntheticTabularTask task) {
        this.task = task;
    }

    /** An honest update: the base model trained on the contributor's shard. */
    public byte[] honestUpdate(int contributor) {
        return trainedOn(task.shardCsv(contributor, SHARD_ROWS), contributor);
    }

    /** An honest update of a later round: the task's current global model trained on the contributor's shard. */
    public byte[] honestUpdate(int contributor, byte[] globalModel) {
        return trainedOn(
                task.shardCsv(contributor, SHARD_ROWS),
                contributor,
                ModelCodec.read(globalModel, EvaluationLimits.defaults()));
    }

    /** A poisoned update: the base model trained on the contributor's shard with every label flipped. */
    public byte[] labelFlippedUpdate(int contributor) {
        return trainedOn(task.labelFlippedShardCsv(contributor, SHARD_ROWS), contributor);
    }

    private byte[] trainedOn(byte[] csv, int contributor) {
        return trainedOn(csv, contributor, task.baseModel());
    }

    private byte[] trainedOn(byte[] csv, int contributor, TaskModel model) {
        var data = TabularDataset.parse(csv, task.schema(), EvaluationLimits.defaults());
        LocalTraining.train(model, data.toDataSet(), EPOCHS, task.seed() + contributor);
        return ModelCodec.write(model);
    }

    /** The global model resubmitted unchanged (a free rider). */
    public byte[] freeRider() {
        return task.baseModelBytes();
    }

    /** A model with a wider hidden layer (64 instead of 32): wrong architecture. */
    public byte[] wrongArchitecture() {
        var schema = task.schema();
        var conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.01))
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(schema.featureCount())
                        .nOut(64)
                        .activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(64)
                        .nOut(32)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(32)
                        .nOut(schema.classCount())
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        var model = new MultiLayerNetwork(conf);
        model.init();
        return ModelCodec.write(TaskModel.of(model));
    }

    /** The base architecture with tanh instead of relu in the first layer: same sizes, wrong activation. */
    public byte[] wrongActivation() {
        var schema = task.schema();
        var conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.01))
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(schema.featureCount())
                        .nOut(TabularModels.HIDDEN)
                        .activation(Activation.TANH)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(TabularModels.HIDDEN)
                        .nOut(TabularModels.HIDDEN)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(TabularModels.HIDDEN)
                        .nOut(schema.classCount())
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        var model = new MultiLayerNetwork(conf);
        model.init();
        return ModelCodec.write(TaskModel.of(model));
    }

    /** An honest-looking update with some weights set to NaN and one to +infinity. */
    public byte[] nanWeights() {
        var model = task.baseModel();
        var params = model.params();
        params.putScalar(0, Float.NaN);
        params.putScalar(7, Float.NaN);
        params.putScalar(params.length() - 1, Float.POSITIVE_INFINITY);
        return ModelCodec.write(model);
    }

    /** Random bytes. */
    public static byte[] garbage(int length, long seed) {
        var bytes = new byte[length];
        var random = new SplittableRandom(seed);
        for (int i = 0; i < length; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < length; j++) {
                bytes[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return bytes;
    }

    /**
     * A zip bomb: one {@code configuration.json} entry of {@code uncompressedMiB} MiB of zeros, deflated (about 1 KB
     * per MiB).
     */
    public static byte[] zipBomb(int uncompressedMiB) {
        var out = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("configuration.json"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < uncompressedMiB; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A zip with {@code entries} tiny entries (entry-count bomb). */
    public static byte[] manyEntriesZip(int entries) {
        var out = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(out)) {
            for (int i = 0; i < entries; i++) {
                zip.putNextEntry(new ZipEntry("e" + i));
                zip.write(1);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A zip with the given entries (stored in this order, deflated). */
    public static byte[] zip(String[] names, byte[][] contents) {
        var out = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(out)) {
            for (int i = 0; i < names.length; i++) {
                zip.putNextEntry(new ZipEntry(names[i]));
                zip.write(contents[i]);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An honest dataset: the contributor's shard. */
    public byte[] honestDataset(int contributor, int rows) {
        return task.shardCsv(contributor, rows);
    }

    /** A poisoned dataset: the contributor's shard with every label flipped. */
    public byte[] labelFlippedDataset(int contributor, int rows) {
        return task.labelFlippedShardCsv(contributor, rows);
    }

    /** The contributor's shard whose header names a column the task lacks in place of the first feature. */
    public byte[] datasetWithWrongHeader(int contributor, int rows) {
        String csv = new String(task.shardCsv(contributor, rows), StandardCharsets.UTF_8);
        return csv.replaceFirst("^f0,", "g0,").getBytes(StandardCharsets.UTF_8);
    }

    /** The contributor's shard followed by the first {@code copies} rows of the held-out set. */
    public byte[] datasetCopyingHeldOut(int contributor, int rows, int copies) {
        var lines = new ArrayList<>(
                Arrays.asList(new String(task.shardCsv(contributor, rows), StandardCharsets.UTF_8).split("\n")));
        var heldOut = new String(task.heldOutCsv(), StandardCharsets.UTF_8).split("\n");
        lines.addAll(Arrays.asList(heldOut).subList(1, 1 + copies));
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The contributor's first {@code distinct} shard rows, each repeated {@code times} times. */
    public byte[] datasetWithDuplicates(int contributor, int distinct, int times) {
        var sb = new StringBuilder(task.header()).append('\n');
        var rows = new String(task.shardCsv(contributor, distinct), StandardCharsets.UTF_8).split("\n");
        for (int t = 0; t < times; t++) {
            for (int r = 1; r < rows.length; r++) {
                sb.append(rows[r]).append('\n');
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
