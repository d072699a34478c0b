package io.cotrain.oracle.valuation;

import io.cotrain.oracle.aggregation.AggregationRule;
import io.cotrain.oracle.aggregation.ModelUpdate;
import io.cotrain.oracle.evaluation.TaskContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scores a round's model updates of one task by what each adds to the round's aggregate.
 *
 * <p>The updates are screened first ({@link UpdateScreen}: near-copies score the floor, free riders just under
 * neutral). The others are the players of a game whose coalitions are aggregated with the task's rule, every update
 * weighing the same (a self-reported sample count buys no weight), and measured row by row ({@link HeldOutGame}):
 * in held-out loss (the utility of a row is minus its cross-entropy, so a value is the loss an update removes) and,
 * with the same permutations, in held-out accuracy (a row's utility is 1 when it is classified correctly). Loss
 * first: accuracy on a few hundred rows moves by whole rows at random, while the loss moves with every probability,
 * so a model that gets two more rows right by chance while growing less sure of the rest is not paid. Accuracy
 * beside it: slashing needs both measures to show harm beyond doubt, and pay needs held-out rows gained.
 * The {@link ValuationMethod} (Shapley values, as validators use) values each player with its noise over the rows, and
 * {@link ValueScore} maps both values to the score. A round of one update is valued against the global model alone.
 *
 * <p>Deterministic: the updates are ordered by id, the Monte Carlo seed (and the held-out sample of a large set) is the
 * caller's, derived from the round, and the game's rows are cut into chunks that do not depend on the thread count;
 * the same inputs give the same scores and metrics, bit for bit.
 */
public final class RoundValuation {
    /**
     * One update's judgement.
     *
     * @param id its contribution id
     * @param score 1..100
     * @param floorReason present when a screen set it aside: a near-copy (it scores 1), or a free rider (just under
     *     neutral: unpaid, not aggregated, not slashed)
     * @param metrics {@code value} (held-out loss removed per row), {@code valueStandardError}, {@code valueShare}
     *     (the value over the global model's loss), {@code accuracyValue} (held-out rows gained per row) and its
     *     {@code accuracyValueStandardError}, {@code roundPlayers}; for a resubmission only
     *     {@code resubmissionOf} (the id it repeats); empty when floored
     */
    public record Valued(long id, int score, Optional<String> floorReason, Map<String, Double> metrics) {}

    private RoundValuation() {}

    /**
     * @param task the task, with the global model the round's updates were trained from
     * @param rule the task's aggregation rule
     * @param round the round's admissible model updates of this task (each passed the evaluation guards)
     * @param earlier the task's updates from earlier rounds, for near-copies
     * @param seed the Monte Carlo seed; every validator must use the same for a round
     * @param scale the protocol's score scale for the round
     * @param method how the admitted updates are valued
     * @return the judgements, by ascending id
     */
    public static List<Valued> value(
            TaskContext task,
            AggregationRule rule,
            List<UpdateScreen.Update> round,
            List<UpdateScreen.Update> earlier,
            long seed,
            ValueScore.Scale scale,
            ValuationMethod method) {
        Map<Long, UpdateScreen.Verdict> screened = UpdateScreen.screen(task.globalParameters(), round, earlier);
        List<UpdateScreen.Update> players = round.stream()
                .filter(update -> screened.get(update.id()) instanceof UpdateScreen.Verdict.Admitted)
                .sorted(Comparator.comparingLong(UpdateScreen.Update::id))
                .toList();
        Map<Long, Valued> valued = new LinkedHashMap<>();
        if (!players.isEmpty()) {
            List<ModelUpdate> updates = players.stream()
                    .map(player -> new ModelUpdate(player.id(), player.parameters(), 1, 1))
                    .toList();
            HeldOutGame game = new HeldOutGame(task, rule, updates, seed);
            int rows = game.rows();
            PlayerValues estimate = method.estimate(players.size(), game, seed);
            double reference = task.baseline().loss();
            for (int i = 0; i < players.size(); i++) {
                double[] rowValues = estimate.rowValues()[i];
                PlayerValue value = PlayerValue.of(Arrays.copyOfRange(rowValues, 0, rows));
                PlayerValue accuracy = PlayerValue.of(Arrays.copyOfRange(rowValues, rows, 2 * rows));
                valued.put(
                        players.get(i).id(),
                        new Valued(
                                players.get(i).id(),
                                ValueScore.score(value, accuracy, reference, scale),
                                Optional.empty(),
                                Map.of(
                                        "value", value.mean(),
                                        "valueStandardError", value.standardError(),
                                        "valueShare", value.mean() / reference,
                                        "accuracyValue", accuracy.mean(),
                                        "accuracyValueStandardError", accuracy.standardError(),
                                        "roundPlayers", (double) players.size())));
            }
        }
        List<Valued> results = new ArrayList<>();
        for (Map.Entry<Long, UpdateScreen.Verdict> verdict : screened.entrySet()) {
            long id = verdict.getKey();
            results.add(
                    switch (verdict.getValue()) {
                        case UpdateScreen.Verdict.Admitted admitted -> valued.get(id);
                        case UpdateScreen.Verdict.Floored floored ->
                            new Valued(id, 1, Optional.of(floored.reason()), Map.of());
                        case UpdateScreen.Verdict.Unpaid unpaid ->
                            new Valued(id, unpaidScore(scale), Optional.of(unpaid.reason()), Map.of());
                        case UpdateScreen.Verdict.Resubmitted again ->
                            new Valued(id, scale.neutral(), Optional.empty(), Map.of("resubmissionOf", (double)
                                    again.original()));
                    });
        }
        return List.copyOf(results);
    }

    /** Just under neutral, but not slashed: unpaid and left out of the aggregate. */
    static int unpaidScore(ValueScore.Scale scale) {
        return Math.max(scale.slashThreshold(), scale.neutral() - 1);
    }
}
