package io.cotrain.oracle.valuation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Tells which of a round's datasets are mostly rows that earlier datasets of the task submitted first: more than
 * {@value #COPIED_ROWS} of its distinct rows appear in datasets of lower ids (of this round, or of the earlier rounds
 * handed in). Such a dataset is a copy and scores the floor, whoever submitted the earlier rows; the earliest keeps the
 * credit. Rows are compared by fingerprint, so a row is the same whatever text it was written in; a dataset that
 * changes every row a little is not caught here, and is judged by what it adds like any other.
 */
public final class DatasetScreen {
    /** The share of a dataset's distinct rows, submitted earlier, above which it is a copy. */
    public static final double COPIED_ROWS = 0.5;

    /**
     * A dataset's rows.
     *
     * @param id its contribution id
     * @param fingerprints its distinct row fingerprints
     */
    public record Dataset(long id, long[] fingerprints) {}

    private DatasetScreen() {}

    /**
     * @param round the round's datasets (of one task), any order
     * @param earlier datasets of the task's earlier rounds
     * @return the floor reason of each of the round's datasets that is a copy, by ascending id
     */
    public static Map<Long, String> copies(List<Dataset> round, List<Dataset> earlier) {
        Map<Long, Long> firstSubmitter = new HashMap<>();
        List<Dataset> all = new ArrayList<>(earlier);
        all.addAll(round);
        all.sort(Comparator.comparingLong(Dataset::id));
        Map<Long, String> copies = new LinkedHashMap<>();
        Set<Long> ofRound = round.stream().map(Dataset::id).collect(Collectors.toSet());
        for (Dataset dataset : all) {
            Map<Long, Integer> sharedWith = new TreeMap<>();
            int distinct = dataset.fingerprints().length;
            for (long fingerprint : dataset.fingerprints()) {
                Long first = firstSubmitter.putIfAbsent(fingerprint, dataset.id());
                if (first != null && first != dataset.id()) sharedWith.merge(first, 1, Integer::sum);
            }
            int copied =
                    sharedWith.values().stream().mapToInt(Integer::intValue).sum();
            if (ofRound.contains(dataset.id()) && copied > COPIED_ROWS * distinct) {
                long source = sharedWith.entrySet().stream()
                        .max(Map.Entry.<Long, Integer>comparingByValue()
                                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                        .map(Map.Entry::getKey)
                        .orElseThrow();
                copies.put(
                        dataset.id(),
                        String.format(
                                Locale.ROOT,
                                "copy of contribution %d: %d of its %d rows were submitted earlier (%d by contribution "
                                        + "%d)",
                                source,
                                copied,
                                distinct,
                                sharedWith.get(source),
                                source));
            }
        }
        return copies;
    }
}
