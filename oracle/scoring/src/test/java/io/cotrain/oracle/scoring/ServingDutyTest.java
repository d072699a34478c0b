package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ServingDutyTest {
    private final FakeValidatorChain chain = new FakeValidatorChain();

    /** @return a catalog configuring tasks 1 to {@code configured}, none bound (their files are never read here) */
    private static TaskCatalog catalog(int configured) {
        DataSchema schema = new DataSchema(List.of("x"), "label", 2);
        return new TaskCatalog(
                LongStream.rangeClosed(1, configured)
                        .mapToObj(id -> new TaskCatalog.TaskDefinition(
                                id, schema, Path.of("held-out-" + id + ".csv"), Path.of("base-" + id + ".zip")))
                        .toList(),
                EvaluationLimits.defaults());
    }

    @Test
    void perform_servesTheHeldTasksAndStopsTheOthers_once() {
        chain.served.addAll(List.of(2L, 9L));
        TaskCatalog tasks = catalog(2);
        tasks.bind(1);
        tasks.bind(2);
        ServingDuty duty = new ServingDuty(chain, tasks);
        duty.perform(true);
        assertThat(chain.sent).containsExactly("stopServingTask(9)", "serveTask(1)");
        assertThat(chain.served).containsExactly(2L, 1L);
        assertThat(duty.settled()).isTrue();
        duty.perform(true);
        assertThat(chain.sent).hasSize(2);
    }

    /** A task whose registry entry names other files than this node's: its declaration from an earlier run ends. */
    @Test
    void perform_refusedTask_isWithdrawn_whileATaskNotBoundYetKeepsItsDeclaration() {
        chain.served.addAll(List.of(1L, 2L));
        TaskCatalog tasks = catalog(2);
        tasks.refuse(1, "task 1 is not served: other held-out set");
        new ServingDuty(chain, tasks).perform(true);
        assertThat(chain.sent).containsExactly("stopServingTask(1)");
        assertThat(chain.served).containsExactly(2L);
    }

    /** A task bound while the node runs (registered after it started) is declared on the next tick. */
    @Test
    void perform_taskBoundLater_isDeclaredThen() {
        TaskCatalog tasks = catalog(2);
        tasks.bind(1);
        ServingDuty duty = new ServingDuty(chain, tasks);
        duty.perform(true);
        assertThat(chain.served).containsExactly(1L);
        tasks.bind(2);
        assertThat(duty.settled()).isFalse();
        duty.perform(true);
        assertThat(chain.served).containsExactly(1L, 2L);
        assertThat(duty.settled()).isTrue();
    }

    /** The local network's validators start before anyone registers their task: they serve it once it exists. */
    @Test
    void perform_taskNotRegisteredYet_isRetriedOnTheNextTick() {
        TaskCatalog tasks = catalog(1);
        tasks.bind(1);
        ServingDuty duty = new ServingDuty(chain, tasks);
        chain.revertWith = "UnknownTask(taskId=1, modelCount=0)";
        duty.perform(true);
        assertThat(duty.settled()).isFalse();
        assertThat(chain.served).isEmpty();
        chain.revertWith = null;
        duty.perform(true);
        assertThat(duty.settled()).isTrue();
        assertThat(chain.served).containsExactly(1L);
    }

    @Test
    void perform_notInTheValidatorSet_sendsNothing() {
        chain.index = Optional.empty();
        TaskCatalog tasks = catalog(1);
        tasks.bind(1);
        ServingDuty duty = new ServingDuty(chain, tasks);
        duty.perform(true);
        assertThat(chain.sent).isEmpty();
        assertThat(duty.settled()).isFalse();
    }

    /** A full exit clears a validator's declarations: once admitted again, its node declares its tasks again. */
    @Test
    void perform_declarationsClearedOnChain_areMadeAgainAtTheNextRead() {
        TaskCatalog tasks = catalog(1);
        tasks.bind(1);
        ServingDuty duty = new ServingDuty(chain, tasks);
        duty.perform(true);
        chain.served.clear();
        for (int call = 1; call < ServingDuty.RECHECK_CALLS; call++) duty.perform(true);
        assertThat(chain.served).as("settled: not read on every tick").isEmpty();
        duty.perform(true);
        assertThat(chain.served).containsExactly(1L);
    }

    /** The registry's most served tasks reached: the node goes on serving what it serves, and tries again later. */
    @Test
    void perform_mostServedTasksReached_isTriedAgainLater() {
        TaskCatalog tasks = catalog(1);
        tasks.bind(1);
        ServingDuty duty = new ServingDuty(chain, tasks);
        chain.revertWith = "TooManyServedTasks(validator=0xa1, max=32)";
        duty.perform(true);
        assertThat(duty.settled()).isFalse();
        chain.revertWith = null;
        duty.perform(true);
        assertThat(chain.served).containsExactly(1L);
    }

    @Test
    void perform_anotherRefusal_isReported() {
        TaskCatalog tasks = catalog(1);
        tasks.bind(1);
        ServingDuty duty = new ServingDuty(chain, tasks);
        chain.revertWith = "ProtocolPaused()";
        assertThatThrownBy(() -> duty.perform(true))
                .isInstanceOfSatisfying(
                        ContractRevertedException.class,
                        e -> assertThat(e.errorName()).isEqualTo("ProtocolPaused"));
        assertThat(duty.settled()).isFalse();
    }

    /**
     * Right after a restart the tasks taken up from the held-out directory are not configured again yet: their
     * declarations stay until the node has looked at them (withdrawing them would have it abstain as a server).
     */
    @Test
    void perform_beforeTheTasksAreTakenUpAgain_withdrawsNothing() {
        chain.served.add(5L);
        TaskCatalog tasks = catalog(1);
        tasks.bind(1);
        ServingDuty duty = new ServingDuty(chain, tasks);
        duty.perform(false);
        assertThat(chain.sent).containsExactly("serveTask(1)");
        duty.perform(true);
        assertThat(chain.sent).containsExactly("serveTask(1)", "stopServingTask(5)");
    }
}
