package io.cotrain.oracle.scoring;

import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tasks this validator can evaluate, from its configuration: each task's schema, held-out set and first global
 * model. A task's evaluation context is built on first use and kept; contexts for later global models (the model
 * registry's commits, see {@link GlobalModels}) share the parsed held-out set, and the few most recently used are kept.
 */
public final class TaskCatalog {
    /** Global models kept per task: the current head, its parent and a merge source cover what a node works on. */
    private static final int MODELS_KEPT = 4;

    /**
     * @param taskId the task id contributions name on chain
     * @param schema the task's columns
     * @param heldOutCsv the held-out set, private to validators
     * @param globalModel the global model while the model registry has no record of the task (a DL4J model zip)
     */
    public record TaskDefinition(long taskId, DataSchema schema, Path heldOutCsv, Path globalModel) {}

    private final Map<Long, TaskDefinition> definitions = new HashMap<>();
    private final Map<Long, TaskContext> configured = new HashMap<>();
    private final Map<Long, Map<String, TaskContext>> byModel = new HashMap<>();
    private final EvaluationLimits limits;

    public TaskCatalog(List<TaskDefinition> definitions, EvaluationLimits limits) {
        for (TaskDefinition definition : definitions) {
            if (this.definitions.put(definition.taskId(), definition) != null) {
                throw new IllegalArgumentException("task " + definition.taskId() + " is configured twice");
            }
        }
        this.limits = limits;
    }

    /** @return the limits contributions and models are read with */
    public EvaluationLimits limits() {
        return limits;
    }

    /** @return the configured task ids */
    public List<Long> taskIds() {
        return definitions.keySet().stream().sorted().toList();
    }

    /**
     * @param taskId a task id
     * @return whether this validator has the task (without loading it)
     */
    public boolean has(long taskId) {
        return definitions.containsKey(taskId);
    }

    /**
     * @param taskId a task id
     * @return its evaluation context with the configured global model, or empty if this validator has no such task
     * @throws TransientFailureException if the task is configured but its files cannot be read: an operator's
     *     problem, never the contributors'
     */
    public synchronized Optional<TaskContext> task(long taskId) {
        TaskDefinition definition = definitions.get(taskId);
        if (definition == null) return Optional.empty();
        return Optional.of(configured.computeIfAbsent(taskId, id -> build(definition)));
    }

    /**
     * The task's context with another global model.
     *
     * @param taskId a configured task
     * @param globalModelZip the global model, e.g. a commit of the task in the model registry
     * @return the context, built once per model while it is among the few most recently used
     * @throws IllegalArgumentException if the task is not configured
     * @throws io.cotrain.oracle.evaluation.InvalidModelException if the model is not a valid model of the task
     */
    public synchronized TaskContext task(long taskId, byte[] globalModelZip) {
        TaskContext configuredContext =
                task(taskId).orElseThrow(() -> new IllegalArgumentException("task " + taskId + " is not configured"));
        String sha256 = ModelCodec.sha256Hex(globalModelZip);
        if (configuredContext.globalModelSha256().equals(sha256)) return configuredContext;
        Map<String, TaskContext> recent = byModel.computeIfAbsent(taskId, id -> new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TaskContext> eldest) {
                return size() > MODELS_KEPT;
            }
        });
        TaskContext context = recent.get(sha256);
        if (context == null) {
            context = configuredContext.withGlobalModel(globalModelZip);
            recent.put(sha256, context);
        }
        return context;
    }

    private TaskContext build(TaskDefinition definition) {
        try {
            return TaskContext.create(
                    definition.taskId(),
                    definition.schema(),
                    Files.readAllBytes(definition.heldOutCsv()),
                    Files.readAllBytes(definition.globalModel()),
                    limits);
        } catch (IOException | RuntimeException e) {
            throw new TransientFailureException(
                    "task " + definition.taskId() + " cannot be loaded from " + definition.heldOutCsv() + " and "
                            + definition.globalModel() + ": " + e.getMessage(),
                    e);
        }
    }
}
