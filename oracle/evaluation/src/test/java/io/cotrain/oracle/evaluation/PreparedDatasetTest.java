package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Data sets of schemas with class names, standardization and missing-value rules, as CSV and as JSON records. */
class PreparedDatasetTest {

    private static final List<FeatureScaling> SCALING =
            List.of(new FeatureScaling(100f, 50f), new FeatureScaling(-2f, 0.5f));

    private static DataSchema schema(MissingValues rule) {
        return new DataSchema(List.of("grams", "mm"), "Origin", 3, List.of("Europe", "Japan", "USA"), SCALING, rule);
    }

    private static TabularDataset parse(String data, MissingValues rule) {
        return TabularDataset.parse(data.getBytes(StandardCharsets.UTF_8), schema(rule), EvaluationLimits.defaults());
    }

    @Test
    void parse_classNamesAndUnscaledColumns_mapsNamesAndStandardizes() {
        var data = parse("Name,grams,mm,Origin\nvw,150,-1.5,Europe\nford,100,-2,USA\n", MissingValues.ERROR);

        assertThat(data.label(0)).isZero();
        assertThat(data.label(1)).isEqualTo(2);
        assertThat(data.features(0)).containsExactly((150f - 100f) / 50f, (-1.5f + 2f) / 0.5f);
        assertThat(data.features(1)).containsExactly(0f, 0f);
    }

    @Test
    void parse_jsonRecords_givesTheRowsOfTheSameCsv() {
        String json = """
                [{"Name":"vw","grams":150,"mm":-1.5,"Origin":"Europe"},
                 {"Origin":"USA","mm":-2.0,"grams":1e2,"Name":null}]""";
        var fromJson = parse(json, MissingValues.ERROR);
        var fromCsv = parse("grams,mm,Origin\n150,-1.5,Europe\n100,-2,USA\n", MissingValues.ERROR);

        assertThat(fromJson.rowFingerprints()).isEqualTo(fromCsv.rowFingerprints());
        assertThat(fromJson.features(1)).containsExactly(fromCsv.features(1));
    }

    @Test
    void parse_unknownClassName_namesTheValueAndTheClasses() {
        assertThatThrownBy(() -> parse("grams,mm,Origin\n1,2,Mars\n", MissingValues.ERROR))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage("line 2, column 'Origin': 'Mars' is not one of the task's classes Europe,Japan,USA");
        assertThatThrownBy(() -> parse("grams,mm,Origin\n1,2,0\n", MissingValues.ERROR))
                .as("a schema with class names takes the names, not their indexes")
                .hasMessageContaining("'0' is not one of the task's classes");
    }

    @Test
    void parse_missingValueUnderErrorRule_namesRowAndColumn() {
        assertThatThrownBy(() -> parse("[{\"grams\":1,\"mm\":null,\"Origin\":\"USA\"}]", MissingValues.ERROR))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith("record 1, column 'mm': a missing value");
        assertThatThrownBy(() -> parse("[{\"grams\":1,\"Origin\":\"USA\"},{\"mm\":2}]", MissingValues.ERROR))
                .as("an absent key is missing too")
                .hasMessageStartingWith("record 1, column 'mm'");
    }

    @Test
    void parse_dropRowRule_leavesOutRowsWithAMissingValue() {
        var data = parse("grams,mm,Origin\n150,,Europe\n100,-2,USA\n,1,Japan\n50,3,\n", MissingValues.DROP_ROW);

        assertThat(data.rows()).isEqualTo(1);
        assertThat(data.droppedRows()).isEqualTo(3);
        assertThat(data.label(0)).isEqualTo(2);
        assertThatThrownBy(() -> parse("grams,mm,Origin\n150,,Europe\n", MissingValues.DROP_ROW))
                .hasMessageContaining("no row is left after leaving out 1 with missing values");
    }

    @Test
    void parse_imputeMeanRule_givesTheMeanAndDropsRowsWithoutLabel() {
        var data = parse("grams,mm,Origin\n150,,Europe\n100,-2,\n", MissingValues.IMPUTE_MEAN);

        assertThat(data.rows()).isEqualTo(1);
        assertThat(data.features(0)).containsExactly(1f, 0f);
    }

    @Test
    void parse_jsonThatIsNotRecords_saysWhatIsWrong() {
        assertThat(error("{\"grams\":1}")).contains("must be an array of records");
        assertThat(error("[1,2]")).contains("record 1", "must be a JSON object");
        assertThat(error("[{\"grams\":[1],\"mm\":1,\"Origin\":\"USA\"}]"))
                .contains("record 1, column 'grams'", "a number, a string or null");
        assertThat(error("[{\"grams\":1,\"grams\":2}]")).contains("not valid JSON", "Duplicate field 'grams'");
        assertThat(error("[{\"grams\":1,\"mm\":1,\"Origin\":\"USA\"}")).contains("not valid JSON");
        assertThat(error("[{\"grams\":1,\"mm\":1,\"Origin\":\"USA\"}] x")).contains("not valid JSON");
        assertThat(error("[]")).contains("no records");
        assertThatThrownBy(() -> parse("[{\"mm\":1,\"Origin\":\"USA\"}]", MissingValues.DROP_ROW))
                .hasMessage("column 'grams': no record has the column; the task's columns are grams,mm,Origin");
        assertThat(error("[{\"grams\":\"heavy\",\"mm\":1,\"Origin\":\"USA\"}]"))
                .contains("record 1, column 'grams'", "'heavy' is not a decimal number");
    }

    @Test
    void parse_jsonRecordsBeyondTheRowLimit_isRefused() {
        var tight = new EvaluationLimits(1 << 20, 1 << 20, 4, 10, 1 << 20, 2, 0.1, 10_000);
        byte[] json = "[{\"grams\":1,\"mm\":1,\"Origin\":\"USA\"},{},{}]".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> TabularDataset.parse(json, schema(MissingValues.DROP_ROW), tight))
                .hasMessageContaining("more rows than the limit of 2");
    }

    private static String error(String data) {
        try {
            parse(data, MissingValues.ERROR);
        } catch (DatasetFormatException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a DatasetFormatException");
    }
}
