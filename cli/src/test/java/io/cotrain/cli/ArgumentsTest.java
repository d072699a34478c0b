package io.cotrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArgumentsTest {
    private static final String HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void digestsAreSixtyFourHexDigitsWithOrWithout0x() {
        byte[] expected = HexFormat.of().parseHex(HEX);
        assertThat(Arguments.digest(HEX)).isEqualTo(expected);
        assertThat(Arguments.digest("0x" + HEX)).isEqualTo(expected);
        assertThat(Arguments.digest("0X" + HEX.toUpperCase())).isEqualTo(expected);
        assertThat(Arguments.hex(expected)).isEqualTo("0x" + HEX);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "xyz",
                "0x1234",
                HEX + "00",
                "0x" + HEX + "0",
                "bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba",
                "g" + "f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
            })
    void badDigestsSayTheExpectedFormat(String text) {
        assertThatThrownBy(() -> Arguments.digest(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a manifest digest")
                .hasMessageContaining("64 hex digits, optionally 0x-prefixed");
    }

    @Test
    void theZeroDigestIsRefused() {
        assertThatThrownBy(() -> Arguments.digest("0".repeat(64))).hasMessageContaining("must not be zero");
    }

    @Test
    void taskIdsArePositiveAndBelow2To32_asTheProtocolStoresThem() {
        assertThat(Arguments.taskId("1")).isEqualTo(1);
        assertThat(Arguments.taskId("4294967295")).isEqualTo((1L << 32) - 1);
        for (String bad : new String[] {"0", "-1", "4294967296", "1099511627775", "one", "1.5", ""}) {
            assertThatThrownBy(() -> Arguments.taskId(bad)).as(bad).hasMessageContaining("is not a task id");
        }
    }
}
