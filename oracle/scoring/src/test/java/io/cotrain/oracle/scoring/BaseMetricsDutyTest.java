package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.generated.ModelRegistry.CommitView;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.HeldOutMetrics;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The base-metrics duty's branches on a {@link FakeRegistryChain}, with the synthetic task's real base model. */
class BaseMetricsDutyTest {
    private static final SyntheticTabularTask TASK = SyntheticTabularTask.standard();

    @TempDir
    static Path directory;

    private static TaskCatalog tasks;

    private final FakeRegistryChain chain = new FakeRegistryChain();
    private final List<String> failures = new ArrayList<>();
    private int measured;
    private BaseMetricsDuty duty;

    @BeforeAll
    static void catalog() throws IOException {
        Path heldOut = Files.write(directory.resolve("held-out.csv"), TASK.heldOutCsv());
        Path base = Files.write(directory.resolve("base.zip"), TASK.baseModelBytes());
        tasks = new TaskCatalog(
                List.of(new TaskCatalog.TaskDefinition(1, TASK.schema(), heldOut, base)), EvaluationLimits.defaults());
        tasks.bind(1);
    }

    @BeforeEach
    void duty() {
        BigInteger zero = BigInteger.ZERO;
        byte[] digest = new byte[32];
        chain.commits.put(
                chain.baseCommit,
                new CommitView(BigInteger.ONE, zero, zero, zero, zero, digest, digest, digest, zero, zero, zero, zero));
        ModelStore store = new ModelStore() {
            @Override
            public TaskContext context(long taskId, CommitView commit) {
                measured++;
                assertThat(commit).isSameAs(chain.commits.get(chain.baseCommit));
                return tasks.task(taskId, TASK.baseModelBytes());
            }

            @Override
            public byte[] model(CommitView commit) {
                throw new AssertionError("not used");
            }

            @Override
            public Optional<CommitView> judgedAgainst(ContributionRecord contribution) {
                throw new AssertionError("not used");
            }

            @Override
            public Optional<byte[]> update(ContributionRecord contribution) {
                throw new AssertionError("not used");
            }

            @Override
            public ModelFile publish(byte[] model) {
                throw new AssertionError("not used");
            }
        };
        duty = new BaseMetricsDuty(chain, store, tasks);
    }

    private void perform() {
        duty.perform((task, e) -> failures.add(task + ": " + e.getMessage()));
    }

    @Test
    void perform_heldTask_attestsTheBaseModelsHeldOutMetricsOnce() {
        perform();
        perform();

        HeldOutMetrics expected = tasks.task(1).orElseThrow().baseline();
        assertThat(failures).isEmpty();
        assertThat(chain.baseMetrics)
                .singleElement()
                .satisfies(attested ->
                        assertThat(attested).containsExactly(1, expected.valuePpm(), expected.lossMicros()));
        assertThat(expected.valuePpm()).isEqualTo((long) expected.correct() * 1_000_000 / expected.rows());
        assertThat(measured).isEqualTo(1);
    }

    @Test
    void perform_metricsRecordedOrAttestedAlready_measuresNothing() {
        chain.baseMetricsSettled.add(BigInteger.ONE);

        perform();

        assertThat(chain.baseMetrics).isEmpty();
        assertThat(measured).isZero();
    }

    @Test
    void perform_inactiveValidator_doesNothing() {
        chain.activeIndex = Optional.empty();

        perform();

        assertThat(chain.baseMetrics).isEmpty();
        assertThat(measured).isZero();
    }

    /** A refused attestation (e.g. not serving the task yet) is reported and tried again on a later call. */
    @Test
    void perform_revertedAttestation_isReportedAndRetriedLater() {
        chain.revertWith = "NotServingValidator(1, me)";

        perform();
        assertThat(failures).singleElement().asString().startsWith("1: ").contains("NotServingValidator");
        assertThat(chain.baseMetrics).isEmpty();

        perform();
        assertThat(chain.baseMetrics).hasSize(1);
        assertThat(failures).hasSize(1);
    }
}
