package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.contracts.generated.ModelRegistry.ModelSpec;
import io.cotrain.contracts.testing.TestNetwork;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.HeldOutEnvelope;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.SchemaDocument;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoveryDutyTest {
    private static final SyntheticTabularTask TASK = SyntheticTabularTask.standard();

    @TempDir
    Path directory;

    private final FakeRegistryChain registry = new FakeRegistryChain();
    private final List<String> refusals = new ArrayList<>();
    private final TaskCatalog tasks = new TaskCatalog(List.of(), EvaluationLimits.defaults());
    private Path heldOutDirectory;
    private Path baseFile;
    private byte[] schemaDocument = SchemaDocument.write(TASK.schema());
    private int documentFetches;
    private DiscoveryDuty duty;

    @BeforeEach
    void registry() throws Exception {
        heldOutDirectory = Files.createDirectory(directory.resolve("held-out"));
        baseFile = Files.write(directory.resolve("base.zip"), TASK.baseModelBytes());
        byte[] base = Cid.of(TASK.baseModelBytes()).digest();
        registry.register(TestNetwork.fedAvgSpec(
                base,
                base,
                Cid.of(TASK.heldOutCsv()).digest(),
                Cid.of(schemaDocument).digest()));
        TaskDocuments documents = new TaskDocuments() {
            @Override
            public DataSchema schema(byte[] schemaDigest) {
                documentFetches++;
                assertThat(schemaDigest).isEqualTo(Cid.of(schemaDocument).digest());
                return SchemaDocument.read(schemaDocument);
            }

            @Override
            public Path baseModel(ModelFile file) {
                assertThat(file.sha256()).isEqualTo(base);
                return baseFile;
            }

            @Override
            public HeldOutEnvelope envelope(byte[] envelopeDigest) {
                throw new AssertionError("taking up a task never reads an envelope");
            }
        };
        this.documents = documents;
        duty = duty(TakeUpPolicy.defaults());
    }

    private TaskDocuments documents;

    private DiscoveryDuty duty(TakeUpPolicy policy) {
        return new DiscoveryDuty(registry, tasks, new HeldOutDirectory(heldOutDirectory, 1 << 20), documents, policy);
    }

    /** A second registered task whose entry records {@code heldOut} and the first task's schema and base model. */
    private void registerSecondTask(byte[] heldOut) {
        ModelSpec first = registry.model.spec();
        registry.modelCount = BigInteger.TWO;
        registry.otherModels.put(
                BigInteger.TWO,
                new RegistryChain.Model(
                        TestNetwork.fedAvgSpec(
                                first.baseWeightsDigest,
                                first.baseWeightsRoot,
                                Cid.of(heldOut).digest(),
                                first.schemaDigest),
                        BigInteger.ZERO,
                        BigInteger.ONE,
                        BigInteger.ZERO));
    }

    /**
     * Someone registers a task of their own with another task's held-out digest (it is public) to have their models
     * scored on that set: a set put there by hand that two entries record serves neither.
     */
    @Test
    void perform_heldOutSetTwoEntriesRecord_servesNeither() throws Exception {
        registerSecondTask(TASK.heldOutCsv());
        Files.write(heldOutDirectory.resolve("held-out.csv"), TASK.heldOutCsv());
        duty.perform(refusals::add);
        assertThat(tasks.configures(1)).isFalse();
        assertThat(tasks.configures(2)).isFalse();
        assertThat(refusals).hasSize(2).allSatisfy(r -> assertThat(r).contains("a held-out set judges one task"));
    }

    /** A set received for a task (only its owner can announce one) serves it, even if another copies its digest. */
    @Test
    void perform_setReceivedForATask_servesThatTaskAlone() throws Exception {
        registerSecondTask(TASK.heldOutCsv());
        Files.write(heldOutDirectory.resolve(HeldOutDirectory.nameFor(1, TASK.heldOutCsv())), TASK.heldOutCsv());
        duty.perform(refusals::add);
        assertThat(tasks.configures(1)).isTrue();
        assertThat(tasks.configures(2)).isFalse();
        assertThat(refusals).isEmpty();
    }

    /** Anyone can register tasks and hand their sets to every validator: a node takes up only so many. */
    @Test
    void perform_mostTasksReached_takesUpNoMore() throws Exception {
        byte[] other = Arrays.copyOf(TASK.heldOutCsv(), TASK.heldOutCsv().length - 1);
        registerSecondTask(other);
        Files.write(heldOutDirectory.resolve("a.csv"), TASK.heldOutCsv());
        Files.write(heldOutDirectory.resolve("b.csv"), other);
        duty(new TakeUpPolicy(1, Set.of())).perform(refusals::add);
        assertThat(tasks.configuredCount()).isEqualTo(1);
        assertThat(tasks.configures(1)).isTrue();
    }

    @Test
    void perform_ownerNotListed_isNotTakenUp() throws Exception {
        Files.write(heldOutDirectory.resolve("held-out.csv"), TASK.heldOutCsv());
        duty(new TakeUpPolicy(16, Set.of("0x00000000000000000000000000000000000000d4")))
                .perform(refusals::add);
        assertThat(tasks.configures(1)).isFalse();
        duty(new TakeUpPolicy(16, Set.of(registry.owner.toUpperCase().replace("0X", "0x"))))
                .perform(refusals::add);
        assertThat(tasks.configures(1)).isTrue();
    }

    @Test
    void perform_heldOutSetArrivesWhileTheNodeRuns_takesUpTheTaskThen_underAnyFileName() throws Exception {
        duty.perform(refusals::add);
        assertThat(tasks.configures(1)).isFalse();
        assertThat(documentFetches)
                .as("nothing fetched for a task whose set has not arrived")
                .isZero();

        Files.write(heldOutDirectory.resolve("from-the-owner.csv"), TASK.heldOutCsv());
        duty.perform(refusals::add);
        assertThat(tasks.configures(1)).isTrue();
        assertThat(tasks.definition(1).heldOutCsv()).isEqualTo(heldOutDirectory.resolve("from-the-owner.csv"));
        assertThat(tasks.has(1)).as("held only once bound").isFalse();
        assertThat(refusals).isEmpty();

        new BindingDuty(registry, tasks).perform(refusals::add);
        assertThat(tasks.has(1)).isTrue();
        registry.reads = 0;
        duty.perform(refusals::add);
        assertThat(documentFetches).isEqualTo(1);
        assertThat(registry.reads).as("only the model count is read again").isEqualTo(1);
    }

    /** A file named like the task but with other content (another task's set, a stale copy) is never taken for it. */
    @Test
    void perform_fileWithOtherContent_isNotTaken() throws Exception {
        byte[] other = Arrays.copyOf(TASK.heldOutCsv(), TASK.heldOutCsv().length - 1);
        Files.write(heldOutDirectory.resolve("task-1.csv"), other);
        duty.perform(refusals::add);
        assertThat(tasks.configures(1)).isFalse();
    }

    /** An owner registers a schema document whose columns the held-out set does not have: the task is given up once. */
    @Test
    void perform_heldOutSetDoesNotFitTheSchema_givesTheTaskUpOnce() throws Exception {
        schemaDocument = SchemaDocument.write(new DataSchema(List.of("a", "b"), "label", 2));
        ModelSpec registered = registry.model.spec();
        registry.register(TestNetwork.fedAvgSpec(
                registered.baseWeightsDigest,
                registered.baseWeightsRoot,
                registered.heldOutDigest,
                Cid.of(schemaDocument).digest()));
        Files.write(heldOutDirectory.resolve("held-out.csv"), TASK.heldOutCsv());
        duty.perform(refusals::add);
        assertThat(tasks.configures(1)).isFalse();
        assertThat(refusals).singleElement().asString().startsWith("task 1 is not served: task 1 cannot be evaluated");
        duty.perform(refusals::add);
        assertThat(refusals).hasSize(1);
        assertThat(documentFetches).isEqualTo(1);
    }

    @Test
    void perform_directoryGone_isReportedAndTriedAgain() throws Exception {
        Files.delete(heldOutDirectory);
        assertThatThrownBy(() -> duty.perform(refusals::add))
                .isInstanceOf(TransientFailureException.class)
                .hasMessageContaining("cannot list the held-out directory");
        Files.createDirectory(heldOutDirectory);
        Files.write(heldOutDirectory.resolve("held-out.csv"), TASK.heldOutCsv());
        duty.perform(refusals::add);
        assertThat(tasks.configures(1)).isTrue();
    }
}
