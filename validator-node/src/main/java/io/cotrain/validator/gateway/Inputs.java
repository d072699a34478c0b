package io.cotrain.validator.gateway;

import io.cotrain.validator.gateway.InvalidInputException.Violation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * Checks of request values, each failing with an {@link InvalidInputException} that names the field, echoes the value
 * (cut short) and says what fits.
 */
public final class Inputs {
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
    private static final Pattern DIGEST = Pattern.compile("(0x)?[0-9a-fA-F]{64}");
    private static final Pattern TASK_ID = Pattern.compile("[0-9]{1,12}");
    private static final Pattern AMOUNT = Pattern.compile("[0-9]{1,78}");
    private static final int ECHO_LIMIT = 80;

    private Inputs() {}

    /**
     * @return the address, EIP-55 checksummed
     * @throws InvalidInputException unless it is 0x and 40 hex digits, and a valid checksum when mixed-case
     */
    public static String address(String field, String value) {
        if (value == null || !ADDRESS.matcher(value).matches()) {
            throw new InvalidInputException(
                    field, value, field + " must be an address: 0x and 40 hex digits, got '" + echo(value) + "'");
        }
        String checksummed = Keys.toChecksumAddress(value);
        String digits = value.substring(2);
        boolean mixedCase = !digits.equals(digits.toLowerCase()) && !digits.equals(digits.toUpperCase());
        if (mixedCase && !checksummed.equals(value)) {
            throw new InvalidInputException(
                    field, value, field + " " + value + " has a wrong EIP-55 checksum: check it for typos");
        }
        return checksummed;
    }

    /**
     * @return the task id in a path segment
     * @throws InvalidInputException unless a positive integer
     */
    public static long taskId(String value) {
        if (value == null || !TASK_ID.matcher(value).matches() || Long.parseLong(value) == 0) {
            throw new InvalidInputException("id", value, "a task id is a positive integer, got '" + echo(value) + "'");
        }
        return Long.parseLong(value);
    }

    /**
     * @return a token amount in the token's smallest unit
     * @throws InvalidInputException unless a whole number that fits in a uint256's digits
     */
    public static BigInteger amount(String field, String value) {
        if (value == null || !AMOUNT.matcher(value).matches()) {
            throw new InvalidInputException(
                    field, value, field + " is a whole number of the token's smallest unit, got '" + echo(value) + "'");
        }
        return new BigInteger(value);
    }

    /** @return the 32 bytes of a 0x-hex sha256 digest, or null after adding a violation */
    static byte[] digest(String field, String value, List<Violation> violations) {
        if (value == null || !DIGEST.matcher(value.strip()).matches()) {
            violations.add(new Violation(
                    field,
                    value,
                    field + " must be a sha256 digest: 64 hex digits, optionally 0x-prefixed, got '" + echo(value)
                            + "'"));
            return null;
        }
        byte[] digest = Numeric.hexStringToByteArray(value.strip());
        if (Arrays.equals(digest, new byte[32])) {
            violations.add(new Violation(field, value, field + " must not be zero"));
            return null;
        }
        return digest;
    }

    /**
     * @return the 32 bytes of a digest
     * @throws InvalidInputException naming the field unless a non-zero sha256 digest
     */
    public static byte[] digest(String field, String value) {
        List<Violation> violations = new ArrayList<>();
        byte[] digest = digest(field, value, violations);
        if (!violations.isEmpty()) throw new InvalidInputException(violations);
        return digest;
    }

    static String echo(String value) {
        if (value == null) return "";
        return value.length() > ECHO_LIMIT ? value.substring(0, ECHO_LIMIT) + "..." : value;
    }
}
