// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title Cotrain token
/// @notice The ERC-20 used for contributor stakes, validator bonds, slashes and rewards.
/// @dev Fixed supply minted once to `initialHolder`; no owner, no mint, no upgrade. Holders must be able to trust
/// that nobody can inflate or freeze the asset their stakes are denominated in, so unlike the protocol this
/// contract is deliberately immutable. ERC20Permit lets a contributor stake in one transaction.
contract CotrainToken is ERC20, ERC20Permit {
    /// @param initialHolder receives the whole supply (a treasury or the deployer, who distributes it)
    /// @param initialSupply total supply in wei (18 decimals)
    constructor(address initialHolder, uint256 initialSupply) ERC20("Cotrain", "COT") ERC20Permit("Cotrain") {
        _mint(initialHolder, initialSupply);
    }
}
