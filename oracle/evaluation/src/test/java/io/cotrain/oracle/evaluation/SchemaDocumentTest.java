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
        assertThatThrownBy(() -> read(CANONICAL.replace("\"formatVersion\":1", "\"formatVersion\":2")))
                .hasMessage("formatVersion must be 1, got 2");
        assertThatThrownBy(() -> read(CANONICAL.replace("[\"temp\",\"wind\"]", "\"temp\"")))
                .hasMessage("featureColumns must be an array of column names");
        assertThatThrownBy(() -> read(CANONICAL.replace("\"wind\"", "7")))
                .hasMessage("featureColumns must hold strings: 7");
        assertThatThrownBy(() -> read(CANONICAL.replace("\"weather\"", "3")))
                .hasMessage("labelColumn must be a string");
        assertThatThrownBy(() -> read(CANONICAL.replace(":5", ":\"5\""))).hasMessage("classCount must be an integer");
        assertThatThrownBy(() -> read(CANONICAL.replace(":5", ":1"))).hasMessage("classCount must be 2..1024, was 1");
        assertThatThrownBy(() -> read(CANONICAL.replace("}", ",\"classCount\":5}")))
                .hasMessageContaining("Duplicate field 'classCount'");
    }

    private static DataSchema read(String document) {
        return SchemaDocument.read(document.getBytes(StandardCharsets.UTF_8));
    }
}
