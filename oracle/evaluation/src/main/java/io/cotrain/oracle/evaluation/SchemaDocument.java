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
import java.util.Set;

/**
 * A task's {@link DataSchema} as the document the model registry's {@code schemaDigest} names: canonical JSON (the
 * field order below, no whitespace, UTF-8), so that the same schema always has the same sha256 and the document read
 * back from IPFS can be checked to be exactly that form.
 *
 * <pre>{"formatVersion":1,"featureColumns":["a","b"],"labelColumn":"label","classCount":3}</pre>
 */
public final class SchemaDocument {
    /** The format this code reads and writes. */
    public static final int FORMAT_VERSION = 1;

    /** The most bytes a schema document may have: what readers fetch from IPFS at most. */
    public static final long MAX_BYTES = 1 << 20;

    private static final Set<String> FIELDS = Set.of("formatVersion", "featureColumns", "labelColumn", "classCount");
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SchemaDocument() {}

    /**
     * @param schema a schema
     * @return its canonical document
     */
    public static byte[] write(DataSchema schema) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        ArrayNode features = root.putArray("featureColumns");
        schema.featureColumns().forEach(features::add);
        root.put("labelColumn", schema.labelColumn());
        root.put("classCount", schema.classCount());
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + schema, e);
        }
    }

    /**
     * Reads a schema document and requires its canonical form, so that its digest is the one {@link #write} gives.
     *
     * @param document the bytes, e.g. fetched from IPFS by the registry's {@code schemaDigest}
     * @return the schema
     * @throws IllegalArgumentException naming what is wrong: not JSON, an unknown or missing field, a bad value, a
     *     version other than {@value #FORMAT_VERSION}, or a form other than the canonical one
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
        List<String> unknown = new ArrayList<>();
        root.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) unknown.add(name);
        });
        if (!unknown.isEmpty()) throw new IllegalArgumentException("unknown schema field(s) " + unknown);
        JsonNode version = root.get("formatVersion");
        if (version == null || !version.isInt() || version.intValue() != FORMAT_VERSION) {
            throw new IllegalArgumentException("formatVersion must be " + FORMAT_VERSION + ", got " + version);
        }
        JsonNode features = root.get("featureColumns");
        if (features == null || !features.isArray()) {
            throw new IllegalArgumentException("featureColumns must be an array of column names");
        }
        List<String> featureColumns = new ArrayList<>();
        for (JsonNode feature : features) {
            if (!feature.isTextual())
                throw new IllegalArgumentException("featureColumns must hold strings: " + feature);
            featureColumns.add(feature.textValue());
        }
        JsonNode label = root.get("labelColumn");
        if (label == null || !label.isTextual()) throw new IllegalArgumentException("labelColumn must be a string");
        JsonNode classes = root.get("classCount");
        if (classes == null || !classes.isInt()) throw new IllegalArgumentException("classCount must be an integer");
        DataSchema schema = new DataSchema(featureColumns, label.textValue(), classes.intValue());
        if (!Arrays.equals(write(schema), document)) {
            throw new IllegalArgumentException("the schema document is not in canonical form: expected "
                    + new String(write(schema), StandardCharsets.UTF_8));
        }
        return schema;
    }
}
