package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.oracle.evaluation.testing.Contributions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;

class ModelCodecTest {

    private static final DataSchema SCHEMA = Fixtures.TASK.schema();
    private static final ModelArchitecture BASE = TabularModels.baseArchitecture(SCHEMA);
    private static final EvaluationLimits LIMITS = EvaluationLimits.defaults();

    @Test
    void sameWeightsGiveSameBytes() {
        byte[] a = ModelCodec.write(TabularModels.baseModel(SCHEMA, 42));
        byte[] b = ModelCodec.write(TabularModels.baseModel(SCHEMA, 42));
        assertThat(a).isEqualTo(b);
        assertThat(ModelCodec.sha256Hex(a)).isEqualTo(ModelCodec.sha256Hex(b)).hasSize(64);
        assertThat(ModelCodec.write(TabularModels.baseModel(SCHEMA, 43))).isNotEqualTo(a);
    }

    @Test
    void withParametersCopiesTheTemplateWithOtherWeights() {
        var template = TabularModels.baseModel(SCHEMA, 42);
        float[] templateParameters = template.parameters();
        float[] other = TabularModels.baseModel(SCHEMA, 43).parameters();

        var copy = template.withParameters(other);

        assertThat(copy.parameters()).isEqualTo(other);
        assertThat(ModelCodec.sha256Hex(ModelCodec.write(copy)))
                .as("canonical: the same parameters on the same template give the same bytes")
                .isEqualTo(ModelCodec.sha256Hex(ModelCodec.write(template.withParameters(other))));
        assertThat(template.parameters()).as("template unchanged").isEqualTo(templateParameters);
    }

    @Test
    void withParametersRefusesAWrongCountOrNonFiniteValues() {
        var template = TabularModels.baseModel(SCHEMA, 42);
        int count = (int) template.parameterCount();

        assertThatThrownBy(() -> template.withParameters(new float[count - 1]))
                .isInstanceOf(InvalidModelException.class)
                .hasMessage("the model has " + count + " parameters, got " + (count - 1));
        float[] withNaN = new float[count];
        withNaN[3] = Float.NaN;
        assertThatThrownBy(() -> template.withParameters(withNaN))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("NaN or infinite");
    }

    @Test
    void writingIsCanonicalAcrossARoundTrip() {
        byte[] bytes = Fixtures.TASK.baseModelBytes();
        var restored = ModelCodec.read(bytes, LIMITS, BASE);
        assertThat(ModelCodec.write(restored)).isEqualTo(bytes);
        assertThat(restored.parameters()).isEqualTo(Fixtures.TASK.baseModel().parameters());
        assertThat(restored.architecture()).isEqualTo(BASE);
    }

    @Test
    void modelSerializerReadsCodecBytesAndCodecReadsModelSerializerBytes() throws IOException {
        byte[] bytes = Fixtures.TASK.baseModelBytes();
        var viaSerializer = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
        assertThat(TaskModel.of(viaSerializer).parameters())
                .isEqualTo(Fixtures.TASK.baseModel().parameters());

        var out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(Fixtures.TASK.baseModel().network(), out, true); // with updater state: ignored
        var viaCodec = ModelCodec.read(out.toByteArray(), LIMITS, BASE);
        assertThat(ModelCodec.write(viaCodec)).isEqualTo(bytes);
    }

    @Test
    void baseArchitectureSummary() {
        assertThat(BASE.summary()).isEqualTo("8-32-32-3 [relu, relu, softmax] 1443 params");
        assertThat(BASE.differenceFrom(BASE)).isNull();
    }

    private static String rejection(byte[] bytes) {
        return rejection(bytes, LIMITS);
    }

    private static String rejection(byte[] bytes, EvaluationLimits limits) {
        try {
            ModelCodec.read(bytes, limits, BASE);
        } catch (InvalidModelException e) {
            return e.reason();
        }
        throw new AssertionError("expected an InvalidModelException");
    }

    @Test
    void sizeGuard() {
        var tiny = new EvaluationLimits(1000, 64L << 20, 8, 20, 1 << 20, 1000, 0.1, 1_000_000);
        assertThat(rejection(Fixtures.TASK.baseModelBytes(), tiny)).contains("more than the limit of 1000");
    }

    @Test
    void zipBombGuards() {
        byte[] bomb = Contributions.zipBomb(100);
        assertThat(bomb.length).isLessThan(200_000);
        assertThat(rejection(bomb)).isEqualTo("zip bomb guard: compression ratio above 20.0");
        assertThat(rejection(Contributions.zipBomb(2))).isEqualTo("zip bomb guard: compression ratio above 20.0");
        var ratioAllowed = new EvaluationLimits(8 << 20, 64 << 20, 8, 1e9, 1 << 20, 1000, 0.1, 1_000_000);
        assertThat(rejection(bomb, ratioAllowed)).isEqualTo("zip bomb guard: more than 67108864 bytes uncompressed");
        assertThat(rejection(Contributions.manyEntriesZip(1000))).isEqualTo("zip bomb guard: more than 8 entries");
    }

    @Test
    void notADl4jModel() {
        assertThat(rejection(new byte[0])).startsWith("not a DL4J model");
        assertThat(rejection(Contributions.garbage(10_000, 1))).startsWith("not a DL4J model");
        assertThat(rejection("PK\3\4 truncated".getBytes(StandardCharsets.ISO_8859_1)))
                .startsWith("not a DL4J model");
        assertThat(rejection(Contributions.zip(new String[] {"../evil"}, new byte[][] {{1}})))
                .isEqualTo("not a DL4J model: unexpected zip entry '../evil'");
        assertThat(rejection(Contributions.zip(new String[] {"configuration.json"}, new byte[][] {"{}".getBytes()})))
                .isEqualTo("not a DL4J model: the zip lacks coefficients.bin");
        var entries = ModelCodec.scan(Fixtures.TASK.baseModelBytes(), LIMITS);
        byte[] twice = Contributions.zip(
                new String[] {"configuration.json", "configuration.jsoX"},
                new byte[][] {entries.get("configuration.json"), entries.get("configuration.json")});
        String latin =
                new String(twice, StandardCharsets.ISO_8859_1).replace("configuration.jsoX", "configuration.json");
        assertThat(rejection(latin.getBytes(StandardCharsets.ISO_8859_1))).contains("duplicate zip entry");
        assertThat(rejection(Contributions.zip(
                        new String[] {"configuration.json", "coefficients.bin"},
                        new byte[][] {"{\"confs\": 5}".getBytes(), entries.get("coefficients.bin")})))
                .isEqualTo("not a DL4J model: configuration.json is not a MultiLayerNetwork configuration");
        byte[] deep = ("[".repeat(10_000) + "]".repeat(10_000)).getBytes();
        assertThat(rejection(Contributions.zip(
                        new String[] {"configuration.json", "coefficients.bin"},
                        new byte[][] {deep, entries.get("coefficients.bin")})))
                .contains("nests deeper than 32");
    }

    @Test
    void architectureGuard() {
        assertThat(rejection(Fixtures.CONTRIBUTIONS.wrongArchitecture()))
                .isEqualTo("architecture mismatch: layer 0 is 8->64, expected 8->32");
        assertThat(rejection(Fixtures.CONTRIBUTIONS.wrongActivation()))
                .isEqualTo("architecture mismatch: layer 0 activation tanh, expected relu");
        var otherSchema = new DataSchema(Fixtures.TASK.schema().featureColumns(), "label", 4);
        assertThat(rejection(ModelCodec.write(TabularModels.baseModel(otherSchema, 1))))
                .isEqualTo("architecture mismatch: layer 2 is 32->4, expected 32->3");
    }

    @Test
    void parameterLimitWithoutExpectedArchitecture() {
        var limits = new EvaluationLimits(8 << 20, 64 << 20, 8, 20, 1 << 20, 1000, 0.1, 1000);
        assertThatThrownBy(() -> ModelCodec.read(Fixtures.TASK.baseModelBytes(), limits))
                .isInstanceOf(InvalidModelException.class)
                .hasMessage("the model has 1443 parameters, outside 1..1000");
    }

    @Test
    void nanAndInfiniteWeights() {
        assertThat(rejection(Fixtures.CONTRIBUTIONS.nanWeights()))
                .isEqualTo("the model has NaN or infinite weights (3 of 1443 parameters)");
    }

    @Test
    void hostileCoefficientHeaders() throws IOException {
        byte[] json = ModelCodec.scan(Fixtures.TASK.baseModelBytes(), LIMITS).get("configuration.json");
        // a header claiming 2^40 parameters: rejected before anything is allocated
        assertThat(rejection(withCoefficients(json, coefficients(1L << 40, "FLOAT", 0))))
                .contains("1099511627776");
        assertThat(rejection(withCoefficients(json, coefficients(1443, "FLOAT", 10))))
                .contains("coefficients.bin: truncated");
        assertThat(rejection(withCoefficients(json, coefficients(1443, "UTF8", 1443))))
                .contains("parameters of type UTF8");
        assertThat(rejection(withCoefficients(json, Arrays.copyOf(coefficients(1443, "FLOAT", 1443), 6000))))
                .contains("trailing bytes");
        assertThat(rejection(withCoefficients(json, new byte[] {0, 3, 'a', 'b', 'c'})))
                .contains("shape header 'abc'");
        // a double vector of the right length is accepted
        assertThat(ModelCodec.read(withCoefficients(json, coefficients(1443, "DOUBLE", 1443)), LIMITS, BASE)
                        .parameterCount())
                .isEqualTo(1443);
    }

    private static byte[] withCoefficients(byte[] json, byte[] coefficients) {
        return Contributions.zip(
                new String[] {"configuration.json", "coefficients.bin"}, new byte[][] {json, coefficients});
    }

    /** ND4J's layout with a rank-1 shape of {@code length}, then {@code values} values of {@code type}. */
    private static byte[] coefficients(long length, String type, int values) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.writeUTF("MIXED_DATA_TYPES");
            out.writeLong(6);
            out.writeUTF("LONG");
            for (long v : new long[] {1, length, 1, 8192, 1, 'c'}) {
                out.writeLong(v);
            }
            out.writeUTF("MIXED_DATA_TYPES");
            out.writeLong(length);
            out.writeUTF(type);
            for (int i = 0; i < values; i++) {
                if (type.equals("DOUBLE")) {
                    out.writeDouble(0.01 * i);
                } else {
                    out.writeFloat(0.01f * i);
                }
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void scanReturnsEntriesInOrder() {
        Map<String, byte[]> entries = ModelCodec.scan(Fixtures.TASK.baseModelBytes(), LIMITS);
        assertThat(entries.keySet()).containsExactly("configuration.json", "coefficients.bin");
    }
}
