package io.cotrain.oracle.evaluation;

import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;

/** The standard synthetic task, its context and contributions, built once per test JVM. */
final class Fixtures {

    static final SyntheticTabularTask TASK = SyntheticTabularTask.standard();
    static final Contributions CONTRIBUTIONS = new Contributions(TASK);
    private static TaskContext context;

    private Fixtures() {}

    static synchronized TaskContext context() {
        if (context == null) {
            context = TASK.context(7);
        }
        return context;
    }
}
