package io.cotrain.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AggregationWeightTest {
    @Test
    void test_of_belowNeutral_staysOutOfTheAggregate() {
        assertThat(AggregationWeight.of(49, 50)).isZero();
        assertThat(AggregationWeight.of(1, 50)).isZero();
        assertThat(AggregationWeight.of(0, 50)).as("a round without quorum").isZero();
        assertThat(AggregationWeight.aggregated(49, 50)).isFalse();
    }

    @Test
    void test_of_fromNeutral_weighsOnePlusThePointsAboveIt() {
        assertThat(AggregationWeight.of(50, 50)).isEqualTo(1);
        assertThat(AggregationWeight.of(51, 50)).isEqualTo(2);
        assertThat(AggregationWeight.of(100, 50)).isEqualTo(51);
        assertThat(AggregationWeight.of(100, 21)).isEqualTo(80);
        assertThat(AggregationWeight.aggregated(50, 50)).isTrue();
    }
}
