// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Script, console} from "forge-std/Script.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {CotrainProtocol} from "cotrain/CotrainProtocol.sol";
import {ModelRegistry} from "cotrain/registry/ModelRegistry.sol";
import {ValidatorRegistry} from "cotrain/validators/ValidatorRegistry.sol";

/// @notice Deploys new implementations of the protocol, the validator registry and the model registry from the
/// current sources and points the proxies recorded in deployment/addresses/<chainId>.json at them. The signer needs
/// UPGRADER_ROLE on each (signer flags as for Deploy.s.sol). Storage is namespaced (ERC-7201), so new modules do not collide.
///
/// Optional environment: COTRAIN_ADDRESSES_FILE [deployment/addresses/<chainId>.json],
/// COTRAIN_UPGRADE ["protocol,registry,models"]: which of the three to upgrade.
contract Upgrade is Script {
    function run() external {
        string memory path = vm.envOr(
            "COTRAIN_ADDRESSES_FILE",
            string.concat(vm.projectRoot(), "/../deployment/addresses/", vm.toString(block.chainid), ".json")
        );
        string memory json = vm.readFile(path);
        CotrainProtocol protocol = CotrainProtocol(vm.parseJsonAddress(json, ".protocol"));
        ValidatorRegistry registry = ValidatorRegistry(vm.parseJsonAddress(json, ".validatorRegistry"));
        ModelRegistry models = ModelRegistry(vm.parseJsonAddress(json, ".modelRegistry"));
        string[] memory targets = vm.envOr("COTRAIN_UPGRADE", ",", _all());

        uint256 key = vm.envOr("PRIVATE_KEY", uint256(0));
        if (key != 0) vm.startBroadcast(key);
        else vm.startBroadcast();
        for (uint256 i = 0; i < targets.length; ++i) {
            bytes32 target = keccak256(bytes(targets[i]));
            if (target == keccak256("protocol")) {
                CotrainProtocol implementation = new CotrainProtocol(_token(protocol), registry);
                protocol.upgradeToAndCall(address(implementation), "");
                console.log("protocol %s now runs %s", address(protocol), address(implementation));
            } else if (target == keccak256("registry")) {
                ValidatorRegistry implementation = new ValidatorRegistry(_token(protocol));
                registry.upgradeToAndCall(address(implementation), "");
                console.log("registry %s now runs %s", address(registry), address(implementation));
            } else if (target == keccak256("models")) {
                ModelRegistry implementation = new ModelRegistry(protocol);
                models.upgradeToAndCall(address(implementation), "");
                console.log("models %s now runs %s", address(models), address(implementation));
            } else {
                revert(
                    string.concat("COTRAIN_UPGRADE: unknown target '", targets[i], "' (protocol, registry or models)")
                );
            }
        }
        vm.stopBroadcast();
    }

    function _token(CotrainProtocol protocol) private view returns (IERC20) {
        return IERC20(protocol.stakingToken());
    }

    function _all() private pure returns (string[] memory targets) {
        targets = new string[](3);
        targets[0] = "protocol";
        targets[1] = "registry";
        targets[2] = "models";
    }
}
