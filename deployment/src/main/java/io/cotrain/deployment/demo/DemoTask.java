package io.cotrain.deployment.demo;

import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.HeldOutMetrics;
import io.cotrain.oracle.evaluation.LocalTraining;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TabularModels;
import io.cotrain.oracle.evaluation.TaskModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The demo task of the local network: predict the day's weather (drizzle, fog, rain, snow, sun) from its
 * precipitation, temperatures, wind and city.
 *
 * <p>Data: {@code data/weather.csv} of the npm package {@code vega-datasets} 3.2.1 (BSD-3-Clause), installed by
 * {@code tools/ensure-toolchain.sh} under {@code node_modules/vega-datasets/}: 2,922 daily observations from Seattle
 * and New York, 2012-2015, columns {@code location,date,precipitation,temp_max,temp_min,wind,weather}. Source: NOAA
 * Climate Data Online (National Centers for Environmental Information), a work of the U.S. Government in the public
 * domain ("U.S. Government Dataset", https://www.usa.gov/government-works), as the package's {@code datapackage.json}
 * states; the categorical {@code weather} field was synthesized from several NOAA fields by the package's authors
 * and is meant for instruction.
 *
 * <p>Conversion into the task's CSV ({@link #SCHEMA}): features {@code precipitation} (mm), {@code temp_max} and
 * {@code temp_min} (degrees C), {@code wind} (speed; km/h per the package's
 * {@code datapackage.json}), copied verbatim, and {@code new_york} (1 for New York, 0 for
 * Seattle); label {@code weather} as its index in {@link #CLASS_NAMES} (alphabetical); the date is dropped.
 *
 * <p>Split: each observation goes by the sha256 of {@code location + "," + date}, never by random state, so every
 * run and every machine splits alike: bytes 0-3 (unsigned, mod 100) below {@value #HELD_OUT_PERCENT} put it in the
 * held-out set (validators only), else bytes 8-11 (mod 100) below {@value #OWNER_SAMPLE_PERCENT} in the owner's
 * sample, else bytes 4-7 (unsigned, mod N) pick its contributor shard. Rows keep the file's order. The first global
 * model is the base model ({@link TabularModels#baseModel} from {@link #BASE_MODEL_SEED}) that the task's owner
 * trained for {@value #BASE_MODEL_EPOCHS} epochs on its own small sample, as owners publish a starting point: the
 * contributors then improve on a model that already knows something, and a poisoned update is visibly worse than it.
 *
 * <p>Writes {@code <out>/task-1/}: {@code task.json} (schema, class names, files with sha256, counts, source and
 * licence), {@code held-out.csv}, {@code owner-sample.csv}, {@code global-model.zip} and
 * {@code shards/contributor-<i>.csv} (i = 1..N).
 * Deterministic: two runs write byte-identical files.
 */
public final class DemoTask {

    /** The task id contributions name on chain. */
    public static final long TASK_ID = 1;
    /** The seed of the base model's weights. */
    public static final long BASE_MODEL_SEED = 20_120_101L;
    /** Share of the observations, in percent, kept for the held-out set. */
    public static final int HELD_OUT_PERCENT = 30;
    /** Share of the other observations' hash range, in percent, that is the owner's sample (not in any shard). */
    public static final int OWNER_SAMPLE_PERCENT = 5;
    /** Epochs the owner trains the base model on its sample. */
    public static final int BASE_MODEL_EPOCHS = 3;
    /** Contributor shards written by default. */
    public static final int DEFAULT_SHARDS = 4;
    /** The label's values, in label order (alphabetical). */
    public static final List<String> CLASS_NAMES = List.of("drizzle", "fog", "rain", "snow", "sun");
    /** The task's columns. */
    public static final DataSchema SCHEMA = new DataSchema(
            List.of("precipitation", "temp_max", "temp_min", "wind", "new_york"), "weather", CLASS_NAMES.size());
    /** The header of the source file. */
    public static final String SOURCE_HEADER = "location,date,precipitation,temp_max,temp_min,wind,weather";
    /** The source file inside the repository (installed from npm). */
    public static final String SOURCE_PATH = "node_modules/vega-datasets/data/weather.csv";

    static final String SOURCE_DESCRIPTION = "vega-datasets 3.2.1 (npm, BSD-3-Clause), data/weather.csv: daily "
            + "weather in Seattle and New York 2012-2015 from NOAA Climate Data Online; the weather category was "
            + "synthesized from several NOAA fields by the package's authors, for instruction";
    static final String LICENCE = "NOAA data: U.S. Government work, public domain "
            + "(https://www.usa.gov/government-works); vega-datasets package: BSD-3-Clause";

    private static final Pattern NUMBER = Pattern.compile("-?\\d{1,6}(\\.\\d{1,6})?");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Map<String, String> LOCATIONS = Map.of("Seattle", "0", "New York", "1");

    private DemoTask() {}

    /**
     * One observation in the task's format.
     *
     * @param key   {@code location,date}, what the split hashes
     * @param line  the task's CSV line (no line break)
     * @param label the class index
     */
    public record Row(String key, String line, int label) {}

    /** The held-out rows, the owner's sample and the contributor shards (index 0 is contributor 1). */
    public record Split(List<Row> heldOut, List<Row> ownerSample, List<List<Row>> shards) {}

    /**
     * What {@link #prepare} wrote.
     *
     * @param directory       {@code <out>/task-1}
     * @param rows            observations converted
     * @param heldOutRows     rows in the held-out set
     * @param ownerSampleRows rows the owner trained the base model on
     * @param shardRows       rows per contributor shard
     * @param classCounts     rows per class (all rows), by class name
     * @param baseHeldOut     the base (first global) model's metrics on the held-out set
     */
    public record Prepared(
            Path directory,
            int rows,
            int heldOutRows,
            int ownerSampleRows,
            List<Integer> shardRows,
            Map<String, Integer> classCounts,
            HeldOutMetrics baseHeldOut) {}

    /**
     * Converts the source CSV into the task's rows, in file order.
     *
     * @throws IllegalArgumentException naming the line when the header, a number, a location or a weather value is
     *     not what this task expects
     */
    public static List<Row> convert(String weatherCsv) {
        String[] lines = weatherCsv.split("\r?\n");
        if (lines.length == 0 || !lines[0].equals(SOURCE_HEADER)) {
            throw new IllegalArgumentException("the source header must be " + SOURCE_HEADER);
        }
        var rows = new ArrayList<Row>(lines.length - 1);
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty() && i == lines.length - 1) {
                break;
            }
            String[] f = lines[i].split(",", -1);
            int line = i + 1;
            if (f.length != 7) {
                throw new IllegalArgumentException("line " + line + ": expected 7 fields, found " + f.length);
            }
            String location = LOCATIONS.get(f[0]);
            if (location == null) {
                throw new IllegalArgumentException("line " + line + ": unknown location '" + f[0] + "'");
            }
            if (!DATE.matcher(f[1]).matches()) {
                throw new IllegalArgumentException("line " + line + ": '" + f[1] + "' is not a date");
            }
            for (int c = 2; c <= 5; c++) {
                if (!NUMBER.matcher(f[c]).matches()) {
                    throw new IllegalArgumentException("line " + line + ": '" + f[c] + "' is not a number");
                }
            }
            int label = CLASS_NAMES.indexOf(f[6]);
            if (label < 0) {
                throw new IllegalArgumentException("line " + line + ": unknown weather '" + f[6] + "'");
            }
            String csv = String.join(",", f[2], f[3], f[4], f[5], location, Integer.toString(label));
            rows.add(new Row(f[0] + "," + f[1], csv, label));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the source has no observations");
        }
        return List.copyOf(rows);
    }

    /** Splits rows by the sha256 of their keys into the held-out set, the owner's sample and {@code shards} shards. */
    public static Split split(List<Row> rows, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("at least one contributor shard");
        }
        var heldOut = new ArrayList<Row>();
        var owner = new ArrayList<Row>();
        var parts = new ArrayList<List<Row>>();
        for (int s = 0; s < shards; s++) {
            parts.add(new ArrayList<>());
        }
        for (Row row : rows) {
            byte[] h = sha256(row.key().getBytes(StandardCharsets.UTF_8));
            if (unsigned(h, 0) % 100 < HELD_OUT_PERCENT) {
                heldOut.add(row);
            } else if (unsigned(h, 8) % 100 < OWNER_SAMPLE_PERCENT) {
                owner.add(row);
            } else {
                parts.get((int) (unsigned(h, 4) % shards)).add(row);
            }
        }
        return new Split(
                List.copyOf(heldOut),
                List.copyOf(owner),
                parts.stream().map(List::copyOf).toList());
    }

    /** The task's CSV of some rows: the schema's header, then one line per row, each ending with {@code \n}. */
    public static byte[] csv(List<Row> rows) {
        var text = new StringBuilder(String.join(",", SCHEMA.columns())).append('\n');
        rows.forEach(row -> text.append(row.line()).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Converts {@code source}, splits it and writes the task into {@code <out>/task-1} (replacing the files of an
     * earlier run).
     */
    public static Prepared prepare(Path source, Path out, int shards) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(out, "out");
        try {
            List<Row> rows = convert(Files.readString(source, StandardCharsets.UTF_8));
            Split split = split(rows, shards);
            Path directory = out.resolve("task-" + TASK_ID);
            Path shardDirectory = directory.resolve("shards");
            Files.createDirectories(shardDirectory);
            try (Stream<Path> stale = Files.list(shardDirectory)) {
                for (Path file : stale.toList()) {
                    if (file.getFileName().toString().matches("contributor-\\d+\\.csv")) {
                        Files.delete(file);
                    }
                }
            }

            byte[] heldOut = csv(split.heldOut());
            byte[] ownerSample = csv(split.ownerSample());
            var model = baseModel(ownerSample);
            byte[] globalModel = ModelCodec.write(model);
            TabularDataset heldOutData = TabularDataset.parse(heldOut, SCHEMA, EvaluationLimits.defaults());
            HeldOutMetrics base = HeldOutMetrics.measure(model, heldOutData);

            var files = new LinkedHashMap<String, byte[]>();
            files.put("held-out.csv", heldOut);
            files.put("global-model.zip", globalModel);
            files.put("owner-sample.csv", ownerSample);
            for (int s = 0; s < shards; s++) {
                files.put(
                        "shards/contributor-" + (s + 1) + ".csv",
                        csv(split.shards().get(s)));
            }
            for (var file : files.entrySet()) {
                Files.write(directory.resolve(file.getKey()), file.getValue());
            }
            var classCounts = new LinkedHashMap<String, Integer>();
            CLASS_NAMES.forEach(name -> classCounts.put(name, 0));
            rows.forEach(row -> classCounts.merge(CLASS_NAMES.get(row.label()), 1, Integer::sum));
            List<Integer> shardRows = split.shards().stream().map(List::size).toList();
            describe(rows.size(), split, classCounts, base, files).write(directory.resolve("task.json"));
            return new Prepared(
                    directory,
                    rows.size(),
                    split.heldOut().size(),
                    split.ownerSample().size(),
                    shardRows,
                    classCounts,
                    base);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The owner's base model: the untrained architecture from {@link #BASE_MODEL_SEED}, trained on its sample. */
    public static TaskModel baseModel(byte[] ownerSampleCsv) {
        var model = TabularModels.baseModel(SCHEMA, BASE_MODEL_SEED);
        var sample = TabularDataset.parse(ownerSampleCsv, SCHEMA, EvaluationLimits.defaults())
                .toDataSet();
        return LocalTraining.train(model, sample, BASE_MODEL_EPOCHS, BASE_MODEL_SEED);
    }

    /** What task.json says: the schema, how the data was split, the base model's measure and every file. */
    private static TaskDescription describe(
            int rows, Split split, Map<String, Integer> classCounts, HeldOutMetrics base, Map<String, byte[]> files) {
        var described = new LinkedHashMap<String, TaskDescription.TaskFile>();
        files.forEach((name, bytes) ->
                described.put(name, new TaskDescription.TaskFile(bytes.length, ModelCodec.sha256Hex(bytes))));
        return new TaskDescription(
                TASK_ID,
                "Seattle and New York daily weather",
                SCHEMA.featureColumns(),
                SCHEMA.labelColumn(),
                SCHEMA.classCount(),
                CLASS_NAMES,
                "precipitation (mm), temp_max and temp_min (degrees C), wind (speed, km/h per the package), "
                        + "new_york (1 New York, 0 Seattle); the date is dropped",
                rows,
                split.heldOut().size(),
                split.ownerSample().size(),
                split.shards().stream().map(List::size).toList(),
                classCounts,
                "sha256(location + \",\" + date): bytes 0-3 mod 100 < " + HELD_OUT_PERCENT
                        + " held out, else bytes 8-11 mod 100 < " + OWNER_SAMPLE_PERCENT
                        + " the owner's sample, else bytes 4-7 mod "
                        + split.shards().size() + " is the shard",
                BASE_MODEL_SEED,
                "trained by the owner for " + BASE_MODEL_EPOCHS + " epochs on owner-sample.csv",
                new TaskDescription.HeldOut(base.rows(), base.correct(), base.accuracy()),
                described,
                SOURCE_DESCRIPTION,
                "https://www.ncdc.noaa.gov/cdo-web/",
                LICENCE);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long unsigned(byte[] h, int from) {
        return ((h[from] & 0xffL) << 24)
                | ((h[from + 1] & 0xffL) << 16)
                | ((h[from + 2] & 0xffL) << 8)
                | (h[from + 3] & 0xffL);
    }

    /**
     * {@code DemoTask [--source weather.csv] [--out DIR] [--shards N]}: writes the task and prints a summary. Defaults:
     * {@value #SOURCE_PATH} under the working directory, {@code deployment/target/local-network/tasks},
     * {@value #DEFAULT_SHARDS} shards.
     */
    public static void main(String[] args) {
        Path source = Path.of(SOURCE_PATH);
        Path out = Path.of("deployment/target/local-network/tasks");
        int shards = DEFAULT_SHARDS;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--source" -> source = Path.of(required(args[i], value));
                case "--out" -> out = Path.of(required(args[i], value));
                case "--shards" -> shards = Integer.parseInt(required(args[i], value));
                default -> {
                    System.err.println("usage: DemoTask [--source weather.csv] [--out DIR] [--shards N]");
                    System.exit(2);
                }
            }
            i++;
        }
        Prepared task = prepare(source, out, shards);
        System.out.printf(
                Locale.ROOT,
                "demo task %d in %s: %d rows, %d held out, shards %s, classes %s, "
                        + "base model held-out accuracy %.4f%n",
                TASK_ID,
                task.directory(),
                task.rows(),
                task.heldOutRows(),
                task.shardRows(),
                task.classCounts(),
                task.baseHeldOut().accuracy());
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
