package io.cotrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.generated.ModelRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryTableTest {
    private static BigInteger n(long value) {
        return BigInteger.valueOf(value);
    }

    private static ModelRegistry.CommitView commit(
            long branch, long parent, long mergeParent, long round, long contributions, long accuracyPpm, long block) {
        byte[] digest = new byte[32];
        return new ModelRegistry.CommitView(
                n(1),
                n(branch),
                n(parent),
                n(mergeParent),
                n(round),
                digest,
                digest,
                digest,
                n(contributions),
                n(accuracyPpm),
                n(0),
                n(block));
    }

    @Test
    void commitsNewestFirstWithHeadsAndTheDefaultBranchMarked() {
        Map<BigInteger, String> names = Map.of(n(0), "main", n(1), "experiment");
        List<String> lines = HistoryCommand.table(
                List.of(
                        new HistoryCommand.Row(
                                n(4),
                                commit(0, 3, 2, 0, 0, 705_000, 150),
                                List.of(n(3), n(2)),
                                List.of("0 main (default)")),
                        new HistoryCommand.Row(n(3), commit(0, 1, 0, 5, 2, 712_500, 120), List.of(n(1)), List.of()),
                        new HistoryCommand.Row(
                                n(2), commit(1, 1, 0, 0, 0, 0, 110), List.of(n(1)), List.of("1 experiment")),
                        new HistoryCommand.Row(n(1), commit(0, 0, 0, 0, 0, 0, 100), List.of(), List.of())),
                names);
        assertThat(lines)
                .containsExactly(
                        "COMMIT  BRANCH        PARENTS  ROUND  ACCURACY  CONTRIBUTIONS  BLOCK  HEAD OF",
                        "4       0 main        3,2      -      70.50%    0              150    0 main (default)",
                        "3       0 main        1        5      71.25%    2              120",
                        "2       1 experiment  1        -      0.00%     0              110    1 experiment",
                        "1       0 main        -        -      -         0              100    (base model)");
    }

    @Test
    void accuracyIsAPercentageWithTwoDecimals() {
        assertThat(HistoryCommand.accuracy(n(1_000_000))).isEqualTo("100.00%");
        assertThat(HistoryCommand.accuracy(n(473_333))).isEqualTo("47.33%");
    }

    @Test
    void branchNamesAreTheirLabelsWithoutPadding() {
        byte[] label = Arrays.copyOf("main".getBytes(StandardCharsets.UTF_8), 32);
        assertThat(HistoryCommand.name(label)).isEqualTo("main");
        byte[] binary = new byte[32];
        binary[0] = 1;
        assertThat(HistoryCommand.name(binary)).startsWith("0x01");
    }
}
