// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {ICotrainErrors} from "../interfaces/ICotrainErrors.sol";

/// @title Custody of the staking token: the only place that moves tokens in or out of the protocol
/// @dev The token is an immutable of the implementation rather than proxy storage: it never changes for a
/// deployment, and reading it costs no SLOAD on every stake, bond, fund and claim. An upgrade deploys the new
/// implementation with the same token.
abstract contract TokenCustody is ICotrainErrors {
    using SafeERC20 for IERC20;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IERC20 internal immutable TOKEN;

    constructor(IERC20 token) {
        TOKEN = token;
    }

    function _pullTokens(address from, uint256 amount) internal {
        TOKEN.safeTransferFrom(from, address(this), amount);
    }

    function _pushTokens(address to, uint256 amount) internal {
        TOKEN.safeTransfer(to, amount);
    }

    /// @dev Stakes, bonds and pool balances are accounted in 96 bits (enough for 79 billion tokens).
    function _toUint96(uint256 amount) internal pure returns (uint96) {
        if (amount > type(uint96).max) revert AmountTooLarge(amount);
        return uint96(amount);
    }
}
