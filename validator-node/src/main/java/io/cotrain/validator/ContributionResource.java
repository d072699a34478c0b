package io.cotrain.validator;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.oracle.scoring.ScoredContribution;
import io.cotrain.oracle.scoring.ValidatorLoop;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code GET /contributions/{id}}: this validator's judgement of one contribution. */
@Path("/contributions")
@Produces(MediaType.APPLICATION_JSON)
public class ContributionResource {
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
    private static final BigInteger UINT256_LIMIT = BigInteger.ONE.shiftLeft(256);
    private static final int ECHO_LIMIT = 80;

    /**
     * @param id the contribution id
     * @param round its round
     * @param taskId its task
     * @param kind the on-chain ContributionType number
     * @param kindName its name
     * @param score this validator's score, 1..100
     * @param floorReason why it scored the floor when a guard failed (null otherwise)
     * @param why why it scored as it did, in a sentence (the floor reason, or what it adds to its round's aggregate)
     * @param metrics the evaluation's figures
     * @param evaluatedAt when it was judged
     * @param evaluationMillis how long fetching, verifying and evaluating took
     * @param validator the validator that judged it
     */
    public record ContributionView(
            BigInteger id,
            BigInteger round,
            long taskId,
            int kind,
            String kindName,
            int score,
            String floorReason,
            String why,
            Map<String, Double> metrics,
            Instant evaluatedAt,
            long evaluationMillis,
            String validator) {}

    @Inject
    Optional<ValidatorLoop> loop;

    @Inject
    NodeSettings settings;

    @GET
    @Path("/{id}")
    public ContributionView contribution(@PathParam("id") String id) {
        BigInteger contribution = parseId(id);
        ScoredContribution scored = loop.orElseThrow(() -> ProblemException.notFound(StatusResource.NOT_VALIDATING))
                .evaluation(contribution)
                .orElseThrow(
                        () -> ProblemException.notFound("this validator has not judged contribution " + contribution));
        return new ContributionView(
                scored.id(),
                scored.round(),
                scored.taskId(),
                scored.kind(),
                kindName(scored.kind()),
                scored.score(),
                scored.floorReason().orElse(null),
                scored.why(),
                scored.metrics(),
                scored.evaluatedAt(),
                scored.evaluationMillis(),
                settings.address());
    }

    /** The kind as the API names it; UNKNOWN for a kind a newer protocol added. */
    private static String kindName(int kind) {
        try {
            return ContributionKind.of(kind).apiName();
        } catch (IllegalArgumentException newer) {
            return "UNKNOWN";
        }
    }

    /**
     * @param raw the path segment
     * @return the contribution id it names
     * @throws ProblemException 400 unless it is a non-negative integer within uint256
     */
    static BigInteger parseId(String raw) {
        String echo = raw.length() > ECHO_LIMIT ? raw.substring(0, ECHO_LIMIT) + "..." : raw;
        if (raw.length() > 100 || !INTEGER.matcher(raw).matches()) {
            throw ProblemException.badRequest("a contribution id is a non-negative integer, got '" + echo + "'");
        }
        BigInteger id = new BigInteger(raw);
        if (id.signum() < 0) {
            throw ProblemException.badRequest("a contribution id is a non-negative integer, got " + echo);
        }
        if (id.compareTo(UINT256_LIMIT) >= 0) {
            throw ProblemException.badRequest("a contribution id fits in 256 bits, got " + echo);
        }
        return id;
    }
}
