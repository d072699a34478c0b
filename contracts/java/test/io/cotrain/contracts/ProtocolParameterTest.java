package io.cotrain.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProtocolParameterTest {
    @Test
    void test_values_matchTheSolidityEnumInOrder() throws IOException {
        String source = Files.readString(Path.of("src/types/CotrainTypes.sol"));
        Matcher body = Pattern.compile("enum Parameter \\{([^}]*)}").matcher(source);
        assertThat(body.find()).as("enum Parameter in CotrainTypes.sol").isTrue();
        List<String> solidity = Arrays.stream(body.group(1).split(",")).map(String::strip).toList();

        List<String> java = Arrays.stream(ProtocolParameter.values())
                .map(value -> camel(value.name()))
                .toList();

        assertThat(java).containsExactlyElementsOf(solidity);
        assertThat(ProtocolParameter.NEUTRAL_SCORE.index()).hasToString("21");
    }

    private static String camel(String constant) {
        StringBuilder out = new StringBuilder();
        for (String word : constant.split("_")) {
            out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }
}
