package io.cotrain.oracle.evaluation;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Everything a validator needs to evaluate the contributions of one task: the schema, the held-out set, the current
 * global model (restored from its bytes, with their sha256), the base architecture every update must have, the
 * limits, and the global model's baseline metrics on the held-out set, measured once here.
 *
 * <p>Built from bytes only ({@link #create}), so two validators (or two contexts in one JVM) holding the same bytes
 * score every contribution identically. Immutable after construction; the evaluators never run the shared global
 * network (datasets train a fresh copy restored from {@link #globalModelBytes()}), so one context can serve
 * evaluations on several threads.
 */
public final class TaskContext {
    /**
     * Held-out rows a model update is measured on by itself, at most. Its score alone is a diagnostic beside the
     * round's valuation (which measures what it adds to the aggregate, on a sample of the same size), so a larger set
     * would cost time on every update and change nothing that is paid.
     */
    public static final int ALONE_ROWS = 2_048;
    /** Draws the rows updates are measured on alone: fixed per task, since no reward depends on them. */
    private static final long ALONE_SEED = 0x5EED_A10EL;

    private final long taskId;
    private final DataSchema schema;
    private final TabularDataset heldOutData;
    private final DataSet heldOut;
    private final int[] heldOutLabels;
    private final TaskModel globalModel;
    private final byte[] globalModelBytes;
    private final String globalModelSha256;
    private final float[] globalParameters;
    private final ModelArchitecture baseArchitecture;
    private final EvaluationLimits limits;
    private final HeldOutMetrics baseline;
    private final HeldOutSample aloneRows;
    private final HeldOutMetrics aloneBaseline;

    private TaskContext(
            long taskId,
            DataSchema schema,
            TabularDataset heldOutData,
            TaskModel globalModel,
            byte[] globalModelBytes,
            ModelArchitecture baseArchitecture,
            EvaluationLimits limits) {
        this.taskId = taskId;
        this.schema = schema;
        this.heldOutData = heldOutData;
        this.heldOut = heldOutData.toDataSet();
        this.heldOutLabels = heldOutData.labelCodes();
        this.globalModel = globalModel;
        this.globalModelBytes = globalModelBytes.clone();
        this.globalModelSha256 = ModelCodec.sha256Hex(globalModelBytes);
        this.globalParameters = globalModel.parameters();
        this.baseArchitecture = baseArchitecture;
        this.limits = limits;
        this.baseline = HeldOutMetrics.measure(globalModel, heldOut, heldOutLabels, schema.metric());
        this.aloneRows = HeldOutSample.of(heldOut, heldOutLabels, schema.metric(), ALONE_ROWS, ALONE_SEED);
        this.aloneBaseline =
                aloneRows.rows().length == heldOutLabels.length ? baseline : aloneRows.measure(globalModel);
    }

    /**
     * Builds the context of a task and measures the global model on the held-out set.
     *
     * @param taskId         the task's id on chain
     * @param schema         the task's columns
     * @param heldOutCsv     the held-out set as CSV bytes ({@link TabularDataset} format)
     * @param globalModelZip the current global model ({@link ModelCodec} bytes): any model that fits the schema
     *                       ({@link #readBaseModel}); its architecture is the one every update must have
     * @param limits         the limits applied to contributions (and to these inputs)
     * @throws DatasetFormatException    when the held-out CSV is invalid
     * @throws InvalidModelException when the global model is invalid or does not fit the schema
     */
    public static TaskContext create(
            long taskId, DataSchema schema, byte[] heldOutCsv, byte[] globalModelZip, EvaluationLimits limits) {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(heldOutCsv, "heldOutCsv");
        Objects.requireNonNull(globalModelZip, "globalModelZip");
        Objects.requireNonNull(limits, "limits");
        EvaluationRuntime.configure();
        TabularDataset heldOut = TabularDataset.parse(heldOutCsv, schema, limits);
        TaskModel global = readBaseModel(schema, globalModelZip, limits);
        return new TaskContext(taskId, schema, heldOut, global, globalModelZip, global.architecture(), limits);
    }

    /**
     * Reads the base (or global) model of a task with every guard of {@link ModelCodec} and checks it fits the schema
     * ({@link ModelArchitecture#misfitFor}): the architecture of a task is its base model's. Model owners' tools use
     * this before registering a task, validators before evaluating one.
     *
     * @param schema the task's columns
     * @param zip    the model ({@link ModelCodec} bytes)
     * @param limits the limits applied to models
     * @return the model
     * @throws InvalidModelException when a guard rejects the bytes or the model does not fit the schema, naming the
     *                               mismatch
     */
    public static TaskModel readBaseModel(DataSchema schema, byte[] zip, EvaluationLimits limits) {
        Objects.requireNonNull(schema, "schema");
        TaskModel model = ModelCodec.read(zip, limits);
        String misfit = model.architecture().misfitFor(schema);
        if (misfit == null) misfit = runMisfit(model.copy(), schema); // a run caches shapes in the configuration
        if (misfit != null) {
            throw new InvalidModelException("the model does not fit the schema (" + schema.featureCount()
                    + " features, " + (schema.metric().regression() ? "regression" : schema.classCount() + " classes")
                    + "): " + misfit);
        }
        return model;
    }

    /**
     * Why the model cannot run on the schema's rows, or null if it can: it is run once on a row of zeros, which must
     * give one output per class (one for regression). The shape rules of {@link ModelArchitecture#misfitFor} cannot
     * tell whether a graph's layers fit each other; DL4J's own forward pass can.
     */
    private static String runMisfit(TaskModel model, DataSchema schema) {
        long expected = schema.metric().regression() ? 1 : schema.classCount();
        try {
            INDArray out = model.output(Nd4j.zeros(DataType.FLOAT, 1, schema.featureCount()));
            if (out.rank() != 2 || out.size(0) != 1 || out.size(1) != expected) {
                return "on one row it gives outputs of shape " + Arrays.toString(out.shape()) + ", expected [1, "
                        + expected + "]";
            }
            return null;
        } catch (RuntimeException e) {
            return "DL4J cannot run it on one row of " + schema.featureCount() + " features ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")";
        }
    }

    public long taskId() {
        return taskId;
    }

    public DataSchema schema() {
        return schema;
    }

    /** The held-out set as an ND4J data set (float features, one-hot labels). Do not modify. */
    public DataSet heldOut() {
        return heldOut;
    }

    /** The held-out set's labels by row ({@link TabularDataset#labelCodes}). Do not modify. */
    int[] heldOutLabels() {
        return heldOutLabels;
    }

    /** The held-out set as parsed. */
    public TabularDataset heldOutData() {
        return heldOutData;
    }

    /**
     * The current global model. Not thread-safe: do not run or train it concurrently; prefer {@link
     * #freshGlobalModel()}.
     */
    public TaskModel globalModel() {
        return globalModel;
    }

    /** A new copy of the global model restored from its bytes (no updater state). */
    public TaskModel freshGlobalModel() {
        return ModelCodec.read(globalModelBytes, limits, baseArchitecture);
    }

    /** A copy of the global model's bytes. */
    public byte[] globalModelBytes() {
        return globalModelBytes.clone();
    }

    /** Lower-case hex sha256 of the global model's bytes. */
    public String globalModelSha256() {
        return globalModelSha256;
    }

    /** The architecture every model update of this task must have. */
    public ModelArchitecture baseArchitecture() {
        return baseArchitecture;
    }

    public EvaluationLimits limits() {
        return limits;
    }

    /** The global model's metrics on the held-out set. */
    public HeldOutMetrics baseline() {
        return baseline;
    }

    /**
     * The same task with another global model, such as the next commit of the task: the held-out set is shared, not
     * parsed again, and the new model's baseline is measured here.
     *
     * @param globalModelZip the new global model ({@link ModelCodec} bytes) of the task's base architecture
     * @return the new context
     * @throws InvalidModelException when the model is invalid
     */
    public TaskContext withGlobalModel(byte[] globalModelZip) {
        TaskModel global = ModelCodec.read(globalModelZip, limits, baseArchitecture);
        return new TaskContext(taskId, schema, heldOutData, global, globalModelZip, baseArchitecture, limits);
    }

    /** Measures a candidate model on the held-out set. Do not run the candidate concurrently. */
    public HeldOutMetrics measure(TaskModel candidate) {
        return HeldOutMetrics.measure(candidate, heldOut, heldOutLabels, schema.metric());
    }

    /**
     * Measures a candidate model on at most {@value #ALONE_ROWS} held-out rows (every row of a smaller set), the same
     * rows for every update of the task. Do not run the candidate concurrently.
     */
    public HeldOutMetrics measureAlone(TaskModel candidate) {
        return aloneRows.measure(candidate);
    }

    /** The global model's metrics on the rows of {@link #measureAlone}. */
    public HeldOutMetrics aloneBaseline() {
        return aloneBaseline;
    }

    /** Each held-out row's loss and gain ({@link HeldOutMetrics#rowOutcomes}) under a candidate model. */
    public double[][] rowOutcomes(TaskModel candidate) {
        return HeldOutMetrics.rowOutcomes(candidate, heldOut, heldOutLabels, schema.metric());
    }

    /**
     * A network of the task's base configuration holding these parameters. A contribution's own configuration is only
     * compared with the base ({@link ModelArchitecture#differenceFrom}), never run: a setting the comparison does not
     * cover (a data format, weight noise) can then neither crash nor skew the evaluation.
     *
     * @param parameters flat parameters of the base architecture ({@link TaskModel#parameters})
     */
    public TaskModel modelWith(float[] parameters) {
        TaskModel model = globalModel.blank();
        model.setParameters(parameters);
        return model;
    }

    /** A copy of the global model's flat parameters ({@link TaskModel#parameters}). */
    public float[] globalParameters() {
        return globalParameters.clone();
    }

    boolean sameParametersAsGlobal(float[] parameters) {
        return Arrays.equals(parameters, globalParameters);
    }
}
