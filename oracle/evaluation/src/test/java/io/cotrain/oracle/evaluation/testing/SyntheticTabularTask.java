package io.cotrain.oracle.evaluation.testing;

import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TabularModels;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.TaskModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * SYNTHETIC TEST DATA: a deterministic generator of a tabular classification task, for tests and benchmarks only.
 * Nothing here is real data.
 *
 * <p>{@value #FEATURES} numeric features {@code f0..f7}, label {@code label} with {@value #CLASSES} classes. Each class
 * is a Gaussian cluster: its mean is drawn once from N(0, {@value #MEAN_SPREAD}^2) per feature, and every row adds
 * N(0, 1) noise per feature, so the clusters overlap and even a well-trained model stays well below 100% accuracy
 * (the default task: about 47% for the base model, about 70% after training on a shard, close to the
 * ceiling). Labels are uniform. Every stream of rows (the held-out set, each contributor's
 * shard, the warm-up set of the base model) comes from its own {@link SplittableRandom} seeded from the task seed and
 * the stream's id, so the same seed always gives the same bytes.
 *
 * <p>The base model is {@link TabularModels#baseModel} barely trained (one epoch on {@value #WARMUP_ROWS} warm-up
 * rows), so honest updates can improve it clearly.
 */
public final class SyntheticTabularTask {

    public static final int FEATURES = 8;
    public static final int CLASSES = 3;
    public static final int DEFAULT_HELD_OUT_ROWS = 2_000;
    public static final long DEFAULT_SEED = 20_260_101L;
    public static final double MEAN_SPREAD = 0.55;
    static final int WARMUP_ROWS = 64;
    private static final long HELD_OUT_STREAM = 1;
    private static final long WARMUP_STREAM = 2;
    private static final long SHARD_STREAM_BASE = 1_000;

    private final long seed;
    private final int heldOutRows;
    private final DataSchema schema;
    private final double[][] means;
    private byte[] heldOutCsv;
    private byte[] baseModelBytes;

    public SyntheticTabularTask(long seed, int heldOutRows) {
        if (heldOutRows < 1) {
            throw new IllegalArgumentException("heldOutRows must be >= 1");
        }
        this.seed = seed;
        this.heldOutRows = heldOutRows;
        var columns = new ArrayList<String>();
        for (int i = 0; i < FEATURES; i++) {
            columns.add("f" + i);
        }
        this.schema = new DataSchema(columns, "label", CLASSES);
        var random = new SplittableRandom(seed);
        this.means = new double[CLASSES][FEATURES];
        for (int k = 0; k < CLASSES; k++) {
            for (int f = 0; f < FEATURES; f++) {
                means[k][f] = random.nextGaussian() * MEAN_SPREAD;
            }
        }
    }

    /** The default task: seed {@value #DEFAULT_SEED}, {@value #DEFAULT_HELD_OUT_ROWS} held-out rows. */
    public static SyntheticTabularTask standard() {
        return new SyntheticTabularTask(DEFAULT_SEED, DEFAULT_HELD_OUT_ROWS);
    }

    public long seed() {
        return seed;
    }

    public DataSchema schema() {
        return schema;
    }

    public int heldOutRows() {
        return heldOutRows;
    }

    /** The held-out set as CSV bytes. */
    public synchronized byte[] heldOutCsv() {
        if (heldOutCsv == null) {
            heldOutCsv = csv(HELD_OUT_STREAM, heldOutRows, IntUnaryOperator.identity());
        }
        return heldOutCsv.clone();
    }

    /** A contributor's training shard as CSV bytes (distinct rows per contributor, disjoint from the held-out set). */
    public byte[] shardCsv(int contributor, int rows) {
        return csv(SHARD_STREAM_BASE + contributor, rows, IntUnaryOperator.identity());
    }

    /** A contributor's shard with every label replaced by {@code (label + 1) % classes}: poisoned data. */
    public byte[] labelFlippedShardCsv(int contributor, int rows) {
        return csv(SHARD_STREAM_BASE + contributor, rows, label -> (label + 1) % CLASSES);
    }

    /** A contributor's shard parsed. */
    public TabularDataset shard(int contributor, int rows) {
        return TabularDataset.parse(shardCsv(contributor, rows), schema, EvaluationLimits.defaults());
    }

    /** The base (initial global) model: the base architecture from the task seed, one epoch on the warm-up rows. */
    public TaskModel baseModel() {
        return ModelCodec.read(baseModelBytes(), EvaluationLimits.defaults());
    }

    /** The base model's bytes (deterministic). */
    public synchronized byte[] baseModelBytes() {
        if (baseModelBytes == null) {
            var model = TabularModels.baseModel(schema, seed);
            var warmup = TabularDataset.parse(
                    csv(WARMUP_STREAM, WARMUP_ROWS, IntUnaryOperator.identity()), schema, EvaluationLimits.defaults());
            LocalTraining.train(model, warmup.toDataSet(), 1, seed);
            baseModelBytes = ModelCodec.write(model);
        }
        return baseModelBytes.clone();
    }

    /** A task context with the base model as the global model and the default limits. */
    public TaskContext context(long taskId) {
        return TaskContext.create(taskId, schema, heldOutCsv(), baseModelBytes(), EvaluationLimits.defaults());
    }

    /** The CSV header line (without line break). */
    public String header() {
        return String.join(",", schema.columns());
    }

    /** Data rows of a stream as CSV lines (without header). */
    public List<String> rows(long stream, int rows, IntUnaryOperator labelMap) {
        var random = new SplittableRandom(seed * 1_000_003L + stream);
        var lines = new ArrayList<String>(rows);
        var sb = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            sb.setLength(0);
            int label = random.nextInt(CLASSES);
            for (int f = 0; f < FEATURES; f++) {
                double value = means[label][f] + random.nextGaussian();
                sb.append(String.format(Locale.ROOT, "%.5f", value)).append(',');
            }
            sb.append(labelMap.applyAsInt(label));
            lines.add(sb.toString());
        }
        return lines;
    }

    private byte[] csv(long stream, int rows, IntUnaryOperator labelMap) {
        var sb = new StringBuilder(header()).append('\n');
        for (String line : rows(stream, rows, labelMap)) {
            sb.append(line).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
