#!/usr/bin/env bash
# Starts one Cotrain validator node from its Quarkus jar, with every setting taken from the environment.
# Build the jar first:  mvn -B -pl validator-node -am package -DskipTests
#
# Required (a pure gateway, COTRAIN_VALIDATION_ENABLED=false, needs only the first three):
#   COTRAIN_RPC_URL                  the chain's JSON-RPC endpoint, e.g. http://127.0.0.1:8545
#   COTRAIN_CHAIN_ID                 the chain id the endpoint must serve (31337 for anvil)
#   COTRAIN_DEPLOYMENT_FILE          the deploy script's addresses file, e.g. deployment/addresses/31337.json
#   COTRAIN_DATA_DIRECTORY           the node's own durable state (checkpoint, score journal, evaluations, artifacts);
#                                    one per validator, never shared, never replaced while it has rounds in flight
#   the signing key, one of:
#     COTRAIN_KEY_KEYSTORE + COTRAIN_KEY_KEYSTORE_PASSWORD   a JSON keystore file and its password
#     COTRAIN_KEY_PRIVATE_KEY                                a hex private key (local networks only)
#   (the node refuses the password or the private key from a properties file, and never logs either)
#
# Tasks: the node takes up every registered task whose held-out set is in $COTRAIN_DATA_DIRECTORY/held-out/ (any file
# name; found by the sha256 the model registry records), while it runs. Optionally, tasks configured by hand,
# N = 0, 1, ..., each bound to its registry entry by the digests of these files before it is served:
#     COTRAIN_TASKS_N__ID              the task id contributions name on chain
#     COTRAIN_TASKS_N__FEATURE_COLUMNS comma-separated numeric feature columns, in CSV order
#     COTRAIN_TASKS_N__LABEL_COLUMN    the integer label column (last in the CSV)
#     COTRAIN_TASKS_N__CLASS_COUNT     number of classes
#     COTRAIN_TASKS_N__HELD_OUT_CSV    the held-out set (private to validators)
#     COTRAIN_TASKS_N__GLOBAL_MODEL    the task's base model (DL4J model zip)
#
# Optional (default):
#   COTRAIN_VALIDATION_ENABLED (true)               false: serve the gateway API and dashboard only, validate nothing
#   COTRAIN_GATEWAY_DOMAINS (the request's host)    comma-separated host[:port] that sign-in messages may name
#   COTRAIN_GATEWAY_NONCE_LIFETIME (5m)             how long a sign-in nonce waits for its signed message
#   COTRAIN_GATEWAY_TOKEN_LIFETIME (15m)            how long a bearer token is accepted
#   COTRAIN_GATEWAY_TOKEN_KEY_FILE (DATA_DIRECTORY/gateway-token-key.pem, made on first start; in memory without a
#                                   data directory)  PEM RSA key (mode 600) tokens are signed with: share it between
#                                   gateway nodes so a token from one works on all
#   COTRAIN_GATEWAY_EXPENSIVE_REQUESTS_PER_MINUTE (30)  per client: sign-in, transactions, evaluation
#   COTRAIN_GATEWAY_REFRESH_INTERVAL (2s)           how often the gateway reads new chain events
#   COTRAIN_GATEWAY_MAX_EVENT_STREAMS (256)         live update streams (GET /events) served at once
#   COTRAIN_GATEWAY_MAX_EVENT_STREAMS_PER_CLIENT (8)  of which one client (IP address) may hold
#   COTRAIN_IPFS_API_URL (http://127.0.0.1:5001)   Kubo-compatible RPC API
#   COTRAIN_IPFS_TIMEOUT (30s)                      per IPFS call
#   COTRAIN_IPFS_MAX_OBJECT_BYTES (268435456)       largest object read from IPFS
#   COTRAIN_IPFS_ROUND_DEADLINE (5s)                the most a round's content may take: fetched all at once, what a
#                                                   healthy IPFS node has not found by then is floored
#   COTRAIN_IPFS_FETCH_CONCURRENCY (64)             fetches in flight (at least the most contributions a round holds)
#   COTRAIN_IPFS_COMMIT_RESERVE_BLOCKS (3)          blocks before the commit window ends by which fetching is over
#   COTRAIN_IPFS_HEALTH_PROBE_TIMEOUT (3s)          each step of the IPFS health probe (version, store, read back)
#   COTRAIN_CONFIRMATIONS (2)                       blocks on top of a block before its events are read
#   COTRAIN_TICK_INTERVAL (5s)                      how often the validator loop runs
#   COTRAIN_FIRST_TICK_DELAY (1s)                   delay of the first tick after startup
#   COTRAIN_FINALIZE_PAGE_SIZE (200)                contributions settled per finalize call
#   COTRAIN_FINALIZE_TURN_BLOCKS (2)                blocks between validators' turns to finalize
#   COTRAIN_MAX_BLOCKS_PER_QUERY (5000)             widest eth_getLogs range
#   COTRAIN_RECEIPT_TIMEOUT (2m)                    wait for a transaction to be mined
#   COTRAIN_PRIORITY_FEE_WEI (1000000000)           EIP-1559 tip per gas
#   COTRAIN_SHUTDOWN_WAIT (60s)                     how long shutdown waits for a running tick
#   QUARKUS_HTTP_HOST (127.0.0.1), QUARKUS_HTTP_PORT (8080)   REST API, /q/health, /q/metrics
#   COTRAIN_JAVA_OPTS                               extra JVM options, e.g. -Xmx1g
#   COTRAIN_NODE_JAR                                the jar (default: target/quarkus-app/quarkus-run.jar beside this
#                                                   script)
#   JAVA_HOME                                       a JDK/JRE >= 21 (else the java on PATH, else one under /usr/lib/jvm)
#
# The node prints every missing or bad setting by name and exits if its configuration is incomplete.
# Ctrl-C (SIGINT/SIGTERM) stops it gracefully: scheduling stops, a running tick finishes, clients close.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${COTRAIN_NODE_JAR:-$here/target/quarkus-app/quarkus-run.jar}"
if [[ ! -f "$jar" ]]; then
  echo "run-validator.sh: $jar is missing: build it with 'mvn -B -pl validator-node -am package -DskipTests'" >&2
  exit 1
fi

# shellcheck source=../tools/java.sh
source "$here/../tools/java.sh"
java="$(find_java_tool java)" \
  || { echo "run-validator.sh: no Java >= 21 found (JAVA_HOME, PATH, /usr/lib/jvm): install one" >&2; exit 1; }

dl4j_java_setup "$java"
# shellcheck disable=SC2086 # COTRAIN_JAVA_OPTS is a list of options
exec "$java" "${dl4j_options[@]}" ${COTRAIN_JAVA_OPTS:-} -jar "$jar"
