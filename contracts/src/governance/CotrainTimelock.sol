// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

// Brings OpenZeppelin's TimelockController into the build so that its artifact (and the Java binding generated from
// it) can deploy and inspect the governance timelock that holds the protocol's privileged roles (Deploy.s.sol).
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
