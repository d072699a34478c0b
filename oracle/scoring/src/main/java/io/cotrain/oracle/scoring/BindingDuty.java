package io.cotrain.oracle.scoring;

import io.cotrain.contracts.generated.ModelRegistry.ModelSpec;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.SchemaDocument;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds each configured task to the model registry's entry of its id, or refuses it: a validator holds a task only
 * when the entry records the sha256 of exactly the held-out set, the schema document and the base model it is
 * configured with. A task number alone decides nothing: whoever registers a model under the id a validator expects
 * (the first model of an empty registry is task 1) cannot have it judged against another task's held-out data, and
 * an operator's wrong file is caught before it floors honest work. A task not registered yet is checked again on the
 * next tick; a refusal stands until the node restarts with other files.
 */
final class BindingDuty {
    private static final Logger LOG = LoggerFactory.getLogger(BindingDuty.class);
    private static final HexFormat HEX = HexFormat.of();

    private final RegistryChain registry;
    private final TaskCatalog tasks;

    BindingDuty(RegistryChain registry, TaskCatalog tasks) {
        this.registry = registry;
        this.tasks = tasks;
    }

    /**
     * Checks the configured tasks not bound or refused yet against the registry.
     *
     * @param refusals told each refusal made now, naming the task and what differs
     * @throws RuntimeException if the chain cannot be read; the tasks not checked yet stay unbound
     */
    void perform(Consumer<String> refusals) {
        List<Long> unbound = tasks.unbound();
        if (unbound.isEmpty()) return;
        BigInteger registered = registry.modelCount();
        for (long taskId : unbound) {
            if (BigInteger.valueOf(taskId).compareTo(registered) > 0) continue;
            ModelSpec spec = registry.model(BigInteger.valueOf(taskId)).spec();
            List<String> differences = differences(tasks.definition(taskId), spec);
            if (differences.isEmpty()) {
                tasks.bind(taskId);
                LOG.info("task {} is bound to its registry entry", taskId);
            } else {
                String reason = "task " + taskId + " is not served: its registry entry records other files than"
                        + " this node's configuration (" + String.join("; ", differences) + ")";
                tasks.refuse(taskId, reason);
                LOG.error(reason);
                refusals.accept(reason);
            }
        }
    }

    private static List<String> differences(TaskCatalog.TaskDefinition definition, ModelSpec spec) {
        List<String> differences = new ArrayList<>();
        compare("held-out set " + definition.heldOutCsv(), sha256(definition.heldOutCsv()), spec.heldOutDigest)
                .ifPresent(differences::add);
        compare(
                        "schema " + definition.schema(),
                        ModelCodec.sha256Hex(SchemaDocument.write(definition.schema())),
                        spec.schemaDigest)
                .ifPresent(differences::add);
        compare("base model " + definition.globalModel(), sha256(definition.globalModel()), spec.baseWeightsDigest)
                .ifPresent(differences::add);
        return differences;
    }

    private static Optional<String> compare(String what, String configuredSha256, byte[] registered) {
        String registeredSha256 = HEX.formatHex(registered);
        if (configuredSha256.equals(registeredSha256)) return Optional.empty();
        return Optional.of(what + " has sha256 " + configuredSha256 + ", the registry records " + registeredSha256);
    }

    private static String sha256(Path file) {
        try {
            return ModelCodec.sha256Hex(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new TransientFailureException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
