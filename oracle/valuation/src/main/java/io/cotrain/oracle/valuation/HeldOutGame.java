package io.cotrain.oracle.valuation;

import io.cotrain.oracle.aggregation.AggregationRule;
import io.cotrain.oracle.aggregation.FedAvg;
import io.cotrain.oracle.aggregation.ModelUpdate;
import io.cotrain.oracle.evaluation.HeldOutSample;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.TaskModel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The round's game on held-out rows: a coalition's utility rows are minus each row's loss under the coalition's
 * aggregate, then each row's gain (1 when classified correctly; for regression minus the row's error), so that one
 * game values both measures ({@link io.cotrain.oracle.evaluation.HeldOutMetrics#rowOutcomes}).
 *
 * <p>Rows: a held-out set of at most {@value #MAX_ROWS} rows is used whole; a larger one through a sample of that
 * many rows drawn with the round's seed, a new sample every round, so no contributor can tune to a fixed subset. The
 * sample's own noise is in every value's standard error, which the score's margins already allow for; beyond a few
 * thousand rows more rows buy little certainty and cost a coalition evaluation each.
 *
 * <p>Thread-safe: each evaluation borrows its own copy of the network, so the estimator may evaluate coalitions in
 * parallel; an evaluation does not depend on the thread it runs on.
 */
final class HeldOutGame implements CoalitionGame {
    /** Held-out rows a round is valued on, at most. */
    static final int MAX_ROWS = 2_048;

    private static final AggregationRule MEAN = new FedAvg();

    private final TaskContext task;
    private final AggregationRule rule;
    private final List<ModelUpdate> updates;
    private final float[] global;
    private final HeldOutSample sample;
    private final ConcurrentLinkedDeque<TaskModel> networks = new ConcurrentLinkedDeque<>();

    /**
     * @param task the task, with the global model the updates were trained from
     * @param rule the task's aggregation rule
     * @param updates the players' updates, every one weighing the same
     * @param seed the round's seed, which draws the sample of a large held-out set
     */
    HeldOutGame(TaskContext task, AggregationRule rule, List<ModelUpdate> updates, long seed) {
        this.task = task;
        this.rule = rule;
        this.updates = updates;
        this.global = task.globalParameters();
        this.sample = HeldOutSample.of(task, MAX_ROWS, seed);
    }

    /** The rows the game is played on. */
    int rows() {
        return sample.labels().length;
    }

    @Override
    public double[] utility(BitSet coalition) {
        float[] parameters = coalition.isEmpty() ? global : aggregate(coalition);
        TaskModel network = networks.poll();
        if (network == null) network = task.freshGlobalModel();
        try {
            network.setParameters(parameters);
            double[][] outcomes = sample.rowOutcomes(network);
            int rows = rows();
            double[] utilities = new double[2 * rows];
            for (int row = 0; row < rows; row++) {
                utilities[row] = -outcomes[0][row];
                utilities[rows + row] = outcomes[1][row];
            }
            return utilities;
        } finally {
            networks.push(network);
        }
    }

    /**
     * The coalition's aggregate by the task's rule; a coalition too small for a robust rule (Krum needs more updates
     * than it tolerates attackers) is averaged instead.
     */
    private float[] aggregate(BitSet coalition) {
        List<ModelUpdate> members = new ArrayList<>(coalition.cardinality());
        for (int i = coalition.nextSetBit(0); i >= 0; i = coalition.nextSetBit(i + 1)) members.add(updates.get(i));
        try {
            return rule.aggregate(members);
        } catch (IllegalArgumentException tooFew) {
            return MEAN.aggregate(members);
        }
    }
}
