package io.cotrain.oracle.valuation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DatasetScreenTest {

    @Test
    void copies_mostlyRowsOfAnEarlierRoundsDataset_floorsAndNamesTheOriginal() {
        var original = new DatasetScreen.Dataset(3, rows(0, 100));
        var copy = new DatasetScreen.Dataset(9, rows(20, 120)); // 80 of its 100 rows were submitted by 3

        assertThat(DatasetScreen.copies(List.of(copy), List.of(original)))
                .containsOnlyKeys(9L)
                .containsValue(
                        "copy of contribution 3: 80 of its 100 rows were submitted earlier (80 by contribution 3)");
    }

    @Test
    void copies_inOneRound_theEarliestIdKeepsTheCredit_whateverTheOrder() {
        var first = new DatasetScreen.Dataset(4, rows(0, 100));
        var second = new DatasetScreen.Dataset(5, rows(0, 100));

        assertThat(DatasetScreen.copies(List.of(second, first), List.of())).containsOnlyKeys(5L);
    }

    @Test
    void copies_rowsFromSeveralEarlierDatasets_countTogether_andNameTheLargestSource() {
        var a = new DatasetScreen.Dataset(1, rows(0, 100));
        var b = new DatasetScreen.Dataset(2, rows(100, 200));
        var mixed = new DatasetScreen.Dataset(
                7,
                LongStream.concat(LongStream.of(rows(70, 140)), LongStream.of(rows(1_000, 1_030)))
                        .toArray()); // 30 rows of 1, 40 of 2, 30 new

        assertThat(DatasetScreen.copies(List.of(mixed), List.of(a, b)).get(7L))
                .isEqualTo("copy of contribution 2: 70 of its 100 rows were submitted earlier (40 by contribution 2)");
    }

    @Test
    void copies_halfOrLessOfItsRowsSeenBefore_isNoCopy() {
        var original = new DatasetScreen.Dataset(1, rows(0, 100));
        var overlapping = new DatasetScreen.Dataset(2, rows(50, 150)); // exactly half

        assertThat(DatasetScreen.copies(List.of(overlapping), List.of(original)))
                .isEmpty();
    }

    @Test
    void copies_anEarlierRoundsDatasetIsNeverJudgedAgain() {
        var original = new DatasetScreen.Dataset(1, rows(0, 100));
        var earlierCopy = new DatasetScreen.Dataset(2, rows(0, 100));
        var fresh = new DatasetScreen.Dataset(8, rows(500, 600));

        assertThat(DatasetScreen.copies(List.of(fresh), List.of(original, earlierCopy)))
                .isEmpty();
    }

    private static long[] rows(long from, long to) {
        return LongStream.range(from, to)
                .map(row -> row * 0x9E3779B97F4A7C15L)
                .sorted()
                .toArray();
    }
}
