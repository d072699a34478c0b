package io.cotrain.oracle.evaluation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A task's {@link DataSchema} as the document the model registry's {@code schemaDigest} names: canonical JSON (the
 * field order below, no whitespace, UTF-8), so that the same schema always has the same sha256 and the document read
 * back from IPFS can be checked to be exactly that form.
 *
 * <p>A {@linkplain DataSchema#isPlain() plain} schema is written as version 1, every other as version 2, which adds
 * the class names, each feature's standardization and the missing-value rule, then the metric unless it is accuracy,
 * a regression label's standardization if it has one (a regression task has {@code "classCount":0}), and an image
 * task's image size (its feature columns are empty and its label column is {@value DataSchema#IMAGE_LABEL}):
 *
 * <pre>{"formatVersion":1,"featureColumns":["a","b"],"labelColumn":"label","classCount":3}
 * {"formatVersion":2,"featureColumns":["a","b"],"labelColumn":"label","classCount":2,"classNames":["no","yes"],
 *  "standardization":[{"mean":1.5,"scale":0.5},{"mean":-2.0,"scale":1.0}],"missingValues":"drop-row"}
 * {"formatVersion":2,"featureColumns":["a"],"labelColumn":"y","classCount":0,"classNames":[],
 *  "standardization":[{"mean":1.5,"scale":0.5}],"missingValues":"error","metric":"mse",
 *  "labelStandardization":{"mean":23.5,"scale":7.8}}
 * {"formatVersion":2,"featureColumns":[],"labelColumn":"class","classCount":2,"classNames":["cat","dog"],
 *  "standardization":[],"missingValues":"error","image":{"width":16,"height":16,"channels":1}}</pre>
 *
 * (each on one line). Numbers of the standardization are 32-bit floats in their shortest decimal form.
 */
public final class SchemaDocument {
    /** The format of plain schemas. */
    public static final int PLAIN_VERSION = 1;

    /** The format of schemas with class names, standardization or a missing-value rule. */
    public static final int PREPARED_VERSION = 2;

    /** The most bytes a schema document may have: what readers fetch from IPFS at most. */
    public static final long MAX_BYTES = 1 << 20;

    private static final Set<String> PLAIN_FIELDS =
            Set.of("formatVersion", "featureColumns", "labelColumn", "classCount");
    private static final Set<String> PREPARED_FIELDS = Set.of(
            "formatVersion",
            "featureColumns",
            "labelColumn",
            "classCount",
            "classNames",
            "standardization",
            "missingValues",
            "metric",
            "labelStandardization",
            "image");
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private SchemaDocument() {}

    /**
     * @param schema a schema
     * @return its canonical document
     */
    public static byte[] write(DataSchema schema) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", schema.isPlain() ? PLAIN_VERSION : PREPARED_VERSION);
        ArrayNode features = root.putArray("featureColumns");
        schema.featureColumns().forEach(features::add);
        root.put("labelColumn", schema.labelColumn());
        root.put("classCount", schema.classCount());
        if (!schema.isPlain()) {
            ArrayNode names = root.putArray("classNames");
            schema.classNames().forEach(names::add);
            ArrayNode standardization = root.putArray("standardization");
            for (FeatureScaling scaling : schema.scaling()) write(standardization.addObject(), scaling);
            root.put("missingValues", schema.missingValues().documentName());
            if (schema.metric() != TaskMetric.ACCURACY)
                root.put("metric", schema.metric().documentName());
            schema.labelScaling().ifPresent(scaling -> write(root.putObject("labelStandardization"), scaling));
            schema.image()
                    .ifPresent(shape -> root.putObject("image")
                            .put("width", shape.width())
                            .put("height", shape.height())
                            .put("channels", shape.channels()));
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + schema, e);
        }
    }

    private static void write(ObjectNode entry, FeatureScaling scaling) {
        entry.put("mean", scaling.mean()).put("scale", scaling.scale());
    }

    /**
     * Reads a schema document and requires its canonical form, so that its digest is the one {@link #write} gives.
     *
     * @param document the bytes, e.g. fetched from IPFS by the registry's {@code schemaDigest}
     * @return the schema
     * @throws IllegalArgumentException naming what is wrong: not JSON, an unknown or missing field, a bad value, a
     *     version other than 1 and 2, or a form other than the canonical one
     */
    public static DataSchema read(byte[] document) {
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a schema document must be JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("a schema document must be JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException("a schema document is a JSON object");
        JsonNode version = root.get("formatVersion");
        if (version == null
                || !version.isInt()
                || (version.intValue() != PLAIN_VERSION && version.intValue() != PREPARED_VERSION)) {
            throw new IllegalArgumentException(
                    "formatVersion must be " + PLAIN_VERSION + " or " + PREPARED_VERSION + ", got " + version);
        }
        boolean prepared = version.intValue() == PREPARED_VERSION;
        Set<String> fields = prepared ? PREPARED_FIELDS : PLAIN_FIELDS;
        List<String> unknown = new ArrayList<>();
        root.fieldNames().forEachRemaining(name -> {
            if (!fields.contains(name)) unknown.add(name);
        });
        if (!unknown.isEmpty()) throw new IllegalArgumentException("unknown schema field(s) " + unknown);
        List<String> featureColumns = strings(root, "featureColumns");
        JsonNode label = root.get("labelColumn");
        if (label == null || !label.isTextual()) throw new IllegalArgumentException("labelColumn must be a string");
        JsonNode classes = root.get("classCount");
        if (classes == null || !classes.isInt()) throw new IllegalArgumentException("classCount must be an integer");
        DataSchema schema = prepared
                ? new DataSchema(
                        featureColumns,
                        label.textValue(),
                        classes.intValue(),
                        strings(root, "classNames"),
                        standardization(root),
                        missingValues(root),
                        metric(root),
                        root.has("labelStandardization")
                                ? Optional.of(scaling(root.get("labelStandardization")))
                                : Optional.empty(),
                        root.has("image") ? Optional.of(image(root.get("image"))) : Optional.empty())
                : new DataSchema(featureColumns, label.textValue(), classes.intValue());
        if (!Arrays.equals(write(schema), document)) {
            throw new IllegalArgumentException("the schema document is not in canonical form: expected "
                    + new String(write(schema), StandardCharsets.UTF_8));
        }
        return schema;
    }

    private static List<String> strings(JsonNode root, String field) {
        JsonNode array = root.get(field);
        if (array == null || !array.isArray())
            throw new IllegalArgumentException(field + " must be an array of strings");
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            if (!value.isTextual()) throw new IllegalArgumentException(field + " must hold strings: " + value);
            values.add(value.textValue());
        }
        return values;
    }

    private static List<FeatureScaling> standardization(JsonNode root) {
        JsonNode array = root.get("standardization");
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("standardization must be an array of {\"mean\",\"scale\"} objects");
        }
        List<FeatureScaling> scaling = new ArrayList<>();
        for (JsonNode entry : array) scaling.add(scaling(entry));
        return scaling;
    }

    private static FeatureScaling scaling(JsonNode entry) {
        JsonNode mean = entry.get("mean");
        JsonNode scale = entry.get("scale");
        if (mean == null || !mean.isNumber() || scale == null || !scale.isNumber() || entry.size() != 2) {
            throw new IllegalArgumentException("a standardization entry is {\"mean\":x,\"scale\":y}: " + entry);
        }
        return new FeatureScaling(
                mean.decimalValue().floatValue(), scale.decimalValue().floatValue());
    }

    private static ImageShape image(JsonNode image) {
        JsonNode width = image.get("width");
        JsonNode height = image.get("height");
        JsonNode channels = image.get("channels");
        if (width == null
                || !width.isInt()
                || height == null
                || !height.isInt()
                || channels == null
                || !channels.isInt()
                || image.size() != 3) {
            throw new IllegalArgumentException("image is {\"width\":w,\"height\":h,\"channels\":c}: " + image);
        }
        return new ImageShape(width.intValue(), height.intValue(), channels.intValue());
    }

    private static TaskMetric metric(JsonNode root) {
        JsonNode metric = root.get("metric");
        if (metric == null) return TaskMetric.ACCURACY;
        if (!metric.isTextual()) throw new IllegalArgumentException("metric must be a string");
        return TaskMetric.ofDocumentName(metric.textValue());
    }

    private static MissingValues missingValues(JsonNode root) {
        JsonNode rule = root.get("missingValues");
        if (rule == null || !rule.isTextual()) throw new IllegalArgumentException("missingValues must be a string");
        return MissingValues.ofDocumentName(rule.textValue());
    }
}
