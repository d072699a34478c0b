package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateStoreTest {
    @TempDir
    Path data;

    @Test
    void test_put_thenRound_readsTheSameUpdateBack() {
        UpdateStore store = new UpdateStore(data);
        store.put(stored(7, 3, 1, new float[] {1.5f, -0f, Float.MIN_VALUE}));

        UpdateStore.Stored read =
                new UpdateStore(data).round(1, BigInteger.valueOf(3)).getFirst();

        assertThat(read.id()).isEqualTo(7);
        assertThat(read.contributor()).isEqualTo("0xabc");
        assertThat(read.globalModelSha256()).isEqualTo("ab".repeat(32));
        assertThat(read.parameters()).containsExactly(1.5f, -0f, Float.MIN_VALUE);
    }

    @Test
    void test_before_readsTheRoundsLookedBackOnInIdOrder() {
        UpdateStore store = new UpdateStore(data);
        store.put(stored(9, 4, 1, new float[] {1}));
        store.put(stored(4, 2, 1, new float[] {2}));
        store.put(stored(5, 3, 2, new float[] {3}));
        store.put(stored(2, 1, 1, new float[] {4}));

        assertThat(store.before(1, BigInteger.valueOf(5), 3))
                .extracting(UpdateStore.Stored::id)
                .containsExactly(BigInteger.valueOf(4), BigInteger.valueOf(9));
    }

    @Test
    void test_prune_deletesOldRoundsOfEveryTask_andLeavesStrayFilesAlone() throws IOException {
        UpdateStore store = new UpdateStore(data);
        store.put(stored(1, 1, 1, new float[] {1}));
        store.put(stored(2, 2, 2, new float[] {1}));
        store.put(stored(3, 3, 1, new float[] {1}));
        Files.writeString(data.resolve("updates/notes.txt"), "an operator's file");
        Files.createDirectories(data.resolve("updates/task-1/round-old"));

        store.prune(BigInteger.valueOf(3));

        assertThat(store.round(1, BigInteger.ONE)).isEmpty();
        assertThat(store.round(2, BigInteger.TWO)).isEmpty();
        assertThat(store.round(1, BigInteger.valueOf(3))).hasSize(1);
        assertThat(data.resolve("updates/notes.txt")).exists();
        assertThat(data.resolve("updates/task-1/round-old")).exists();
    }

    private static UpdateStore.Stored stored(long id, long round, long task, float[] parameters) {
        return new UpdateStore.Stored(
                BigInteger.valueOf(id), BigInteger.valueOf(round), task, "0xabc", "ab".repeat(32), parameters);
    }
}
