package io.cotrain.ipfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.ContributionManifest.DataSchema;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContributionManifestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTRIBUTOR = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    private static final String WEIGHTS_CID = "bafybeieoojil54zobqawak3hpkp6nxoz4emmv2zxhombwl7lt5ucbejzjq";
    private static final String WEIGHTS_SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static final String MODEL_UPDATE = """
            {
              "formatVersion": 1,
              "kind": "MODEL_UPDATE",
              "taskId": 7,
              "contributor": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
              "artifacts": [
                {"name": "weights.safetensors", "cid": "%s", "sha256": "%s", "size": 3000000,
                 "mediaType": "application/octet-stream"},
                {"name": "notes.txt", "cid": "%s", "sha256": "%s", "size": 5, "mediaType": "text/plain"}
              ],
              "trainingSamples": 12000,
              "baseModel": "%s",
              "createdAt": "2026-11-25T02:00:00Z"
            }
            """.formatted(
                    WEIGHTS_CID,
                    WEIGHTS_SHA256,
                    CidTest.HELLO_CID,
                    Cid.parse(CidTest.HELLO_CID).digestHex(),
                    CidTest.EMPTY_CID);

    private static final String DATASET = """
            {"formatVersion": 1, "kind": "DATASET", "taskId": 0, "contributor": "%s",
             "artifacts": [{"name": "train.csv", "cid": "%s", "sha256": "%s", "size": 3000000,
                            "mediaType": "text/csv"}],
             "trainingSamples": 500, "dataSchema": {"columns": ["text", "label"], "labelColumn": "label"}}
            """.formatted(CONTRIBUTOR, WEIGHTS_CID, WEIGHTS_SHA256);

    private static final String VALIDATION = """
            {"formatVersion": 1, "kind": "VALIDATION", "taskId": 4294967295, "contributor": "%s",
             "artifacts": [{"name": "report.json", "cid": "%s", "sha256": "%s", "size": 0,
                            "mediaType": "application/json"}]}
            """.formatted(
                    CONTRIBUTOR, CidTest.EMPTY_CID, Cid.parse(CidTest.EMPTY_CID).digestHex());

    @Test
    void parsesAModelUpdate() {
        ContributionManifest manifest = parse(MODEL_UPDATE);

        assertThat(manifest.kind()).isEqualTo(ContributionKind.MODEL_UPDATE);
        assertThat(manifest.kind().onChain()).isEqualTo(BigInteger.ZERO);
        assertThat(manifest.taskId()).isEqualTo(7);
        assertThat(manifest.contributor()).isEqualTo(CONTRIBUTOR);
        assertThat(manifest.artifacts())
                .containsExactly(
                        new Artifact(
                                "weights.safetensors",
                                Cid.parse(WEIGHTS_CID),
                                WEIGHTS_SHA256,
                                3_000_000,
                                "application/octet-stream"),
                        Artifact.of(
                                "notes.txt",
                                Cid.parse(CidTest.HELLO_CID),
                                "hello".getBytes(StandardCharsets.UTF_8),
                                "text/plain"));
        assertThat(manifest.trainingSamples()).hasValue(12_000);
        assertThat(manifest.baseModel()).hasValue(CidTest.EMPTY_CID);
        assertThat(manifest.dataSchema()).isEmpty();
        assertThat(manifest.createdAt()).hasValue(Instant.parse("2026-11-25T02:00:00Z"));
    }

    @Test
    void parsesADataset() {
        ContributionManifest manifest = parse(DATASET);

        assertThat(manifest.kind().onChain()).isEqualTo(BigInteger.ONE);
        assertThat(manifest.trainingSamples()).hasValue(500);
        assertThat(manifest.dataSchema()).hasValue(new DataSchema(List.of("text", "label"), "label"));
        assertThat(manifest.baseModel()).isEmpty();
        assertThat(manifest.createdAt()).isEmpty();
    }

    @Test
    void parsesValidationWork() {
        ContributionManifest manifest = parse(VALIDATION);

        assertThat(manifest.kind().onChain()).isEqualTo(BigInteger.TWO);
        assertThat(manifest.taskId()).isEqualTo(ContributionManifest.MAX_TASK_ID);
        assertThat(manifest.artifacts())
                .singleElement()
                .extracting(Artifact::size)
                .isEqualTo(0L);
        assertThat(manifest.trainingSamples()).isEmpty();
    }

    @Test
    void canonicalBytesHaveFixedOrderAndNoWhitespace() {
        String canonical = new String(parse(DATASET).canonicalBytes(), StandardCharsets.UTF_8);

        assertThat(canonical)
                .isEqualTo("{\"formatVersion\":1,\"kind\":\"DATASET\",\"taskId\":0,\"contributor\":\""
                        + CONTRIBUTOR + "\",\"artifacts\":[{\"name\":\"train.csv\",\"cid\":\"" + WEIGHTS_CID
                        + "\",\"sha256\":\"" + WEIGHTS_SHA256
                        + "\",\"size\":3000000,\"mediaType\":\"text/csv\"}],"
                        + "\"trainingSamples\":500,\"dataSchema\":{\"columns\":[\"text\",\"label\"],"
                        + "\"labelColumn\":\"label\"}}");
    }

    @Test
    void canonicalBytesAreStableAcrossParseAndSerialize() {
        for (String document : List.of(MODEL_UPDATE, DATASET, VALIDATION)) {
            ContributionManifest manifest = parse(document);
            byte[] canonical = manifest.canonicalBytes();

            ContributionManifest reparsed = ContributionManifest.parseCanonical(canonical);
            assertThat(reparsed).isEqualTo(manifest);
            assertThat(reparsed.canonicalBytes()).isEqualTo(canonical);
            assertThat(manifest.digest()).isEqualTo(Sha256.of(canonical));
            assertThat(manifest.cid()).isEqualTo(Cid.of(canonical));
        }
    }

    @Test
    void keepsNonAsciiTextAsUtf8() {
        ContributionManifest manifest = ContributionManifest.validation(
                3,
                CONTRIBUTOR,
                List.of(Artifact.of("évaluation – 評価.json", Cid.of(new byte[0]), new byte[0], "application/json")));

        String canonical = new String(manifest.canonicalBytes(), StandardCharsets.UTF_8);
        assertThat(canonical).contains("\"name\":\"évaluation – 評価.json\"");
        assertThat(ContributionManifest.parseCanonical(manifest.canonicalBytes()))
                .isEqualTo(manifest);
    }

    @Test
    void manifestsBuiltInCodeRoundTrip() {
        byte[] weights = new byte[] {1, 2, 3};
        ContributionManifest manifest = ContributionManifest.modelUpdate(
                        42,
                        CONTRIBUTOR.toUpperCase().replace("0X", "0x"),
                        List.of(Artifact.of("weights.bin", Cid.of(weights), weights, "application/octet-stream")),
                        64,
                        WEIGHTS_SHA256)
                .withCreatedAt(Instant.parse("2026-01-31T12:00:00Z"));

        assertThat(manifest.contributor()).isEqualTo(CONTRIBUTOR);
        assertThat(ContributionManifest.parse(manifest.canonicalBytes())).isEqualTo(manifest);
    }

    @Test
    void parseCanonicalRejectsOtherLayoutsOfTheSameManifest() {
        assertThatThrownBy(() -> ContributionManifest.parseCanonical(MODEL_UPDATE.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ManifestException.class)
                .hasMessage("manifest: not in canonical form (fixed field order, no whitespace)");
    }

    static Stream<Arguments> invalidModelUpdates() {
        return Stream.of(
                invalid("formatVersion: unsupported version 2, this reader knows 1", m -> m.put("formatVersion", 2)),
                invalid("formatVersion: missing", m -> m.remove("formatVersion")),
                invalid("formatVersion: expected an integer, got \"1\"", m -> m.put("formatVersion", "1")),
                invalid("comment: unknown field", m -> m.put("comment", "hi")),
                invalid(
                        "artifacts[1].license: unknown field",
                        m -> artifact(m, 1).put("license", "MIT")),
                invalid(
                        "kind: must be one of [MODEL_UPDATE, DATASET, VALIDATION], got 'MODEL'",
                        m -> m.put("kind", "MODEL")),
                invalid("kind: expected a string, got 0", m -> m.put("kind", 0)),
                invalid("taskId: missing", m -> m.remove("taskId")),
                invalid("taskId: must be in 0..4294967295, got -1", m -> m.put("taskId", -1)),
                invalid("taskId: must be in 0..4294967295, got 4294967296", m -> m.put("taskId", 1L << 32)),
                invalid(
                        "taskId: out of the 64-bit range, got 18446744073709551616",
                        m -> m.put("taskId", new BigInteger("18446744073709551616"))),
                invalid("contributor: must be 0x and 40 hex digits, got '0x1234'", m -> m.put("contributor", "0x1234")),
                invalid("artifacts: must list at least one artifact, got []", m -> m.putArray("artifacts")),
                invalid("artifacts: expected an array, got {}", m -> m.putObject("artifacts")),
                invalid(
                        "artifacts[0]: expected a JSON object, got \"weights\"",
                        m -> m.withArray("artifacts").insert(0, "weights")),
                invalid(
                        "artifacts[0].size: must not be negative, got -1",
                        m -> artifact(m, 0).put("size", -1)),
                invalid(
                        "artifacts[0].size: expected an integer, got 1.5",
                        m -> artifact(m, 0).put("size", 1.5)),
                invalid("artifacts[0].size: missing", m -> artifact(m, 0).remove("size")),
                invalid(
                        "artifacts[0].name: must not be blank, got ' '",
                        m -> artifact(m, 0).put("name", " ")),
                invalid(
                        "artifacts[1].name: duplicate name, got 'weights.safetensors'",
                        m -> artifact(m, 1).put("name", "weights.safetensors")),
                invalid(
                        "artifacts[0].sha256: must be 64 lower-case hex digits, got '" + WEIGHTS_SHA256.toUpperCase()
                                + "'",
                        m -> artifact(m, 0).put("sha256", WEIGHTS_SHA256.toUpperCase())),
                invalid(
                        "artifacts[1].sha256: differs from the digest of raw CID " + CidTest.HELLO_CID + ", got '"
                                + WEIGHTS_SHA256 + "'",
                        m -> artifact(m, 1).put("sha256", WEIGHTS_SHA256)),
                invalid(
                        "artifacts[0].cid: invalid CID 'QmY7Yh4UquoXHLPFo2XbhXkhBvFoPwmQUSa92pxnxjQuPU': a CIDv0; "
                                + "Cotrain uses CIDv1 in base32",
                        m -> artifact(m, 0).put("cid", "QmY7Yh4UquoXHLPFo2XbhXkhBvFoPwmQUSa92pxnxjQuPU")),
                invalid(
                        "artifacts[0].mediaType: must be a lower-case type/subtype, got 'binary'",
                        m -> artifact(m, 0).put("mediaType", "binary")),
                invalid("trainingSamples: required for MODEL_UPDATE", m -> m.remove("trainingSamples")),
                invalid("trainingSamples: must be positive, got -5", m -> m.put("trainingSamples", -5)),
                invalid("trainingSamples: must be positive, got 0", m -> m.put("trainingSamples", 0)),
                invalid("baseModel: required for MODEL_UPDATE", m -> m.remove("baseModel")),
                invalid("baseModel: expected a string, got null", m -> m.putNull("baseModel")),
                invalid(
                        "baseModel: must be a CID or 64 lower-case hex digits of a sha256, got 'latest'",
                        m -> m.put("baseModel", "latest")),
                invalid(
                        "dataSchema: not allowed for MODEL_UPDATE",
                        m -> m.putObject("dataSchema")
                                .put("labelColumn", "y")
                                .putArray("columns")
                                .add("y")),
                invalid(
                        "createdAt: must be an ISO-8601 UTC instant such as 2026-01-31T12:00:00Z, got 'yesterday'",
                        m -> m.put("createdAt", "yesterday")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidModelUpdates")
    void rejectsInvalidModelUpdates(String expectedMessage, Consumer<ObjectNode> mutation) throws Exception {
        ObjectNode document = (ObjectNode) JSON.readTree(MODEL_UPDATE);
        mutation.accept(document);

        assertInvalid(JSON.writeValueAsString(document), expectedMessage);
    }

    static Stream<Arguments> invalidDatasets() {
        return Stream.of(
                invalid("dataSchema: required for DATASET", m -> m.remove("dataSchema")),
                invalid(
                        "dataSchema.labelColumn: must be one of the columns [text, label], got 'target'",
                        m -> m.with("dataSchema").put("labelColumn", "target")),
                invalid(
                        "dataSchema.labelColumn: missing",
                        m -> m.with("dataSchema").remove("labelColumn")),
                invalid(
                        "dataSchema.columns[1]: duplicate column, got 'text'",
                        m -> m.with("dataSchema").withArray("columns").set(1, "text")),
                invalid(
                        "dataSchema.columns[0]: expected a string, got 1",
                        m -> m.with("dataSchema").withArray("columns").set(0, 1)),
                invalid(
                        "dataSchema.columns: must list at least one column, got []",
                        m -> m.with("dataSchema").putArray("columns")),
                invalid(
                        "dataSchema.format: unknown field",
                        m -> m.with("dataSchema").put("format", "csv")),
                invalid("baseModel: not allowed for DATASET", m -> m.put("baseModel", WEIGHTS_SHA256)),
                invalid("trainingSamples: required for DATASET", m -> m.remove("trainingSamples")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidDatasets")
    void rejectsInvalidDatasets(String expectedMessage, Consumer<ObjectNode> mutation) throws Exception {
        ObjectNode document = (ObjectNode) JSON.readTree(DATASET);
        mutation.accept(document);

        assertInvalid(JSON.writeValueAsString(document), expectedMessage);
    }

    @Test
    void rejectsTrainingSamplesOnValidationWork() throws Exception {
        ObjectNode document = (ObjectNode) JSON.readTree(VALIDATION);
        document.put("trainingSamples", 10);

        assertInvalid(JSON.writeValueAsString(document), "trainingSamples: not allowed for VALIDATION");
    }

    @Test
    void rejectsDocumentsThatAreNotOneJsonObject() {
        assertInvalid("", "manifest: empty document");
        assertInvalid("[]", "manifest: expected a JSON object, got []");
        assertThatThrownBy(() -> parse("{\"formatVersion\": 1,"))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("manifest: not valid JSON: ");
        assertThatThrownBy(() -> parse(VALIDATION + " {}"))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("manifest: not valid JSON: ");
        assertThatThrownBy(() -> parse(VALIDATION.replace("\"taskId\"", "\"kind\": \"DATASET\", \"taskId\"")))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("manifest: not valid JSON: Duplicate field 'kind'");
    }

    private static Arguments invalid(String expectedMessage, Consumer<ObjectNode> mutation) {
        return Arguments.of(expectedMessage, mutation);
    }

    private static ObjectNode artifact(ObjectNode manifest, int index) {
        return (ObjectNode) manifest.withArray("artifacts").get(index);
    }

    private static void assertInvalid(String document, String expectedMessage) {
        assertThatThrownBy(() -> parse(document))
                .isInstanceOf(ManifestException.class)
                .hasMessage(expectedMessage);
    }

    private static ContributionManifest parse(String document) {
        return ContributionManifest.parse(document.getBytes(StandardCharsets.UTF_8));
    }
}
