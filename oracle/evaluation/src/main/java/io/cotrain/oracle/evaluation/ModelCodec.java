package io.cotrain.oracle.evaluation;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Model bytes: a canonical, deterministic writer and a guarded reader.
 *
 * <p><b>Format.</b> A zip in DL4J's {@link ModelSerializer} layout without updater state: {@code configuration.json}
 * (the JSON of a {@link MultiLayerConfiguration}, or of a {@link ComputationGraphConfiguration}: a graph's has
 * {@code "vertices"}) then {@code coefficients.bin} (the flattened parameters as written by
 * {@link Nd4j#write(INDArray, DataOutputStream)}). {@link #write} stores both entries uncompressed with the fixed
 * timestamp 1980-01-01T00:00 (local DOS time, independent of the time zone), so the same weights always give the same
 * bytes and the same sha256, on every JVM; DL4J's {@code ModelSerializer} restores them too.
 *
 * <p><b>Reading</b> never hands the zip to DL4J. In order, and each failure is an {@link InvalidModelException}:
 * <ol>
 *   <li>size at most {@link EvaluationLimits#maxModelBytes()};</li>
 *   <li>zip-bomb limits: at most {@link EvaluationLimits#maxZipEntries()} entries (as declared by the
 *       end-of-central-directory record, checked first, and as counted while streaming); then, streaming the entries
 *       with bounded reads (the central directory is never used), total uncompressed size at most
 *       {@link EvaluationLimits#maxUncompressedBytes()}, and uncompressed /
 *       compressed size at most {@link EvaluationLimits#maxCompressionRatio()}; only the entry names of the layout
 *       above (plus an ignored {@code updaterState.bin}), each once;</li>
 *   <li>"not a DL4J model": a missing entry, JSON nested deeper than {@value #MAX_JSON_DEPTH}, or a configuration
 *       DL4J cannot parse;</li>
 *   <li>the architecture (from the configuration alone, nothing allocated yet) must equal the expected one, and
 *       the parameter count stay within {@link EvaluationLimits#maxParameters()};</li>
 *   <li>{@code coefficients.bin} must be a float or double vector of exactly that many parameters: it is decoded
 *       by {@link CoefficientsReader} in plain Java, so ND4J never allocates from a hostile header;</li>
 *   <li>no NaN or infinite parameter.</li>
 * </ol>
 */
public final class ModelCodec {

    /** Deepest JSON nesting accepted in configuration.json (DL4J's own configurations nest about 6 levels). */
    static final int MAX_JSON_DEPTH = 32;

    private static final Set<String> KNOWN_ENTRIES =
            Set.of(ModelSerializer.CONFIGURATION_JSON, ModelSerializer.COEFFICIENTS_BIN, ModelSerializer.UPDATER_BIN);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private ModelCodec() {}

    /** Writes the model's configuration and parameters (no updater state) as canonical zip bytes. */
    public static byte[] write(TaskModel model) {
        EvaluationRuntime.configure();
        try {
            byte[] json = model.configurationJson().getBytes(StandardCharsets.UTF_8);
            var params = new ByteArrayOutputStream();
            try (var out = new DataOutputStream(params)) {
                Nd4j.write(model.params(), out);
            }
            var zip = new ByteArrayOutputStream();
            try (var out = new ZipOutputStream(zip)) {
                out.setMethod(ZipOutputStream.STORED);
                putStored(out, ModelSerializer.CONFIGURATION_JSON, json);
                putStored(out, ModelSerializer.COEFFICIENTS_BIN, params.toByteArray());
            }
            return zip.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the model", e);
        }
    }

    private static void putStored(ZipOutputStream out, String name, byte[] data) throws IOException {
        var entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setTimeLocal(ENTRY_TIME);
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        var crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        out.putNextEntry(entry);
        out.write(data);
        out.closeEntry();
    }

    /** Reads model bytes with every guard except the architecture comparison. */
    public static TaskModel read(byte[] zip, EvaluationLimits limits) {
        return read(zip, limits, null);
    }

    /**
     * Reads model bytes with every guard.
     *
     * @param expected the architecture the model must have, or null to accept any (within the parameter limit)
     * @throws InvalidModelException when a guard rejects the bytes
     */
    public static TaskModel read(byte[] zip, EvaluationLimits limits, ModelArchitecture expected) {
        EvaluationRuntime.configure();
        Map<String, byte[]> entries = scan(zip, limits);
        byte[] json = entries.get(ModelSerializer.CONFIGURATION_JSON);
        byte[] coefficients = entries.get(ModelSerializer.COEFFICIENTS_BIN);
        if (json == null || coefficients == null) {
            throw new InvalidModelException("not a DL4J model: the zip lacks "
                    + (json == null ? ModelSerializer.CONFIGURATION_JSON : ModelSerializer.COEFFICIENTS_BIN));
        }
        Object conf = parseConfiguration(json);
        ModelArchitecture architecture;
        try {
            architecture = conf instanceof ComputationGraphConfiguration graph
                    ? ModelArchitecture.of(graph)
                    : ModelArchitecture.of((MultiLayerConfiguration) conf);
        } catch (InvalidModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidModelException("not a DL4J model: unusable layer configuration", e);
        }
        if (expected != null) {
            String difference = architecture.differenceFrom(expected);
            if (difference != null) {
                throw new InvalidModelException(difference);
            }
        }
        if (architecture.parameterCount() <= 0 || architecture.parameterCount() > limits.maxParameters()) {
            throw new InvalidModelException("the model has " + architecture.parameterCount()
                    + " parameters, outside 1.." + limits.maxParameters());
        }
        INDArray params = readParameters(coefficients, architecture.parameterCount());
        try {
            if (conf instanceof ComputationGraphConfiguration graphConf) {
                var graph = new ComputationGraph(graphConf);
                graph.init(params, false);
                return TaskModel.of(graph);
            }
            var network = new MultiLayerNetwork((MultiLayerConfiguration) conf);
            network.init(params, false);
            return TaskModel.of(network);
        } catch (RuntimeException e) {
            throw new InvalidModelException(
                    "not a DL4J model: DL4J cannot build it (" + brief(e.getMessage()) + ")", e);
        }
    }

    /**
     * Streams the zip's entries with bounded reads and returns their contents by name, enforcing size, entry count,
     * total uncompressed size, compression ratio and entry names.
     */
    static Map<String, byte[]> scan(byte[] zip, EvaluationLimits limits) {
        if (zip == null || zip.length == 0) {
            throw new InvalidModelException("not a DL4J model: empty");
        }
        if (zip.length > limits.maxModelBytes()) {
            throw new InvalidModelException(
                    "the model has " + zip.length + " bytes, more than the limit of " + limits.maxModelBytes());
        }
        int declared = declaredEntryCount(zip);
        if (declared > limits.maxZipEntries()) {
            throw new InvalidModelException("zip bomb guard: more than " + limits.maxZipEntries() + " entries");
        }
        long ratioLimit = (long) Math.min(Long.MAX_VALUE / 2.0, Math.floor(limits.maxCompressionRatio() * zip.length));
        long budget = Math.min(limits.maxUncompressedBytes(), ratioLimit);
        var entries = new LinkedHashMap<String, byte[]>();
        long total = 0;
        int count = 0;
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            byte[] buffer = new byte[8192];
            while ((entry = in.getNextEntry()) != null) {
                count++;
                if (count > limits.maxZipEntries()) {
                    throw new InvalidModelException("zip bomb guard: more than " + limits.maxZipEntries() + " entries");
                }
                String name = entry.getName();
                if (!KNOWN_ENTRIES.contains(name)) {
                    throw new InvalidModelException("not a DL4J model: unexpected zip entry '"
                            + (name.length() > 40 ? name.substring(0, 37) + "..." : name) + "'");
                }
                if (entries.containsKey(name)) {
                    throw new InvalidModelException("not a DL4J model: duplicate zip entry '" + name + "'");
                }
                var content = new ByteArrayOutputStream();
                int n;
                while ((n = in.read(buffer)) > 0) {
                    total += n;
                    if (total > budget) {
                        throw new InvalidModelException(
                                total > limits.maxUncompressedBytes()
                                        ? "zip bomb guard: more than " + limits.maxUncompressedBytes()
                                                + " bytes uncompressed"
                                        : "zip bomb guard: compression ratio above " + limits.maxCompressionRatio());
                    }
                    content.write(buffer, 0, n);
                }
                entries.put(name, content.toByteArray());
            }
        } catch (ZipException | IllegalArgumentException e) {
            // an entry name that is not UTF-8 is an IllegalArgumentException before JDK 23, a ZipException after
            throw new InvalidModelException("not a DL4J model: not a valid zip (" + brief(e.getMessage()) + ")");
        } catch (IOException e) {
            throw new InvalidModelException("not a DL4J model: unreadable zip (" + brief(e.getMessage()) + ")");
        }
        if (count == 0) {
            throw new InvalidModelException("not a DL4J model: not a zip file");
        }
        return entries;
    }

    /**
     * The entry count the zip's end-of-central-directory record declares (read before any entry is streamed; the
     * streamed entries are counted again).
     */
    private static int declaredEntryCount(byte[] zip) {
        int lowest = Math.max(0, zip.length - 22 - 0xFFFF);
        for (int i = zip.length - 22; i >= lowest; i--) {
            if (zip[i] == 0x50 && zip[i + 1] == 0x4b && zip[i + 2] == 0x05 && zip[i + 3] == 0x06) {
                int entries = (zip[i + 10] & 0xFF) | (zip[i + 11] & 0xFF) << 8;
                return entries == 0xFFFF ? Integer.MAX_VALUE : entries; // ZIP64: more than we ever accept
            }
        }
        throw new InvalidModelException("not a DL4J model: not a zip file");
    }

    /** A {@link MultiLayerConfiguration} or, when the JSON has {@code "vertices"}, a graph's configuration. */
    private static Object parseConfiguration(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_JSON_DEPTH) {
                    throw new InvalidModelException(
                            "not a DL4J model: configuration.json nests deeper than " + MAX_JSON_DEPTH);
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        boolean graph;
        try {
            graph = JSON.readTree(text).has("vertices");
        } catch (JacksonException e) {
            throw new InvalidModelException("not a DL4J model: configuration.json is not JSON");
        }
        try {
            if (graph) {
                ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(text);
                if (conf == null
                        || conf.getVertices() == null
                        || conf.getVertices().isEmpty()) {
                    throw new InvalidModelException("not a DL4J model: configuration.json has no vertices");
                }
                return conf;
            }
            MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(text);
            if (conf == null || conf.getConfs() == null || conf.getConfs().isEmpty()) {
                throw new InvalidModelException("not a DL4J model: configuration.json has no layers");
            }
            return conf;
        } catch (InvalidModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidModelException("not a DL4J model: configuration.json is not a "
                    + (graph ? "ComputationGraph" : "MultiLayerNetwork") + " configuration");
        }
    }

    /** Reads coefficients.bin without ND4J (see {@link CoefficientsReader}), then wraps it as a 1 x n row. */
    private static INDArray readParameters(byte[] coefficients, long expectedCount) {
        float[] values = CoefficientsReader.read(coefficients, expectedCount);
        checkFinite(values);
        return Nd4j.create(values, new long[] {1, values.length}, DataType.FLOAT);
    }

    static void checkFinite(float[] values) {
        int bad = 0;
        for (float v : values) {
            if (!Float.isFinite(v)) {
                bad++;
            }
        }
        if (bad > 0) {
            throw new InvalidModelException(
                    "the model has NaN or infinite weights (" + bad + " of " + values.length + " parameters)");
        }
    }

    private static String brief(String message) {
        String printable = String.valueOf(message).replaceAll("[^ -~]", "?");
        return printable.length() <= 60 ? printable : printable.substring(0, 57) + "...";
    }

    /** Lower-case hex sha256 of bytes. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /** A new SHA-256 digest (every JVM has one). */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
