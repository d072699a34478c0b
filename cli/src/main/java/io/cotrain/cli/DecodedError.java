package io.cotrain.cli;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A custom error as {@link io.cotrain.client.RevertDecoder} renders it, {@code WrongPhase(round=3, expected=1,
 * actual=2)}, taken apart into its name and arguments.
 *
 * @param name the error's name
 * @param arguments its arguments by parameter name (by position, {@code 0}, {@code 1}..., when unnamed), in order
 */
public record DecodedError(String name, Map<String, String> arguments) {
    private static final Pattern FORM = Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*)\\((.*)\\)", Pattern.DOTALL);

    public DecodedError {
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /**
     * @param rendered the decoded error, e.g. {@code UnbondingNotReady(readyBlock=120, currentBlock=80)}
     * @return its parts; arguments are split at ", " (the errors the CLI explains carry numbers and addresses only)
     */
    public static DecodedError parse(String rendered) {
        Matcher form = FORM.matcher(rendered.strip());
        if (!form.matches()) return new DecodedError(rendered.strip(), Map.of());
        Map<String, String> arguments = new LinkedHashMap<>();
        String inside = form.group(2).strip();
        if (!inside.isEmpty()) {
            List<String> parts = new ArrayList<>(List.of(inside.split(", ")));
            for (int i = 0; i < parts.size(); i++) {
                String part = parts.get(i);
                int equals = part.indexOf('=');
                boolean named = equals > 0 && part.substring(0, equals).matches("[A-Za-z_$][A-Za-z0-9_$]*");
                arguments.put(
                        named ? part.substring(0, equals) : Integer.toString(i),
                        named ? part.substring(equals + 1) : part);
            }
        }
        return new DecodedError(form.group(1), arguments);
    }

    /**
     * @param name a parameter name
     * @param position its position, used when the parameter is unnamed
     * @return the argument as a number
     * @throws IllegalArgumentException if it is missing or not a number
     */
    public BigInteger number(String name, int position) {
        String value = text(name, position);
        try {
            return new BigInteger(value);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(name + " of " + this.name + " is not a number: " + value);
        }
    }

    /**
     * @param name a parameter name
     * @param position its position, used when the parameter is unnamed
     * @return the argument as rendered, or null
     */
    public String text(String name, int position) {
        String value = arguments.get(name);
        if (value == null) value = arguments.get(Integer.toString(position));
        if (value == null && position < arguments.size())
            value = List.copyOf(arguments.values()).get(position);
        return value;
    }
}
