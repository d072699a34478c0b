package io.cotrain.oracle.aggregation;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Looks rules up by the name a task configures.
 *
 * <table>
 *   <caption>Names and parameters</caption>
 *   <tr><th>name</th><th>parameters</th></tr>
 *   <tr><td>fedavg</td><td>none</td></tr>
 *   <tr><td>median</td><td>none</td></tr>
 *   <tr><td>trimmed-mean</td><td>trim: fraction in [0, 0.5)</td></tr>
 *   <tr><td>krum</td><td>f: assumed Byzantine count, &gt;= 0</td></tr>
 *   <tr><td>multi-krum</td><td>f, and m: updates averaged, &gt;= 1</td></tr>
 * </table>
 */
public final class AggregationRules {
    /** The names {@link #byName} knows. */
    public static final List<String> NAMES = List.of("fedavg", "median", "trimmed-mean", "krum", "multi-krum");

    private AggregationRules() {}

    /** A rule without parameters ({@code fedavg}, {@code median}), on the calling thread. */
    public static AggregationRule byName(String name) {
        return byName(name, Map.of());
    }

    /** The rule of that name with its parameters given as strings, on the calling thread. */
    public static AggregationRule byName(String name, Map<String, String> parameters) {
        return byName(name, parameters, Parallelism.sequential());
    }

    /**
     * The rule of that name with its parameters given as strings, running on {@code parallelism} (which changes no
     * bit of its results).
     *
     * @throws IllegalArgumentException for an unknown name, a missing, unknown or malformed parameter, or a value
     *     out of range; the message names the bad value
     */
    public static AggregationRule byName(String name, Map<String, String> parameters, Parallelism parallelism) {
        if (name == null) throw new IllegalArgumentException("aggregation rule name is null; known: " + NAMES);
        String key = name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "fedavg" -> {
                allowOnly(key, parameters);
                yield new FedAvg(parallelism);
            }
            case "median" -> {
                allowOnly(key, parameters);
                yield new CoordinateMedian(parallelism);
            }
            case "trimmed-mean" -> {
                allowOnly(key, parameters, "trim");
                yield new TrimmedMean(decimal(key, parameters, "trim"), parallelism);
            }
            case "krum" -> {
                allowOnly(key, parameters, "f");
                yield new Krum(integer(key, parameters, "f"), parallelism);
            }
            case "multi-krum" -> {
                allowOnly(key, parameters, "f", "m");
                yield new MultiKrum(integer(key, parameters, "f"), integer(key, parameters, "m"), parallelism);
            }
            default -> throw new IllegalArgumentException("unknown aggregation rule '" + name + "'; known: " + NAMES);
        };
    }

    private static void allowOnly(String rule, Map<String, String> parameters, String... allowed) {
        Set<String> unknown = new HashSet<>(parameters.keySet());
        unknown.removeAll(Set.of(allowed));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown parameter(s) " + new TreeSet<>(unknown) + " for " + rule
                    + "; it takes " + List.of(allowed));
        }
    }

    private static String required(String rule, Map<String, String> parameters, String parameter) {
        String value = parameters.get(parameter);
        if (value == null) throw new IllegalArgumentException(rule + " needs parameter '" + parameter + "'");
        return value.trim();
    }

    private static double decimal(String rule, Map<String, String> parameters, String parameter) {
        String value = required(rule, parameters, parameter);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    rule + " parameter '" + parameter + "' is not a number: '" + value + "'", e);
        }
    }

    private static int integer(String rule, Map<String, String> parameters, String parameter) {
        String value = required(rule, parameters, parameter);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    rule + " parameter '" + parameter + "' is not an integer: '" + value + "'", e);
        }
    }
}
