package io.cotrain.validator.gateway;

/** A task id the model registry does not know: the message names the ids it does. */
public final class UnknownTaskException extends GatewayException {
    private final long taskId;

    /**
     * @param taskId the id asked for
     * @param taskCount how many tasks the registry holds (ids 1 to it)
     */
    public UnknownTaskException(long taskId, long taskCount) {
        super("unknown task " + taskId + ": the model registry has "
                + (taskCount == 0 ? "no tasks yet" : "tasks 1 to " + taskCount));
        this.taskId = taskId;
    }

    /** @return the id asked for */
    public long taskId() {
        return taskId;
    }
}
