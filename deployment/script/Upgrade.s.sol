// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Script, console} from "forge-std/Script.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

import {CotrainProtocol} from "cotrain/CotrainProtocol.sol";
import {CotrainProtocolExtension} from "cotrain/CotrainProtocolExtension.sol";
import {CotrainTimelock} from "cotrain/governance/CotrainTimelock.sol";
import {ICotrainProtocol} from "cotrain/interfaces/ICotrainProtocol.sol";
import {ModelRegistry} from "cotrain/registry/ModelRegistry.sol";
import {ValidatorRegistry} from "cotrain/validators/ValidatorRegistry.sol";

/// @notice Upgrades the protocol, the validator registry and the model registry recorded in
/// deployment/addresses/<chainId>.json to implementations built from the current sources, through the governance
/// timelock that holds UPGRADER_ROLE, in two steps run by the timelock's governor (signer flags as for Deploy.s.sol):
///
///   COTRAIN_UPGRADE_STEP=schedule  deploys the new implementations and schedules the upgrades as one timelock batch,
///                                  written to deployment/addresses/<chainId>.upgrade.json (or COTRAIN_UPGRADE_FILE);
///   COTRAIN_UPGRADE_STEP=execute   once the timelock's delay and exit window have passed, executes the batch in
///                                  that file.
///
/// Between the two, everyone can see the scheduled upgrade on chain (CallScheduled) and leave if they disagree.
/// Storage is namespaced (ERC-7201), so new modules do not collide.
///
/// Optional environment: COTRAIN_ADDRESSES_FILE [deployment/addresses/<chainId>.json],
/// COTRAIN_UPGRADE ["protocol,registry,models"]: which of the three to upgrade.
contract Upgrade is Script {
    function run() external {
        string memory path = vm.envOr("COTRAIN_ADDRESSES_FILE", _defaultPath(".json"));
        string memory batchPath = vm.envOr("COTRAIN_UPGRADE_FILE", _defaultPath(".upgrade.json"));
        string memory json = vm.readFile(path);
        CotrainTimelock timelock = CotrainTimelock(payable(vm.parseJsonAddress(json, ".timelock")));
        bytes32 step = keccak256(bytes(vm.envString("COTRAIN_UPGRADE_STEP")));

        uint256 key = vm.envOr("PRIVATE_KEY", uint256(0));
        if (key != 0) vm.startBroadcast(key);
        else vm.startBroadcast();
        if (step == keccak256("schedule")) {
            (address[] memory targets, bytes[] memory payloads) = _deployImplementations(json);
            bytes32 salt = keccak256(abi.encode(block.number, targets, payloads));
            uint256[] memory values = new uint256[](targets.length);
            timelock.scheduleBatch(targets, values, payloads, bytes32(0), salt, timelock.getMinDelay());
            _writeBatch(batchPath, targets, payloads, salt);
            bytes32 id = timelock.hashOperationBatch(targets, values, payloads, bytes32(0), salt);
            console.log("upgrade scheduled: executable after %s s", timelock.getMinDelay());
            console.log("  and once the protocol clock reads %s; batch in %s", timelock.readyClock(id), batchPath);
        } else if (step == keccak256("execute")) {
            string memory batch = vm.readFile(batchPath);
            address[] memory targets = vm.parseJsonAddressArray(batch, ".targets");
            bytes[] memory payloads = vm.parseJsonBytesArray(batch, ".payloads");
            timelock.executeBatch(
                targets, new uint256[](targets.length), payloads, bytes32(0), vm.parseJsonBytes32(batch, ".salt")
            );
            console.log("upgrade executed: %s proxies", targets.length);
        } else {
            revert("COTRAIN_UPGRADE_STEP: schedule or execute");
        }
        vm.stopBroadcast();
    }

    function _deployImplementations(string memory json)
        private
        returns (address[] memory targets, bytes[] memory payloads)
    {
        ICotrainProtocol protocol = ICotrainProtocol(vm.parseJsonAddress(json, ".protocol"));
        ValidatorRegistry registry = ValidatorRegistry(vm.parseJsonAddress(json, ".validatorRegistry"));
        ModelRegistry models = ModelRegistry(vm.parseJsonAddress(json, ".modelRegistry"));
        IERC20 token = IERC20(protocol.stakingToken());
        string[] memory chosen = vm.envOr("COTRAIN_UPGRADE", ",", _all());
        targets = new address[](chosen.length);
        payloads = new bytes[](chosen.length);
        for (uint256 i = 0; i < chosen.length; ++i) {
            bytes32 target = keccak256(bytes(chosen[i]));
            address implementation;
            if (target == keccak256("protocol")) {
                targets[i] = address(protocol);
                CotrainProtocolExtension extension = new CotrainProtocolExtension(token, registry);
                implementation = address(new CotrainProtocol(token, registry, extension));
            } else if (target == keccak256("registry")) {
                targets[i] = address(registry);
                implementation = address(new ValidatorRegistry(token));
            } else if (target == keccak256("models")) {
                targets[i] = address(models);
                implementation = address(new ModelRegistry(protocol));
            } else {
                revert(
                    string.concat("COTRAIN_UPGRADE: unknown target '", chosen[i], "' (protocol, registry or models)")
                );
            }
            payloads[i] = abi.encodeCall(UUPSUpgradeable.upgradeToAndCall, (implementation, ""));
            console.log("%s %s: new implementation %s", chosen[i], targets[i], implementation);
        }
    }

    function _writeBatch(string memory path, address[] memory targets, bytes[] memory payloads, bytes32 salt) private {
        string memory json = "batch";
        vm.serializeAddress(json, "targets", targets);
        vm.serializeBytes(json, "payloads", payloads);
        vm.writeJson(vm.serializeBytes32(json, "salt", salt), path);
    }

    function _defaultPath(string memory suffix) private view returns (string memory) {
        return string.concat(vm.projectRoot(), "/../deployment/addresses/", vm.toString(block.chainid), suffix);
    }

    function _all() private pure returns (string[] memory targets) {
        targets = new string[](3);
        targets[0] = "protocol";
        targets[1] = "registry";
        targets[2] = "models";
    }
}
