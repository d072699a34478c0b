package io.cotrain.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Java enums that mirror the contracts' enums name the same values in the same (ABI) order. */
class SolidityEnumsTest {

    static Stream<Arguments> mirrors() {
        return Stream.of(
                Arguments.of("AggregationRule", AggregationMethod.values(), (Function<Enum<?>, String>)
                        value -> camel(value.name())),
                Arguments.of("Parameter", ProtocolParameter.values(), (Function<Enum<?>, String>)
                        value -> camel(value.name())),
                Arguments.of("ContributionStatus", ContributionStatus.values(), (Function<Enum<?>, String>)
                        value -> ((ContributionStatus) value).title()),
                Arguments.of("RoundPhase", RoundPhase.values(), (Function<Enum<?>, String>)
                        value -> ((RoundPhase) value).title()),
                Arguments.of("ContributionType", ContributionKind.values(), (Function<Enum<?>, String>) Enum::name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mirrors")
    void test_values_matchTheSolidityEnumInOrder(
            String solidityName, Enum<?>[] values, Function<Enum<?>, String> spelledInSolidity) throws IOException {
        List<String> java = Arrays.stream(values).map(spelledInSolidity).toList();

        assertThat(java).containsExactlyElementsOf(solidityEnum(solidityName));
    }

    @Test
    void test_of_valueBeyondTheKnownPhases_namesIt() {
        assertThat(RoundPhase.of(BigInteger.valueOf(4))).isEqualTo(RoundPhase.FINALIZED);
        assertThatThrownBy(() -> RoundPhase.of(BigInteger.valueOf(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown round phase 5");
        assertThat(ProtocolParameter.NEUTRAL_SCORE.index()).hasToString("21");
    }

    @Test
    void test_ofApiName_gatewaySpelling_mapsToTheOnChainKind() {
        assertThat(ContributionKind.ofApiName("VALIDATION_WORK")).isEqualTo(ContributionKind.VALIDATION);
        assertThat(ContributionKind.VALIDATION.onChain()).hasToString("2");
        assertThatThrownBy(() -> ContributionKind.ofApiName("VALIDATION"))
                .hasMessage("kind is one of [MODEL_UPDATE, DATASET, VALIDATION_WORK], got 'VALIDATION'");
        assertThatThrownBy(() -> ContributionKind.of(3)).hasMessage("unknown contribution kind 3");
    }

    /** The values of {@code enum name} in the contracts' sources, comments left out. */
    private static List<String> solidityEnum(String name) throws IOException {
        String source;
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            StringBuilder all = new StringBuilder();
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".sol")).sorted().toList()) {
                all.append(Files.readString(file).replaceAll("//[^\n]*", ""));
            }
            source = all.toString();
        }
        Matcher body = Pattern.compile("enum " + name + " \\{([^}]*)}").matcher(source);
        assertThat(body.find()).as("enum " + name + " in contracts/src").isTrue();
        return Arrays.stream(body.group(1).split(",")).map(String::strip).toList();
    }

    private static String camel(String constant) {
        StringBuilder out = new StringBuilder();
        for (String word : constant.split("_")) {
            out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }
}
