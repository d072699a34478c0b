package io.cotrain.oracle.scoring;

import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks this validator can evaluate, from its configuration: each task's schema, held-out set and current global
 * model. A task's evaluation context is built on first use and kept.
 */
public final class TaskCatalog {
    /**
     * @param taskId the task id contributions name on chain
     * @param schema the task's columns
     * @param heldOutCsv the held-out set, private to validators
     * @param globalModel the model contributions are compared with (a DL4J model zip)
     */
    public record TaskDefinition(long taskId, DataSchema schema, Path heldOutCsv, Path globalModel) {}

    private final Map<Long, TaskDefinition> definitions = new HashMap<>();
    private final Map<Long, TaskContext> contexts = new ConcurrentHashMap<>();
    private final EvaluationLimits limits;

    public TaskCatalog(List<TaskDefinition> definitions, EvaluationLimits limits) {
        for (TaskDefinition definition : definitions) {
            if (this.definitions.put(definition.taskId(), definition) != null) {
                throw new IllegalArgumentException("task " + definition.taskId() + " is configured twice");
            }
        }
        this.limits = limits;
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
     * @return its evaluation context, or empty if this validator has no such task
     * @throws TransientFailureException if the task is configured but its files cannot be read: an operator's
     *     problem, never the contributors'
     */
    public Optional<TaskContext> task(long taskId) {
        TaskDefinition definition = definitions.get(taskId);
        if (definition == null) return Optional.empty();
        return Optional.of(contexts.computeIfAbsent(taskId, id -> build(definition)));
    }

    private TaskContext build(TaskDefinition definition) {
        try {
            return TaskContext.create(definition.taskId(), definition.schema(), Files.readAllBytes(definition.heldOutCsv()),
                    Files.readAllBytes(definition.globalModel()), limits);
        } catch (IOException | RuntimeException e) {
            throw new TransientFailureException("task " + definition.taskId() + " cannot be loaded from "
                    + definition.heldOutCsv() + " and " + definition.globalModel() + ": " + e.getMessage(), e);
        }
    }
}
