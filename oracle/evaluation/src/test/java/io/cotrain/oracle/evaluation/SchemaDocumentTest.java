package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaDocumentTest {
    private static final DataSchema SCHEMA = new DataSchema(List.of("temp", "wind"), "weather", 5);
    private static final String CANONICAL =
            "{\"formatVersion\":1,\"featureColumns\":[\"temp\",\"wind\"],\"labelColumn\":\"weather\",\"classCount\":5}";

    @Test
    void writesTheCanonicalFormAndReadsItBack() {
        byte[] document = SchemaDocument.write(SCHEMA);

        assertThat(new String(document, StandardCharsets.UTF_8)).isEqualTo(CANONICAL);
        assertThat(SchemaDocument.read(document)).isEqualTo(SCHEMA);
    }

    @Test
    void refusesOtherFormsOfTheSameSchema() {
        assertThatThrownBy(() -> read(CANONICAL.replace(",", ", ")))
                .hasMessageStartingWith("the schema document is not in canonical form: expected " + CANONICAL);
    }

    @Test
    void namesWhatIsWrong() {
        assertThatThrownBy(() -> read("not json")).hasMessageStartingWith("a schema document must be JSON");
        assertThatThrownBy(() -> read("[]")).hasMessage("a schema document is a JSON object");
        assertThatThrownBy(() -> read(CANONICAL.replace("\"classCount\"", "\"classes\"")))
                .hasMessage("unknown schema field(s) [classes]");
        assertThatThrownBy(() -> read(CANONICAL.replace("\"formatVersion\":1", "\"formatVersion\":3")))
                .hasMessage("formatVersion must be 1 or 2, got 3");
        assertThatThrownBy(() -> read(CANONICAL.replace("[\"temp\",\"wind\"]", "\"temp\"")))
                .hasMessage("featureColumns must be an array of strings");
        assertThatThrownBy(() -> read(CANONICAL.replace("\"wind\"", "7")))
                .hasMessage("featureColumns must hold strings: 7");
        assertThatThrownBy(() -> read(CANONICAL.replace("\"weather\"", "3")))
                .hasMessage("labelColumn must be a string");
        assertThatThrownBy(() -> read(CANONICAL.replace(":5", ":\"5\""))).hasMessage("classCount must be an integer");
        assertThatThrownBy(() -> read(CANONICAL.replace(":5", ":1"))).hasMessage("classCount must be 2..1024, was 1");
        assertThatThrownBy(() -> read(CANONICAL.replace("}", ",\"classCount\":5}")))
                .hasMessageContaining("Duplicate field 'classCount'");
    }

    private static final DataSchema PREPARED = new DataSchema(
            List.of("temp", "wind"),
            "weather",
            2,
            List.of("dry", "rain"),
            List.of(new FeatureScaling(12.5f, 0.1f), new FeatureScaling(-3f, 2f)),
            MissingValues.DROP_ROW);
    private static final String PREPARED_CANONICAL = "{\"formatVersion\":2,\"featureColumns\":[\"temp\",\"wind\"],"
            + "\"labelColumn\":\"weather\",\"classCount\":2,\"classNames\":[\"dry\",\"rain\"],"
            + "\"standardization\":[{\"mean\":12.5,\"scale\":0.1},{\"mean\":-3.0,\"scale\":2.0}],"
            + "\"missingValues\":\"drop-row\"}";

    @Test
    void write_preparedSchema_isVersion2AndReadsBack() {
        byte[] document = SchemaDocument.write(PREPARED);

        assertThat(new String(document, StandardCharsets.UTF_8)).isEqualTo(PREPARED_CANONICAL);
        assertThat(SchemaDocument.read(document)).isEqualTo(PREPARED);
    }

    @Test
    void read_version2OfAPlainSchema_isNotCanonical() {
        String plainAsVersion2 = PREPARED_CANONICAL
                .replace("[\"dry\",\"rain\"]", "[]")
                .replace("[{\"mean\":12.5,\"scale\":0.1},{\"mean\":-3.0,\"scale\":2.0}]", "[]")
                .replace("drop-row", "error");

        assertThatThrownBy(() -> read(plainAsVersion2)).hasMessageContaining("not in canonical form");
    }

    @Test
    void read_badPreparation_namesIt() {
        assertThatThrownBy(() -> read(PREPARED_CANONICAL.replace("drop-row", "guess")))
                .hasMessage("missing-value rule 'guess' is not one of [error, drop-row, impute-mean]");
        assertThatThrownBy(() -> read(PREPARED_CANONICAL.replace("\"scale\":2.0", "\"scale\":0")))
                .hasMessageContaining("scale finite and positive");
        assertThatThrownBy(() -> read(PREPARED_CANONICAL.replace(",\"scale\":2.0", "")))
                .hasMessageStartingWith("a standardization entry is");
        assertThatThrownBy(() -> read(PREPARED_CANONICAL.replace("\"rain\"", "\"dry\"")))
                .hasMessageContaining("class names must be distinct");
        assertThatThrownBy(() -> read(PREPARED_CANONICAL.replace(",\"rain\"", "")))
                .hasMessageContaining("1 class names for 2 classes");
        assertThatThrownBy(() -> read(PREPARED_CANONICAL.replace(",{\"mean\":-3.0,\"scale\":2.0}", "")))
                .hasMessageContaining("the scaling has 1 entries for 2 feature columns");
    }

    @Test
    void read_metricAndImageFields_areCheckedAndCanonical() {
        String prepared = "{\"formatVersion\":2,\"featureColumns\":[\"temp\"],\"labelColumn\":\"weather\","
                + "\"classCount\":2,\"classNames\":[\"dry\",\"wet\"],\"standardization\":[],"
                + "\"missingValues\":\"error\"";

        assertThat(read(prepared + ",\"metric\":\"macro-f1\"}").metric()).isEqualTo(TaskMetric.MACRO_F1);
        assertThatThrownBy(() -> read(prepared + ",\"metric\":\"accuracy\"}"))
                .as("the default metric is left out of the canonical form, so a schema has one digest")
                .hasMessageStartingWith("the schema document is not in canonical form");
        assertThatThrownBy(() -> read(prepared + ",\"metric\":\"r2\"}"))
                .hasMessage("metric 'r2' is not one of [accuracy, macro-f1, mse, mae]");
        assertThatThrownBy(() -> read(prepared + ",\"metric\":\"mse\"}"))
                .hasMessageContaining("a regression task (metric mse) has no classes");
        assertThatThrownBy(() -> read(prepared + ",\"image\":{\"width\":16,\"height\":16}}"))
                .hasMessageStartingWith("image is {\"width\":w,\"height\":h,\"channels\":c}");
        assertThatThrownBy(() -> read(prepared + ",\"image\":{\"width\":16,\"height\":16,\"channels\":1}}"))
                .as("an image task has no feature columns")
                .hasMessageContaining("an image task has no columns");
    }

    private static DataSchema read(String document) {
        return SchemaDocument.read(document.getBytes(StandardCharsets.UTF_8));
    }
}
