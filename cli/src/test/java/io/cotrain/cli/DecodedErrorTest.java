package io.cotrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecodedErrorTest {
    @Test
    void splitsNameAndNamedArguments() {
        DecodedError error = DecodedError.parse("WrongPhase(round=3, expected=0, actual=2)");
        assertThat(error.name()).isEqualTo("WrongPhase");
        assertThat(error.arguments())
                .containsExactly(Map.entry("round", "3"), Map.entry("expected", "0"), Map.entry("actual", "2"));
        assertThat(error.number("actual", 2)).isEqualTo(BigInteger.TWO);
    }

    @Test
    void argumentsWithoutNamesAreFoundByPosition() {
        DecodedError error = DecodedError.parse("Panic(17)");
        assertThat(error.name()).isEqualTo("Panic");
        assertThat(error.text("code", 0)).isEqualTo("17");
        assertThat(DecodedError.parse("ProtocolPaused()").arguments()).isEmpty();
    }

    @Test
    void aNameMissingIsLookedUpByPosition() {
        DecodedError error = DecodedError.parse("UnbondingNotReady(ready=120, now=80)");
        assertThat(error.number("readyBlock", 0)).isEqualTo(BigInteger.valueOf(120));
        assertThat(error.number("currentBlock", 1)).isEqualTo(BigInteger.valueOf(80));
    }
}
