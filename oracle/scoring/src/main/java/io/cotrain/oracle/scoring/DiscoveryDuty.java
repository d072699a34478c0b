package io.cotrain.oracle.scoring;

import io.cotrain.contracts.generated.ModelRegistry.ModelSpec;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.DataSchema;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes up the model registry's tasks whose held-out sets this node has, while it runs: for every registered task not
 * configured by hand, it looks in the held-out directory for the file with the sha256 the entry records, fetches the
 * entry's schema document and base model, verified against their digests, and configures the task; {@link
 * BindingDuty} then binds it and {@link ServingDuty} declares it. A task whose held-out set has not arrived is looked
 * for again on every tick, so an owner can hand the set to a running validator. What it takes up is bounded by its
 * {@link TakeUpPolicy} (how many tasks, whose). A task is given up, once, when its documents do not make a task (a
 * schema document that is none, a held-out set or base model that does not fit the schema), and a set put in the
 * directory by hand is given up when several tasks' entries record it: a held-out set judges one task, so nobody can
 * register a task of their own with another task's set digest (it is public) and have their models scored, round
 * after round, on data they were never to see. A set received for a task serves that task alone. A task
 * whose documents cannot be had now is tried again with a back-off, and does not hold up the others.
 */
final class DiscoveryDuty {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryDuty.class);

    private final RegistryChain registry;
    private final TaskCatalog tasks;
    private final HeldOutDirectory heldOut;
    private final TaskDocuments documents;
    private final TakeUpPolicy policy;
    /** Registry entries never change: each is read once, in id order. */
    private final List<ModelSpec> specs = new ArrayList<>();

    /** How many registered tasks record each held-out sha256. */
    private final Map<String, Integer> tasksWithHeldOut = new HashMap<>();

    private final Set<Long> givenUp = new HashSet<>();
    private final Set<Long> notAdmitted = new HashSet<>();
    private final Backoff<Long> backoff = new Backoff<>();
    private volatile boolean completedPass;

    DiscoveryDuty(
            RegistryChain registry,
            TaskCatalog tasks,
            HeldOutDirectory heldOut,
            TaskDocuments documents,
            TakeUpPolicy policy) {
        this.registry = registry;
        this.tasks = tasks;
        this.heldOut = heldOut;
        this.documents = documents;
        this.policy = policy;
    }

    /**
     * @return whether a call has looked at every registered task: until then, a task this node served before a restart
     *     may not be configured again yet
     */
    boolean completedPass() {
        return completedPass;
    }

    /**
     * Configures each registered task whose held-out set has arrived.
     *
     * @param problems told each task given up or failing now, with the reason
     * @throws RuntimeException if the chain or the directory cannot be read; the tasks not taken up yet are tried
     *     again
     */
    void perform(Consumer<String> problems) {
        backoff.tick();
        long registered = registry.modelCount().longValueExact();
        for (long id = specs.size() + 1; id <= registered; id++) {
            ModelSpec spec = registry.model(BigInteger.valueOf(id)).spec();
            specs.add(spec);
            tasksWithHeldOut.merge(HexFormat.of().formatHex(spec.heldOutDigest), 1, Integer::sum);
        }
        Map<String, List<Path>> arrived = null;
        for (long id = 1; id <= registered; id++) {
            if (tasks.configures(id) || givenUp.contains(id) || !backoff.due(id)) continue;
            ModelSpec spec = specs.get((int) id - 1);
            String digest = HexFormat.of().formatHex(spec.heldOutDigest);
            if (arrived == null) arrived = heldOut.byDigest();
            long taskId = id;
            List<Path> files = arrived.getOrDefault(digest, List.of()).stream()
                    .filter(candidate -> HeldOutDirectory.mayServe(candidate, taskId))
                    .toList();
            if (files.isEmpty()) continue;
            // a set received for this very task (only its owner can announce one) is this task's; a set put there by
            // hand that several registry entries record is none of theirs
            Path file = files.stream()
                    .filter(HeldOutDirectory::namedForATask)
                    .findFirst()
                    .orElse(files.getFirst());
            if (!HeldOutDirectory.namedForATask(file) && tasksWithHeldOut.get(digest) > 1) {
                giveUp(
                        id,
                        "other tasks' registry entries record the same held-out set: a held-out set judges one task",
                        problems);
                continue;
            }
            if (!admitted(id)) continue;
            try {
                DataSchema schema = documents.schema(spec.schemaDigest);
                Path base = documents.baseModel(ModelFile.ofCommit(spec.baseWeightsDigest, spec.baseWeightsRoot));
                tasks.add(new TaskCatalog.TaskDefinition(id, schema, file, base));
                backoff.done(id);
                LOG.info("task {} taken up: its held-out set is {}", id, file);
            } catch (IllegalArgumentException e) {
                giveUp(id, e.getMessage(), problems);
            } catch (RuntimeException e) {
                backoff.failed(id);
                problems.accept("task " + id + " cannot be taken up now, tried again later: " + e.getMessage());
            }
        }
        completedPass = true;
    }

    private boolean admitted(long id) {
        if (tasks.configuredCount() >= policy.maxTasks()) {
            if (notAdmitted.add(id)) {
                LOG.warn("task {} is not taken up: this node evaluates {} tasks, its most", id, policy.maxTasks());
            }
            return false;
        }
        if (!policy.owners().isEmpty()) {
            String owner = registry.ownerOf(BigInteger.valueOf(id));
            if (!policy.admits(owner)) {
                givenUp.add(id);
                LOG.info("task {} is not taken up: its owner {} is not among the owners this node serves", id, owner);
                return false;
            }
        }
        return true;
    }

    private void giveUp(long id, String why, Consumer<String> problems) {
        givenUp.add(id);
        backoff.done(id);
        String reason = "task " + id + " is not served: " + why;
        LOG.error(reason);
        problems.accept(reason);
    }
}
