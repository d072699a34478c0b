package io.cotrain.validator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cotrain.ipfs.Cid;
import io.cotrain.validator.gateway.GatewayException;
import io.cotrain.validator.gateway.InvalidInputException;
import io.cotrain.validator.gateway.NothingToClaimException;
import io.cotrain.validator.gateway.TaskNotHeldException;
import io.cotrain.validator.gateway.TemporarilyUnavailableException;
import io.cotrain.validator.gateway.TooManyStreamsException;
import io.cotrain.validator.gateway.UnknownTaskException;
import io.cotrain.validator.gateway.UnusableContentException;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway's domain failures become problems here, each kind with its status and its message as the detail. */
class GatewayProblemsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GatewayProblems problems = new GatewayProblems();

    @Test
    void test_eachKindOfFailure_hasItsStatus() {
        Cid cid = Cid.of("content".getBytes(StandardCharsets.UTF_8));
        Map<GatewayException, Integer> statuses = Map.of(
                new InvalidInputException("address", "0x12", "address must be an address"), 400,
                new UnknownTaskException(9, 2), 404,
                new TaskNotHeldException(2, List.of(1L)), 409,
                new UnusableContentException(cid, "the base model is not a model of the schema"), 422,
                new NothingToClaimException("0xA1"), 422,
                new TooManyStreamsException("this client holds 4 live streams"), 429,
                new TemporarilyUnavailableException("the node is stopping"), 503);

        statuses.forEach((failure, status) -> assertThat(GatewayProblems.status(failure))
                .as(failure.getClass().getSimpleName())
                .isEqualTo(status));
    }

    @Test
    void test_anUnknownTask_is404NamingTheTasksThereAre() throws Exception {
        Response response = problems.gateway(new UnknownTaskException(5, 4), null);

        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getMediaType()).hasToString("application/problem+json");
        JsonNode body = JSON.readTree((String) response.getEntity());
        assertThat(body.get("title").asText()).isEqualTo("Not Found");
        assertThat(body.get("detail").asText()).isEqualTo("unknown task 5: the model registry has tasks 1 to 4");
    }

    @Test
    void test_everyMalformedField_isNamedInOneDetail() throws Exception {
        var invalid = new InvalidInputException(List.of(
                new InvalidInputException.Violation("rule", "mean", "rule must be one of fedavg, ..."),
                new InvalidInputException.Violation("rewardWeights", "[1]", "rewardWeights are three basis points")));

        Response response = problems.gateway(invalid, null);

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(JSON.readTree((String) response.getEntity()).get("detail").asText())
                .isEqualTo("rule must be one of fedavg, ...; rewardWeights are three basis points");
        assertThat(invalid.violations())
                .extracting(InvalidInputException.Violation::field)
                .containsExactly("rule", "rewardWeights");
    }
}
