#!/usr/bin/env bash
# Starts a local chain (anvil) with Cotrain deployed and prints the addresses and the dev accounts' roles.
# Stops everything it started on Ctrl-C.
#
#   deployment/local-chain.sh            # port 8545, 1 s blocks
#   COTRAIN_RPC_PORT=9545 COTRAIN_BLOCK_TIME=2 deployment/local-chain.sh
#   COTRAIN_ADDRESSES_FILE=deployment/addresses/mine.json deployment/local-chain.sh  # under deployment/addresses
#   or deployment/target: the only places forge may write (foundry.toml fs_permissions)
#
# The dev keys (deployment/lib/chain.sh) are anvil's well-known development keys (public knowledge, derived from the
# mnemonic "test test ... junk"): never use them on a real network.
# deployment/local-network.sh starts the same chain with an IPFS node and three validator nodes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/chain.sh
# shellcheck source=lib/chain.sh
source "$root/deployment/lib/chain.sh"

anvil_pid=""
stop() {
  trap - EXIT INT TERM
  chain_stop
}
trap stop EXIT INT TERM

chain_setup "$root"
chain_start /dev/null
chain_deploy
chain_bond_validators

echo
echo "Cotrain local chain is up."
chain_summary
echo
echo "Press Ctrl-C to stop."
wait "$anvil_pid"
