#!/usr/bin/env bash
# The whole Cotrain network on this machine, with one command: a local chain (anvil) with the contracts deployed
# and three bonded validators, an offline IPFS node (js-ipfs), the demo task (Seattle and New York daily weather,
# NOAA via the npm package vega-datasets: see deployment/src/main/java/io/cotrain/deployment/demo/DemoTask.java),
# and three validator nodes with their own keys and data directories. It prints the URLs, the addresses and the dev
# accounts' roles once every node is ready, then runs the demo (DemoRounds): the owner registers the demo task in the
# model registry and simulated contributors work through several rounds with the contributor CLI (three honest ones
# on their own shards, a poisoner with label-flipped data, a free rider resubmitting the global model, a noisy free
# rider adding a little noise to it, a copier resubmitting an honest update nudged), printing round by round the
# commit recorded, its held-out accuracy and every contributor's score, reward and slash, then each role's share of the
# rewards. The network keeps running afterwards; everything it started stops on Ctrl-C, on SIGTERM or with
#
#   deployment/local-network.sh stop
#
# A validator node is restarted (stopped, then started again with the same key, data directory and port) with
#
#   deployment/local-network.sh restart-node 2
#
# and the network tracks the new process. The IPFS node is restarted (SIGKILL, then started again on its repository
# and port: a crash and a recovery) with
#
#   deployment/local-network.sh restart-ipfs
#
# A node an operator starts by hand on one of the network's data directories
# (run-validator.sh with COTRAIN_DATA_DIRECTORY=<network dir>/validator-<i>) is stopped with the network as well.
#
# It builds what is missing first (the validator node's jar, the CLI and the deployment module's classes: one
# `mvn -B -q -pl validator-node,deployment -am package -DskipTests` when the jar is missing or older than the sources).
#
# Environment (default):
#   COTRAIN_RPC_PORT (8545)          anvil's JSON-RPC port
#   COTRAIN_BLOCK_TIME (1)           seconds per block
#   COTRAIN_IPFS_PORT (5001)         the IPFS node's RPC API port (unset and 5001 taken: a free port)
#   COTRAIN_NODE_PORT (8081)         validator i (1..3) serves HTTP on COTRAIN_NODE_PORT + i - 1
#   COTRAIN_NODE_<i>_RPC_URL         the JSON-RPC URL validator i uses (anvil's): e.g. a proxy in between, which
#                                    a fault test cuts
#   COTRAIN_ADDRESSES_FILE           where the deploy script writes the addresses (deployment/addresses/<chainId>.json;
#                                    under deployment/addresses or deployment/target: forge may write nowhere else)
#   COTRAIN_NETWORK_DIR              working directory, recreated on every start: IPFS repository (ipfs/), demo task
#                                    (tasks/task-1/), validators' data (validator-<i>/), logs (logs/), PIDs (pids)
#                                    (deployment/target/local-network)
#   COTRAIN_VALIDATOR_JAVA_OPTS (-Xmx512m)   JVM options of each validator node
#   COTRAIN_TICK_INTERVAL (1s)       how often each validator node runs its duties: well within the half commit
#                                    window (5 blocks) that is left after the sealing fault reports close
#   COTRAIN_DEMO_ROUNDS (5)          rounds of simulated contributors; 0: no demo (contributors are dev keys 4-10)
#   COTRAIN_DEMO_EPOCHS (2)          local training epochs of the demo's contributors per round
#   COTRAIN_STARTUP_TIMEOUT (300)    seconds to wait for the IPFS node and the validator nodes to be ready
#   COTRAIN_SKIP_BUILD (unset)       1: never run Maven, run what is built (fail if the jar or the classes are missing)
#   JAVA_HOME                        a JDK >= 21 (else the java on PATH, else one under /usr/lib/jvm)
#
# The dev keys (deployment/lib/chain.sh) are anvil's well-known development keys: never use them on a real network.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/chain.sh
# shellcheck source=lib/chain.sh
source "$root/deployment/lib/chain.sh"

work="${COTRAIN_NETWORK_DIR:-$root/deployment/target/local-network}"
pids_file="$work/pids"

# --- processes recorded in the PID file: "<role> <pid>", one a line ---------------------------------------------

# is_ours ROLE PID: the process runs and is what the role says (never signal a recycled PID).
is_ours() {
  local args
  args="$(ps -o stat= -o args= -p "$2" 2>/dev/null)" || return 1
  [[ "$args" != Z* ]] || return 1
  case "$1" in
    script) [[ "$args" == *local-network.sh* ]] ;;
    anvil) [[ "$args" == *anvil* ]] ;;
    ipfs) [[ "$args" == *cli.js* || "$args" == *" ipfs" ]] ;; # js-ipfs renames its process "ipfs"
    # (a validator or the demo task is a fork of this script for a moment, before it execs)
    validator-*) [[ "$args" == *quarkus-run.jar* || "$args" == *run-validator.sh* || "$args" == *local-network.sh* ]] ;;
    demo-task) [[ "$args" == *DemoTask* || "$args" == *local-network.sh* ]] ;;
    demo-rounds) [[ "$args" == *DemoRounds* || "$args" == *local-network.sh* ]] ;;
    *) return 1 ;;
  esac
}

# stop_processes SECONDS ROLE:PID...: SIGTERM to each, then SIGKILL to what is left after SECONDS.
stop_processes() {
  local grace="$1" entry pending deadline
  shift
  for entry in "$@"; do is_ours "${entry%%:*}" "${entry##*:}" && kill -TERM "${entry##*:}" 2>/dev/null; done
  deadline=$((SECONDS + grace))
  while :; do
    pending=()
    for entry in "$@"; do is_ours "${entry%%:*}" "${entry##*:}" && pending+=("$entry"); done
    [[ ${#pending[@]} -gt 0 ]] || return 0
    if ((SECONDS >= deadline)); then
      for entry in "${pending[@]}"; do
        echo "  ${entry%%:*} (pid ${entry##*:}) did not stop within ${grace}s: killing it"
        kill -KILL "${entry##*:}" 2>/dev/null || true
      done
      return 0
    fi
    sleep 0.2
  done
}

recorded() { [[ -f "$pids_file" ]] && awk -v role="$1" '$1 ~ role {print $1 ":" $2}' "$pids_file"; }

# nodes_by_data_directory: "validator-<i>:<pid>" for every validator node whose COTRAIN_DATA_DIRECTORY is this
# network's validator-<i>, however it was started (this script, restart-node, or an operator by hand).
nodes_by_data_directory() {
  local environ pid variable
  for environ in /proc/[0-9]*/environ; do
    pid="${environ#/proc/}"
    pid="${pid%/environ}"
    [[ -r "$environ" ]] || continue
    while IFS= read -r -d '' variable; do
      if [[ "$variable" == "COTRAIN_DATA_DIRECTORY=$work/validator-"* ]]; then
        is_ours "validator-${variable##*/validator-}" "$pid" && echo "validator-${variable##*/validator-}:$pid"
        break
      fi
    done <"$environ" 2>/dev/null
  done
}

if [[ "${1:-}" == "stop" ]]; then
  [[ -f "$pids_file" ]] || { echo "no local network recorded in $pids_file"; exit 0; }
  mapfile -t script < <(recorded '^script$')
  if [[ ${#script[@]} -gt 0 ]] && is_ours script "${script[0]##*:}"; then
    echo "stopping the local network (pid ${script[0]##*:})..."
    stop_processes 120 "${script[@]}"
  fi
  mapfile -t left < <(recorded '^(validator-[0-9]+|demo-task|demo-rounds)$'; nodes_by_data_directory)
  [[ ${#left[@]} -eq 0 ]] || stop_processes 70 "${left[@]}"
  mapfile -t left < <(recorded '^(ipfs|anvil)$')
  [[ ${#left[@]} -eq 0 ]] || stop_processes 20 "${left[@]}"
  rm -f "$pids_file"
  echo "stopped"
  exit 0
fi
# request_restart WHAT ROLE: asks the running network's script (SIGUSR1) to restart WHAT (a node number, or ipfs),
# waits until it recorded a new ROLE process and said it is done, and prints the new PID.
request_restart() {
  local what="$1" role="$2" before after deadline
  mapfile -t script < <(recorded '^script$')
  if [[ ${#script[@]} -eq 0 ]] || ! is_ours script "${script[0]##*:}"; then
    echo "no local network is running (nothing recorded in $pids_file)" >&2
    exit 1
  fi
  before="$(recorded "^$role\$" | tail -n 1)"
  rm -f "$work/restart-done"
  echo "$what" >"$work/restart-request"
  kill -USR1 "${script[0]##*:}"
  deadline=$((SECONDS + 120))
  until after="$(recorded "^$role\$" | tail -n 1)" && [[ -n "$after" && "$after" != "$before" ]] &&
    [[ "$(cat "$work/restart-done" 2>/dev/null)" == "$what" ]]; do
    if ((SECONDS >= deadline)); then
      echo "$role was not restarted within 120 s: see $work/logs/" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "${after##*:}"
}
if [[ "${1:-}" == "restart-node" ]]; then
  node="${2:-}"
  [[ $# -eq 2 && "$node" =~ ^[1-3]$ ]] || { echo "usage: $0 restart-node 1|2|3" >&2; exit 2; }
  pid="$(request_restart "$node" "validator-$node")"
  echo "validator node $node restarted (pid $pid): '$0 stop' and Ctrl-C stop it with the network"
  exit 0
fi
if [[ "${1:-}" == "restart-ipfs" ]]; then
  [[ $# -eq 1 ]] || { echo "usage: $0 restart-ipfs" >&2; exit 2; }
  pid="$(request_restart ipfs ipfs)"
  echo "IPFS node restarted (pid $pid) and answering"
  exit 0
fi
[[ $# -eq 0 ]] || { echo "usage: $0 [stop | restart-node 1|2|3 | restart-ipfs]" >&2; exit 2; }

if [[ -f "$pids_file" ]]; then
  mapfile -t script < <(recorded '^script$')
  if [[ ${#script[@]} -gt 0 ]] && is_ours script "${script[0]##*:}"; then
    echo "a local network is already running (pid ${script[0]##*:}): stop it with '$0 stop'" >&2
    exit 1
  fi
fi

# --- settings and checks before starting anything ----------------------------------------------------------------

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A free port below the kernel's ephemeral range: one inside it may be taken as an outgoing connection's local end
# before the IPFS node binds it.
free_port() {
  local low=10000 high=32768 port
  [[ -r /proc/sys/net/ipv4/ip_local_port_range ]] && read -r high _ </proc/sys/net/ipv4/ip_local_port_range
  (( high > low + 1000 )) || high=49152
  for _ in $(seq 200); do
    port=$((low + RANDOM % (high - low)))
    port_busy "$port" || { echo "$port"; return; }
  done
  echo "no free port in [$low, $high)" >&2
  return 1
}

ipfs_port="${COTRAIN_IPFS_PORT:-5001}"
if port_busy "$ipfs_port"; then
  [[ -z "${COTRAIN_IPFS_PORT:-}" ]] || { echo "port $ipfs_port (COTRAIN_IPFS_PORT) is taken" >&2; exit 1; }
  ipfs_port="$(free_port)"
fi
node_base="${COTRAIN_NODE_PORT:-8081}"
node_ports=("$node_base" "$((node_base + 1))" "$((node_base + 2))")
for p in "${node_ports[@]}"; do
  if port_busy "$p"; then echo "port $p is taken: stop what uses it or set COTRAIN_NODE_PORT" >&2; exit 1; fi
done
startup_timeout="${COTRAIN_STARTUP_TIMEOUT:-300}"
node_java_opts="${COTRAIN_VALIDATOR_JAVA_OPTS:--Xmx512m}"
demo_rounds="${COTRAIN_DEMO_ROUNDS:-5}"
demo_epochs="${COTRAIN_DEMO_EPOCHS:-2}"
[[ "$demo_rounds" =~ ^[0-9]+$ && "$demo_epochs" =~ ^[1-9][0-9]*$ ]] || {
  echo "COTRAIN_DEMO_ROUNDS must be a number >= 0 and COTRAIN_DEMO_EPOCHS one >= 1" >&2
  exit 1
}

# shellcheck source=../tools/java.sh
source "$root/tools/java.sh"
if ! java="$(find_java_tool java)"; then
  echo "no Java >= 21 found (JAVA_HOME, PATH, /usr/lib/jvm): install one" >&2
  exit 1
fi
JAVA_HOME="$(cd "$(dirname "$(readlink -f "$java")")/.." && pwd)"
export JAVA_HOME

# --- build what is missing ---------------------------------------------------------------------------------------

jar="$root/validator-node/target/quarkus-app/quarkus-run.jar"
classes="$root/deployment/target/classes"
demo_class="$classes/io/cotrain/deployment/demo/DemoTask.class"
classpath_file="$root/deployment/target/classpath.txt"
needs_build() {
  [[ -f "$jar" && -f "$demo_class" && -f "$classpath_file" ]] || return 0
  local sources=("$root/pom.xml" "$root/testing" "$root/contracts/src" "$root/contracts/java/main"
    "$root/contracts/pom.xml" "$root/ipfs/src/main" "$root/ipfs/pom.xml" "$root/oracle" "$root/validator-node/src/main"
    "$root/validator-node/pom.xml" "$root/cli/src/main" "$root/cli/pom.xml")
  local newer
  newer="$(find "${sources[@]}" -path '*/target' -prune -o -type f -newer "$jar" -print -quit 2>/dev/null)"
  [[ -z "$newer" ]] || return 0
  newer="$(find "$root/deployment/src/main" "$root/deployment/pom.xml" -type f -newer "$demo_class" -print -quit)"
  [[ -z "$newer" ]] || return 0
  return 1
}
# Recreate the working directory, but never wipe a directory this script did not make (a mistyped
# COTRAIN_NETWORK_DIR): it must be empty or hold a logs/ directory from an earlier run.
if [[ -d "$work" && -n "$(ls -A "$work")" && ! -d "$work/logs" ]]; then
  echo "$work is not empty and not a local network's directory: choose another COTRAIN_NETWORK_DIR" >&2
  exit 1
fi
rm -rf "$work"
mkdir -p "$work/logs"
logs="$work/logs"
if [[ "${COTRAIN_SKIP_BUILD:-}" == 1 ]]; then
  [[ -f "$jar" && -f "$demo_class" && -f "$classpath_file" ]] || {
    echo "COTRAIN_SKIP_BUILD=1 but $jar, $demo_class or $classpath_file is missing" >&2
    exit 1
  }
elif needs_build; then
  echo "building the validator node and the demo task (mvn -B -q -pl validator-node,deployment -am package -DskipTests;"
  echo "  a few minutes the first time; log in $logs/build.log)..."
  # the style gate is for the full build: it never stops anyone from running the network
  (cd "$root" && mvn -B -q -pl validator-node,deployment -am package -DskipTests -Dspotless.check.skip=true \
    -Dlint.skip=true >"$logs/build.log" 2>&1) || {
    tail -n 40 "$logs/build.log" >&2
    echo "the build failed: see $logs/build.log" >&2
    exit 1
  }
fi

# --- start, recording every process; stop them all on the way out -----------------------------------------------

anvil_pid=""
ipfs_pid=""
demo_pid=""
rounds_pid=""
sleeper=""
node_pids=()
record() { echo "$1 $2" >>"$pids_file"; }
echo "script $$" >"$pids_file"

shutdown() {
  local status=$?
  trap - EXIT INT TERM
  set +e
  echo
  echo "stopping the local network..."
  local entries=() i
  for i in "${!node_pids[@]}"; do entries+=("validator-$((i + 1)):${node_pids[$i]}"); done
  mapfile -t -O "${#entries[@]}" entries < <(nodes_by_data_directory)
  [[ -z "$demo_pid" ]] || entries+=("demo-task:$demo_pid")
  [[ -z "$rounds_pid" ]] || entries+=("demo-rounds:$rounds_pid")
  [[ ${#entries[@]} -eq 0 ]] || stop_processes 70 "${entries[@]}"
  [[ -z "$ipfs_pid" ]] || stop_processes 20 "ipfs:$ipfs_pid"
  [[ -z "$anvil_pid" ]] || stop_processes 20 "anvil:$anvil_pid"
  [[ -z "$sleeper" ]] || kill "$sleeper" 2>/dev/null
  # reap what this script started and has already exited (a zombie would outlive the script until init reaps it);
  # never wait for one still running: stop_processes only signals what it recognises
  local child
  for child in "${node_pids[@]}" "$demo_pid" "$rounds_pid" "$ipfs_pid" "$anvil_pid"; do
    [[ -n "$child" ]] || continue
    if ! kill -0 "$child" 2>/dev/null || [[ "$(ps -o stat= -p "$child" 2>/dev/null)" == Z* ]]; then
      wait "$child" 2>/dev/null
    fi
  done
  rm -f "$pids_file"
  echo "stopped"
  exit "$status"
}
trap shutdown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
chain_setup "$root"
chain_start "$logs/anvil.log"
record anvil "$anvil_pid"
echo "anvil is up on $rpc (chain $chain_id)"

# The IPFS node: a fresh offline repository, configured as ipfs/src/test/java/io/cotrain/ipfs/testing/IpfsNode.java
# does (no swarm, bootstrap, delegates, MDNS or WebRTC discovery, gateway or gRPC; API on loopback).
ipfs_cli="$root/ipfs/node/node_modules/ipfs/src/cli.js"
ipfs_api="http://127.0.0.1:$ipfs_port"
export IPFS_PATH="$work/ipfs"
node "$ipfs_cli" init --empty-repo >"$logs/ipfs-init.log" 2>&1 || { cat "$logs/ipfs-init.log" >&2; exit 1; }
node -e '
  const fs = require("fs"), file = process.argv[1], c = JSON.parse(fs.readFileSync(file));
  c.Addresses = Object.assign(c.Addresses || {}, {API: "/ip4/127.0.0.1/tcp/" + process.argv[2], Swarm: [],
    Delegates: [], Gateway: [], RPC: ""});
  c.Bootstrap = [];
  c.Discovery = Object.assign(c.Discovery || {}, {MDNS: {Enabled: false}, webRTCStar: {Enabled: false}});
  fs.writeFileSync(file, JSON.stringify(c, null, 2));' "$IPFS_PATH/config" "$ipfs_port"
unset IPFS_PATH
# start_ipfs: starts the IPFS node on its repository and records it.
start_ipfs() {
  IPFS_PATH="$work/ipfs" node "$ipfs_cli" daemon --offline >>"$logs/ipfs.log" 2>&1 &
  ipfs_pid=$!
  record ipfs "$ipfs_pid"
}
start_ipfs

# The demo task, prepared while the contracts deploy.
tasks="$work/tasks"
dl4j_java_setup "$java"
"$java" "${dl4j_options[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classes:$(cat "$classpath_file")" \
  io.cotrain.deployment.demo.DemoTask --source "$root/node_modules/vega-datasets/data/weather.csv" --out "$tasks" \
  >"$logs/demo-task.log" 2>&1 &
demo_pid=$!
record demo-task "$demo_pid"

chain_deploy
chain_bond_validators

wait "$demo_pid" || { cat "$logs/demo-task.log" >&2; echo "preparing the demo task failed" >&2; exit 1; }
demo_pid=""
task="$tasks/task-1"
grep '^demo task' "$logs/demo-task.log" || true
task_setting() {
  node -e 'const v = require(process.argv[1])[process.argv[2]]; console.log(Array.isArray(v) ? v.join(",") : v)' \
    "$task/task.json" "$1"
}

ipfs_ready() { curl -fsS -m 2 -X POST "$ipfs_api/api/v0/version" >/dev/null 2>&1; }
# await_ipfs SECONDS: waits until the IPFS node answers; fails if it died or did not answer in time.
await_ipfs() {
  local deadline=$((SECONDS + $1))
  until ipfs_ready; do
    is_ours ipfs "$ipfs_pid" || { tail -n 20 "$logs/ipfs.log" >&2; echo "the IPFS node exited" >&2; return 1; }
    ((SECONDS < deadline)) || { echo "the IPFS node did not answer at $ipfs_api within $1 s" >&2; return 1; }
    sleep 0.2
  done
}
await_ipfs "$startup_timeout" || exit 1
echo "IPFS node is up at $ipfs_api"

# The demo task is registered (by dev account 0, its owner) before the validators start, whatever the demo does, and
# its owner hands each validator the held-out set (a file in its data directory's held-out/): nothing about the task
# is configured, each node takes it up from the model registry by the held-out set's sha256 and serves it on chain.
demo_java() {
  COTRAIN_RPC_URL="$rpc" COTRAIN_IPFS_URL="$ipfs_api" COTRAIN_DEPLOYMENT="$addresses" \
    COTRAIN_DEMO_OWNER_KEY="${dev_keys[0]}" COTRAIN_DEMO_CONTRIBUTOR_KEYS="$(IFS=,; echo "${dev_keys[*]:4:7}")" \
    "$java" "${dl4j_options[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$classes:$(cat "$classpath_file")" io.cotrain.deployment.demo.DemoRounds --task-dir "$task" "$@"
}
demo_java --work "$work/demo" --register-only true >"$logs/register-task.log" 2>&1 || {
  cat "$logs/register-task.log" >&2
  echo "registering the demo task failed" >&2
  exit 1
}
grep -E '^(model|task) ' "$logs/register-task.log" || true

# start_node I: starts validator node I (1..3) with its key, data directory and port, and records it.
start_node() {
  local i="$1" node_rpc_variable="COTRAIN_NODE_${1}_RPC_URL"
  local node_rpc="${!node_rpc_variable:-$rpc}"
  (
    unset COTRAIN_NODE_1_RPC_URL COTRAIN_NODE_2_RPC_URL COTRAIN_NODE_3_RPC_URL \
      COTRAIN_RPC_PORT COTRAIN_BLOCK_TIME COTRAIN_IPFS_PORT COTRAIN_NODE_PORT COTRAIN_ADDRESSES_FILE \
      COTRAIN_NETWORK_DIR COTRAIN_VALIDATOR_JAVA_OPTS COTRAIN_STARTUP_TIMEOUT COTRAIN_SKIP_BUILD
    export COTRAIN_RPC_URL="$node_rpc" COTRAIN_CHAIN_ID="$chain_id" COTRAIN_DEPLOYMENT_FILE="$addresses" \
      COTRAIN_DATA_DIRECTORY="$work/validator-$i" COTRAIN_KEY_PRIVATE_KEY="${dev_keys[$i]}" \
      COTRAIN_IPFS_API_URL="$ipfs_api" COTRAIN_CONFIRMATIONS=1 QUARKUS_HTTP_PORT="${node_ports[$((i - 1))]}" \
      COTRAIN_JAVA_OPTS="$node_java_opts" COTRAIN_TICK_INTERVAL="${COTRAIN_TICK_INTERVAL:-1s}"
    exec "$root/validator-node/run-validator.sh"
  ) >>"$logs/validator-$i.log" 2>&1 &
  node_pids[i - 1]=$!
  record "validator-$i" "$!"
}

# restart_node I: stops validator node I and starts it again.
restart_node() {
  local node="$1"
  echo "restarting validator node $node..."
  stop_processes 70 "validator-$node:${node_pids[node - 1]}"
  wait "${node_pids[node - 1]}" 2>/dev/null || true
  start_node "$node"
  reported="${reported//$node/}"
  echo "validator node $node restarted (pid ${node_pids[node - 1]})"
}

# restart_ipfs: kills the IPFS node (SIGKILL: a crash, nothing flushed) and starts it again on its repository.
restart_ipfs() {
  echo "restarting the IPFS node..."
  if is_ours ipfs "$ipfs_pid"; then kill -KILL "$ipfs_pid" 2>/dev/null || true; fi
  wait "$ipfs_pid" 2>/dev/null || true
  if is_ours ipfs "$ipfs_pid"; then
    echo "the IPFS node (pid $ipfs_pid) did not die: not restarted" >&2
    return 1
  fi
  # a killed js-ipfs leaves its repository lock behind; the process that held it is gone
  rm -rf "$work/ipfs/repo.lock"
  start_ipfs
  # the network stays up if it does not come back: the main loop reports an IPFS node that exited
  await_ipfs 60 || return 1
  echo "IPFS node restarted (pid $ipfs_pid)"
}

# on SIGUSR1 from 'restart-node' or 'restart-ipfs': restarts what the request names, then says it is done.
restart_requested() {
  local what
  what="$(cat "$work/restart-request" 2>/dev/null)"
  rm -f "$work/restart-request"
  case "$what" in
    [1-3]) restart_node "$what" ;;
    ipfs) restart_ipfs || return 0 ;;
    *) return 0 ;;
  esac
  echo "$what" >"$work/restart-done"
}
reported=""
trap restart_requested USR1

for i in 1 2 3; do
  mkdir -p "$work/validator-$i/held-out"
  cp "$task/held-out.csv" "$work/validator-$i/held-out/demo-task.csv"
  start_node "$i"
done
echo "starting three validator nodes (logs in $logs)..."

ready() { curl -fsS -m 3 "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1; }
deadline=$((SECONDS + startup_timeout))
for i in 1 2 3; do
  until ready "${node_ports[$((i - 1))]}"; do
    if ! is_ours "validator-$i" "${node_pids[$((i - 1))]}"; then
      tail -n 30 "$logs/validator-$i.log" >&2
      echo "validator node $i exited: see $logs/validator-$i.log" >&2
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "validator node $i was not ready within ${startup_timeout}s: see $logs/validator-$i.log" >&2
      exit 1
    fi
    sleep 0.5
  done
done

echo
echo "Cotrain local network is up (in $((SECONDS - started)) s)."
chain_summary
cat <<INFO

IPFS node      $ipfs_api   (js-ipfs, offline; repository $work/ipfs)
Demo task      $task   (task id $(task_setting id): $(task_setting name); held-out set for validators,
               contributor shards in shards/, base model global-model.zip)

Dashboard      http://127.0.0.1:${node_ports[0]}/   (every node serves it; API: /q/swagger-ui)

Validator nodes (HTTP):
INFO
for i in 1 2 3; do
  base="http://127.0.0.1:${node_ports[$((i - 1))]}"
  echo "  validator $i  ${validators[$((i - 1))]}  $base/status  $base/q/health  $base/q/metrics" \
    "(pid ${node_pids[$((i - 1))]})"
done
cat <<INFO

Logs           $logs   (anvil.log, ipfs.log, demo-task.log, demo.log, validator-<i>.log)
Data           $work/validator-<i>   PIDs in $pids_file
Contributor CLI  cli/cotrain --rpc-url $rpc --ipfs-url $ipfs_api --deployment $addresses ...
INFO

if ((demo_rounds > 0)); then
  echo
  echo "Demo: $demo_rounds rounds of simulated contributors on task 1 (Ctrl-C stops it and the network)..."
  demo_java --work "$work/demo" --rounds "$demo_rounds" --epochs "$demo_epochs" > >(tee "$logs/demo.log") 2>&1 &
  rounds_pid=$!
  record demo-rounds "$rounds_pid"
  # a node restarted meanwhile interrupts the wait (SIGUSR1): wait again while the demo runs
  until wait "$rounds_pid"; status=$?; ((status <= 128)) || ! is_ours demo-rounds "$rounds_pid"; do :; done
  ((status == 0)) || echo "the demo stopped early: see $logs/demo.log (the network keeps running)" >&2
  rounds_pid=""
fi

echo
echo "Press Ctrl-C to stop, or run: $0 stop"

# Stay up until a signal; say so if a process dies on its way.
while :; do
  sleep 2 &
  sleeper=$!
  wait "$sleeper" || true
  is_ours anvil "$anvil_pid" || { echo "anvil exited: see $logs/anvil.log" >&2; exit 1; }
  is_ours ipfs "$ipfs_pid" || { echo "the IPFS node exited: see $logs/ipfs.log" >&2; exit 1; }
  for i in 1 2 3; do
    if [[ "$reported" != *"$i"* ]] && ! is_ours "validator-$i" "${node_pids[$((i - 1))]}"; then
      echo "validator node $i exited: see $logs/validator-$i.log" >&2
      reported+="$i"
    fi
  done
done
