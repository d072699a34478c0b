// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Errors shared by several parts of the protocol
interface ICotrainErrors {
    /// @notice An amount of zero was given.
    error ZeroAmount();
    /// @notice The amount does not fit the protocol's 96-bit token accounting (at most 2^96 - 1 wei).
    error AmountTooLarge(uint256 amount);
    /// @notice The address is zero.
    error ZeroAddress();
    /// @notice Unbonding tokens become withdrawable at `readyBlock`; it is `currentBlock`.
    error UnbondingNotReady(uint256 readyBlock, uint256 currentBlock);
    /// @notice There is nothing unbonding to withdraw.
    error NothingToWithdraw();
    /// @notice The protocol is paused.
    error ProtocolPaused();
    /// @notice Accuracy is at most 1,000,000 ppm and loss below 2^64.
    error MetricsOutOfRange(uint256 accuracyPpm, uint256 lossMicros);
}
