package io.cotrain.ipfs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.ContributionManifest.DataSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The JSON form of a {@link ContributionManifest}: a strict reader that names the offending field of every error,
 * and the canonical writer (the field order below, no whitespace, UTF-8, absent fields omitted).
 */
final class ManifestJson {
    private static final Set<String> MANIFEST_FIELDS = Set.of(
            "formatVersion",
            "kind",
            "taskId",
            "contributor",
            "artifacts",
            "trainingSamples",
            "baseModel",
            "dataSchema",
            "privacy",
            "sealing",
            "createdAt");
    private static final Set<String> ARTIFACT_FIELDS = Set.of("name", "cid", "sha256", "size", "mediaType");
    private static final Set<String> SCHEMA_FIELDS = Set.of("columns", "labelColumn");
    private static final Set<String> PRIVACY_FIELDS = Set.of("epsilon", "delta", "clip", "noiseMultiplier");
    private static final Set<String> SEALING_FIELDS = Set.of("plaintextSha256", "nonce", "recipients");
    private static final Set<String> RECIPIENT_FIELDS =
            Set.of("address", "ephemeralPublicKey", "ephemeralSignature", "nonce", "wrappedKey");
    private static final HexFormat HEX = HexFormat.of();

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER =
            new ObjectMapper(FACTORY).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ManifestJson() {}

    static ContributionManifest read(byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ManifestException("manifest", "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ManifestException("manifest", "unreadable: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) throw new ManifestException("manifest", "empty document");
        Fields manifest = Fields.of(root, "");
        // The version decides which fields exist, so it is checked before anything else.
        long version = manifest.integer("formatVersion");
        if (version != ContributionManifest.FORMAT_VERSION) {
            throw new ManifestException(
                    "formatVersion",
                    "unsupported version " + version + ", this reader knows " + ContributionManifest.FORMAT_VERSION);
        }
        manifest.allowOnly(MANIFEST_FIELDS);
        return new ContributionManifest(
                kind(manifest),
                manifest.integer("taskId"),
                manifest.text("contributor"),
                artifacts(manifest),
                manifest.optionalInteger("trainingSamples"),
                manifest.optionalText("baseModel"),
                manifest.has("dataSchema") ? Optional.of(dataSchema(manifest.object("dataSchema"))) : Optional.empty(),
                manifest.has("privacy") ? Optional.of(privacy(manifest.object("privacy"))) : Optional.empty(),
                manifest.has("sealing") ? Optional.of(sealing(manifest.object("sealing"))) : Optional.empty(),
                manifest.optionalText("createdAt").map(ManifestJson::instant));
    }

    private static ContributionKind kind(Fields manifest) {
        String kind = manifest.text("kind");
        try {
            return ContributionKind.valueOf(kind);
        } catch (IllegalArgumentException e) {
            throw new ManifestException(
                    "kind", "must be one of " + Arrays.toString(ContributionKind.values()) + ", got '" + kind + "'");
        }
    }

    private static List<Artifact> artifacts(Fields manifest) {
        List<Artifact> artifacts = new ArrayList<>();
        List<JsonNode> entries = manifest.array("artifacts");
        for (int i = 0; i < entries.size(); i++) {
            String path = "artifacts[" + i + "]";
            Fields artifact = Fields.of(entries.get(i), path);
            artifact.allowOnly(ARTIFACT_FIELDS);
            String name = artifact.text("name");
            Cid cid = parseCid(artifact.text("cid"), path);
            String sha256 = artifact.text("sha256");
            long size = artifact.integer("size");
            String mediaType = artifact.text("mediaType");
            try {
                artifacts.add(new Artifact(name, cid, sha256, size, mediaType));
            } catch (ManifestException e) {
                throw e.within(path);
            }
        }
        return artifacts;
    }

    private static Cid parseCid(String cid, String path) {
        try {
            return Cid.parse(cid);
        } catch (IllegalArgumentException e) {
            throw new ManifestException(path + ".cid", e.getMessage());
        }
    }

    private static DataSchema dataSchema(Fields schema) {
        schema.allowOnly(SCHEMA_FIELDS);
        List<String> columns = new ArrayList<>();
        List<JsonNode> entries = schema.array("columns");
        for (int i = 0; i < entries.size(); i++) {
            JsonNode column = entries.get(i);
            if (!column.isTextual())
                throw new ManifestException("dataSchema.columns[" + i + "]", "expected a string, got " + column);
            columns.add(column.textValue());
        }
        String labelColumn = schema.text("labelColumn");
        try {
            return new DataSchema(columns, labelColumn);
        } catch (ManifestException e) {
            throw e.within("dataSchema");
        }
    }

    private static ContributionManifest.Privacy privacy(Fields privacy) {
        privacy.allowOnly(PRIVACY_FIELDS);
        return new ContributionManifest.Privacy(
                privacy.number("epsilon"),
                privacy.number("delta"),
                privacy.number("clip"),
                privacy.number("noiseMultiplier"));
    }

    private static Sealing sealing(Fields sealing) {
        sealing.allowOnly(SEALING_FIELDS);
        List<Sealing.Recipient> recipients = new ArrayList<>();
        List<JsonNode> entries = sealing.array("recipients");
        for (int i = 0; i < entries.size(); i++) {
            Fields recipient = Fields.of(entries.get(i), "sealing.recipients[" + i + "]");
            recipient.allowOnly(RECIPIENT_FIELDS);
            try {
                recipients.add(new Sealing.Recipient(
                        recipient.text("address"),
                        recipient.hex("ephemeralPublicKey"),
                        recipient.hex("ephemeralSignature"),
                        recipient.hex("nonce"),
                        recipient.hex("wrappedKey")));
            } catch (IllegalArgumentException e) {
                throw new ManifestException("sealing.recipients[" + i + "]", e.getMessage());
            }
        }
        try {
            return new Sealing(sealing.hex("plaintextSha256"), sealing.hex("nonce"), recipients);
        } catch (IllegalArgumentException e) {
            throw new ManifestException("sealing", e.getMessage());
        }
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ManifestException(
                    "createdAt", "must be an ISO-8601 UTC instant such as 2026-01-31T12:00:00Z, got '" + text + "'");
        }
    }

    static byte[] write(ContributionManifest manifest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("formatVersion", ContributionManifest.FORMAT_VERSION);
            json.writeStringField("kind", manifest.kind().name());
            json.writeNumberField("taskId", manifest.taskId());
            json.writeStringField("contributor", manifest.contributor());
            json.writeArrayFieldStart("artifacts");
            for (Artifact artifact : manifest.artifacts()) {
                json.writeStartObject();
                json.writeStringField("name", artifact.name());
                json.writeStringField("cid", artifact.cid().toString());
                json.writeStringField("sha256", artifact.sha256());
                json.writeNumberField("size", artifact.size());
                json.writeStringField("mediaType", artifact.mediaType());
                json.writeEndObject();
            }
            json.writeEndArray();
            if (manifest.trainingSamples().isPresent()) {
                json.writeNumberField(
                        "trainingSamples", manifest.trainingSamples().getAsLong());
            }
            if (manifest.baseModel().isPresent())
                json.writeStringField("baseModel", manifest.baseModel().get());
            if (manifest.dataSchema().isPresent()) {
                DataSchema schema = manifest.dataSchema().get();
                json.writeObjectFieldStart("dataSchema");
                json.writeArrayFieldStart("columns");
                for (String column : schema.columns()) json.writeString(column);
                json.writeEndArray();
                json.writeStringField("labelColumn", schema.labelColumn());
                json.writeEndObject();
            }
            if (manifest.privacy().isPresent()) {
                ContributionManifest.Privacy privacy = manifest.privacy().get();
                json.writeObjectFieldStart("privacy");
                json.writeNumberField("epsilon", privacy.epsilon());
                json.writeNumberField("delta", privacy.delta());
                json.writeNumberField("clip", privacy.clip());
                json.writeNumberField("noiseMultiplier", privacy.noiseMultiplier());
                json.writeEndObject();
            }
            if (manifest.sealing().isPresent()) {
                Sealing sealing = manifest.sealing().get();
                json.writeObjectFieldStart("sealing");
                json.writeStringField("plaintextSha256", HEX.formatHex(sealing.plaintextSha256()));
                json.writeStringField("nonce", HEX.formatHex(sealing.nonce()));
                json.writeArrayFieldStart("recipients");
                for (Sealing.Recipient recipient : sealing.recipients()) {
                    json.writeStartObject();
                    json.writeStringField("address", recipient.address());
                    json.writeStringField("ephemeralPublicKey", HEX.formatHex(recipient.ephemeralPublicKey()));
                    json.writeStringField("ephemeralSignature", HEX.formatHex(recipient.ephemeralSignature()));
                    json.writeStringField("nonce", HEX.formatHex(recipient.nonce()));
                    json.writeStringField("wrappedKey", HEX.formatHex(recipient.wrappedKey()));
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            if (manifest.createdAt().isPresent())
                json.writeStringField("createdAt", manifest.createdAt().get().toString());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** A JSON object being read, located by its path for error messages (empty for the document itself). */
    private record Fields(JsonNode node, String path) {
        static Fields of(JsonNode node, String path) {
            if (!node.isObject()) {
                throw new ManifestException(path.isEmpty() ? "manifest" : path, "expected a JSON object, got " + node);
            }
            return new Fields(node, path);
        }

        boolean has(String name) {
            return node.has(name);
        }

        void allowOnly(Set<String> names) {
            for (Iterator<String> fields = node.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                if (!names.contains(field)) throw new ManifestException(at(field), "unknown field");
            }
        }

        String text(String name) {
            JsonNode value = required(name);
            if (!value.isTextual()) throw wrongType(name, "a string", value);
            return value.textValue();
        }

        Optional<String> optionalText(String name) {
            return has(name) ? Optional.of(text(name)) : Optional.empty();
        }

        long integer(String name) {
            JsonNode value = required(name);
            if (!value.isIntegralNumber()) throw wrongType(name, "an integer", value);
            if (!value.canConvertToLong())
                throw new ManifestException(at(name), "out of the 64-bit range, got " + value);
            return value.longValue();
        }

        double number(String name) {
            JsonNode value = required(name);
            if (!value.isNumber()) throw wrongType(name, "a number", value);
            return value.doubleValue();
        }

        byte[] hex(String name) {
            String text = text(name);
            if (!text.matches("([0-9a-f]{2})*")) {
                throw new ManifestException(at(name), "must be lower-case hex, got '" + text + "'");
            }
            return HEX.parseHex(text);
        }

        OptionalLong optionalInteger(String name) {
            return has(name) ? OptionalLong.of(integer(name)) : OptionalLong.empty();
        }

        List<JsonNode> array(String name) {
            JsonNode value = required(name);
            if (!value.isArray()) throw wrongType(name, "an array", value);
            List<JsonNode> elements = new ArrayList<>();
            value.elements().forEachRemaining(elements::add);
            return elements;
        }

        Fields object(String name) {
            return of(required(name), at(name));
        }

        private JsonNode required(String name) {
            JsonNode value = node.get(name);
            if (value == null) throw new ManifestException(at(name), "missing");
            return value;
        }

        private ManifestException wrongType(String name, String expected, JsonNode value) {
            return new ManifestException(at(name), "expected " + expected + ", got " + value);
        }

        private String at(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }
    }
}
