package io.cotrain.deployment.economics;

import io.cotrain.contracts.AggregationWeight;
import io.cotrain.oracle.aggregation.FedAvg;
import io.cotrain.oracle.aggregation.ModelUpdate;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TabularModels;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.TaskModel;
import io.cotrain.oracle.valuation.RoundValuation;
import io.cotrain.oracle.valuation.UpdateScreen;
import io.cotrain.oracle.valuation.ValuationMethod;
import io.cotrain.oracle.valuation.ValueScore;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Rounds of a task without a chain, over the validators' real valuation ({@link RoundValuation}) and aggregation
 * ({@link FedAvg}), with the contract's money rules ({@link Ledger}). A population of 20 wallets: 12 honest on
 * class-skewed shards, 4 label flippers, 2 free riders adding small noise to the global model, a copier (each round an
 * exact copy of one honest update and a near-copy of another) and a sybil pair (one shard split over two wallets).
 */
final class EconomicsSimulation {
    enum Population {
        HONEST,
        FLIPPER,
        FREE_RIDER,
        COPIER,
        SYBIL
    }

    static final int HONEST = 12;
    static final int FLIPPERS = 4;
    static final int ROUNDS = 10;
    /** Local epochs per round: contributors train their shard to a real change, as the CLI's users do. */
    static final int EPOCHS = 10;

    private static final double HELD_OUT = 0.3;
    private static final double OWNER_SAMPLE = 0.05;
    /** Of a shard's rows, the share drawn from its own class; the rest is drawn from all classes. */
    private static final double SKEW = 0.6;

    private static final long SEED = 20_261_203L;

    /** One wallet: its population and the shard it trains on (empty for those with no data of their own). */
    private record Wallet(String name, Population population, List<Integer> shard) {}

    /** Per population: what it received and lost over all rounds. */
    record Totals(int contributions, int floored, int slashedContributions, double slashed, double rewards) {}

    /**
     * @param totals by population
     * @param accuracies the global model's held-out accuracy after each round
     * @param centralAccuracy a model trained centrally on the union of the honest data
     * @param baseAccuracy the first global model's
     * @param honestPaidRounds honest contributions paid
     * @param honestContributions honest contributions
     * @param honestWalletRewards each honest wallet's rewards
     * @param heldOutRows held-out rows
     * @param kernelShifts how far scores moved when every update moved in its last bits
     */
    record Result(
            Map<Population, Totals> totals,
            List<Double> accuracies,
            double centralAccuracy,
            double baseAccuracy,
            int honestPaidRounds,
            int honestContributions,
            List<Double> honestWalletRewards,
            int heldOutRows,
            KernelShifts kernelShifts) {
        double rewards() {
            return totals.values().stream().mapToDouble(Totals::rewards).sum();
        }

        double share(Population population) {
            return rewards() == 0 ? 0 : totals.get(population).rewards() / rewards();
        }
    }

    private final Table table;
    private final EvaluationLimits limits = EvaluationLimits.defaults();

    private final ValuationMethod method;
    private final boolean sybilSplit;

    /**
     * @param sybilSplit whether the sybil's shard is split over two wallets (the attack) or sent from one (what the
     *     attack is measured against: splitting must earn nothing more)
     */
    EconomicsSimulation(Table table, ValuationMethod method, boolean sybilSplit) {
        this.table = table;
        this.method = method;
        this.sybilSplit = sybilSplit;
    }

    Result run() {
        Random random = new Random(SEED);
        List<Integer> heldOut = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        List<Integer> pool = new ArrayList<>();
        for (int row = 0; row < table.rows(); row++) {
            double draw = random.nextDouble();
            (draw < HELD_OUT ? heldOut : draw < HELD_OUT + OWNER_SAMPLE ? owner : pool).add(row);
        }
        int dataShards = HONEST + FLIPPERS + 1;
        List<List<Integer>> shards = skewedShards(pool, dataShards, random);
        List<Wallet> wallets = new ArrayList<>();
        for (int i = 0; i < HONEST; i++) wallets.add(new Wallet("honest-" + (i + 1), Population.HONEST, shards.get(i)));
        for (int i = 0; i < FLIPPERS; i++) {
            wallets.add(new Wallet("flipper-" + (i + 1), Population.FLIPPER, shards.get(HONEST + i)));
        }
        List<Integer> sybilShard = shards.get(dataShards - 1);
        if (sybilSplit) {
            int half = sybilShard.size() / 2;
            wallets.add(new Wallet("sybil-a", Population.SYBIL, sybilShard.subList(0, half)));
            wallets.add(new Wallet("sybil-b", Population.SYBIL, sybilShard.subList(half, sybilShard.size())));
        } else {
            wallets.add(new Wallet("sybil-alone", Population.SYBIL, sybilShard));
        }
        wallets.add(new Wallet("free-rider-1", Population.FREE_RIDER, List.of()));
        wallets.add(new Wallet("free-rider-2", Population.FREE_RIDER, List.of()));
        wallets.add(new Wallet("copier", Population.COPIER, List.of()));

        TaskModel base = TabularModels.baseModel(table.schema(), SEED);
        LocalTraining.train(base, data(owner, IntUnaryOperator.identity()), 3, SEED);
        byte[] heldOutCsv = table.csv(heldOut, IntUnaryOperator.identity());
        TaskContext task = TaskContext.create(1, table.schema(), heldOutCsv, ModelCodec.write(base), limits);
        double baseAccuracy = task.baseline().accuracy();

        Ledger ledger = new Ledger();
        KernelShifts kernelShifts = new KernelShifts();
        List<UpdateScreen.Update> earlier = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        int honestPaid = 0;
        int honestContributions = 0;
        long nextId = 1;
        for (int round = 1; round <= ROUNDS; round++) {
            List<UpdateScreen.Update> updates = new ArrayList<>();
            List<Wallet> authors = new ArrayList<>();
            float[] global = task.globalParameters();
            List<float[]> honestThisRound = new ArrayList<>();
            for (Wallet wallet : wallets) {
                long seed = SEED + round * 1_000L + authors.size();
                float[] parameters = switch (wallet.population()) {
                    case HONEST, SYBIL -> trained(task, wallet.shard(), IntUnaryOperator.identity(), seed);
                    case FLIPPER -> trained(task, wallet.shard(), label -> (label + 1) % table.classes(), seed);
                    case FREE_RIDER -> noisy(global, wallet.name().endsWith("1") ? 1e-3 : 1e-2, seed);
                    case COPIER -> null;
                };
                if (wallet.population() == Population.COPIER) {
                    // an exact copy of the first honest update, and a near-copy (1% noise) of the second
                    updates.add(new UpdateScreen.Update(
                            nextId++, wallet.name(), honestThisRound.get(0).clone()));
                    authors.add(wallet);
                    updates.add(new UpdateScreen.Update(
                            nextId++, wallet.name(), nearCopy(honestThisRound.get(1), global, seed)));
                    authors.add(wallet);
                    continue;
                }
                if (wallet.population() == Population.HONEST) honestThisRound.add(parameters);
                updates.add(new UpdateScreen.Update(nextId++, wallet.name(), parameters));
                authors.add(wallet);
            }
            List<RoundValuation.Valued> valued = RoundValuation.value(
                    task, new FedAvg(), updates, earlier, round, ValueScore.Scale.defaults(), method);
            // another CPU's kernels move the measure in its last bits: so does moving every parameter by one ulp
            List<RoundValuation.Valued> elsewhere = RoundValuation.value(
                    task,
                    new FedAvg(),
                    updates.stream()
                            .map(update -> lastBitsMoved(update, seedOf(update)))
                            .toList(),
                    earlier,
                    round,
                    ValueScore.Scale.defaults(),
                    method);
            for (int i = 0; i < valued.size(); i++) {
                int shift = Math.abs(valued.get(i).score() - elsewhere.get(i).score());
                kernelShifts.compared++;
                if (shift > 0) kernelShifts.moved++;
                kernelShifts.largest = Math.max(kernelShifts.largest, shift);
            }
            List<ModelUpdate> accepted = new ArrayList<>();
            for (int i = 0; i < valued.size(); i++) {
                RoundValuation.Valued judgement = valued.get(i);
                Wallet author = authors.get(i);
                double reward = ledger.settle(
                        author.name(),
                        judgement.score(),
                        judgement.floorReason().isPresent());
                if (author.population() == Population.HONEST) {
                    honestContributions++;
                    if (reward > 0) honestPaid++;
                }
                if (AggregationWeight.aggregated(judgement.score(), Ledger.NEUTRAL)) {
                    // weighed as validators weigh it (never by a self-reported count)
                    accepted.add(ModelUpdate.weighted(
                            judgement.id(),
                            updates.get(i).parameters(),
                            AggregationWeight.of(judgement.score(), Ledger.NEUTRAL)));
                }
            }
            earlier.addAll(updates);
            if (!accepted.isEmpty()) {
                TaskModel next = task.freshGlobalModel().withParameters(new FedAvg().aggregate(accepted));
                task = task.withGlobalModel(ModelCodec.write(next));
            }
            accuracies.add(task.baseline().accuracy());
        }

        TaskModel central = TabularModels.baseModel(table.schema(), SEED);
        LocalTraining.train(central, data(owner, IntUnaryOperator.identity()), 3, SEED);
        List<Integer> honestUnion = new ArrayList<>();
        for (Wallet wallet : wallets) {
            if (wallet.population() == Population.HONEST || wallet.population() == Population.SYBIL) {
                honestUnion.addAll(wallet.shard());
            }
        }
        LocalTraining.train(central, data(honestUnion, IntUnaryOperator.identity()), ROUNDS * EPOCHS, SEED);
        double centralAccuracy = task.measure(central).accuracy();

        Map<Population, Totals> totals = new EnumMap<>(Population.class);
        List<Double> honestRewards = new ArrayList<>();
        for (Population population : Population.values()) {
            int contributions = 0;
            int flooredCount = 0;
            int slashedCount = 0;
            double slashed = 0;
            double rewards = 0;
            for (Wallet wallet : wallets) {
                if (wallet.population() != population) continue;
                Ledger.Account account = ledger.account(wallet.name());
                contributions += account.contributions;
                flooredCount += account.floored;
                slashedCount += account.slashedContributions;
                slashed += account.slashed;
                rewards += account.rewards;
                if (population == Population.HONEST) honestRewards.add(account.rewards);
            }
            totals.put(population, new Totals(contributions, flooredCount, slashedCount, slashed, rewards));
        }
        return new Result(
                totals,
                accuracies,
                centralAccuracy,
                baseAccuracy,
                honestPaid,
                honestContributions,
                honestRewards,
                heldOut.size(),
                kernelShifts);
    }

    /** How the scores moved when every update's parameters moved by one ulp: what another CPU could commit. */
    static final class KernelShifts {
        int compared;
        int moved;
        int largest;
    }

    private static long seedOf(UpdateScreen.Update update) {
        return SEED ^ update.id();
    }

    /** The update with each parameter moved one ulp up or down at random. */
    private static UpdateScreen.Update lastBitsMoved(UpdateScreen.Update update, long seed) {
        float[] moved = update.parameters().clone();
        Random random = new Random(seed);
        for (int i = 0; i < moved.length; i++) {
            moved[i] = random.nextBoolean() ? Math.nextUp(moved[i]) : Math.nextDown(moved[i]);
        }
        return new UpdateScreen.Update(update.id(), update.contributor(), moved);
    }

    /** Shards whose rows are mostly of one class (shard s prefers class s mod classes), the rest drawn from all. */
    private List<List<Integer>> skewedShards(List<Integer> pool, int count, Random random) {
        List<List<Integer>> shards = new ArrayList<>();
        for (int s = 0; s < count; s++) shards.add(new ArrayList<>());
        for (int row : pool) {
            int label = table.labels()[row];
            List<Integer> preferring = new ArrayList<>();
            for (int s = 0; s < count; s++) if (s % table.classes() == label) preferring.add(s);
            int shard = random.nextDouble() < SKEW && !preferring.isEmpty()
                    ? preferring.get(random.nextInt(preferring.size()))
                    : random.nextInt(count);
            shards.get(shard).add(row);
        }
        return shards;
    }

    private DataSet data(List<Integer> rows, IntUnaryOperator labelMap) {
        return TabularDataset.parse(table.csv(rows, labelMap), table.schema(), limits)
                .toDataSet();
    }

    private float[] trained(TaskContext task, List<Integer> shard, IntUnaryOperator labelMap, long seed) {
        TaskModel model = task.freshGlobalModel();
        if (!shard.isEmpty()) LocalTraining.train(model, data(shard, labelMap), EPOCHS, seed);
        return model.parameters();
    }

    /** The global model plus Gaussian noise of {@code relative} times its parameters' root mean square. */
    private static float[] noisy(float[] global, double relative, long seed) {
        double squares = 0;
        for (float value : global) squares += (double) value * value;
        double sigma = relative * Math.sqrt(squares / global.length);
        Random random = new Random(seed);
        float[] out = global.clone();
        for (int i = 0; i < out.length; i++) out[i] += (float) (sigma * random.nextGaussian());
        return out;
    }

    /** Another's update plus noise of 1% of its change from the global model. */
    private static float[] nearCopy(float[] original, float[] global, long seed) {
        double change = 0;
        for (int i = 0; i < original.length; i++) change += Math.pow((double) original[i] - global[i], 2);
        double sigma = 0.01 * Math.sqrt(change / original.length);
        Random random = new Random(seed);
        float[] out = original.clone();
        for (int i = 0; i < out.length; i++) out[i] += (float) (sigma * random.nextGaussian());
        return out;
    }
}
