package io.cotrain.cli;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Amounts of the Cotrain token (COT, 18 decimals): whole tokens with decimals on the command line, wei on chain. */
public final class TokenAmount {
    public static final int DECIMALS = 18;
    public static final String SYMBOL = "COT";
    /** The protocol keeps token amounts in 96 bits. */
    public static final BigInteger MAX_WEI = BigInteger.ONE.shiftLeft(96).subtract(BigInteger.ONE);

    private static final Pattern PLAIN_DECIMAL = Pattern.compile("\\d+(\\.\\d+)?|\\.\\d+");

    private TokenAmount() {}

    /**
     * @param text whole tokens, e.g. {@code 100}, {@code 12.5}, {@code 0.000000000000000001}
     * @return the amount in wei, positive
     * @throws IllegalArgumentException saying what is wrong: not a plain decimal number, zero, more than 18
     *     decimals, or beyond the protocol's 96-bit amounts
     */
    public static BigInteger parse(String text) {
        String value = text == null ? "" : text.strip();
        if (!PLAIN_DECIMAL.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an amount of tokens: use whole tokens with an "
                    + "optional decimal point, e.g. 100 or 12.5");
        }
        BigDecimal tokens = new BigDecimal(value);
        if (tokens.stripTrailingZeros().scale() > DECIMALS) {
            throw new IllegalArgumentException("'" + text + "' has more than " + DECIMALS + " decimals");
        }
        BigInteger wei = tokens.movePointRight(DECIMALS).toBigIntegerExact();
        if (wei.signum() == 0) throw new IllegalArgumentException("the amount must be more than 0");
        if (wei.compareTo(MAX_WEI) > 0) {
            throw new IllegalArgumentException("'" + text + "' is more than the protocol can hold (2^96 - 1 wei)");
        }
        return wei;
    }

    /**
     * @param wei an amount in wei
     * @return whole tokens without trailing zeros and the symbol, e.g. {@code 12.5 COT}
     */
    public static String format(BigInteger wei) {
        return plain(wei) + " " + SYMBOL;
    }

    /**
     * @param wei an amount in wei
     * @return whole tokens without trailing zeros, e.g. {@code 12.5}: what {@link #parse} reads back
     */
    public static String plain(BigInteger wei) {
        BigDecimal tokens = new BigDecimal(wei).movePointLeft(DECIMALS).stripTrailingZeros();
        return tokens.signum() == 0 ? "0" : tokens.toPlainString();
    }

    /** picocli's converter for amount options. */
    public static final class Converter implements ITypeConverter<BigInteger> {
        @Override
        public BigInteger convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
