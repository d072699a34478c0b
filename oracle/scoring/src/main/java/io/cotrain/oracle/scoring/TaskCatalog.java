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
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks this validator can evaluate, from its configuration: each task's schema, held-out set and first global
 * model. A configured task is held (judged, served) only once it is bound to the model registry's entry of that id
 * ({@link BindingDuty}: the entry records the digests of exactly these files), so that a number alone never decides
 * which held-out set judges a task; a task whose entry records other files is refused. A task's evaluation context is
 * built on first use and kept; contexts for later global models (the model registry's commits, see
 * {@link GlobalModels}) share the parsed held-out set, and the few most recently used are kept.
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

    private final Map<Long, TaskDefinition> definitions = new ConcurrentHashMap<>();
    private final Set<Long> bound = ConcurrentHashMap.newKeySet();
    private final Map<Long, String> refused = new ConcurrentHashMap<>();
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

    /**
     * Configures a task while the node runs, e.g. one whose held-out set an operator has just provided. Its context is
     * built now, so that a held-out set or model that does not fit its schema is refused here, not at every judgement.
     *
     * @param definition a task not configured yet
     * @throws IllegalArgumentException if the task is configured already, or its files do not make a task
     */
    public void add(TaskDefinition definition) {
        // built outside the lock: judging (which reads contexts under it) does not wait for a new task's held-out set
        TaskContext context;
        try {
            context = TaskContext.create(
                    definition.taskId(),
                    definition.schema(),
                    Files.readAllBytes(definition.heldOutCsv()),
                    Files.readAllBytes(definition.globalModel()),
                    limits);
        } catch (IOException e) {
            throw new TransientFailureException("cannot read task " + definition.taskId() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "task " + definition.taskId() + " cannot be evaluated: " + e.getMessage(), e);
        }
        synchronized (this) {
            if (definitions.containsKey(definition.taskId())) {
                throw new IllegalArgumentException("task " + definition.taskId() + " is configured already");
            }
            configured.put(definition.taskId(), context);
            definitions.put(definition.taskId(), definition);
        }
    }

    /** @return how many tasks are configured, held or not */
    public int configuredCount() {
        return definitions.size();
    }

    /**
     * @param taskId a task id
     * @return whether the task is configured (held or not)
     */
    public boolean configures(long taskId) {
        return definitions.containsKey(taskId);
    }

    /** @return the tasks held: configured and bound to their registry entries */
    public List<Long> taskIds() {
        return bound.stream().sorted().toList();
    }

    /**
     * @param taskId a task id
     * @return whether this validator holds the task: configured and bound (without loading it)
     */
    public boolean has(long taskId) {
        return bound.contains(taskId);
    }

    /** @return the configured tasks neither bound nor refused yet */
    public List<Long> unbound() {
        return definitions.keySet().stream()
                .filter(id -> !bound.contains(id) && !refused.containsKey(id))
                .sorted()
                .toList();
    }

    /**
     * @param taskId a configured task
     * @return its definition
     * @throws IllegalArgumentException if the task is not configured
     */
    public TaskDefinition definition(long taskId) {
        TaskDefinition definition = definitions.get(taskId);
        if (definition == null) throw new IllegalArgumentException("task " + taskId + " is not configured");
        return definition;
    }

    /**
     * Holds a configured task from now on: its registry entry names exactly its configured files.
     *
     * @param taskId a configured task
     */
    public void bind(long taskId) {
        definition(taskId);
        refused.remove(taskId);
        bound.add(taskId);
    }

    /**
     * Refuses a configured task: its registry entry names other files than those configured.
     *
     * @param taskId a configured task
     * @param reason what differs, for the operator
     */
    public void refuse(long taskId, String reason) {
        definition(taskId);
        bound.remove(taskId);
        refused.put(taskId, reason);
    }

    /** @return the tasks refused, each with the reason */
    public Map<Long, String> refusals() {
        return new TreeMap<>(refused);
    }

    /**
     * @param taskId a task id
     * @return its evaluation context with the configured global model, or empty if no such task is configured
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
