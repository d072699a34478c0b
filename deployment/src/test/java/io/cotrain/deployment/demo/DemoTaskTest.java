package io.cotrain.deployment.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.HeldOutMetrics;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TabularModels;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.testing.RepositoryRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTaskTest {
    private static final Path WEATHER = RepositoryRoot.path().resolve(DemoTask.SOURCE_PATH);

    @Test
    void convertsObservationsIntoTheTaskFormat() {
        var rows = DemoTask.convert("""
                location,date,precipitation,temp_max,temp_min,wind,weather
                Seattle,2012-01-01,0.0,12.8,5.0,4.7,drizzle
                New York,2013-02-08,-0.5,-3.3,-8.9,7.1,snow
                Seattle,2012-01-03,0.8,11.7,7.2,2.3,sun
                New York,2012-06-01,10.2,20.0,15.6,3.4,rain
                Seattle,2012-03-07,0.0,10.0,2.8,1.1,fog
                """);
        assertThat(rows)
                .extracting(DemoTask.Row::line)
                .containsExactly(
                        "0.0,12.8,5.0,4.7,0,0",
                        "-0.5,-3.3,-8.9,7.1,1,3",
                        "0.8,11.7,7.2,2.3,0,4",
                        "10.2,20.0,15.6,3.4,1,2",
                        "0.0,10.0,2.8,1.1,0,1");
        assertThat(rows).extracting(DemoTask.Row::key).startsWith("Seattle,2012-01-01", "New York,2013-02-08");
        assertThat(new String(DemoTask.csv(rows.subList(0, 1)), StandardCharsets.UTF_8))
                .isEqualTo("precipitation,temp_max,temp_min,wind,new_york,weather\n0.0,12.8,5.0,4.7,0,0\n");
        // the task's CSV is what validators parse
        var parsed = TabularDataset.parse(DemoTask.csv(rows), DemoTask.SCHEMA, EvaluationLimits.defaults());
        assertThat(parsed.rows()).isEqualTo(5);
        assertThat(parsed.features(1)).containsExactly(-0.5f, -3.3f, -8.9f, 7.1f, 1f);
        assertThat(parsed.label(1)).isEqualTo(3);
    }

    @Test
    void rejectsAnotherFileNamingTheLine() {
        String header = DemoTask.SOURCE_HEADER + "\n";
        assertThatThrownBy(() -> DemoTask.convert("date,weather\n2012-01-01,sun\n"))
                .hasMessageContaining("header");
        assertThatThrownBy(() -> DemoTask.convert(header + "Seattle,2012-01-01,0.0,1,2,3,hail\n"))
                .hasMessageContaining("line 2")
                .hasMessageContaining("hail");
        assertThatThrownBy(() -> DemoTask.convert(header + "Boston,2012-01-01,0.0,1,2,3,sun\n"))
                .hasMessageContaining("Boston");
        assertThatThrownBy(() -> DemoTask.convert(header + "Seattle,2012-01-01,NaN,1,2,3,sun\n"))
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> DemoTask.convert(header)).hasMessageContaining("no observations");
    }

    @Test
    void splitsByTheKeyAloneIntoDisjointParts() throws Exception {
        var rows = DemoTask.convert(Files.readString(WEATHER));
        assertThat(rows).hasSize(2922);
        var split = DemoTask.split(rows, 4);
        assertThat(split.heldOut().size()).isBetween(2922 * 27 / 100, 2922 * 33 / 100);
        var all = new ArrayList<>(split.heldOut());
        all.addAll(split.ownerSample());
        split.shards().forEach(shard -> {
            assertThat(shard.size()).isBetween(400, 620);
            all.addAll(shard);
        });
        assertThat(all).hasSize(rows.size()).containsExactlyInAnyOrderElementsOf(rows);
        assertThat(new HashSet<>(rows.stream().map(DemoTask.Row::key).toList())).hasSize(rows.size());

        // a row's place depends on its key only: not on the other rows or their order
        var reversed = new ArrayList<>(rows);
        Collections.reverse(reversed);
        var again = DemoTask.split(reversed.subList(0, 1000), 4);
        assertThat(split.heldOut()).containsAll(again.heldOut());
        assertThat(split.ownerSample()).containsAll(again.ownerSample());
        for (int s = 0; s < 4; s++) {
            assertThat(split.shards().get(s)).containsAll(again.shards().get(s));
        }
    }

    @Test
    void twoRunsWriteByteIdenticalFilesThatValidatorsLoad(@TempDir Path first, @TempDir Path second) throws Exception {
        var a = DemoTask.prepare(WEATHER, first, 4);
        var b = DemoTask.prepare(WEATHER, second, 4);
        List<Path> files = files(a.directory());
        assertThat(files)
                .containsExactly(
                        Path.of("global-model.zip"),
                        Path.of("held-out.csv"),
                        Path.of("owner-sample.csv"),
                        Path.of("shards"),
                        Path.of("shards/contributor-1.csv"),
                        Path.of("shards/contributor-2.csv"),
                        Path.of("shards/contributor-3.csv"),
                        Path.of("shards/contributor-4.csv"),
                        Path.of("task.json"));
        assertThat(files(b.directory())).isEqualTo(files);
        for (Path file : files) {
            if (Files.isRegularFile(a.directory().resolve(file))) {
                assertThat(Files.readAllBytes(b.directory().resolve(file)))
                        .as("%s", file)
                        .isEqualTo(Files.readAllBytes(a.directory().resolve(file)));
            }
        }
        assertThat(a.rows()).isEqualTo(2922);
        assertThat(a.heldOutRows()
                        + a.ownerSampleRows()
                        + a.shardRows().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(2922);
        assertThat(a.ownerSampleRows()).isBetween(60, 150);
        assertThat(a.classCounts())
                .containsExactly(
                        Map.entry("drizzle", 111),
                        Map.entry("fog", 139),
                        Map.entry("rain", 1087),
                        Map.entry("snow", 119),
                        Map.entry("sun", 1466));

        TaskDescription described = TaskDescription.read(a.directory().resolve("task.json"));
        assertThat(described.featureColumns())
                .containsExactly("precipitation", "temp_max", "temp_min", "wind", "new_york");
        assertThat(described.classNames()).containsExactly("drizzle", "fog", "rain", "snow", "sun");
        assertThat(described.classCounts()).isEqualTo(a.classCounts());
        assertThat(described.baseModelHeldOut().correct())
                .isEqualTo(a.baseHeldOut().correct());
        assertThat(described.licence()).contains("NOAA").contains("public domain");
        assertThat(described.source()).contains("BSD-3-Clause");
        assertThat(described.files().get("global-model.zip").sha256())
                .isEqualTo(ModelCodec.sha256Hex(Files.readAllBytes(a.directory().resolve("global-model.zip"))));

        // what a validator builds from the files: the owner's base model is the first global model
        byte[] heldOut = Files.readAllBytes(a.directory().resolve("held-out.csv"));
        byte[] model = Files.readAllBytes(a.directory().resolve("global-model.zip"));
        var context =
                TaskContext.create(DemoTask.TASK_ID, DemoTask.SCHEMA, heldOut, model, EvaluationLimits.defaults());
        assertThat(context.baseline()).isEqualTo(a.baseHeldOut());
        assertThat(model)
                .isEqualTo(ModelCodec.write(
                        DemoTask.baseModel(Files.readAllBytes(a.directory().resolve("owner-sample.csv")))));
        assertThat(a.baseHeldOut().accuracy())
                .as("the owner's sample teaches the base model something")
                .isGreaterThan(HeldOutMetrics.measure(
                                        TabularModels.baseModel(DemoTask.SCHEMA, DemoTask.BASE_MODEL_SEED),
                                        context.heldOutData())
                                .accuracy()
                        + 0.2);

        // the shards teach the base model something: one contributor's shard lifts held-out accuracy
        byte[] shard = Files.readAllBytes(a.directory().resolve("shards/contributor-1.csv"));
        var trained = LocalTraining.train(
                context.freshGlobalModel(),
                TabularDataset.parse(shard, DemoTask.SCHEMA, EvaluationLimits.defaults())
                        .toDataSet(),
                5,
                1);
        double accuracy = HeldOutMetrics.measure(trained, context.heldOutData()).accuracy();
        System.out.printf(
                "demo task: base held-out accuracy %.4f, after 5 epochs on shard 1 %.4f%n",
                a.baseHeldOut().accuracy(), accuracy);
        assertThat(accuracy).isGreaterThan(a.baseHeldOut().accuracy());
    }

    @Test
    void rewritingWithFewerShardsLeavesNoStaleShard(@TempDir Path out) throws Exception {
        DemoTask.prepare(WEATHER, out, 5);
        var prepared = DemoTask.prepare(WEATHER, out, 2);
        try (Stream<Path> shards = Files.list(prepared.directory().resolve("shards"))) {
            assertThat(shards.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("contributor-1.csv", "contributor-2.csv");
        }
    }

    private static List<Path> files(Path directory) throws Exception {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(p -> !p.equals(directory))
                    .map(directory::relativize)
                    .sorted()
                    .toList();
        }
    }
}
