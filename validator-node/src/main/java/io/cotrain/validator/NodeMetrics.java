package io.cotrain.validator;

import io.cotrain.client.TransactionListener;
import io.cotrain.oracle.evaluation.EvaluationFailedException;
import io.cotrain.oracle.scoring.ScoredContribution;
import io.cotrain.oracle.scoring.ScoringListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The node's Prometheus metrics, fed by the validator loop's hooks:
 * <ul>
 *   <li>{@code cotrain_contributions_evaluated_total{outcome="scored"|"floor"|"abstained"}}: contributions judged
 *       (floor: the lowest score, whether a guard failed or the work was worthless; abstained: sealed content this
 *       validator could not have been sealed to);</li>
 *   <li>{@code cotrain_evaluation_seconds}: fetch, verify and evaluate time per contribution;</li>
 *   <li>{@code cotrain_evaluation_failures_total}: evaluations that failed in this node (a bug, memory), not because
 *       of the input: the contribution stays unjudged and its round uncommitted, so any increase needs an
 *       operator;</li>
 *   <li>{@code cotrain_contributions_valued_total{outcome="valued"|"screened"}}: judgements the round's valuation
 *       changed before the commit (screened: a near-copy, a free rider or the same work again);</li>
 *   <li>{@code cotrain_transactions_sent_total{action}} / {@code cotrain_transactions_failed_total{action}}:
 *       transactions mined successfully / not sent or reverted, by action ({@code commitScores}, {@code revealScores},
 *       {@code finalize}, {@code attestCommit}; the round number is dropped to keep the label set bounded);</li>
 *   <li>{@code cotrain_current_round}: the round accepting submissions.</li>
 * </ul>
 */
@ApplicationScoped
public class NodeMetrics implements ScoringListener, TransactionListener {
    static final String EVALUATED = "cotrain.contributions.evaluated";
    static final String EVALUATION = "cotrain.evaluation";
    static final String VALUED = "cotrain.contributions.valued";
    static final String EVALUATION_FAILURES = "cotrain.evaluation.failures";
    static final String SENT = "cotrain.transactions.sent";
    static final String FAILED = "cotrain.transactions.failed";
    static final String CURRENT_ROUND = "cotrain.current.round";
    private static final int FLOOR = 1;
    private static final List<String> KNOWN_ACTIONS =
            List.of("commitScores", "revealScores", "finalize", "attestCommit");

    private final MeterRegistry registry;
    private final Timer evaluation;
    private final Counter evaluationFailures;
    private final AtomicLong currentRound = new AtomicLong();

    public NodeMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.evaluation = Timer.builder(EVALUATION)
                .description("Time to fetch, verify and evaluate one contribution")
                .register(registry);
        this.evaluationFailures = Counter.builder(EVALUATION_FAILURES)
                .description("Evaluations that failed in this node, not because of the input")
                .register(registry);
        Gauge.builder(CURRENT_ROUND, currentRound, AtomicLong::doubleValue)
                .description("The round accepting submissions")
                .register(registry);
        // registered up front so that every series is visible from the start, at zero
        evaluated("scored");
        evaluated("floor");
        evaluated("abstained");
        valued("valued");
        valued("screened");
        for (String action : KNOWN_ACTIONS) {
            transactions(SENT, action);
            transactions(FAILED, action);
        }
    }

    @Override
    public void evaluated(ScoredContribution scored) {
        boolean floor = scored.score() == FLOOR || scored.floorReason().isPresent();
        evaluated(scored.abstains() ? "abstained" : floor ? "floor" : "scored").increment();
        evaluation.record(Duration.ofMillis(scored.evaluationMillis()));
    }

    @Override
    public void valued(ScoredContribution valued) {
        valued(valued.floorReason().isPresent() ? "screened" : "valued").increment();
    }

    @Override
    public void evaluationFailed(EvaluationFailedException failure) {
        evaluationFailures.increment();
    }

    @Override
    public void currentRound(BigInteger round) {
        currentRound.set(round.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue());
    }

    @Override
    public void succeeded(String action, TransactionReceipt receipt) {
        transactions(SENT, actionName(action)).increment();
    }

    @Override
    public void failed(String action, RuntimeException failure) {
        transactions(FAILED, actionName(action)).increment();
    }

    /** @return the action without its arguments: {@code commitScores(round 7)} is {@code commitScores} */
    static String actionName(String action) {
        if (action == null || action.isBlank()) return "unknown";
        int parenthesis = action.indexOf('(');
        String name = (parenthesis < 0 ? action : action.substring(0, parenthesis)).strip();
        name = name.replaceAll("[^A-Za-z0-9_]", "");
        return name.isEmpty() ? "unknown" : name;
    }

    private Counter evaluated(String outcome) {
        return Counter.builder(EVALUATED)
                .description("Contributions this validator judged")
                .tag("outcome", outcome)
                .register(registry);
    }

    private Counter valued(String outcome) {
        return Counter.builder(VALUED)
                .description("Judgements the round's valuation changed before the commit")
                .tag("outcome", outcome)
                .register(registry);
    }

    private Counter transactions(String name, String action) {
        return Counter.builder(name)
                .description(
                        name.equals(SENT) ? "Transactions mined successfully" : "Transactions not sent or reverted")
                .tag("action", action)
                .register(registry);
    }
}
