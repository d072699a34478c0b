package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.Sealing;
import io.cotrain.ipfs.testing.IpfsExtension;
import io.cotrain.ipfs.testing.IpfsNode;
import io.cotrain.ipfs.testing.SealingKeys;
import io.cotrain.oracle.aggregation.FedAvg;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.DatasetEvaluator;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.ImageModels;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.MissingValues;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.ModelUpdateEvaluator;
import io.cotrain.oracle.evaluation.SchemaDerivation;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.TaskMetric;
import io.cotrain.oracle.evaluation.TaskModel;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import io.cotrain.oracle.valuation.ValueScore;
import io.cotrain.testing.BenchmarkSize;
import io.cotrain.testing.SyntheticImages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.web3j.crypto.ECKeyPair;

/**
 * Benchmark of a validator's scoring path on a 10,000-row held-out set, and on 3,000 images of a CNN task: each
 * contribution end to end (manifest fetched from a real IPFS node by its on-chain digest and verified, the model
 * fetched and verified, guarded, restored and evaluated, the score computed) beside DL4J alone evaluating the same
 * models on the same rows in the same run (restore from bytes in memory, then {@code evaluate}), and the same models
 * sealed to the validator (the key unwrapped, the weights decrypted and checked against the plaintext's sha256 on top
 * of the path), interleaved pass by pass with the open ones. Prints figures for
 * docs/benchmarks.md (at the recorded size with {@code -Dbenchmark.full=true}, one pass of each in CI); asserts only
 * that the scores are sane, never a time.
 */
@ExtendWith(IpfsExtension.class)
class ScoringPathBenchmarkIT {
    private static final ECKeyPair VALIDATOR = ECKeyPair.create(BigInteger.valueOf(0x5EA1));
    private static final int HELD_OUT_ROWS = 10_000;
    private static final int MODELS = 12;
    /** Passes of the tabular path: a few ms each, so enough to see a difference of 5% (CI: one, and the warm-up). */
    private static final int PASSES = BenchmarkSize.of(15, 1);
    /** Passes of the CNN path: half a second per contribution, where decrypting is lost in the noise anyway. */
    private static final int CNN_PASSES = BenchmarkSize.of(5, 1);

    /** A whole round's size: 50 as recorded, 1,000 for the scale figure ({@code -Dbenchmark.round-contributions}). */
    private static final int ROUND_CONTRIBUTIONS = Integer.getInteger("benchmark.round-contributions", 50);

    private static final int ROUND_PASSES = BenchmarkSize.of(3, 1);
    private static final int IMAGES_PER_CLASS = 1_000;
    private static final String CONTRIBUTOR = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

    @TempDir
    Path work;

    @Test
    void contributionsScoredPerMinute(IpfsNode ipfs) throws Exception {
        var task = new SyntheticTabularTask(SyntheticTabularTask.DEFAULT_SEED, HELD_OUT_ROWS);
        var builders = new Contributions(task);
        List<byte[]> models = new ArrayList<>();
        for (int i = 0; i < MODELS; i++) models.add(builders.honestUpdate(i));
        TaskCatalog tasks = catalog(task.schema(), task.heldOutCsv(), task.baseModelBytes());
        scoringPath(ipfs, tasks, models, PASSES, HELD_OUT_ROWS + " held-out rows");
    }

    /**
     * The same path for an image task: {@value #IMAGES_PER_CLASS} held-out 16x16 grayscale images of each of
     * {@link SyntheticImages}' three classes, the CNN template ({@link ImageModels}), and honest updates each trained
     * on its own images.
     */
    @Test
    void cnnContributionsScoredPerMinute(IpfsNode ipfs) throws Exception {
        EvaluationLimits limits = EvaluationLimits.defaults();
        DataSchema schema = SchemaDerivation.derive(
                        SyntheticImages.archive(10, 1), null, MissingValues.ERROR, TaskMetric.ACCURACY, limits)
                .schema();
        TaskModel base = ImageModels.baseModel(schema, 3);
        LocalTraining.train(
                base,
                TabularDataset.parse(SyntheticImages.archive(10, 1), schema, limits)
                        .toDataSet(),
                1,
                3);
        byte[] baseBytes = ModelCodec.write(base);
        List<byte[]> models = new ArrayList<>();
        for (int i = 0; i < MODELS; i++) {
            TaskModel update = ModelCodec.read(baseBytes, limits);
            var shard = TabularDataset.parse(SyntheticImages.archive(20, 100 + i), schema, limits);
            models.add(ModelCodec.write(LocalTraining.train(update, shard.toDataSet(), 3, i)));
        }
        TaskCatalog tasks = catalog(schema, SyntheticImages.archive(IMAGES_PER_CLASS, 2), baseBytes);
        scoringPath(ipfs, tasks, models, CNN_PASSES, 3 * IMAGES_PER_CLASS + " held-out 16x16 images, CNN");
    }

    /** Scores the models end to end and by DL4J alone, pass after pass, and prints the medians. */
    private void scoringPath(IpfsNode ipfs, TaskCatalog tasks, List<byte[]> models, int passes, String what)
            throws Exception {
        ContentStore content = new ContentStore(ipfs.client());
        ContributionScorer scorer = scorer(content, tasks, new UpdateStore(work));
        TaskContext context = tasks.task(1).orElseThrow();
        List<ContributionRecord> records = new ArrayList<>();
        List<ContributionRecord> sealedRecords = new ArrayList<>();
        List<ContributionManifest> sealedManifests = new ArrayList<>();
        Map<String, byte[]> validatorKey = SealingKeys.publicKeys(VALIDATOR);
        for (int i = 0; i < models.size(); i++) {
            byte[] model = models.get(i);
            Artifact artifact = Artifact.of("model.zip", content.putVerified(model), model, "application/zip");
            ContributionManifest manifest = ContributionManifest.modelUpdate(
                    1,
                    CONTRIBUTOR,
                    List.of(artifact),
                    Contributions.SHARD_ROWS,
                    Cid.of(context.globalModelBytes()).toString());
            content.putManifest(manifest);
            records.add(new ContributionRecord(
                    BigInteger.valueOf(i + 1), BigInteger.ONE, CONTRIBUTOR, 0, 1, manifest.digest(), BigInteger.ONE));
            // its sealed twin, as 'cotrain train' stores it: IPFS holds the ciphertext only
            ContributionManifest sealed =
                    content.putSealed(manifest, model, validatorKey, Sealing.KeySource.random(new SecureRandom()));
            content.putManifest(sealed);
            sealedManifests.add(sealed);
            // the same ids: the sealed twins go to a scorer of their own, which resolves ids from 1
            sealedRecords.add(new ContributionRecord(
                    BigInteger.valueOf(i + 1), BigInteger.ONE, CONTRIBUTOR, 0, 1, sealed.digest(), BigInteger.ONE));
        }
        scorer.scoreAll(records, scored -> assertThat(scored.score()).isGreaterThan(50)); // warm-up
        Path sealedData = Files.createDirectories(work.resolve("sealed"));
        ContributionScorer sealedScorer = scorer(content, tasks, new UpdateStore(sealedData), sealedData);
        sealedScorer.scoreAll(
                sealedRecords, scored -> assertThat(scored.score()).isGreaterThan(50));
        for (byte[] model : models) bareEvaluation(model, context);
        List<byte[]> ciphertexts = new ArrayList<>();
        for (ContributionManifest sealed : sealedManifests) {
            ciphertexts.add(content.fetchArtifact(sealed.artifacts().getFirst()));
        }

        ModelUpdateEvaluator evaluator = new ModelUpdateEvaluator();
        long[] endToEnd = new long[passes];
        long[] endToEndSealed = new long[passes];
        long[] decrypt = new long[passes];
        long[] fetch = new long[passes];
        long[] evaluate = new long[passes];
        long[] bare = new long[passes];
        for (int pass = 0; pass < passes; pass++) {
            // open first on even passes, sealed first on odd ones: whatever the order costs falls on both
            for (boolean sealedTurn : pass % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                long start = System.nanoTime();
                (sealedTurn ? sealedScorer : scorer).scoreAll(sealedTurn ? sealedRecords : records, scored -> {});
                (sealedTurn ? endToEndSealed : endToEnd)[pass] = System.nanoTime() - start;
            }
            long start = System.nanoTime();
            for (int i = 0; i < sealedManifests.size(); i++) {
                ContributionManifest sealed = sealedManifests.get(i);
                sealed.sealing().orElseThrow().open(sealed.binding(), ciphertexts.get(i), VALIDATOR);
            }
            decrypt[pass] = System.nanoTime() - start;
            start = System.nanoTime();
            for (ContributionRecord record : records) {
                content.fetchArtifact(content.fetchManifest(record.contentDigest())
                        .artifacts()
                        .getFirst());
            }
            fetch[pass] = System.nanoTime() - start;
            start = System.nanoTime();
            for (byte[] model : models) evaluator.evaluate(context, model);
            evaluate[pass] = System.nanoTime() - start;
            start = System.nanoTime();
            for (byte[] model : models) bareEvaluation(model, context);
            bare[pass] = System.nanoTime() - start;
        }
        double endToEndMillis = medianMillisEach(endToEnd);
        double sealedMillis = medianMillisEach(endToEndSealed);
        double bareMillis = medianMillisEach(bare);
        System.out.printf(
                "%nscoring path, %s, %d contributions, median of %d passes:%n"
                        + "  end to end (IPFS fetch + verify + guard + restore + evaluate): %.1f ms each, %.0f per "
                        + "minute%n"
                        + "  end to end, sealed (+ unwrap the key, decrypt, verify plaintext): %.1f ms each, %.0f per "
                        + "minute; sealed / open: %.3fx%n"
                        + "    decryption alone (ECDH + HKDF + AES-256-GCM + sha256):      %.2f ms%n"
                        + "    (a round's contributions are fetched ahead while one is evaluated; taken one by one:)%n"
                        + "    IPFS fetch + verify of manifest and model:                   %.1f ms%n"
                        + "    guards + restore + evaluate + score:                         %.1f ms%n"
                        + "  DL4J alone (restore + evaluate):                                %.1f ms each, %.0f per "
                        + "minute%n"
                        + "  end to end / DL4J alone: %.2fx%n",
                what,
                MODELS,
                passes,
                endToEndMillis,
                60_000 / endToEndMillis,
                sealedMillis,
                60_000 / sealedMillis,
                sealedMillis / endToEndMillis,
                medianMillisEach(decrypt),
                medianMillisEach(fetch),
                medianMillisEach(evaluate),
                bareMillis,
                60_000 / bareMillis,
                endToEndMillis / bareMillis);
    }

    /**
     * A whole round as a validator judges it before its commit: its honest updates (50, or as many as
     * {@code -Dbenchmark.round-contributions} says) fetched, verified, guarded and measured alone, then valued together
     * ({@link RoundValuer}: copy and free-rider screens, Shapley values of the round's aggregate on the held-out
     * rows), beside DL4J alone evaluating the same models.
     */
    @Test
    void wholeRoundWithValuationPerMinute(IpfsNode ipfs) throws Exception {
        var task = new SyntheticTabularTask(SyntheticTabularTask.DEFAULT_SEED, HELD_OUT_ROWS);
        var builders = new Contributions(task);
        ContentStore content = new ContentStore(ipfs.client());
        TaskCatalog tasks = catalog(task.schema(), task.heldOutCsv(), task.baseModelBytes());
        UpdateStore updates = new UpdateStore(work);
        EvaluationStore evaluations = new EvaluationStore(work);
        ContributionScorer scorer = scorer(content, tasks, updates);
        RoundValuer valuer = new RoundValuer(
                updates,
                evaluations,
                GlobalModelSource.configured(tasks),
                RoundValuer.Terms.fixed(ValueScore.Scale.defaults(), new FedAvg()),
                Clock.systemUTC());
        TaskContext context = tasks.task(1).orElseThrow();

        List<byte[]> models = new ArrayList<>();
        List<ContributionRecord> records = new ArrayList<>();
        for (int i = 0; i < ROUND_CONTRIBUTIONS; i++) {
            byte[] model = builders.honestUpdate(i);
            models.add(model);
            String contributor = String.format("0x%040x", i + 1);
            Artifact artifact = Artifact.of("model.zip", content.putVerified(model), model, "application/zip");
            ContributionManifest manifest = ContributionManifest.modelUpdate(
                    1,
                    contributor,
                    List.of(artifact),
                    Contributions.SHARD_ROWS,
                    Cid.of(task.baseModelBytes()).toString());
            content.putManifest(manifest);
            records.add(new ContributionRecord(
                    BigInteger.valueOf(i + 1), BigInteger.ONE, contributor, 0, 1, manifest.digest(), BigInteger.ONE));
        }
        scorer.scoreAll(records, evaluations::put); // warm-up
        valuer.value(BigInteger.ONE, records);
        for (byte[] model : models) bareEvaluation(model, context);

        long[] whole = new long[ROUND_PASSES];
        long[] valuation = new long[ROUND_PASSES];
        long[] bare = new long[ROUND_PASSES];
        for (int pass = 0; pass < ROUND_PASSES; pass++) {
            long start = System.nanoTime();
            scorer.scoreAll(records, evaluations::put);
            long judged = System.nanoTime();
            valuer.value(BigInteger.ONE, records);
            whole[pass] = System.nanoTime() - start;
            valuation[pass] = System.nanoTime() - judged;
            start = System.nanoTime();
            for (byte[] model : models) bareEvaluation(model, context);
            bare[pass] = System.nanoTime() - start;
        }
        long paid = records.stream()
                .filter(r -> evaluations.get(r.id()).orElseThrow().score() > 50)
                .count();
        assertThat(paid).as("honest updates valued above neutral").isPositive();
        double wholeMillis = median(whole) / ROUND_CONTRIBUTIONS;
        double bareMillis = median(bare) / ROUND_CONTRIBUTIONS;
        System.out.printf(
                "%nwhole round, %d held-out rows, %d contributions, median of %d passes:%n"
                        + "  fetch + verify + guards + evaluate alone + valuation: %.1f ms each, %.0f per minute%n"
                        + "    of which the round's valuation (screens + Shapley):   %.1f ms each%n"
                        + "  DL4J alone (restore + evaluate):                      %.1f ms each, %.0f per minute%n"
                        + "  %d of %d honest updates valued above neutral; the whole round judged in %.1f s%n",
                HELD_OUT_ROWS,
                ROUND_CONTRIBUTIONS,
                ROUND_PASSES,
                wholeMillis,
                60_000 / wholeMillis,
                median(valuation) / ROUND_CONTRIBUTIONS,
                bareMillis,
                60_000 / bareMillis,
                paid,
                ROUND_CONTRIBUTIONS,
                median(whole) / 1_000);
    }

    /** The task with its held-out set and base model written to the work directory, as a node's catalog reads them. */
    private TaskCatalog catalog(DataSchema schema, byte[] heldOutSet, byte[] baseModel) throws IOException {
        Path heldOut = Files.write(work.resolve("held-out.data"), heldOutSet);
        Path base = Files.write(work.resolve("base.zip"), baseModel);
        TaskCatalog tasks = new TaskCatalog(
                List.of(new TaskCatalog.TaskDefinition(1, schema, heldOut, base)), EvaluationLimits.defaults());
        tasks.bind(1); // no registry here to bind it against
        return tasks;
    }

    /** The scorer a node assembles, with the configured global model and a deadline no fetch here comes near. */
    private ContributionScorer scorer(ContentStore content, TaskCatalog tasks, UpdateStore updates) {
        return scorer(content, tasks, updates, work);
    }

    /** The same, with its own data directory: a sealed twin is a copy of its open model to a scorer that saw both. */
    private ContributionScorer scorer(ContentStore content, TaskCatalog tasks, UpdateStore updates, Path data) {
        return new ContributionScorer(
                content,
                tasks,
                GlobalModelSource.configured(tasks),
                new ModelUpdateEvaluator(),
                new DatasetEvaluator(),
                Clock.systemUTC(),
                new ArtifactIndex(data),
                updates,
                ContributionHistory.NONE,
                RoundDeadlines.fixed(Duration.ofSeconds(30)),
                ContentFetching.defaults(),
                new SealedArtifacts(VALIDATOR, block -> Set.of(), new SealingFaultOutbox(data)));
    }

    private static double median(long[] passNanos) {
        long[] sorted = passNanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    private static double medianMillisEach(long[] passNanos) {
        return median(passNanos) / MODELS;
    }

    /** What DL4J alone does to evaluate a submitted model: restore it from its bytes and evaluate it on the rows. */
    private static double bareEvaluation(byte[] model, TaskContext context) throws Exception {
        var network = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(model), false);
        Evaluation evaluation = new Evaluation(context.schema().classCount());
        evaluation.eval(
                context.heldOut().getLabels(), network.output(context.heldOut().getFeatures()));
        return evaluation.accuracy();
    }
}
