package io.cotrain.validator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.cotrain.validator.gateway.ModelRegistration;
import org.junit.jupiter.api.Test;

/** A body that does not bind to its record is a 400 naming the field and the JSON type it needs. */
class BodyProblemsTest {
    /** As Quarkus configures it: unknown fields are ignored unless an endpoint binds strictly. */
    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void test_aFieldOfTheWrongType_isNamedWithTheTypeItNeeds() {
        assertThat(refusal("{\"address\": {\"x\": 1}}", WalletBodies.Join.class))
                .isEqualTo("address must be a string (see /q/openapi)");
        assertThat(refusal("{\"ruleParameterA\": \"abc\"}", ModelRegistration.class))
                .isEqualTo("ruleParameterA must be a whole number, got 'abc' (see /q/openapi)");
        assertThat(refusal("{\"rewardWeights\": [10000, \"x\", 0]}", ModelRegistration.class))
                .isEqualTo("rewardWeights[1] must be a whole number, got 'x' (see /q/openapi)");
        assertThat(refusal("{\"rewardWeights\": 5}", ModelRegistration.class))
                .isEqualTo("rewardWeights must be a list (see /q/openapi)");
    }

    @Test
    void test_aBodyThatIsNoObject_isAskedForOne() {
        assertThat(refusal("[1, 2]", WalletBodies.Claim.class)).isEqualTo(BodyProblems.POST_AN_OBJECT);
        assertThat(refusal("\"0xabc\"", WalletBodies.Submit.class)).isEqualTo(BodyProblems.POST_AN_OBJECT);
    }

    @Test
    void test_aStrictBody_refusesAFieldItDoesNotHaveNamingThoseItHas() throws Exception {
        var strict = new BodyProblems.Strict().apply(JSON, ModelRegistration.class);
        var e = catchThrowableOfType(
                MismatchedInputException.class, () -> strict.readValue("{\"rewardWeight\": [10000, 0, 0]}"));

        assertThat(BodyProblems.detail(e))
                .startsWith("rewardWeight is not a field of this body, which has ")
                .contains("rewardWeights", "signedTransaction")
                .endsWith(" (see /q/openapi)");
        assertThat(JSON.readValue("{\"address\": \"0xA1\", \"note\": 1}", WalletBodies.Claim.class)
                        .address())
                .as("the other bodies ignore fields they do not have, as before")
                .isEqualTo("0xA1");
    }

    private static String refusal(String body, Class<?> type) {
        return BodyProblems.detail(
                catchThrowableOfType(MismatchedInputException.class, () -> JSON.readValue(body, type)));
    }
}
