package io.cotrain.oracle.evaluation;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a MODEL_UPDATE contribution: a full model of the task's base architecture, as {@link ModelCodec} bytes.
 *
 * <p>Guards, in order, each giving the floor score with its reason (see {@link ModelCodec} for the first five): size;
 * zip-bomb limits (entries, uncompressed size, compression ratio) checked by streaming the zip before DL4J sees any
 * of it; not a DL4J model; architecture (layer types, sizes, activations, loss, data type) and parameter count equal
 * to the task's base architecture; NaN or infinite weights; parameters bitwise equal to the current global model's
 * ("no change from the global model", a free rider resubmitting it). Then the candidate's metric ({@link TaskMetric})
 * on the held-out set ({@link TaskContext#measureAlone}: at most {@value TaskContext#ALONE_ROWS} rows) is compared
 * with the global model's and turned into a score by {@link QualityScore}: the score alone, which the round's
 * valuation replaces.
 *
 * <p>{@link #evaluate} floors hostile bytes with a reason; it throws only for the node's own failure
 * ({@link EvaluationFailedException}). Stateless and thread-safe.
 */
public final class ModelUpdateEvaluator implements Assessor {

    /** The floor reason of a model whose parameters equal the global model's. */
    public static final String NO_CHANGE = "no change from the global model";

    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdateEvaluator.class);

    /** Scores model bytes against a task. */
    public Evaluation evaluate(TaskContext task, byte[] modelZip) {
        return assess(task, modelZip).evaluation();
    }

    /** Scores model bytes against a task, and keeps the model's parameters when no guard rejects it. */
    @Override
    public Assessment assess(TaskContext task, byte[] modelZip) {
        float[][] parameters = new float[1][];
        Evaluation evaluation = Scoring.guarded(LOG, "model update", task, modelZip, () -> {
            parameters[0] = ModelCodec.read(modelZip, task.limits(), task.baseArchitecture())
                    .parameters();
            if (task.sameParametersAsGlobal(parameters[0])) {
                return Evaluation.floor(NO_CHANGE);
            }
            // the contributor's parameters in the task's own configuration: its configuration is compared, never run
            return Scoring.scored(task.measureAlone(task.modelWith(parameters[0])), task.aloneBaseline(), Map.of());
        });
        return Scoring.assessment(evaluation, parameters[0]);
    }
}
