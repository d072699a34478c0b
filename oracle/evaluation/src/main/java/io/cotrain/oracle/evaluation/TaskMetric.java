package io.cotrain.oracle.evaluation;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a task measures a model by on its held-out set, as its schema records it; the one metric interface scoring,
 * valuation and the registry's records go through ({@link HeldOutMetrics}). Each metric has a value, higher is better
 * and 1 at best, whose difference between a candidate and the global model is what {@link QualityScore} scores:
 * <ul>
 *   <li>{@link #ACCURACY}: the share of rows classified correctly;</li>
 *   <li>{@link #MACRO_F1}: the mean over classes of {@code 2 TP / (2 TP + FP + FN)}, over the classes that occur in
 *       the rows, so that rare classes weigh as much as common ones;</li>
 *   <li>{@link #MSE} and {@link #MAE}, for regression: the skill score {@code 1 - error / reference}, where the error
 *       is the mean squared (absolute) error and the reference is the error of always predicting the rows' mean
 *       (median). A difference of two skill scores is the error reduction as a share of the reference, so +0.05 (5%
 *       of the reference error removed) earns full marks, as 5 accuracy points do.</li>
 * </ul>
 */
public enum TaskMetric {
    /** Classification, by the share of rows classified correctly. */
    ACCURACY("accuracy", false),
    /** Classification, by the macro-averaged F1 score. */
    MACRO_F1("macroF1", false),
    /** Regression, by the mean squared error's skill score. */
    MSE("mseSkill", true),
    /** Regression, by the mean absolute error's skill score. */
    MAE("maeSkill", true);

    private final String metricKey;
    private final boolean regression;

    TaskMetric(String metricKey, boolean regression) {
        this.metricKey = metricKey;
        this.regression = regression;
    }

    /** Whether the task predicts one number (regression) rather than a class. */
    public boolean regression() {
        return regression;
    }

    /** The key of the value in an {@link Evaluation}'s metrics: {@code accuracy}, {@code macroF1}, ... */
    public String metricKey() {
        return metricKey;
    }

    /** The name in schema documents and on the command line: {@code accuracy}, {@code macro-f1}, {@code mse}, ... */
    public String documentName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param name a {@link #documentName()}
     * @return the metric
     * @throws IllegalArgumentException listing the names when there is no such metric
     */
    public static TaskMetric ofDocumentName(String name) {
        return Arrays.stream(values())
                .filter(metric -> metric.documentName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("metric '" + name + "' is not one of "
                        + Arrays.stream(values()).map(TaskMetric::documentName).toList()));
    }
}
