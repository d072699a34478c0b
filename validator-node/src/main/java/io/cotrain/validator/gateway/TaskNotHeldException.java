package io.cotrain.validator.gateway;

import java.util.List;

/** A registered task this node cannot evaluate for: it holds no held-out set of it. Another node may. */
public final class TaskNotHeldException extends GatewayException {
    private final long taskId;

    /**
     * @param taskId the task asked for
     * @param heldTasks the tasks this node evaluates
     */
    public TaskNotHeldException(long taskId, List<Long> heldTasks) {
        super("this node holds no held-out set for task " + taskId + "; it evaluates "
                + (heldTasks.isEmpty() ? "no task" : "tasks " + heldTasks) + ": ask a node that does");
        this.taskId = taskId;
    }

    /** @return the task asked for */
    public long taskId() {
        return taskId;
    }
}
