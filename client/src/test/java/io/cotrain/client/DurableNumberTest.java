package io.cotrain.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableNumberTest {
    @TempDir
    Path dir;

    @Test
    void survivesANewInstanceAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("state/checkpoint");
        assertThat(new DurableNumber(file).load()).isEmpty();

        new DurableNumber(file).save(BigInteger.valueOf(41));
        new DurableNumber(file).save(BigInteger.valueOf(42));

        assertThat(new DurableNumber(file).load()).contains(BigInteger.valueOf(42));
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void rejectsACorruptFileNamingIt() throws Exception {
        Path file = dir.resolve("checkpoint");
        Files.writeString(file, "forty-two");
        assertThatThrownBy(() -> new DurableNumber(file).load())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString());
    }
}
