package io.cotrain.validator;

import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.EvaluationRuntime;
import io.cotrain.oracle.scoring.TaskCatalog;
import io.cotrain.oracle.scoring.ValidatorLoop;
import io.cotrain.oracle.scoring.ValidatorNode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.config.SmallRyeConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.OkHttpClient;
import org.eclipse.microprofile.config.ConfigValue;
import org.jboss.logging.Logger;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The validator: produces the node's checked {@link NodeSettings} and its chain and IPFS clients for the beans that
 * need them, assembles the oracle's {@link ValidatorLoop} at startup (failing startup with every bad setting named),
 * ticks it when the scheduler says so, and on shutdown waits for a running tick before closing the clients.
 */
@Startup
@ApplicationScoped
public class ValidatorService {
    private static final Logger LOG = Logger.getLogger(ValidatorService.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    @Inject
    NodeSettings settings;

    @Inject
    NodeMetrics metrics;

    private Web3j web3j;
    private Web3j probeWeb3j;
    private IpfsClient ipfs;
    private IpfsClient ipfsProbe;
    private ValidatorLoop loop;
    private TaskCatalog tasks;

    private final ReentrantLock ticking = new ReentrantLock();
    private final ReentrantLock working = new ReentrantLock();
    private final AtomicLong ticks = new AtomicLong();
    private final Instant startedAt = Instant.now();
    private volatile boolean stopping;
    private volatile boolean chainVerified;
    private volatile Instant lastTickStarted;
    private volatile Instant lastTickEnded;

    /**
     * @param config the mapped configuration, its constraints checked when Quarkus built it
     * @param raw the same configuration by property, to tell where each secret came from
     * @return the settings every bean injects, checked once
     * @throws InvalidSettingsException naming every problem the constraints could not see
     */
    @Produces
    @Singleton
    static NodeSettings settings(ValidatorConfig config, SmallRyeConfig raw) {
        return NodeSettings.validate(config, property -> {
            ConfigValue value = raw.getConfigValue(property);
            return value == null || value.getValue() == null
                    ? Optional.empty()
                    : Optional.ofNullable(value.getSourceName());
        });
    }

    @PostConstruct
    void start() {
        EvaluationRuntime.configure();
        web3j = Web3j.build(new HttpService(settings.rpcUrl().toString()));
        probeWeb3j = Web3j.build(new HttpService(
                settings.rpcUrl().toString(),
                new OkHttpClient.Builder()
                        .callTimeout(PROBE_TIMEOUT)
                        .connectTimeout(PROBE_TIMEOUT)
                        .build()));
        ipfs = new IpfsClient(settings.ipfsApiUrl(), settings.ipfsTimeout(), settings.ipfsMaxObjectBytes());
        ipfsProbe = new IpfsClient(settings.ipfsApiUrl(), PROBE_TIMEOUT, 1);
        tasks = new TaskCatalog(settings.tasks(), EvaluationLimits.defaults());
        if (settings.validationEnabled()) {
            loop = ValidatorNode.assemble(
                    web3j,
                    settings.chainId(),
                    settings.deployment(),
                    settings.key(),
                    new ContentStore(ipfs),
                    tasks,
                    settings.dataDirectory(),
                    settings.options(),
                    metrics,
                    metrics);
        }
        LOG.infof("validator node started: %s", settings);
    }

    /**
     * One tick of the validator's round duties (commit, reveal, finalize), unless one is still running or the node is
     * stopping. The first tick checks that the RPC endpoint serves the configured chain; until it does, nothing is
     * sent.
     */
    public void tick() {
        if (loop == null || stopping || !ticking.tryLock()) return;
        try {
            if (stopping) return;
            lastTickStarted = Instant.now();
            if (!chainVerified) {
                Optional<String> problem = chainProblem(web3j);
                if (problem.isPresent()) {
                    LOG.warnf("not ticking: %s", problem.get());
                    return;
                }
                chainVerified = true;
            }
            loop.performDuties();
            ticks.incrementAndGet();
        } finally {
            lastTickEnded = Instant.now();
            ticking.unlock();
        }
    }

    /**
     * The validator's slow work (judging new contributions, aggregating finalized rounds) on its own thread, so that
     * it never delays a duty; skipped while it still runs, while the node is stopping, and until a tick has verified
     * the chain.
     */
    public void work() {
        if (loop == null || stopping || !chainVerified || !working.tryLock()) return;
        try {
            if (!stopping) loop.work();
        } finally {
            working.unlock();
        }
    }

    /** @return why the chain is not usable (unreachable, or another chain), or empty if it serves the configured id */
    Optional<String> chainProblem() {
        return chainProblem(probeWeb3j);
    }

    private Optional<String> chainProblem(Web3j client) {
        try {
            var response = client.ethChainId().send();
            if (response.hasError())
                return Optional.of("eth_chainId failed: " + response.getError().getMessage());
            long served = response.getChainId().longValueExact();
            if (served != settings.chainId()) {
                return Optional.of(
                        "the RPC endpoint serves chain " + served + ", cotrain.chain-id is " + settings.chainId());
            }
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of("the chain does not answer at " + NodeSettings.origin(settings.rpcUrl()) + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    /** @return the IPFS node's version, or throws if it does not answer */
    String ipfsVersion() {
        return ipfsProbe.version();
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        boolean finished = false;
        try {
            // a running tick finishes (it journals before it sends, so even a cut tick is safe, but let it end cleanly)
            long deadline = System.nanoTime() + settings.shutdownWait().toNanos();
            finished = ticking.tryLock(settings.shutdownWait().toNanos(), TimeUnit.NANOSECONDS)
                    && working.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!finished) {
            LOG.warnf(
                    "a tick or the work was still running after %s; closing the clients under them",
                    settings.shutdownWait());
        }
        web3j.shutdown();
        probeWeb3j.shutdown();
        ipfs.close();
        ipfsProbe.close();
        LOG.info("validator node stopped");
    }

    /**
     * @return the tasks this node evaluates: those configured and those it took up from the model registry, held once
     *     bound to their registry entries (shared by the validator loop and the gateway)
     */
    @Produces
    @Singleton
    TaskCatalog tasks() {
        return tasks;
    }

    /** @return the validator loop, or empty on a pure gateway ({@code cotrain.validation.enabled=false}) */
    @Produces
    @Singleton
    Optional<ValidatorLoop> loop() {
        return Optional.ofNullable(loop);
    }

    /** @return the chain client the node shares between its loop and its gateway (closed on shutdown) */
    @Produces
    @Singleton
    Web3j web3j() {
        return web3j;
    }

    /** @return the IPFS client the node shares between its loop and its gateway (closed on shutdown) */
    @Produces
    @Singleton
    IpfsClient ipfs() {
        return ipfs;
    }

    public boolean stopping() {
        return stopping;
    }

    public boolean tickRunning() {
        return ticking.isLocked();
    }

    public long ticks() {
        return ticks.get();
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Optional<Instant> lastTickStarted() {
        return Optional.ofNullable(lastTickStarted);
    }

    public Optional<Instant> lastTickEnded() {
        return Optional.ofNullable(lastTickEnded);
    }
}
