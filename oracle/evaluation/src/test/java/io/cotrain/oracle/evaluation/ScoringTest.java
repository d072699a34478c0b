package io.cotrain.oracle.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Only input a guard rejects floors: the node's own failures never become a contributor's floor score. */
class ScoringTest {
    private static final byte[] INPUT = {1, 2, 3};

    private static Evaluation guarded(Scoring.Body body) {
        return Scoring.guarded(
                LoggerFactory.getLogger(ScoringTest.class), "model update", Fixtures.context(), INPUT, body);
    }

    @Test
    void guarded_rejectedInput_floorsWithTheGuardsReason() {
        Evaluation evaluation = guarded(() -> {
            throw new InvalidModelException("the model has NaN or infinite weights");
        });

        assertThat(evaluation.score()).isEqualTo(QualityScore.FLOOR);
        assertThat(evaluation.floorReason()).contains("the model has NaN or infinite weights");
    }

    @Test
    void guarded_bugInTheNode_throwsInsteadOfFlooring() {
        assertThatThrownBy(() -> guarded(() -> {
                    throw new NullPointerException("a bug");
                }))
                .isInstanceOf(EvaluationFailedException.class)
                .hasMessageContaining(
                        "model update of 3 bytes for task " + Fixtures.context().taskId())
                .hasMessageContaining("NullPointerException: a bug")
                .hasCauseInstanceOf(NullPointerException.class);
    }

    @Test
    void guarded_nodeOutOfMemory_throwsInsteadOfFlooring() {
        assertThatThrownBy(() -> guarded(() -> {
                    throw new OutOfMemoryError("Java heap space");
                }))
                .isInstanceOf(EvaluationFailedException.class)
                .hasCauseInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void guarded_noBytes_floors() {
        Evaluation evaluation = Scoring.guarded(
                LoggerFactory.getLogger(ScoringTest.class),
                "dataset",
                Fixtures.context(),
                null,
                () -> Evaluation.floor("unreachable"));

        assertThat(evaluation.floorReason()).contains("no dataset bytes");
    }
}
