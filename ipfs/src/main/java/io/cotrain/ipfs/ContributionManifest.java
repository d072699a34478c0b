package io.cotrain.ipfs;

import io.cotrain.contracts.ContributionKind;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a contribution is, stored on IPFS as a small JSON document whose sha256 is the {@code contentDigest} submitted
 * on chain: its kind and task, its contributor, the artifacts it consists of (each with its CID, sha256 and size),
 * and what the kind needs besides: the training sample count and base model of a model update, the sample count and
 * data schema of a dataset.
 *
 * <p>The document's bytes are its {@linkplain #canonicalBytes() canonical serialization} (fixed field order, no
 * whitespace, UTF-8), so the same manifest always has the same {@link #digest()} and raw {@link #cid()}. Every
 * constructor and {@link #parse(byte[])} validate the whole manifest and fail with a {@link ManifestException} naming
 * the field and the bad value.
 *
 * @param kind what is contributed
 * @param taskId the model or task it is for, as submitted on chain (below 2^32)
 * @param contributor the contributor's address, {@code 0x} and 40 hex digits, kept in lower case
 * @param artifacts the content, at least one, with unique names
 * @param trainingSamples samples trained on (model update) or contained (dataset); absent for validation work
 * @param baseModel the CID or sha256 hex of the model a model update starts from; only for model updates
 * @param dataSchema the columns of a dataset; only for datasets
 * @param privacy the differential privacy of a model update's release, when its contributor added noise for it
 * @param sealing how its one artifact is sealed to the validators, when it is: the artifact named is then the
 *     ciphertext, and {@link Sealing#plaintextSha256()} names the content it decrypts to
 * @param createdAt when the contributor made the manifest, if it says
 */
public record ContributionManifest(
        ContributionKind kind,
        long taskId,
        String contributor,
        List<Artifact> artifacts,
        OptionalLong trainingSamples,
        Optional<String> baseModel,
        Optional<DataSchema> dataSchema,
        Optional<Privacy> privacy,
        Optional<Sealing> sealing,
        Optional<Instant> createdAt) {

    /** The manifest format this code reads and writes. */
    public static final int FORMAT_VERSION = 1;
    /** Task ids are stored in 40 bits on chain. */
    public static final long MAX_TASK_ID = (1L << 32) - 1; // the protocol stores task ids in 32 bits

    private static final String SEALING_LABEL = "cotrain contribution v1";
    private static final int ADDRESS_BYTES = 20;
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*");

    /**
     * One stored object of a contribution.
     *
     * @param name unique within the manifest, e.g. {@code weights.safetensors}
     * @param cid where it is: raw for up to one chunk, dag-pb above
     * @param sha256 the sha256 of its bytes, 64 lower-case hex digits (equal to a raw CID's digest)
     * @param size its length in bytes
     * @param mediaType e.g. {@code application/octet-stream}
     */
    public record Artifact(String name, Cid cid, String sha256, long size, String mediaType) {
        public Artifact {
            require("name", name != null && !name.isBlank(), "must not be blank", name);
            requirePresent("cid", cid);
            require(
                    "sha256",
                    sha256 != null && SHA256_HEX.matcher(sha256).matches(),
                    "must be 64 lower-case hex digits",
                    sha256);
            require(
                    "sha256",
                    !cid.isRaw() || cid.digestHex().equals(sha256),
                    "differs from the digest of raw CID " + cid,
                    sha256);
            require("size", size >= 0, "must not be negative", size);
            require(
                    "mediaType",
                    mediaType != null && MEDIA_TYPE.matcher(mediaType).matches(),
                    "must be a lower-case type/subtype",
                    mediaType);
        }

        /**
         * An artifact for content at hand.
         *
         * @param name its name in the manifest
         * @param cid where it was stored
         * @param content its bytes, hashed for the sha256
         * @param mediaType its media type
         * @return the artifact
         */
        public static Artifact of(String name, Cid cid, byte[] content, String mediaType) {
            return new Artifact(name, cid, Sha256.hex(Sha256.of(content)), content.length, mediaType);
        }

        /** @return the 32-byte sha256 to verify the content against */
        public byte[] digest() {
            return HexFormat.of().parseHex(sha256);
        }
    }

    /**
     * The columns of a dataset.
     *
     * @param columns column names in order, unique, at least one
     * @param labelColumn the column holding the label, one of {@code columns}
     */
    public record DataSchema(List<String> columns, String labelColumn) {
        public DataSchema {
            require("columns", columns != null && !columns.isEmpty(), "must list at least one column", columns);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < columns.size(); i++) {
                String column = columns.get(i);
                require("columns[" + i + "]", column != null && !column.isBlank(), "must not be blank", column);
                require("columns[" + i + "]", seen.add(column), "duplicate column", column);
            }
            columns = List.copyOf(columns);
            require(
                    "labelColumn",
                    labelColumn != null && columns.contains(labelColumn),
                    "must be one of the columns " + columns,
                    labelColumn);
        }
    }

    /**
     * What a model update's noise buys: the release is (epsilon, delta)-differentially private for its contributor's
     * whole dataset, the update clipped to L2 norm {@code clip} and Gaussian noise of {@code noiseMultiplier * clip}
     * added to each parameter.
     *
     * @param epsilon the privacy loss spent, &gt; 0
     * @param delta the probability the bound fails, in (0, 1)
     * @param clip the L2 norm the update was clipped to, &gt; 0
     * @param noiseMultiplier the noise's standard deviation over {@code clip}, &gt; 0
     */
    public record Privacy(double epsilon, double delta, double clip, double noiseMultiplier) {
        public Privacy {
            require("privacy.epsilon", Double.isFinite(epsilon) && epsilon > 0, "must be positive", epsilon);
            require("privacy.delta", delta > 0 && delta < 1, "must be in (0, 1)", delta);
            require("privacy.clip", Double.isFinite(clip) && clip > 0, "must be positive", clip);
            require(
                    "privacy.noiseMultiplier",
                    Double.isFinite(noiseMultiplier) && noiseMultiplier > 0,
                    "must be positive",
                    noiseMultiplier);
        }
    }

    public ContributionManifest {
        requirePresent("kind", kind);
        require("taskId", taskId >= 0 && taskId <= MAX_TASK_ID, "must be in 0.." + MAX_TASK_ID, taskId);
        require(
                "contributor",
                contributor != null && ADDRESS.matcher(contributor).matches(),
                "must be 0x and 40 hex digits",
                contributor);
        contributor = contributor.toLowerCase(Locale.ROOT);
        require("artifacts", artifacts != null && !artifacts.isEmpty(), "must list at least one artifact", artifacts);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < artifacts.size(); i++) {
            Artifact artifact = Objects.requireNonNull(artifacts.get(i), "artifact");
            require("artifacts[" + i + "].name", names.add(artifact.name()), "duplicate name", artifact.name());
        }
        artifacts = List.copyOf(artifacts);
        Objects.requireNonNull(trainingSamples, "trainingSamples");
        Objects.requireNonNull(baseModel, "baseModel");
        Objects.requireNonNull(dataSchema, "dataSchema");
        Objects.requireNonNull(privacy, "privacy");
        Objects.requireNonNull(sealing, "sealing");
        Objects.requireNonNull(createdAt, "createdAt");

        requirePresence("trainingSamples", trainingSamples.isPresent(), kind != ContributionKind.VALIDATION, kind);
        trainingSamples.ifPresent(samples -> require("trainingSamples", samples > 0, "must be positive", samples));
        requirePresence("baseModel", baseModel.isPresent(), kind == ContributionKind.MODEL_UPDATE, kind);
        baseModel.ifPresent(model -> require(
                "baseModel", isModelReference(model), "must be a CID or 64 lower-case hex digits of a sha256", model));
        requirePresence("dataSchema", dataSchema.isPresent(), kind == ContributionKind.DATASET, kind);
        if (privacy.isPresent() && kind != ContributionKind.MODEL_UPDATE) {
            throw new ManifestException("privacy", "not allowed for " + kind);
        }
        require(
                "sealing",
                sealing.isEmpty() || artifacts.size() == 1,
                "seals one artifact, the manifest lists " + artifacts.size(),
                sealing.map(s -> Sha256.hex(s.plaintextSha256())).orElse(""));
    }

    /**
     * A model update: weights (or a delta) trained from a base model.
     *
     * @param taskId the task, below 2^32
     * @param contributor the contributor's address
     * @param artifacts the update's files
     * @param trainingSamples how many samples it was trained on
     * @param baseModel the CID or sha256 hex of the model it starts from
     * @return the manifest, without createdAt
     */
    public static ContributionManifest modelUpdate(
            long taskId, String contributor, List<Artifact> artifacts, long trainingSamples, String baseModel) {
        return new ContributionManifest(
                ContributionKind.MODEL_UPDATE,
                taskId,
                contributor,
                artifacts,
                OptionalLong.of(trainingSamples),
                Optional.of(baseModel),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /**
     * A dataset.
     *
     * @param taskId the task, below 2^32
     * @param contributor the contributor's address
     * @param artifacts the data files
     * @param trainingSamples how many samples it holds
     * @param dataSchema its columns
     * @return the manifest, without createdAt
     */
    public static ContributionManifest dataset(
            long taskId, String contributor, List<Artifact> artifacts, long trainingSamples, DataSchema dataSchema) {
        return new ContributionManifest(
                ContributionKind.DATASET,
                taskId,
                contributor,
                artifacts,
                OptionalLong.of(trainingSamples),
                Optional.empty(),
                Optional.of(dataSchema),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /**
     * Validation work, such as an evaluation report.
     *
     * @param taskId the task, below 2^32
     * @param contributor the contributor's address
     * @param artifacts the work's files
     * @return the manifest, without createdAt
     */
    public static ContributionManifest validation(long taskId, String contributor, List<Artifact> artifacts) {
        return new ContributionManifest(
                ContributionKind.VALIDATION,
                taskId,
                contributor,
                artifacts,
                OptionalLong.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /**
     * @param instant when the manifest was made
     * @return this manifest with that creation time
     */
    public ContributionManifest withCreatedAt(Instant instant) {
        return new ContributionManifest(
                kind,
                taskId,
                contributor,
                artifacts,
                trainingSamples,
                baseModel,
                dataSchema,
                privacy,
                sealing,
                Optional.of(instant));
    }

    /**
     * @param noise what the update's noise buys
     * @return this model update with its privacy stated
     */
    public ContributionManifest withPrivacy(Privacy noise) {
        return new ContributionManifest(
                kind,
                taskId,
                contributor,
                artifacts,
                trainingSamples,
                baseModel,
                dataSchema,
                Optional.of(noise),
                sealing,
                createdAt);
    }

    /**
     * The manifest of sealed content: its one artifact names the ciphertext as stored.
     *
     * @param ciphertext where the ciphertext is, its sha256 and size
     * @param seal how it is sealed, from {@link Sealing#seal} with this manifest's {@link #binding()}
     * @return this manifest naming the ciphertext and its sealing
     */
    public ContributionManifest sealedAs(Artifact ciphertext, Sealing seal) {
        return new ContributionManifest(
                kind,
                taskId,
                contributor,
                List.of(ciphertext),
                trainingSamples,
                baseModel,
                dataSchema,
                privacy,
                Optional.of(seal),
                createdAt);
    }

    /**
     * What sealed content of this manifest is bound to: its task, kind and contributor. A sealed artifact copied
     * into another contributor's manifest does not decrypt, and neither does one relabelled for another task.
     *
     * @return the binding to seal and open this manifest's artifact with
     */
    public Sealing.Binding binding() {
        return new Sealing.Binding(
                SEALING_LABEL,
                ByteBuffer.allocate(Long.BYTES + 1 + ADDRESS_BYTES)
                        .putLong(taskId)
                        .put((byte) kind.onChain().intValueExact())
                        .put(HexFormat.of().parseHex(contributor.substring(2)))
                        .array());
    }

    /**
     * What two contributions share when one copies the other: the artifact's sha256 for open content; for sealed
     * content the sha256 of its contributor and the plaintext's sha256, since only its contributor can seal it (a
     * copy of the ciphertext under another name does not decrypt) and a claimed plaintext digest is not proof of
     * holding the plaintext.
     *
     * @return 64 lower-case hex digits
     */
    public String copyKey() {
        if (sealing.isEmpty()) return artifacts.getFirst().sha256();
        return Sha256.hex(Sha256.of(ByteBuffer.allocate(ADDRESS_BYTES + Sha256.DIGEST_BYTES)
                .put(HexFormat.of().parseHex(contributor.substring(2)))
                .put(sealing.get().plaintextSha256())
                .array()));
    }

    /**
     * Reads and validates a manifest. Any JSON layout is accepted; {@link #parseCanonical} also requires the bytes
     * to be the canonical ones.
     *
     * @param json the document, UTF-8
     * @return the manifest
     * @throws ManifestException naming the field and the bad value: unknown format version, missing, malformed or
     *     unknown fields, values out of range, a field the kind does not allow
     */
    public static ContributionManifest parse(byte[] json) {
        return ManifestJson.read(json);
    }

    /**
     * Reads a manifest whose bytes must be exactly its canonical serialization, as a manifest fetched by its
     * on-chain digest must be: otherwise the same manifest could be submitted under several digests.
     *
     * @param json the document, UTF-8
     * @return the manifest, whose {@link #digest()} is {@code sha256(json)}
     * @throws ManifestException if it is invalid or not canonical
     */
    public static ContributionManifest parseCanonical(byte[] json) {
        ContributionManifest manifest = parse(json);
        if (!Arrays.equals(json, manifest.canonicalBytes())) {
            throw new ManifestException("manifest", "not in canonical form (fixed field order, no whitespace)");
        }
        return manifest;
    }

    /** @return the canonical serialization: fixed field order, no whitespace, UTF-8; absent fields omitted */
    public byte[] canonicalBytes() {
        return ManifestJson.write(this);
    }

    /** @return sha256 of the canonical bytes: the {@code contentDigest} to submit on chain */
    public byte[] digest() {
        return Sha256.of(canonicalBytes());
    }

    /** @return the raw CID of the canonical bytes, the address of the manifest on IPFS */
    public Cid cid() {
        return Cid.ofDigest(digest());
    }

    private static boolean isModelReference(String model) {
        if (SHA256_HEX.matcher(model).matches()) return true;
        try {
            Cid.parse(model);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void requirePresent(String field, Object value) {
        if (value == null) throw new ManifestException(field, "missing");
    }

    private static void requirePresence(String field, boolean present, boolean required, ContributionKind kind) {
        if (required && !present) throw new ManifestException(field, "required for " + kind);
        if (!required && present) throw new ManifestException(field, "not allowed for " + kind);
    }

    private static void require(String field, boolean valid, String problem, Object value) {
        if (!valid) throw new ManifestException(field, problem + ", got " + describe(value));
    }

    private static String describe(Object value) {
        return value instanceof String text ? "'" + text + "'" : String.valueOf(value);
    }
}
