package io.cotrain.oracle.aggregation;

import static io.cotrain.oracle.aggregation.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AggregationRulesTest {

    @Test
    void findsEachRuleByName() {
        assertThat(AggregationRules.byName("fedavg")).isInstanceOf(FedAvg.class);
        assertThat(AggregationRules.byName("median")).isInstanceOf(CoordinateMedian.class);
        assertThat(AggregationRules.byName("trimmed-mean", Map.of("trim", "0.25")))
                .isInstanceOfSatisfying(
                        TrimmedMean.class, r -> assertThat(r.trim()).isEqualTo(0.25));
        assertThat(AggregationRules.byName("krum", Map.of("f", "2")))
                .isInstanceOfSatisfying(Krum.class, r -> assertThat(r.f()).isEqualTo(2));
        assertThat(AggregationRules.byName("multi-krum", Map.of("f", "1", "m", "3")))
                .isInstanceOfSatisfying(MultiKrum.class, r -> {
                    assertThat(r.f()).isEqualTo(1);
                    assertThat(r.m()).isEqualTo(3);
                });
        assertThat(AggregationRules.byName(" FedAvg ")).isInstanceOf(FedAvg.class);
    }

    @Test
    void namesRoundTrip() {
        for (String name : AggregationRules.NAMES) {
            Map<String, String> parameters = switch (name) {
                case "trimmed-mean" -> Map.of("trim", "0.1");
                case "krum" -> Map.of("f", "1");
                case "multi-krum" -> Map.of("f", "1", "m", "2");
                default -> Map.of();
            };
            assertThat(AggregationRules.byName(name, parameters).name()).isEqualTo(name);
        }
    }

    @Test
    void rejectsAnUnknownName() {
        assertThatThrownBy(() -> AggregationRules.byName("geomed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown aggregation rule 'geomed'")
                .hasMessageContaining("fedavg");
        assertThatThrownBy(() -> AggregationRules.byName(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsBadTrim() {
        assertThatThrownBy(() -> AggregationRules.byName("trimmed-mean", Map.of("trim", "0.5")))
                .hasMessage("trim fraction must be in [0, 0.5), got 0.5");
        assertThatThrownBy(() -> AggregationRules.byName("trimmed-mean", Map.of("trim", "a quarter")))
                .hasMessage("trimmed-mean parameter 'trim' is not a number: 'a quarter'");
        assertThatThrownBy(() -> AggregationRules.byName("trimmed-mean"))
                .hasMessage("trimmed-mean needs parameter 'trim'");
    }

    @Test
    void rejectsBadKrumParameters() {
        assertThatThrownBy(() -> AggregationRules.byName("krum", Map.of("f", "-3")))
                .hasMessage("Krum's Byzantine count f must be >= 0, got -3");
        assertThatThrownBy(() -> AggregationRules.byName("krum", Map.of("f", "1.5")))
                .hasMessage("krum parameter 'f' is not an integer: '1.5'");
        assertThatThrownBy(() -> AggregationRules.byName("multi-krum", Map.of("f", "1")))
                .hasMessage("multi-krum needs parameter 'm'");
        assertThatThrownBy(() -> AggregationRules.byName("multi-krum", Map.of("f", "1", "m", "0")))
                .hasMessage("multi-Krum's m must be >= 1, got 0");
    }

    @Test
    void rejectsUnknownParameters() {
        assertThatThrownBy(() -> AggregationRules.byName("fedavg", Map.of("trim", "0.1")))
                .hasMessage("unknown parameter(s) [trim] for fedavg; it takes []");
        assertThatThrownBy(() -> AggregationRules.byName("krum", Map.of("f", "1", "m", "2")))
                .hasMessage("unknown parameter(s) [m] for krum; it takes [f]");
    }

    static List<AggregationRule> rules() {
        return Fixtures.allRules();
    }

    @ParameterizedTest
    @MethodSource("rules")
    void everyRuleRejectsAnEmptyList(AggregationRule rule) {
        assertThatThrownBy(() -> rule.aggregate(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no updates to aggregate (empty list)");
    }

    @ParameterizedTest
    @MethodSource("rules")
    void everyRuleRejectsDifferentLengths(AggregationRule rule) {
        List<ModelUpdate> updates = List.of(
                update(1, 0f, 0f), update(2, 1f, 0f), update(3, 2f, 0f), update(4, 3f, 0f), update(5, 4f, 0f, 9f));
        assertThatThrownBy(() -> rule.aggregate(updates))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("contribution 5 has 3 parameters but contribution 1 has 2");
    }
}
