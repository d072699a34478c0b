package io.cotrain.oracle.valuation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a round's model updates must pass before they are valued: not a near-copy of an earlier update, and not a
 * negligible change from the global model. Both are measured against changes from the global model, so they hold
 * whatever the model's scale or how far training has come.
 *
 * <ul>
 *   <li>Near-copy: parameters within {@value #NEAR_COPY} of the earlier update's own change from the global model of
 *       those of an earlier update (a lower id in this round, or any update of an earlier round of the task). The
 *       earliest keeps the credit; a copy with a little noise added is caught as well as a bit-identical one. The
 *       limit is the original's own change, not the round's, so other contributors' updates cannot widen it until
 *       honest updates look like copies of each other. A copy of its author's own earlier update is a resubmission
 *       (the global model did not move, so the same data trained to the same update): unvalued, and neither paid nor
 *       slashed.</li>
 *   <li>Free rider: a change from the global model under {@value #FREE_RIDER} of the typical change (the median) of
 *       the round's other updates: the global model resubmitted, or with noise too small to matter. It is unpaid and
 *       left out of the aggregate, but not slashed: the round's other updates set the line, and an attacker who
 *       floods a round with large changes could push an honest update under it.</li>
 * </ul>
 * Distances are Euclidean, accumulated in double in parameter order. The cost is one pass over the parameters per
 * pair compared, so the earlier updates handed in should be those of the task's recent rounds.
 */
public final class UpdateScreen {
    /** The distance, relative to the round's typical change, within which an update is a copy of an earlier one. */
    public static final double NEAR_COPY = 0.1;
    /** The change, relative to the round's other updates' typical change, under which an update is a free rider. */
    public static final double FREE_RIDER = 0.1;
    /** The cosine between two updates' changes from the global model at or above which they are the same work. */
    public static final double SAME_WORK = 0.95;

    /**
     * A model update's parameters.
     *
     * @param id its contribution id
     * @param contributor who submitted it (an address, compared ignoring case)
     * @param parameters its flat parameters
     */
    public record Update(long id, String contributor, float[] parameters) {}

    /** What the screen decided for one update. */
    public sealed interface Verdict {
        /** Valued with the round's other admitted updates. */
        record Admitted() implements Verdict {}

        /** Scores the floor: a copy of someone else's update. */
        record Floored(String reason) implements Verdict {}

        /**
         * A free rider, or the same work as an earlier update: unvalued, it scores just under neutral (unpaid, not
         * aggregated, not slashed).
         */
        record Unpaid(String reason) implements Verdict {}

        /**
         * Its own earlier update again (its author trained the same data from the same model): no new work, so it is
         * not valued and scores neutral, paid nothing and slashed nothing.
         */
        record Resubmitted(long original) implements Verdict {}
    }

    private UpdateScreen() {}

    /**
     * @param global the global model's parameters the round's updates were trained from
     * @param round the round's updates (of one task), any order
     * @param earlier updates of the task's earlier rounds
     * @return the verdict on each of the round's updates, by ascending id
     */
    public static Map<Long, Verdict> screen(float[] global, List<Update> round, List<Update> earlier) {
        List<Update> sorted =
                round.stream().sorted(Comparator.comparingLong(Update::id)).toList();
        double[] change = sorted.stream()
                .mapToDouble(update -> distance(update.parameters(), global))
                .toArray();
        Map<Long, Verdict> verdicts = new LinkedHashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            Update update = sorted.get(i);
            Optional<Verdict> copy = copyOf(update, sorted.subList(0, i), earlier, global);
            if (copy.isPresent()) {
                verdicts.put(update.id(), copy.get());
                continue;
            }
            Optional<Verdict> sameWork = sameWorkAs(update, sorted.subList(0, i), global);
            if (sameWork.isPresent()) {
                verdicts.put(update.id(), sameWork.get());
                continue;
            }
            double others = medianWithout(change, i);
            verdicts.put(
                    update.id(),
                    change[i] < FREE_RIDER * others
                            ? new Verdict.Unpaid(String.format(
                                    Locale.ROOT,
                                    "free rider: its change from the global model "
                                            + "(%.3g) is under %.0f%% of the round's typical change (%.3g)",
                                    change[i],
                                    FREE_RIDER * 100,
                                    others))
                            : new Verdict.Admitted());
        }
        return verdicts;
    }

    private static Optional<Verdict> copyOf(Update update, List<Update> before, List<Update> earlier, float[] global) {
        List<Update> candidates = new ArrayList<>(earlier);
        candidates.addAll(before);
        candidates.sort(Comparator.comparingLong(Update::id));
        for (Update original : candidates) {
            if (original.parameters().length != update.parameters().length) continue;
            double distance = distance(update.parameters(), original.parameters());
            double limit = NEAR_COPY * distance(original.parameters(), global);
            if (distance > limit) continue;
            if (original.contributor().equalsIgnoreCase(update.contributor())) {
                return Optional.of(new Verdict.Resubmitted(original.id()));
            }
            return Optional.of(new Verdict.Floored(String.format(
                    Locale.ROOT,
                    "near-copy of contribution %d: its "
                            + "parameters are %.3g from that update's, within %.0f%% of that update's own change "
                            + "(%.3g)",
                    original.id(),
                    distance,
                    NEAR_COPY * 100,
                    limit / NEAR_COPY)));
        }
        return Optional.empty();
    }

    private static Optional<Verdict> sameWorkAs(Update update, List<Update> before, float[] global) {
        for (Update original : before) {
            double cosine = cosine(update.parameters(), original.parameters(), global);
            if (cosine >= SAME_WORK) {
                return Optional.of(new Verdict.Unpaid(String.format(
                        Locale.ROOT,
                        "same work as contribution %d: its "
                                + "change from the global model points the same way (cosine %.3f, at least %.2f)",
                        original.id(),
                        cosine,
                        SAME_WORK)));
            }
        }
        return Optional.empty();
    }

    /** The cosine between {@code a - global} and {@code b - global}; 0 when either has not moved. */
    static double cosine(float[] a, float[] b, float[] global) {
        if (a.length != b.length) return 0;
        double dot = 0;
        double squaresA = 0;
        double squaresB = 0;
        for (int i = 0; i < a.length; i++) {
            double changeA = (double) a[i] - global[i];
            double changeB = (double) b[i] - global[i];
            dot += changeA * changeB;
            squaresA += changeA * changeA;
            squaresB += changeB * changeB;
        }
        return squaresA == 0 || squaresB == 0 ? 0 : dot / Math.sqrt(squaresA * squaresB);
    }

    static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    private static double median(double[] values) {
        if (values.length == 0) return 0;
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The median of the others' changes; with no others, 0 (an update alone in its round is valued, not screened). */
    private static double medianWithout(double[] values, int skip) {
        if (values.length == 1) return 0;
        double[] others = new double[values.length - 1];
        for (int i = 0, j = 0; i < values.length; i++) if (i != skip) others[j++] = values[i];
        return median(others);
    }
}
