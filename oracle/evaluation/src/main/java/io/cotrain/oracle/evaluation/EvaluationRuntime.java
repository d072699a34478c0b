package io.cotrain.oracle.evaluation;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native threading of ND4J for evaluation: one thread for libnd4j's OpenMP loops and one for OpenBLAS, so that
 * floating-point reductions always run in the same order (every validator gets bit-identical metrics from the same
 * bytes) and an evaluation never takes every core of the node.
 *
 * <p>Set {@code OMP_NUM_THREADS=1} and {@code OPENBLAS_NUM_THREADS=1} in the environment of the JVM as well (the test
 * configuration does): the natives read them when they load, before any Java code can run. {@link #configure()},
 * called by every entry point of this package, applies the same settings through ND4J's API at run time.
 */
public final class EvaluationRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(EvaluationRuntime.class);
    private static volatile boolean configured;

    private EvaluationRuntime() {}

    /** Applies the single-thread settings once per JVM (idempotent, thread-safe). */
    public static void configure() {
        if (configured) {
            return;
        }
        synchronized (EvaluationRuntime.class) {
            if (configured) {
                return;
            }
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
            Nd4j.getEnvironment().setMaxThreads(1);
            Nd4j.getEnvironment().setMaxMasterThreads(1);
            Nd4j.factory().blas().setMaxThreads(1);
            configured = true;
            LOG.debug("ND4J configured: 1 OpenMP thread, 1 OpenBLAS thread, float data");
        }
    }
}
