#!/usr/bin/env bash
# Starts a local chain (anvil) with Cotrain deployed and prints the addresses and the dev accounts' roles.
# Stops everything it started on Ctrl-C.
#
#   deployment/local-chain.sh            # port 8545, 1 s blocks
#   COTRAIN_RPC_PORT=9545 COTRAIN_BLOCK_TIME=2 deployment/local-chain.sh
#   COTRAIN_ADDRESSES_FILE=deployment/addresses/mine.json deployment/local-chain.sh  # under deployment/addresses
#   or deployment/target: the only places forge may write (foundry.toml fs_permissions)
#
# The keys below are anvil's well-known development keys (public knowledge, derived from the mnemonic
# "test test ... junk"): never use them on a real network.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${COTRAIN_RPC_PORT:-8545}"
block_time="${COTRAIN_BLOCK_TIME:-1}"
rpc="http://127.0.0.1:${port}"

"$root/tools/ensure-toolchain.sh" >/dev/null
bin="$root/node_modules/@foundry-rs"
anvil="$bin/anvil-linux-amd64/bin/anvil"
forge="$bin/forge-linux-amd64/bin/forge"
cast="$bin/cast-linux-amd64/bin/cast"

dev_keys=(
  0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
  0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
  0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a
  0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6
  0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a
  0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba
)
address_of() { "$cast" wallet address --private-key "$1"; }

anvil_pid=""
stop() {
  trap - EXIT INT TERM
  if [[ -n "$anvil_pid" ]] && kill -0 "$anvil_pid" 2>/dev/null; then
    echo "stopping anvil (pid $anvil_pid)"
    kill "$anvil_pid" && wait "$anvil_pid" 2>/dev/null || true
  fi
}
trap stop EXIT INT TERM

if "$cast" chain-id --rpc-url "$rpc" >/dev/null 2>&1; then
  echo "something already answers on $rpc: stop it or set COTRAIN_RPC_PORT" >&2
  exit 1
fi

"$anvil" --port "$port" --block-time "$block_time" --silent &
anvil_pid=$!
for _ in $(seq 1 50); do
  "$cast" chain-id --rpc-url "$rpc" >/dev/null 2>&1 && break
  sleep 0.2
done
chain_id="$("$cast" chain-id --rpc-url "$rpc")"

admin="$(address_of "${dev_keys[0]}")"
validators=()
for i in 1 2 3; do validators+=("$(address_of "${dev_keys[$i]}")"); done
contributors=()
for i in 4 5; do contributors+=("$(address_of "${dev_keys[$i]}")"); done
join() { local IFS=,; echo "$*"; }

addresses="${COTRAIN_ADDRESSES_FILE:-$root/deployment/addresses/${chain_id}.json}"
mkdir -p "$(dirname "$addresses")"
deploy_log="${addresses%.json}.deploy.log"
echo "deploying to $rpc (chain $chain_id)..."
(
  cd "$root/contracts"
  PRIVATE_KEY="${dev_keys[0]}" \
  COTRAIN_ADDRESSES_FILE="$addresses" \
  COTRAIN_VALIDATORS="$(join "${validators[@]}")" \
  COTRAIN_TOKEN_RECIPIENTS="$(join "${validators[@]}" "${contributors[@]}")" \
    "$forge" script ../deployment/script/Deploy.s.sol --rpc-url "$rpc" --broadcast --slow >"$deploy_log" 2>&1
) || { echo "deployment failed, see $deploy_log" >&2; exit 1; }

read_address() { node -e "console.log(require(process.argv[1])[process.argv[2]])" "$addresses" "$1"; }
token="$(read_address token)"
protocol="$(read_address protocol)"
registry="$(read_address validatorRegistry)"

bond="1000000000000000000000" # 1000 tokens: the minimum validator bond
for i in 1 2 3; do
  "$cast" send --rpc-url "$rpc" --private-key "${dev_keys[$i]}" "$token" "approve(address,uint256)" "$registry" "$bond" >/dev/null
  "$cast" send --rpc-url "$rpc" --private-key "${dev_keys[$i]}" "$registry" "bondValidator(uint256)" "$bond" >/dev/null
done

cat <<INFO

Cotrain local chain is up.
  RPC          $rpc   (chain id $chain_id, ${block_time}s blocks)
  token        $token
  protocol     $protocol
  registry     $registry
  addresses    $addresses

Dev accounts (anvil's public test keys):
  $admin  admin: every role on protocol and registry
  ${validators[0]}  validator 1 (bonded 1000 COT)
  ${validators[1]}  validator 2 (bonded 1000 COT)
  ${validators[2]}  validator 3 (bonded 1000 COT)
  ${contributors[0]}  contributor (100000 COT, not registered)
  ${contributors[1]}  contributor (100000 COT, not registered)

Press Ctrl-C to stop.
INFO
wait "$anvil_pid"
