package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TabularDatasetTest {

    private static final DataSchema SCHEMA = new DataSchema(List.of("a", "b"), "y", 3);

    private static TabularDataset parse(String csv) {
        return TabularDataset.parse(csv.getBytes(StandardCharsets.UTF_8), SCHEMA, EvaluationLimits.defaults());
    }

    private static DatasetFormatException error(String csv) {
        try {
            parse(csv);
        } catch (DatasetFormatException e) {
            return e;
        }
        throw new AssertionError("expected a DatasetFormatException");
    }

    @Test
    void rowFingerprints_sameRowsInOtherText_areTheSame_andDistinct() {
        long[] fingerprints = parse("a,b,y\n1,2.5,0\n3,4,1\n1,2.5,0\n").rowFingerprints();

        assertThat(fingerprints)
                .hasSize(2)
                .isSorted()
                .isEqualTo(parse("a,b,y\n3.0,4e0,1\n1.00,2.50,0\n").rowFingerprints());
        assertThat(parse("a,b,y\n1,2.5,1\n").rowFingerprints())
                .as("another label, another row")
                .doesNotContain(fingerprints);
    }

    @Test
    void parsesAValidFile() {
        var data = parse("a,b,y\n1,2.5,0\n-3e2,.5,2\r\n0.,1E-3,1\n");
        assertThat(data.rows()).isEqualTo(3);
        assertThat(data.features(0)).containsExactly(1f, 2.5f);
        assertThat(data.features(1)).containsExactly(-300f, 0.5f);
        assertThat(data.features(2)).containsExactly(0f, 0.001f);
        assertThat(data.label(1)).isEqualTo(2);
        var ds = data.toDataSet();
        assertThat(ds.getFeatures().shape()).containsExactly(3, 2);
        assertThat(ds.getLabels().getFloat(1, 2)).isEqualTo(1f);
        assertThat(ds.getLabels().sumNumber().intValue()).isEqualTo(3);
        assertThat(parse("a,b,y\n1,2,0").rows()).isEqualTo(1); // no final line break
    }

    @Test
    void parse_columnsInAnyOrderWithOthers_readsTheSchemasColumns() {
        var data = parse("name,y,b,a\nfirst,2,20,10\n\"second, quoted\",1,\"40\",30\n");

        assertThat(data.rows()).isEqualTo(2);
        assertThat(data.features(0)).containsExactly(10f, 20f);
        assertThat(data.features(1)).containsExactly(30f, 40f);
        assertThat(data.label(0)).isEqualTo(2);
    }

    @Test
    void parse_headerWithoutAColumn_namesIt() {
        var e = error("a,b\n1,2\n");
        assertThat(e.inHeader()).isTrue();
        assertThat(e.getMessage()).contains("line 1", "column 'y'", "no column 'y'", "a,b,y");
        assertThat(error("a,b,label\n1,2,0\n").getMessage()).contains("line 1", "column 'y'");
        assertThat(error("a,b,y,a\n1,2,0,3\n").getMessage()).contains("line 1", "column 'a'", "twice");
    }

    @Test
    void errorsNameLineColumnAndValue() {
        var e = error("a,b,y\n1,2,0\n1,x1,0\n");
        assertThat(e.position()).isEqualTo(3);
        assertThat(e.column()).isEqualTo("b");
        assertThat(e.getMessage()).isEqualTo("line 3, column 'b': 'x1' is not a decimal number");
        assertThat(error("a,b,y\nNaN,1,0\n").getMessage()).contains("line 2", "column 'a'", "'NaN'");
        assertThat(error("a,b,y\nInfinity,1,0\n").getMessage()).contains("line 2", "'Infinity'");
        assertThat(error("a,b,y\n1.5f,1,0\n").getMessage()).contains("'1.5f'");
        assertThat(error("a,b,y\n0x1p3,1,0\n").getMessage()).contains("'0x1p3'");
        assertThat(error("a,b,y\n1e39,1,0\n").getMessage()).contains("line 2", "'1e39'", "32-bit float");
        assertThat(error("a,b,y\n 1,1,0\n").getMessage()).contains("' 1'");
        assertThat(error("a,b,y\n1,1,3\n").getMessage()).isEqualTo("line 2, column 'y': label 3 is outside 0..2");
        assertThat(error("a,b,y\n1,1,-1\n").getMessage()).contains("label -1 is outside 0..2");
        assertThat(error("a,b,y\n1,1,1.0\n").getMessage()).contains("column 'y'", "'1.0' is not an integer label");
        assertThat(error("a,b,y\n1,1,99999999999\n").getMessage()).contains("'99999999999'");
        assertThat(error("a,b,y\n1,1\n").getMessage()).contains("line 2", "only 2 fields");
        assertThat(error("a,b,y\n1,1,0,0\n").getMessage()).contains("line 2", "more than 3 fields");
        assertThat(error("a,b,y\n1,1,0\n\n1,1,0\n").getMessage()).contains("line 3", "empty line");
        assertThat(error("a,b,y\n1\"2,1,0\n").getMessage()).contains("line 2", "a quote inside an unquoted field");
        assertThat(error("a,b,y\n\"1\"2,1,0\n").getMessage()).contains("line 2", "after a closing quote");
        assertThat(error("a,b,y\n\"1,1,0\n").getMessage()).contains("line 2", "not closed");
        assertThat(error("a,b,y\n1,1,\n").getMessage()).contains("line 2", "column 'y'", "missing value");
        assertThat(error("a,b,y\n1,,0\n").getMessage()).contains("line 2", "column 'b'", "missing value");
    }

    @Test
    void longValuesAreShortenedInMessages() {
        var e = error("a,b,y\n" + "9".repeat(5000) + "x,1,0\n");
        assertThat(e.getMessage()).hasSizeLessThan(120).contains("...");
    }

    @Test
    void wholeFileProblems() {
        assertThat(error("").getMessage()).contains("empty");
        assertThat(error("a,b,y\n").getMessage()).contains("no rows");
        var invalidUtf8 = new byte[] {'a', ',', 'b', ',', 'y', '\n', (byte) 0xC3, (byte) 0x28, ',', '1', ',', '0'};
        assertThatThrownBy(() -> TabularDataset.parse(invalidUtf8, SCHEMA, EvaluationLimits.defaults()))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void sizeAndRowLimits() {
        var tight = new EvaluationLimits(1 << 20, 1 << 20, 4, 10, 30, 2, 0.1, 10_000);
        assertThatThrownBy(() -> TabularDataset.parse(
                        "a,b,y\n1,2,0\n1,2,0\n1,2,0\n".getBytes(StandardCharsets.UTF_8), SCHEMA, tight))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("more rows than the limit of 2");
        assertThatThrownBy(() -> TabularDataset.parse(
                        ("a,b,y\n" + "1,2,0\n".repeat(5)).getBytes(StandardCharsets.UTF_8), SCHEMA, tight))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("limit of 30");
    }

    @Test
    void schemaValidation() {
        assertThatThrownBy(() -> new DataSchema(List.of("a", "a"), "y", 2)).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> new DataSchema(List.of("a"), "a", 2)).hasMessageContaining("label column");
        assertThatThrownBy(() -> new DataSchema(List.of("a,b"), "y", 2)).hasMessageContaining("commas");
        assertThatThrownBy(() -> new DataSchema(List.of("a"), "y", 1)).hasMessageContaining("classCount");
        assertThatThrownBy(() -> new DataSchema(List.of(), "y", 2)).hasMessageContaining("feature");
        assertThat(SCHEMA.columns()).containsExactly("a", "b", "y");
    }
}
