package io.cotrain.oracle.scoring;

import io.cotrain.oracle.aggregation.AggregationRule;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.valuation.DatasetScreen;
import io.cotrain.oracle.valuation.RoundValuation;
import io.cotrain.oracle.valuation.UpdateScreen;
import io.cotrain.oracle.valuation.ValuationMethod;
import io.cotrain.oracle.valuation.ValueScore;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validator's duty once a round's contributions are all judged, before it commits: replace each admitted update's
 * score on its own by what it adds to the round's aggregate ({@link RoundValuation}).
 *
 * <p>The players are the round's model updates of one task that passed every guard, read from the
 * {@link UpdateStore}, and judged against the same global model: what the round's aggregate is made of. Datasets and
 * validation work keep their judgement alone (what training the global model on them adds): they are not aggregated,
 * so they take no credit in the game; one that is mostly rows of earlier datasets (of the last {@value #LOOK_BACK}
 * rounds, or a lower id in this round) scores the floor ({@link DatasetScreen}). Near-copies of any update kept
 * from the task's last {@value #LOOK_BACK} rounds, or of a lower id in this round, score the floor; free riders and
 * the same work again score just under neutral.
 * The Monte Carlo seed is the round's and task's, and the score scale the round's parameters, so every honest
 * validator commits the same scores; valuing a round again (after a crash) gives the same scores, because the players
 * are the stored updates, not the scores.
 */
public final class RoundValuer {
    /** How many earlier rounds' updates a near-copy is looked for in. */
    public static final int LOOK_BACK = 4;

    private static final Logger LOG = LoggerFactory.getLogger(RoundValuer.class);

    /** What a round's valuation depends on besides its updates: the chain's terms. */
    public interface Terms {
        /**
         * @param round a round
         * @return its score scale (NeutralScore, SlashThresholdScore as the round opened with them)
         */
        ValueScore.Scale scale(BigInteger round);

        /**
         * @param taskId a task
         * @return the rule its updates are aggregated with
         */
        AggregationRule rule(long taskId);

        /**
         * @return terms that do not change: one scale for every round, one rule for every task (a network without a
         *     model registry, or a simulation)
         */
        static Terms fixed(ValueScore.Scale scale, AggregationRule rule) {
            return new Terms() {
                @Override
                public ValueScore.Scale scale(BigInteger round) {
                    return scale;
                }

                @Override
                public AggregationRule rule(long taskId) {
                    return rule;
                }
            };
        }
    }

    private final UpdateStore updates;
    private final EvaluationStore evaluations;
    private final GlobalModelSource globalModels;
    private final Terms terms;
    private final Clock clock;

    public RoundValuer(
            UpdateStore updates,
            EvaluationStore evaluations,
            GlobalModelSource globalModels,
            Terms terms,
            Clock clock) {
        this.updates = updates;
        this.evaluations = evaluations;
        this.globalModels = globalModels;
        this.terms = terms;
        this.clock = clock;
    }

    /**
     * Values the round's admitted updates and stores their new judgements.
     *
     * @param round the round
     * @param contributions its contributions, every one judged
     * @return the judgements that changed
     */
    public List<ScoredContribution> value(BigInteger round, List<ContributionRecord> contributions) {
        Map<BigInteger, ContributionRecord> byId = new HashMap<>();
        contributions.forEach(contribution -> byId.put(contribution.id(), contribution));
        Map<Long, List<ContributionRecord>> byTask = new TreeMap<>();
        contributions.forEach(contribution -> byTask.computeIfAbsent(contribution.taskId(), task -> new ArrayList<>())
                .add(contribution));
        List<ScoredContribution> changed = new ArrayList<>();
        ValueScore.Scale scale = null;
        for (long taskId : byTask.keySet()) {
            changed.addAll(screenDatasets(round, taskId, byId));
            List<UpdateStore.Stored> kept = updates.round(taskId, round).stream()
                    .filter(update -> byId.containsKey(update.id()))
                    .toList();
            if (kept.isEmpty()) continue;
            if (scale == null) scale = terms.scale(round);
            changed.addAll(valueTask(round, taskId, kept, byId, scale));
        }
        return changed;
    }

    /** Floors the round's datasets that are mostly rows earlier datasets submitted ({@link DatasetScreen}). */
    private List<ScoredContribution> screenDatasets(
            BigInteger round, long taskId, Map<BigInteger, ContributionRecord> byId) {
        List<DatasetScreen.Dataset> kept = updates.datasets(taskId, round).stream()
                .filter(rows -> byId.containsKey(rows.id()))
                .map(RoundValuer::screened)
                .toList();
        if (kept.isEmpty()) return List.of();
        List<DatasetScreen.Dataset> earlier = updates.datasetsBefore(taskId, round, LOOK_BACK).stream()
                .map(RoundValuer::screened)
                .toList();
        List<ScoredContribution> changed = new ArrayList<>();
        DatasetScreen.copies(kept, earlier).forEach((id, reason) -> {
            BigInteger contribution = BigInteger.valueOf(id);
            ScoredContribution alone = evaluations
                    .get(contribution)
                    .orElseThrow(
                            () -> new IllegalStateException("contribution " + id + " has kept rows but no judgement"));
            if (alone.score() == 1 && alone.floorReason().equals(Optional.of(reason))) return;
            Map<String, Double> metrics = new TreeMap<>(alone.metrics());
            metrics.put("scoreAlone", (double) scoreAlone(alone));
            ScoredContribution copy = new ScoredContribution(
                    alone.id(),
                    alone.round(),
                    alone.taskId(),
                    alone.kind(),
                    1,
                    Optional.of(reason),
                    metrics,
                    clock.instant(),
                    alone.evaluationMillis());
            evaluations.put(copy);
            changed.add(copy);
        });
        return changed;
    }

    private static DatasetScreen.Dataset screened(UpdateStore.Rows rows) {
        return new DatasetScreen.Dataset(rows.id().longValueExact(), rows.fingerprints());
    }

    /**
     * Forgets what no later round can look back on, once a round is finalized.
     *
     * @param round a finalized round: later rounds look back on it and the {@value #LOOK_BACK} before it at most
     */
    public void finalized(BigInteger round) {
        updates.prune(round.subtract(BigInteger.valueOf(LOOK_BACK)).add(BigInteger.ONE));
    }

    private List<ScoredContribution> valueTask(
            BigInteger round,
            long taskId,
            List<UpdateStore.Stored> kept,
            Map<BigInteger, ContributionRecord> byId,
            ValueScore.Scale scale) {
        List<UpdateScreen.Update> earlier = new ArrayList<>(updates.before(taskId, round, LOOK_BACK).stream()
                .map(RoundValuer::screened)
                .toList());
        // Updates judged against different global models (a commit landed mid-round) are valued apart.
        Map<String, List<UpdateStore.Stored>> byGlobalModel = new LinkedHashMap<>();
        kept.forEach(update -> byGlobalModel
                .computeIfAbsent(update.globalModelSha256(), sha -> new ArrayList<>())
                .add(update));
        AggregationRule rule = terms.rule(taskId);
        List<ScoredContribution> changed = new ArrayList<>();
        for (List<UpdateStore.Stored> group : byGlobalModel.values()) {
            TaskContext task = globalModels
                    .contextFor(byId.get(group.getFirst().id()))
                    .orElseThrow(() -> new TransientFailureException(
                            "task " + taskId + " is not loadable to value round " + round, null));
            BigInteger first = group.getFirst().id();
            List<UpdateScreen.Update> before = new ArrayList<>(earlier);
            kept.stream()
                    .filter(update -> !group.contains(update) && update.id().compareTo(first) < 0)
                    .map(RoundValuer::screened)
                    .forEach(before::add);
            long started = System.nanoTime();
            List<RoundValuation.Valued> valued = RoundValuation.value(
                    task,
                    rule,
                    group.stream().map(RoundValuer::screened).toList(),
                    before,
                    seed(round, taskId),
                    scale,
                    ValuationMethod.SHAPLEY);
            LOG.info(
                    "round {} task {}: valued {} updates in {} ms",
                    round,
                    taskId,
                    group.size(),
                    (System.nanoTime() - started) / 1_000_000);
            for (RoundValuation.Valued judgement : valued) {
                BigInteger id = BigInteger.valueOf(judgement.id());
                ScoredContribution alone = evaluations
                        .get(id)
                        .orElseThrow(() -> new IllegalStateException(
                                "contribution " + id + " has a kept update but no judgement"));
                ScoredContribution result = revalued(alone, judgement);
                if (!result.equals(alone)) {
                    evaluations.put(result);
                    changed.add(result);
                }
            }
        }
        return changed;
    }

    /** The judgement on its own, with the valuation's score, floor reason and metrics. */
    private ScoredContribution revalued(ScoredContribution alone, RoundValuation.Valued judgement) {
        Map<String, Double> metrics = new TreeMap<>(alone.metrics());
        metrics.putAll(judgement.metrics());
        metrics.put("scoreAlone", (double) scoreAlone(alone));
        Optional<String> floorReason = judgement.floorReason();
        if (judgement.score() == alone.score()
                && floorReason.equals(alone.floorReason())
                && metrics.equals(alone.metrics())) {
            return alone;
        }
        return new ScoredContribution(
                alone.id(),
                alone.round(),
                alone.taskId(),
                alone.kind(),
                judgement.score(),
                floorReason,
                metrics,
                clock.instant(),
                alone.evaluationMillis());
    }

    /** A judgement valued before keeps the score it had on its own in its metrics. */
    private static int scoreAlone(ScoredContribution judged) {
        Double before = judged.metrics().get("scoreAlone");
        return before != null ? before.intValue() : judged.score();
    }

    private static UpdateScreen.Update screened(UpdateStore.Stored update) {
        return new UpdateScreen.Update(update.id().longValueExact(), update.contributor(), update.parameters());
    }

    /** The round's and task's Monte Carlo seed: the same for every validator. */
    static long seed(BigInteger round, long taskId) {
        return round.longValue() * 0x9E3779B97F4A7C15L ^ taskId;
    }
}
