package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SchemaDerivationTest {

    private static final String CARS = """
            Name,Weight_in_lbs,Horsepower,Year,Origin
            vw rabbit,1937,71,1976-01-01,Europe
            ford pinto,2046,,1971-01-01,USA
            datsun 510,2300,97,1973-01-01,Japan
            chevrolet impala,4997,165,1970-01-01,USA
            """;

    private static SchemaDerivation.Derived derive(String sample, MissingValues rule) {
        return SchemaDerivation.derive(
                sample.getBytes(StandardCharsets.UTF_8),
                "Origin",
                rule,
                TaskMetric.ACCURACY,
                EvaluationLimits.defaults());
    }

    @Test
    void derive_rawSample_namesClassesKeepsNumericColumnsAndStandardizes() {
        var derived = derive(CARS, MissingValues.DROP_ROW);
        DataSchema schema = derived.schema();

        assertThat(schema.featureColumns()).containsExactly("Weight_in_lbs", "Horsepower");
        assertThat(derived.skippedColumns()).containsExactly("Name", "Year");
        assertThat(schema.classNames()).containsExactly("Europe", "Japan", "USA");
        assertThat(derived.rows()).isEqualTo(3);
        assertThat(derived.droppedRows()).isEqualTo(1);
        var prepared = TabularDataset.parse(CARS.getBytes(StandardCharsets.UTF_8), schema, EvaluationLimits.defaults());
        for (int feature = 0; feature < 2; feature++) {
            double sum = 0;
            double squares = 0;
            for (int row = 0; row < prepared.rows(); row++) {
                float value = prepared.features(row)[feature];
                sum += value;
                squares += value * value;
            }
            assertThat(sum / prepared.rows()).as("mean of feature %d", feature).isCloseTo(0, within());
            assertThat(squares / prepared.rows())
                    .as("variance of feature %d", feature)
                    .isCloseTo(1, within());
        }
    }

    @Test
    void derive_imputeMean_usesEveryValuePresent() {
        DataSchema schema = derive(CARS, MissingValues.IMPUTE_MEAN).schema();

        assertThat(schema.scaling().get(0).mean()).isEqualTo((1937f + 2046f + 2300f + 4997f) / 4);
        assertThat(schema.scaling().get(1).mean()).isEqualTo((71f + 97f + 165f) / 3);
        assertThat(schema.missingValues()).isEqualTo(MissingValues.IMPUTE_MEAN);
    }

    @Test
    void derive_schemaDocument_roundTripsExactly() {
        DataSchema schema = derive(CARS, MissingValues.IMPUTE_MEAN).schema();
        byte[] document = SchemaDocument.write(schema);

        assertThat(SchemaDocument.read(document)).isEqualTo(schema);
        assertThat(new String(document, StandardCharsets.UTF_8))
                .startsWith("{\"formatVersion\":2,")
                .contains("\"classNames\":[\"Europe\",\"Japan\",\"USA\"]", "\"missingValues\":\"impute-mean\"");
    }

    @Test
    void derive_jsonRecords_giveTheSchemaOfTheCsv() {
        String json = """
                [{"Name":"vw rabbit","Weight_in_lbs":1937,"Horsepower":71,"Year":"1976-01-01","Origin":"Europe"},
                 {"Name":"ford pinto","Weight_in_lbs":2046,"Horsepower":null,"Year":"1971-01-01","Origin":"USA"},
                 {"Name":"datsun 510","Weight_in_lbs":2300,"Horsepower":97,"Year":"1973-01-01","Origin":"Japan"},
                 {"Name":"chevrolet impala","Weight_in_lbs":4997,"Horsepower":165,"Origin":"USA"}]""";

        assertThat(derive(json, MissingValues.DROP_ROW)).isEqualTo(derive(CARS, MissingValues.DROP_ROW));
    }

    @Test
    void derive_whatGivesNoTask_isExplained() {
        assertThatThrownBy(() -> derive(CARS, MissingValues.ERROR))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith("line 3, column 'Horsepower': a missing value");
        assertThatThrownBy(() -> derive("a,Origin\n1,USA\n2,USA\n", MissingValues.ERROR))
                .hasMessageContaining("name 1 class: a task needs two");
        assertThatThrownBy(() -> derive("a,Origin\nx,USA\ny,EU\n", MissingValues.ERROR))
                .hasMessageContaining("no column other than 'Origin' holds numbers only");
        assertThatThrownBy(() -> derive("a,b\n1,2\n", MissingValues.ERROR))
                .hasMessageContaining("column 'Origin'", "columns are a,b");
    }

    @Test
    void derive_constantColumn_scalesByOne() {
        var schema = derive("a,b,Origin\n5,1,x\n5,2,y\n", MissingValues.ERROR).schema();

        assertThat(schema.scaling()).containsExactly(new FeatureScaling(5f, 1f), new FeatureScaling(1.5f, 0.5f));
    }

    private static Offset<Double> within() {
        return Offset.offset(1e-5);
    }
}
