// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

// Brings OpenZeppelin's ERC1967Proxy into the build so that its artifact (and the Java binding generated from it)
// can deploy the UUPS proxy of CotrainProtocol.
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
