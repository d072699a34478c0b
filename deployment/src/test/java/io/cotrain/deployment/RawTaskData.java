package io.cotrain.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cotrain.testing.SyntheticImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A task's raw data as a model owner and contributors would have it, split into the owner's sample, the held-out set
 * and one shard per contributor: vega-datasets' {@code cars.json} (installed by the build's npm toolchain; raw JSON
 * records with a name, columns in their own units, a date, gaps, the origin as a name), or synthetic images.
 *
 * @param ownerSample the owner's records, to derive the schema and train the base model on
 * @param heldOut     the held-out records the validators evaluate on
 * @param shards      each contributor's records
 */
record RawTaskData(byte[] ownerSample, byte[] heldOut, List<byte[]> shards) {
    static final Path SOURCE = Path.of("node_modules/vega-datasets/data/cars.json");
    static final int OWNER_SAMPLE_ROWS = 60;
    static final int HELD_OUT_ROWS = 120;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Splits cars.json's records, shuffled by a fixed seed, so every run sees the same split. */
    static RawTaskData cars(Path root, int contributors) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        JSON.readTree(Files.readAllBytes(root.resolve(SOURCE))).forEach(records::add);
        Collections.shuffle(records, new Random(2026));
        int shardRows = (records.size() - OWNER_SAMPLE_ROWS - HELD_OUT_ROWS) / contributors;
        List<byte[]> shards = new ArrayList<>();
        for (int c = 0; c < contributors; c++) {
            int from = OWNER_SAMPLE_ROWS + HELD_OUT_ROWS + c * shardRows;
            shards.add(json(records.subList(from, from + shardRows)));
        }
        return new RawTaskData(
                json(records.subList(0, OWNER_SAMPLE_ROWS)),
                json(records.subList(OWNER_SAMPLE_ROWS, OWNER_SAMPLE_ROWS + HELD_OUT_ROWS)),
                List.copyOf(shards));
    }

    /**
     * {@link SyntheticImages}' archives: 10 images of each class for the owner, 40 of each held out and 40 of each
     * per contributor.
     */
    static RawTaskData images(int contributors) {
        List<byte[]> shards = new ArrayList<>();
        for (int c = 0; c < contributors; c++) shards.add(SyntheticImages.archive(40, 10 + c));
        return new RawTaskData(SyntheticImages.archive(10, 1), SyntheticImages.archive(40, 2), List.copyOf(shards));
    }

    private static byte[] json(List<JsonNode> records) throws IOException {
        ArrayNode array = JSON.createArrayNode();
        records.forEach(array::add);
        return JSON.writeValueAsBytes(array);
    }
}
