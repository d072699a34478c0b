package io.cotrain.oracle.scoring;

import io.cotrain.contracts.generated.ModelRegistry.CommitView;
import io.cotrain.oracle.evaluation.HeldOutMetrics;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the base model of each task this validator holds on the task's held-out set and attests its metrics
 * ({@code ValidatorRegistry.attestBaseMetrics}), as a commit's are attested, until they are recorded on the base
 * commit: the base model's accuracy is what the owner and contributors measure every later commit against.
 */
final class BaseMetricsDuty {
    private static final Logger LOG = LoggerFactory.getLogger(BaseMetricsDuty.class);
    private final RegistryChain chain;
    private final ModelStore models;
    private final TaskCatalog tasks;
    private final Set<Long> settled = new HashSet<>();
    private final Backoff<Long> backoff = new Backoff<>();

    BaseMetricsDuty(RegistryChain chain, ModelStore models, TaskCatalog tasks) {
        this.chain = chain;
        this.models = models;
        this.tasks = tasks;
    }

    /**
     * Attests the base metrics of every held task that awaits this validator's attestation. A task that fails is
     * reported and tried again later, backing off; the others go on.
     *
     * @param failed receives each failing task and its failure
     */
    void perform(BiConsumer<Long, RuntimeException> failed) {
        backoff.tick();
        Optional<Integer> index = chain.activeIndex();
        if (index.isEmpty()) return;
        for (long task : tasks.taskIds()) {
            if (settled.contains(task) || !backoff.due(task)) continue;
            try {
                attest(task, index.get());
                settled.add(task);
                backoff.done(task);
            } catch (RuntimeException e) {
                backoff.failed(task);
                failed.accept(task, e);
            }
        }
    }

    private void attest(long task, int index) {
        BigInteger id = BigInteger.valueOf(task);
        if (!chain.awaitsBaseMetrics(id, index)) return;
        CommitView base = chain.commit(chain.baseCommit(id));
        HeldOutMetrics metrics = models.context(task, base).baseline();
        chain.attestBaseMetrics(id, metrics.valuePpm(), metrics.lossMicros());
        LOG.info(
                "attested the base model of task {}: on {} held-out rows {}, loss {}",
                task,
                metrics.rows(),
                metrics.summary(),
                metrics.loss());
    }
}
