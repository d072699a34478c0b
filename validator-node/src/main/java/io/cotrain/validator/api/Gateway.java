package io.cotrain.validator.api;

import io.agroal.api.AgroalDataSource;
import io.cotrain.client.ReadOnlyContracts;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.oracle.scoring.TaskCatalog;
import io.cotrain.oracle.scoring.ValidatorLoop;
import io.cotrain.validator.NodeSettings;
import io.cotrain.validator.ValidatorConfig;
import io.cotrain.validator.gateway.CandidateEvaluator;
import io.cotrain.validator.gateway.LedgerIndex;
import io.cotrain.validator.gateway.LedgerStore;
import io.cotrain.validator.gateway.LiveStreams;
import io.cotrain.validator.gateway.NetworkReader;
import io.cotrain.validator.gateway.SealingCheck;
import io.cotrain.validator.gateway.TransactionBuilder;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.math.BigInteger;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.web3j.protocol.Web3j;

/**
 * The gateway's parts, built once from the node's settings and clients and produced as beans for the resources to
 * inject: the event index (refreshed on a schedule, kept in the {@link IndexDatabase}) and its live streams, the
 * network reader, the transaction builder, the candidate evaluator, the sealing check and the content store.
 */
@Startup
@ApplicationScoped
public class Gateway {
    private static final Logger LOG = Logger.getLogger(Gateway.class);

    @Inject
    Optional<ValidatorLoop> loop;

    @Inject
    TaskCatalog tasks;

    @Inject
    ValidatorConfig config;

    @Inject
    NodeSettings settings;

    @Inject
    Web3j web3j;

    @Inject
    IpfsClient ipfs;

    @Inject
    @Any
    Instance<AgroalDataSource> dataSources;

    private LiveStreams streams;
    private LedgerIndex ledger;
    private NetworkReader reader;
    private TransactionBuilder transactions;
    private CandidateEvaluator evaluator;
    private ContentStore content;
    private SealingCheck sealing;
    private volatile String lastRefreshError;

    @PostConstruct
    void start() {
        streams = new LiveStreams(
                config.gateway().maxEventStreams(), config.gateway().maxEventStreamsPerClient());
        IndexDatabase database = IndexDatabase.choose(config.gateway().indexUrl(), config.dataDirectory())
                .orElseThrow(); // the configuration's validation refuses other URLs before the gateway starts
        ledger = new LedgerIndex(
                web3j,
                settings.deployment(),
                new LedgerStore(dataSources
                        .select(new DataSource.DataSourceLiteral(database.datasource()))
                        .get()),
                config.maxBlocksPerQuery(),
                config.confirmations(),
                streams);
        BigInteger deployBlock = settings.deployment().deployBlock();
        if (ledger.lastBlock().compareTo(deployBlock) < 0) {
            LOG.infof(
                    "the gateway's event index (%s) reads the chain from block %s", database.datasource(), deployBlock);
        } else {
            LOG.infof(
                    "the gateway's event index (%s) resumes after block %s", database.datasource(), ledger.lastBlock());
        }
        reader = new NetworkReader(
                web3j, settings.deployment(), ledger, id -> loop.flatMap(validator -> validator.evaluation(id)));
        transactions = new TransactionBuilder(web3j, settings.chainId(), settings.deployment());
        content = new ContentStore(ipfs);
        evaluator = new CandidateEvaluator(content, tasks, reader);
        sealing = new SealingCheck(
                content,
                ReadOnlyContracts.of(
                                web3j,
                                settings.deployment(),
                                settings.deployment().validatorRegistry())
                        .validators());
    }

    @Scheduled(
            every = "${cotrain.gateway.refresh-interval}",
            delay = 1,
            delayUnit = TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            ledger.refresh();
            if (lastRefreshError != null) LOG.info("the gateway reads the chain's events again");
            lastRefreshError = null;
        } catch (RuntimeException e) {
            String error = e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : "");
            if (!error.equals(lastRefreshError)) LOG.warnf("cannot read the chain's events: %s", error);
            lastRefreshError = error;
        }
    }

    @Produces
    @Singleton
    LedgerIndex ledger() {
        return ledger;
    }

    @Produces
    @Singleton
    LiveStreams streams() {
        return streams;
    }

    @Produces
    @Singleton
    NetworkReader reader() {
        return reader;
    }

    @Produces
    @Singleton
    TransactionBuilder transactions() {
        return transactions;
    }

    @Produces
    @Singleton
    CandidateEvaluator evaluator() {
        return evaluator;
    }

    @Produces
    @Singleton
    SealingCheck sealing() {
        return sealing;
    }

    @Produces
    @Singleton
    ContentStore content() {
        return content;
    }
}
