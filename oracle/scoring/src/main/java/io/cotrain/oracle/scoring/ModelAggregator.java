package io.cotrain.oracle.scoring;

import io.cotrain.oracle.aggregation.AggregationRule;
import io.cotrain.oracle.aggregation.FedAvg;
import io.cotrain.oracle.aggregation.ModelUpdate;
import io.cotrain.oracle.aggregation.Rebase;
import io.cotrain.oracle.evaluation.HeldOutMetrics;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.TaskModel;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Turns accepted model updates into the next global model: each update's DL4J file read with the evaluation guards,
 * flattened, aggregated by the task's rule (bit-deterministic), put back into the global model's architecture and
 * written canonically, so every honest validator gets the same bytes and the same sha256. The result is measured on
 * the held-out set for the commit's metrics.
 */
public final class ModelAggregator {
    /**
     * An accepted model update.
     *
     * @param contributionId its id on chain
     * @param model its DL4J file, as verified against its manifest
     * @param weight its weight in the aggregate ({@link io.cotrain.contracts.AggregationWeight}), &gt; 0
     * @param olderGlobalModel the global model it was judged against, when that is not the one the aggregate is built
     *     on: then only its change from that model counts ({@link Rebase}); empty when it was judged against the
     *     aggregate's own base
     */
    public record Input(BigInteger contributionId, byte[] model, long weight, Optional<byte[]> olderGlobalModel) {
        /** An update judged against the global model the aggregate is built on. */
        public Input(BigInteger contributionId, byte[] model, long weight) {
            this(contributionId, model, weight, Optional.empty());
        }
    }

    /**
     * A new global model.
     *
     * @param model its canonical file
     * @param sha256 the file's sha256, lower-case hex
     * @param metrics its held-out metrics
     * @param contributionIds the updates aggregated, ascending (empty for a merge)
     */
    public record Result(byte[] model, String sha256, HeldOutMetrics metrics, List<BigInteger> contributionIds) {}

    private ModelAggregator() {}

    /**
     * @param base the task with its current global model, whose architecture the result has
     * @param rule the task's aggregation rule
     * @param inputs at least one accepted update, in any order
     * @return the aggregate
     * @throws io.cotrain.oracle.evaluation.InvalidModelException if an update is not a valid model of the task
     */
    public static Result aggregate(TaskContext base, AggregationRule rule, List<Input> inputs) {
        if (inputs.isEmpty()) throw new IllegalArgumentException("nothing to aggregate");
        List<ModelUpdate> updates = new ArrayList<>(inputs.size());
        float[] parent = null;
        for (Input input : inputs) {
            float[] parameters = parametersOf(base, input.model());
            if (input.olderGlobalModel().isPresent()) {
                if (parent == null) parent = base.freshGlobalModel().parameters();
                parameters = Rebase.onto(
                        parameters, parametersOf(base, input.olderGlobalModel().get()), parent);
            }
            updates.add(ModelUpdate.weighted(input.contributionId().longValueExact(), parameters, input.weight()));
        }
        List<BigInteger> ids = inputs.stream()
                .map(Input::contributionId)
                .sorted(Comparator.naturalOrder())
                .toList();
        return build(base, rule.aggregate(updates), ids);
    }

    /**
     * The merge of another branch's head into the task's current global model: the equal-weight average of the two.
     *
     * @param target the task with the target branch's head as its global model
     * @param sourceHead the merged branch's head (a DL4J file of the task's architecture)
     * @return the merge
     */
    public static Result merge(TaskContext target, byte[] sourceHead) {
        float[] merged = new FedAvg()
                .aggregate(List.of(
                        new ModelUpdate(0, target.freshGlobalModel().parameters(), 1, 1),
                        new ModelUpdate(1, parametersOf(target, sourceHead), 1, 1)));
        return build(target, merged, List.of());
    }

    private static float[] parametersOf(TaskContext base, byte[] model) {
        return ModelCodec.read(model, base.limits(), base.baseArchitecture()).parameters();
    }

    private static Result build(TaskContext base, float[] parameters, List<BigInteger> ids) {
        TaskModel model = base.freshGlobalModel();
        model.setParameters(parameters);
        byte[] bytes = ModelCodec.write(model);
        return new Result(bytes, ModelCodec.sha256Hex(bytes), base.measure(model), ids);
    }
}
