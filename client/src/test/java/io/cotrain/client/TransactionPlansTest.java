package io.cotrain.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.contracts.AggregationMethod;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transactions defined once for the CLI and the gateway. */
class TransactionPlansTest {
    private static final byte[] SHA = digest(1);
    private static final byte[] ROOT = digest(2);
    private static final byte[] HELD_OUT = digest(3);
    private static final byte[] SCHEMA = digest(4);

    private static byte[] digest(int fill) {
        byte[] digest = new byte[32];
        Arrays.fill(digest, (byte) fill);
        return digest;
    }

    @Test
    void modelSpec_putsEachFieldWhereTheRegistryReadsIt() {
        var spec = TransactionPlans.modelSpec(
                SHA, ROOT, HELD_OUT, SCHEMA, AggregationMethod.MULTI_KRUM, 2, 5, List.of(7_000, 2_000, 1_000));

        assertThat(spec.baseWeightsDigest).isEqualTo(SHA);
        assertThat(spec.baseWeightsRoot).isEqualTo(ROOT);
        assertThat(spec.heldOutDigest).isEqualTo(HELD_OUT);
        assertThat(spec.schemaDigest).isEqualTo(SCHEMA);
        assertThat(AggregationMethod.of(spec.rule)).isEqualTo(AggregationMethod.MULTI_KRUM);
        assertThat(List.of(spec.ruleParameterA, spec.ruleParameterB))
                .containsExactly(BigInteger.TWO, BigInteger.valueOf(5));
        assertThat(List.of(spec.modelUpdateWeightBps, spec.datasetWeightBps, spec.validationWeightBps))
                .containsExactly(BigInteger.valueOf(7_000), BigInteger.valueOf(2_000), BigInteger.valueOf(1_000));
    }

    @Test
    void modelSpec_refusesWeightsThatAreNotOnePerKind() {
        assertThatThrownBy(() -> TransactionPlans.modelSpec(
                        SHA, ROOT, HELD_OUT, SCHEMA, AggregationMethod.FED_AVG, 0, 0, List.of(10_000, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("one reward weight per contribution kind, got [10000, 0]");
    }
}
