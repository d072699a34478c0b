package io.cotrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenAmountTest {
    private static final BigInteger TOKEN = BigInteger.TEN.pow(18);

    @Test
    void wholeTokensAndDecimalsBecomeWei() {
        assertThat(TokenAmount.parse("100")).isEqualTo(TOKEN.multiply(BigInteger.valueOf(100)));
        assertThat(TokenAmount.parse("12.5")).isEqualTo(new BigInteger("12500000000000000000"));
        assertThat(TokenAmount.parse(" 0.000000000000000001 ")).isEqualTo(BigInteger.ONE);
        assertThat(TokenAmount.parse(".5")).isEqualTo(TOKEN.divide(BigInteger.TWO));
        assertThat(TokenAmount.parse("1.500000000000000000000")).isEqualTo(new BigInteger("1500000000000000000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1", "1e3", "1,000", "0x10", "12.", "1.2.3", "NaN"})
    void rejectsWhatIsNotAPlainDecimal(String text) {
        assertThatThrownBy(() -> TokenAmount.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an amount of tokens");
    }

    @Test
    void rejectsZeroTooManyDecimalsAndMoreThan96Bits() {
        assertThatThrownBy(() -> TokenAmount.parse("0.000")).hasMessage("the amount must be more than 0");
        assertThatThrownBy(() -> TokenAmount.parse("0.0000000000000000001"))
                .hasMessageContaining("more than 18 decimals");
        assertThat(TokenAmount.parse("79228162514.264337593543950335")).isEqualTo(TokenAmount.MAX_WEI);
        assertThatThrownBy(() -> TokenAmount.parse("79228162514.264337593543950336"))
                .hasMessageContaining("2^96");
    }

    @Test
    void formatsWithoutTrailingZerosAndReadsBack() {
        assertThat(TokenAmount.format(TOKEN.multiply(BigInteger.valueOf(100)))).isEqualTo("100 COT");
        assertThat(TokenAmount.format(new BigInteger("12500000000000000000"))).isEqualTo("12.5 COT");
        assertThat(TokenAmount.format(BigInteger.ZERO)).isEqualTo("0 COT");
        assertThat(TokenAmount.format(BigInteger.ONE)).isEqualTo("0.000000000000000001 COT");
        for (String text : new String[] {"1", "0.1", "123456.789", "0.000000000000000001"}) {
            assertThat(TokenAmount.plain(TokenAmount.parse(text))).isEqualTo(text);
        }
    }
}
