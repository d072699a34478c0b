package io.cotrain.deployment.economics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cotrain.deployment.demo.DemoTask;
import io.cotrain.oracle.evaluation.DataSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;

/**
 * A real classification table as the benchmark uses it: numeric features standardized (z-scores over all rows, as an
 * owner would scale its columns), integer labels, rows in file order.
 *
 * @param name what the benchmark prints
 * @param schema the task's columns
 * @param features per row, standardized
 * @param labels per row, 0..classes-1
 */
record Table(String name, DataSchema schema, double[][] features, int[] labels) {

    /** The demo's weather table: precipitation, temperatures, wind and the city to the day's weather (5 classes). */
    static Table weather(Path root) throws IOException {
        var rows = DemoTask.convert(Files.readString(root.resolve(DemoTask.SOURCE_PATH)));
        double[][] features = new double[rows.size()][];
        int[] labels = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            String[] fields = rows.get(r).line().split(",");
            features[r] = new double[fields.length - 1];
            for (int f = 0; f < fields.length - 1; f++) features[r][f] = Double.parseDouble(fields[f]);
            labels[r] = rows.get(r).label();
        }
        return new Table("weather.csv", DemoTask.SCHEMA, standardized(features), labels);
    }

    /** vega-datasets' cars: the seven numeric columns to the car's origin (Europe, Japan, USA); rows with nulls out. */
    static Table cars(Path root) throws IOException {
        List<String> columns = List.of(
                "Miles_per_Gallon", "Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration", "Year");
        List<String> origins = List.of("Europe", "Japan", "USA");
        JsonNode cars = new ObjectMapper()
                .readTree(Files.readString(
                        root.resolve("node_modules/vega-datasets/data/cars.json"), StandardCharsets.UTF_8));
        List<double[]> features = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (JsonNode car : cars) {
            double[] row = new double[columns.size()];
            boolean complete = true;
            for (int c = 0; c < columns.size(); c++) {
                JsonNode value = car.get(columns.get(c));
                if (value == null || value.isNull()) {
                    complete = false;
                } else if (value.isNumber()) {
                    row[c] = value.asDouble();
                } else {
                    // Year is a date string: its year
                    row[c] = Double.parseDouble(value.asText().substring(0, 4));
                }
            }
            int origin = origins.indexOf(car.path("Origin").asText());
            if (!complete || origin < 0) continue;
            features.add(row);
            labels.add(origin);
        }
        return new Table(
                "cars.json",
                new DataSchema(columns, "Origin", origins.size()),
                standardized(features.toArray(double[][]::new)),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    int rows() {
        return labels.length;
    }

    int classes() {
        return schema.classCount();
    }

    /** The task's CSV of some rows, labels mapped by {@code labelMap} (the identity, or a poisoner's flip). */
    byte[] csv(List<Integer> rows, IntUnaryOperator labelMap) {
        StringBuilder text = new StringBuilder(String.join(",", schema.columns())).append('\n');
        for (int row : rows) {
            for (double value : features[row])
                text.append(String.format(Locale.ROOT, "%.6f", value)).append(',');
            text.append(labelMap.applyAsInt(labels[row])).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static double[][] standardized(double[][] features) {
        int columns = features[0].length;
        double[][] out = new double[features.length][columns];
        for (int c = 0; c < columns; c++) {
            double sum = 0;
            for (double[] row : features) sum += row[c];
            double mean = sum / features.length;
            double squares = 0;
            for (double[] row : features) squares += (row[c] - mean) * (row[c] - mean);
            double sd = Math.sqrt(squares / features.length);
            for (int r = 0; r < features.length; r++) out[r][c] = sd == 0 ? 0 : (features[r][c] - mean) / sd;
        }
        return out;
    }
}
