# shellcheck shell=bash
# Local chain functions shared by deployment/local-chain.sh and deployment/local-network.sh (source this file; it
# runs nothing by itself). They start anvil, deploy Cotrain with the forge script, bond the three validators and
# print what is where, setting the globals named below.
#
# The keys below are anvil's well-known development keys (public knowledge, derived from the mnemonic
# "test test ... junk"): never use them on a real network.

# chain_setup ROOT: reads COTRAIN_RPC_PORT (8545), COTRAIN_BLOCK_TIME (1) and COTRAIN_ADDRESSES_FILE; makes sure the
# npm toolchain is installed. Sets root, port, block_time, rpc, anvil, forge, cast, dev_keys, admin, validators,
# contributors.
chain_setup() {
  root="$1"
  port="${COTRAIN_RPC_PORT:-8545}"
  block_time="${COTRAIN_BLOCK_TIME:-1}"
  rpc="http://127.0.0.1:${port}"
  local platform bin="$root/node_modules/@foundry-rs"
  platform="$("$root/tools/ensure-toolchain.sh")"
  anvil="$bin/anvil-$platform/bin/anvil"
  forge="$bin/forge-$platform/bin/forge"
  cast="$bin/cast-$platform/bin/cast"
  dev_keys=(
    0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
    0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
    0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a
    0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6
    0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a
    0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba
    0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e
    0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356
    0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97
    0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6
    0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897
  )
  admin="$(chain_address_of "${dev_keys[0]}")"
  validators=()
  local i
  for i in 1 2 3; do validators+=("$(chain_address_of "${dev_keys[$i]}")"); done
  contributors=()
  for i in 4 5 6 7 8 9 10; do contributors+=("$(chain_address_of "${dev_keys[$i]}")"); done
}

chain_address_of() { "$cast" wallet address --private-key "$1"; }

# chain_answers: whether something answers JSON-RPC on $rpc.
chain_answers() { "$cast" chain-id --rpc-url "$rpc" >/dev/null 2>&1; }

# chain_start [LOG]: starts anvil in the background (output to LOG, else discarded) and waits until it answers.
# Sets anvil_pid and chain_id. Fails if something already answers on the port.
chain_start() {
  local log="${1:-/dev/null}"
  if chain_answers; then
    echo "something already answers on $rpc: stop it or set COTRAIN_RPC_PORT" >&2
    return 1
  fi
  "$anvil" --port "$port" --block-time "$block_time" --accounts "${#dev_keys[@]}" --silent >"$log" 2>&1 &
  anvil_pid=$!
  local _
  for _ in $(seq 1 50); do
    chain_answers && break
    sleep 0.2
  done
  chain_id="$("$cast" chain-id --rpc-url "$rpc")"
}

# chain_deploy: deploys with Deploy.s.sol (admits dev accounts 1-3 as validators, gives tokens to accounts 1-5,
# funds the pool, hands governance to a timelock of COTRAIN_TIMELOCK_DELAY seconds whose governor is the admin).
# Sets addresses (the addresses file), token, protocol, registry, timelock_delay.
# A local network's timelock delay (60 s) is far shorter than its exit window: fine for trying things out, never for a
# network that holds value (the deploy script refuses it unless COTRAIN_ALLOW_SHORT_TIMELOCK=true). Operations still
# wait for the exit window on the protocol clock (two rounds and the longest unbonding delay, in blocks).
chain_deploy() {
  addresses="${COTRAIN_ADDRESSES_FILE:-$root/deployment/addresses/${chain_id}.json}"
  timelock_delay="${COTRAIN_TIMELOCK_DELAY:-60}"
  mkdir -p "$(dirname "$addresses")"
  local deploy_log="${addresses%.json}.deploy.log"
  echo "deploying to $rpc (chain $chain_id)..."
  (
    cd "$root/contracts"
    PRIVATE_KEY="${dev_keys[0]}" \
    COTRAIN_ADDRESSES_FILE="$addresses" \
    COTRAIN_VALIDATORS="$(IFS=,; echo "${validators[*]}")" \
    COTRAIN_TOKEN_RECIPIENTS="$(IFS=,; echo "${validators[*]},${contributors[*]}")" \
    COTRAIN_TIMELOCK_DELAY="$timelock_delay" \
    COTRAIN_ALLOW_SHORT_TIMELOCK=true \
      "$forge" script ../deployment/script/Deploy.s.sol --rpc-url "$rpc" --broadcast --slow >"$deploy_log" 2>&1
  ) || { echo "deployment failed, see $deploy_log" >&2; return 1; }
  token="$(chain_read_address token)"
  protocol="$(chain_read_address protocol)"
  registry="$(chain_read_address validatorRegistry)"
  models="$(chain_read_address modelRegistry)"
}

chain_read_address() { node -e "console.log(require(process.argv[1])[process.argv[2]])" "$addresses" "$1"; }

# chain_bond_validators: each of dev accounts 1-3 approves and bonds twice the minimum validator bond: a round costs a
# validator at most the absence penalty (5% of its stake), so no single bad round makes a validator inactive.
chain_bond_validators() {
  local bond="2000000000000000000000" # 2000 tokens: twice the minimum validator bond
  local i
  for i in 1 2 3; do
    "$cast" send --rpc-url "$rpc" --private-key "${dev_keys[$i]}" \
      "$token" "approve(address,uint256)" "$registry" "$bond" >/dev/null
    "$cast" send --rpc-url "$rpc" --private-key "${dev_keys[$i]}" \
      "$registry" "bondValidator(uint256)" "$bond" >/dev/null
  done
}

# chain_summary: the RPC endpoint, the contracts and the dev accounts' roles.
chain_summary() {
  local i
  cat <<INFO
  RPC          $rpc   (chain id $chain_id, ${block_time}s blocks)
  token        $token
  protocol     $protocol
  registry     $registry
  models       $models   (model registry: model and commit NFTs)
  timelock     $(chain_read_address timelock)   (governance: parameters, upgrades, validator set;
               delay ${timelock_delay}s, SHORT for a local network: a real deployment's is at least its exit
               window; every operation also waits for the exit window on the protocol clock)
  addresses    $addresses

Dev accounts (anvil's public test keys):
  $admin  admin: pauser, and the timelock's governor (proposes and executes changes after the delay)
  ${validators[0]}  validator 1 (bonded 2000 COT)
  ${validators[1]}  validator 2 (bonded 2000 COT)
  ${validators[2]}  validator 3 (bonded 2000 COT)
INFO
  for i in "${!contributors[@]}"; do echo "  ${contributors[$i]}  contributor (100000 COT; dev key $((i + 4)))"; done
}

# chain_stop: stops anvil if chain_start started it and it still runs.
chain_stop() {
  if [[ -n "${anvil_pid:-}" ]] && kill -0 "$anvil_pid" 2>/dev/null; then
    echo "stopping anvil (pid $anvil_pid)"
    if kill "$anvil_pid" 2>/dev/null; then wait "$anvil_pid" 2>/dev/null || true; fi
  fi
}
