package io.cotrain.oracle.aggregation;

import static io.cotrain.oracle.aggregation.Fixtures.bits;
import static io.cotrain.oracle.aggregation.Fixtures.random;
import static io.cotrain.oracle.aggregation.Fixtures.shuffled;
import static io.cotrain.oracle.aggregation.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MultiKrumTest {
    // f = 1, n = 5, 2 neighbours. Points 0, 1, 2, 3, 50 (ids 1..5): scores 5, 2, 2, 5, 47^2 + 48^2.
    // Ranking: id 2, id 3, id 1 (ties id 4 at 5, lower id first), id 4, id 5.

    @Test
    void averagesTheMLowestScoring() {
        List<ModelUpdate> updates = List.of(update(1, 0f), update(2, 1f), update(3, 2f), update(4, 3f), update(5, 50f));
        // m = 3: ids 1, 2, 3 with equal weights: (0 + 1 + 2) / 3 = 1
        assertThat(new MultiKrum(1, 3).aggregate(updates)).containsExactly(1f);
        // m = 2: ids 2, 3: 1.5
        assertThat(new MultiKrum(1, 2).aggregate(updates)).containsExactly(1.5f);
        // m = 4 = n - f: ids 1..4: 1.5
        assertThat(new MultiKrum(1, 4).aggregate(updates)).containsExactly(1.5f);
    }

    @Test
    void weighsTheSelectedLikeFedAvg() {
        // m = 3 selects ids 1, 2, 3 with weights 1, 1, 2 (id 3 has 2 samples): (0 + 1 + 2 * 2) / 4 = 1.25
        List<ModelUpdate> updates =
                List.of(update(1, 0f), update(2, 1f), update(3, 2, 1, 2f), update(4, 3f), update(5, 50f));
        assertThat(new MultiKrum(1, 3).aggregate(updates)).containsExactly(1.25f);
    }

    @Test
    void withMOneItIsKrum() {
        List<ModelUpdate> updates = random(6, 8, 700);
        assertThat(bits(new MultiKrum(2, 1).aggregate(updates))).containsExactly(bits(new Krum(2).aggregate(updates)));
    }

    @Test
    void inputOrderDoesNotMatter() {
        MultiKrum rule = new MultiKrum(2, 4);
        List<ModelUpdate> updates = random(7, 9, 2500);
        int[] expected = bits(rule.aggregate(updates));
        for (long seed = 0; seed < 10; seed++) {
            assertThat(bits(rule.aggregate(shuffled(updates, seed)))).containsExactly(expected);
        }
    }

    @Test
    void requiresAtLeastTwoFPlusThreeUpdates() {
        List<ModelUpdate> six = random(8, 6, 3);
        assertThatThrownBy(() -> new MultiKrum(2, 2).aggregate(six))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("multi-krum with f=2 needs at least 2f+3=7 updates, got 6");
    }

    @Test
    void requiresMAtMostNMinusF() {
        List<ModelUpdate> five = random(9, 5, 3);
        assertThatThrownBy(() -> new MultiKrum(1, 5).aggregate(five))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("multi-krum's m=5 must be <= n - f = 4 (n=5, f=1)");
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> new MultiKrum(-2, 1))
                .hasMessage("multi-Krum's Byzantine count f must be >= 0, got -2");
        assertThatThrownBy(() -> new MultiKrum(1, 0)).hasMessage("multi-Krum's m must be >= 1, got 0");
    }
}
