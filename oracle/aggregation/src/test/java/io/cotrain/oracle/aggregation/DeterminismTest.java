package io.cotrain.oracle.aggregation;

import static io.cotrain.oracle.aggregation.Fixtures.bits;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Two "validators" each build the same accepted updates on their own (fresh arrays, different list implementations,
 * different orders) and each looks the rules up by name: every rule must give the same bytes on both.
 */
class DeterminismTest {
    private static final int N = 9;
    private static final int D = 3 * Updates.BLOCK + 123;

    /** The updates as a validator would rebuild them from the round's records, in the order it saw them. */
    private static List<ModelUpdate> validatorView(List<ModelUpdate> target, long orderSeed) {
        Random random = new Random(42);
        List<ModelUpdate> built = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            float[] p = new float[D];
            for (int j = 0; j < D; j++) p[j] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(9) - 4));
            long samples = 1 + random.nextInt(50_000);
            int score = 1 + random.nextInt(100);
            built.add(new ModelUpdate(7919L * (i * 31 % N) + 5, p, samples, score));
        }
        Collections.shuffle(built, new Random(orderSeed));
        target.addAll(built);
        return target;
    }

    private static final List<Map.Entry<String, Map<String, String>>> RULES = List.of(
            Map.entry("fedavg", Map.of()),
            Map.entry("median", Map.of()),
            Map.entry("trimmed-mean", Map.of("trim", "0.2")),
            Map.entry("krum", Map.of("f", "2")),
            Map.entry("multi-krum", Map.of("f", "2", "m", "4")));

    @Test
    void twoValidatorsProduceTheSameBytes() throws Exception {
        List<ModelUpdate> first = validatorView(new ArrayList<>(), 1);
        List<ModelUpdate> second = Collections.unmodifiableList(validatorView(new LinkedList<>(), 2));
        List<ModelUpdate> third = validatorView(new CopyOnWriteArrayList<>(), 3).reversed();
        assertThat(first).isNotEqualTo(second);
        assertThat(first).containsExactlyInAnyOrderElementsOf(second);
        for (Map.Entry<String, Map<String, String>> rule : RULES) {
            byte[] a = canonicalBytes(
                    AggregationRules.byName(rule.getKey(), rule.getValue()).aggregate(first));
            byte[] b = canonicalBytes(
                    AggregationRules.byName(rule.getKey(), rule.getValue()).aggregate(second));
            byte[] c = canonicalBytes(
                    AggregationRules.byName(rule.getKey(), rule.getValue()).aggregate(third));
            assertThat(b).as(rule.getKey()).isEqualTo(a);
            assertThat(c).as(rule.getKey()).isEqualTo(a);
            assertThat(sha256(b)).as(rule.getKey()).isEqualTo(sha256(a));
        }
    }

    @Test
    void repeatedRunsAreIdentical() {
        List<ModelUpdate> updates = validatorView(new ArrayList<>(), 5);
        for (AggregationRule rule : Fixtures.allRules()) {
            int[] once = bits(rule.aggregate(updates));
            for (int run = 0; run < 3; run++)
                assertThat(bits(rule.aggregate(updates))).containsExactly(once);
        }
    }

    private static byte[] canonicalBytes(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) buffer.putFloat(v);
        return buffer.array();
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
