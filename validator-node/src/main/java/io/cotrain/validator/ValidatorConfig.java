package io.cotrain.validator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The validator node's settings: {@code cotrain.*} in application.properties, each overridable from the environment by
 * Quarkus' standard mapping ({@code cotrain.rpc-url} is {@code COTRAIN_RPC_URL}, {@code cotrain.tasks[0].id} is
 * {@code COTRAIN_TASKS_0__ID}). Required settings are optional here so that {@link NodeSettings#validate} can report
 * every missing or bad one at once, by name.
 */
@ConfigMapping(prefix = "cotrain")
public interface ValidatorConfig {
    /** The chain's JSON-RPC endpoint (required). */
    Optional<String> rpcUrl();

    /** The chain id the node expects the endpoint to serve (required). */
    OptionalLong chainId();

    /** The deployment addresses file written by the deploy script (required). */
    Optional<Path> deploymentFile();

    /** Whether the node validates; a node with validation off is a pure gateway (API and dashboard). */
    Validation validation();

    /** The REST gateway: wallet sign-in, tokens, rate limits. */
    Gateway gateway();

    /** The validator's signing key: a keystore, or a raw private key on local networks. */
    Key key();

    Ipfs ipfs();

    /** The tasks this validator evaluates (at least one). */
    Optional<List<Task>> tasks();

    /** Blocks on top of a block before its events are read. */
    @WithDefault("2")
    int confirmations();

    /** The node's own durable state: checkpoint, score journal, evaluations, artifact index (required). */
    Optional<Path> dataDirectory();

    /** How often the validator loop ticks. */
    @WithDefault("5s")
    Duration tickInterval();

    /** Contributions settled per finalize call. */
    @WithDefault("200")
    int finalizePageSize();

    /** Blocks between validators' turns to finalize a round. */
    @WithDefault("2")
    int finalizeTurnBlocks();

    /** The widest eth_getLogs block range. */
    @WithDefault("5000")
    int maxBlocksPerQuery();

    /** How long to wait for a transaction to be mined. */
    @WithDefault("2m")
    Duration receiptTimeout();

    /** The EIP-1559 priority fee per gas, in wei. */
    @WithDefault("1000000000")
    long priorityFeeWei();

    /** How long after startup the first tick runs. */
    @WithDefault("1s")
    Duration firstTickDelay();

    /**
     * The Cotrain checkout ({@code -Dcotrain.root}, set by the Maven build for the test tools that start anvil and
     * js-ipfs). The node does not use it; it is declared so that the strict mapping, which rejects unknown
     * {@code cotrain.*} settings (typos), accepts it.
     */
    Optional<String> root();

    /** How long shutdown waits for a running tick to finish. */
    @WithDefault("60s")
    Duration shutdownWait();

    interface Validation {
        /** Score contributions and aggregate models (needs a key, tasks and a data directory). */
        @WithDefault("true")
        boolean enabled();
    }

    interface Gateway {
        /**
         * The domains (host[:port]) sign-in messages may name. Unset: the host the sign-in request was sent to, which
         * suits a node reached by one name; set it behind a proxy or a public name.
         */
        Optional<List<String>> domains();

        /** How long a sign-in nonce waits for its signed message. */
        @WithDefault("5m")
        Duration nonceLifetime();

        /** How long an access token is accepted. */
        @WithDefault("15m")
        Duration tokenLifetime();

        /** Requests per client per minute to the expensive endpoints (evaluation, transaction building, sign-in). */
        @WithDefault("30")
        int expensiveRequestsPerMinute();

        /** How often the chain's events are read into the gateway's view of rounds, rewards and commits. */
        @WithDefault("2s")
        Duration refreshInterval();
    }

    interface Key {
        /** A web3j / geth JSON keystore file. */
        Optional<Path> keystore();

        /**
         * The keystore's password: set it in the environment ({@code COTRAIN_KEY_KEYSTORE_PASSWORD}), never in a file.
         */
        Optional<String> keystorePassword();

        /**
         * A hex private key, for local networks: set it in the environment ({@code COTRAIN_KEY_PRIVATE_KEY}), never in
         * a file.
         */
        Optional<String> privateKey();
    }

    interface Ipfs {
        /** The Kubo-compatible RPC API. */
        @WithDefault("http://127.0.0.1:5001")
        String apiUrl();

        /** How long one IPFS call may take. */
        @WithDefault("30s")
        Duration timeout();

        /** The largest object read from IPFS. */
        @WithDefault("268435456")
        long maxObjectBytes();

        /**
         * The most a round's content may take to arrive: every manifest and artifact of the round is fetched at once
         * against this one deadline (never later than {@link #commitReserveBlocks()} before the commit window ends),
         * and what a healthy node has not found by then is floored.
         */
        @WithDefault("5s")
        Duration roundDeadline();

        /** Fetches in flight at once: at least the most contributions a round can hold. */
        @WithDefault("64")
        int fetchConcurrency();

        /** Blocks before a round's commit window ends by which its content fetching is over. */
        @WithDefault("3")
        int commitReserveBlocks();

        /** How long each step of the IPFS node's health probe (version, store, read back) may take. */
        @WithDefault("3s")
        Duration healthProbeTimeout();
    }

    interface Task {
        /** The task id contributions name on chain. */
        long id();

        /** The numeric feature columns, in CSV order. */
        List<String> featureColumns();

        String labelColumn();

        int classCount();

        /** The held-out set (CSV with the header feature columns then label). */
        Path heldOutCsv();

        /** The current global model (a DL4J model zip). */
        Path globalModel();
    }
}
