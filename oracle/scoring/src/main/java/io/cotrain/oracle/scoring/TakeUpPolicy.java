package io.cotrain.oracle.scoring;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which registered tasks a validator node takes up by itself when their held-out sets arrive ({@link DiscoveryDuty}):
 * anyone may register a model and hand its set to every validator, so a node takes up at most {@code maxTasks} tasks
 * (leaving room under the registry's 32 served tasks for those its operator configures) and, if its operator lists
 * owners, only their tasks.
 *
 * @param maxTasks the most tasks the node evaluates, configured and taken up together
 * @param owners the model owners whose tasks are taken up, lower-case addresses; empty: any owner
 */
public record TakeUpPolicy(int maxTasks, Set<String> owners) {
    /** The default cap: half the tasks one validator may serve on chain. */
    public static final int DEFAULT_MAX_TASKS = 16;

    public TakeUpPolicy {
        if (maxTasks < 0) throw new IllegalArgumentException("maxTasks must be 0 or more, got " + maxTasks);
        owners = owners.stream().map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** @return any owner's tasks, up to {@value #DEFAULT_MAX_TASKS} */
    public static TakeUpPolicy defaults() {
        return new TakeUpPolicy(DEFAULT_MAX_TASKS, Set.of());
    }

    /**
     * @param owner a model's owner
     * @return whether its tasks may be taken up
     */
    boolean admits(String owner) {
        return owners.isEmpty() || owners.contains(owner.toLowerCase(Locale.ROOT));
    }
}
