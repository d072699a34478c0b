package io.cotrain.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ProblemMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aNodeProblemKeepsItsStatusAndDetail() throws Exception {
        Response response = ProblemMapper.response(ProblemMapper.problem(
                ProblemException.notFound("this validator has not judged contribution 9"), "/contributions/9"));
        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getMediaType()).hasToString("application/problem+json");
        JsonNode body = JSON.readTree((String) response.getEntity());
        assertThat(body.get("type").asText()).isEqualTo("about:blank");
        assertThat(body.get("title").asText()).isEqualTo("Not Found");
        assertThat(body.get("status").asInt()).isEqualTo(404);
        assertThat(body.get("detail").asText()).isEqualTo("this validator has not judged contribution 9");
        assertThat(body.get("instance").asText()).isEqualTo("/contributions/9");
    }

    @Test
    void jaxRsErrorsKeepTheirStatus() {
        assertThat(ProblemMapper.problem(new NotFoundException(), "/nope"))
                .satisfies(p -> assertThat(p.status()).isEqualTo(404))
                .satisfies(p -> assertThat(p.detail()).isEqualTo("no such resource"));
        assertThat(ProblemMapper.problem(new NotAllowedException("GET"), "/status")
                        .status())
                .isEqualTo(405);
    }

    @Test
    void unexpectedErrorsGiveNothingInternalAway() {
        Problem problem = ProblemMapper.problem(new IllegalStateException("file /secret/path is unreadable"), "/x");
        assertThat(problem.status()).isEqualTo(500);
        assertThat(problem.title()).isEqualTo("Internal Server Error");
        assertThat(problem.detail()).doesNotContain("/secret/path");
    }

    @Test
    void aProblemWithoutInstanceOmitsIt() throws Exception {
        JsonNode body = JSON.readTree((String)
                ProblemMapper.response(ProblemMapper.of(400, "bad", null)).getEntity());
        assertThat(body.has("instance")).isFalse();
        assertThat(body.get("title").asText()).isEqualTo("Bad Request");
    }

    @Test
    void contributionIdsAreNonNegativeUint256Integers() {
        assertThat(ContributionResource.parseId("0")).isEqualTo(BigInteger.ZERO);
        assertThat(ContributionResource.parseId("42")).isEqualTo(BigInteger.valueOf(42));
        BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
        assertThat(ContributionResource.parseId(max.toString())).isEqualTo(max);
        for (String bad : new String[] {
            "abc", "-1", "1.5", "0x10", " 1", "", max.add(BigInteger.ONE).toString(), "9".repeat(200)
        }) {
            assertThatThrownBy(() -> ContributionResource.parseId(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(ProblemException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage().length()).isLessThan(200);
                    });
        }
    }
}
