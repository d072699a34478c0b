package io.cotrain.oracle.scoring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.generated.ModelRegistry.ModelSpec;
import io.cotrain.contracts.testing.TestNetwork;
import io.cotrain.ipfs.Cid;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.SchemaDocument;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BindingDutyTest {
    private static final DataSchema SCHEMA = new DataSchema(List.of("x", "y"), "label", 2);
    private static final byte[] HELD_OUT = "x,y,label\n1,2,0\n3,4,1\n".getBytes(UTF_8);
    private static final byte[] BASE_MODEL = "the base model's bytes".getBytes(UTF_8);

    @TempDir
    Path directory;

    private final FakeRegistryChain registry = new FakeRegistryChain();
    private final List<String> refusals = new ArrayList<>();
    private TaskCatalog tasks;
    private BindingDuty duty;

    @BeforeEach
    void configure() throws Exception {
        Path heldOut = Files.write(directory.resolve("held-out.csv"), HELD_OUT);
        Path base = Files.write(directory.resolve("base.zip"), BASE_MODEL);
        tasks = new TaskCatalog(
                List.of(new TaskCatalog.TaskDefinition(1, SCHEMA, heldOut, base)), EvaluationLimits.defaults());
        duty = new BindingDuty(registry, tasks);
    }

    private static ModelSpec spec(byte[] heldOut, DataSchema schema, byte[] baseModel) {
        byte[] base = Cid.of(baseModel).digest();
        return TestNetwork.fedAvgSpec(
                base,
                base,
                Cid.of(heldOut).digest(),
                Cid.of(SchemaDocument.write(schema)).digest());
    }

    private void register(ModelSpec spec) {
        registry.register(spec);
    }

    @Test
    void perform_entryRecordsTheConfiguredFiles_bindsTheTask() {
        register(spec(HELD_OUT, SCHEMA, BASE_MODEL));
        duty.perform(refusals::add);
        assertThat(tasks.has(1)).isTrue();
        assertThat(tasks.taskIds()).containsExactly(1L);
        assertThat(refusals).isEmpty();
    }

    /** An empty registry: whoever registers first gets task 1, so nothing is bound before the entry exists. */
    @Test
    void perform_taskNotRegisteredYet_staysUnboundAndIsCheckedAgain() {
        registry.modelCount = BigInteger.ZERO;
        duty.perform(refusals::add);
        assertThat(tasks.has(1)).isFalse();
        assertThat(tasks.unbound()).containsExactly(1L);
        register(spec(HELD_OUT, SCHEMA, BASE_MODEL));
        duty.perform(refusals::add);
        assertThat(tasks.has(1)).isTrue();
    }

    /** Someone registers a model of their own as the task id a validator is configured for. */
    @Test
    void perform_entryRecordsAnotherHeldOutSet_refusesTheTaskNamingBothDigests() {
        byte[] other = "a,b,label\n9,9,1\n".getBytes(UTF_8);
        register(spec(other, SCHEMA, BASE_MODEL));
        duty.perform(refusals::add);
        assertThat(tasks.has(1)).isFalse();
        assertThat(tasks.unbound()).isEmpty();
        assertThat(refusals)
                .singleElement()
                .asString()
                .contains("task 1 is not served")
                .contains("held-out set")
                .contains(Cid.of(HELD_OUT).digestHex())
                .contains(Cid.of(other).digestHex())
                .doesNotContain("schema")
                .doesNotContain("base model");
        assertThat(tasks.refusals()).containsKey(1L);
        registry.reads = 0;
        duty.perform(refusals::add);
        assertThat(registry.reads).as("a refusal stands without reading again").isZero();
        assertThat(refusals).hasSize(1);
    }

    @Test
    void perform_entryRecordsAnotherSchemaAndBaseModel_refusesNamingBoth() {
        register(spec(HELD_OUT, new DataSchema(List.of("x", "y"), "label", 3), "another model".getBytes(UTF_8)));
        duty.perform(refusals::add);
        assertThat(tasks.has(1)).isFalse();
        assertThat(refusals).singleElement().asString().contains("schema").contains("base model");
    }
}
