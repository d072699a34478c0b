// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title How long everyone needs to take their funds out of the protocol, in protocol clock blocks
/// @notice One round to notice a scheduled change and let the round in progress end, one more for that round's
/// scoring and finalization, and the longer of the two unbonding delays. In that time a validator can unbond its whole
/// bond, and a contributor can have its pending contributions settled and its stake unbonded. The governance timelock
/// waits this long before an operation may execute, and the deploy script sizes its delay in seconds on it.
library ExitWindow {
    /// @param roundBlocks submission plus commit plus reveal window
    /// @param validatorUnbondingBlocks the validator unbonding delay
    /// @param contributorUnbondingBlocks the contributor unbonding delay
    /// @return blocks the exit window
    function blocks(uint256 roundBlocks, uint256 validatorUnbondingBlocks, uint256 contributorUnbondingBlocks)
        internal
        pure
        returns (uint256)
    {
        uint256 unbonding = validatorUnbondingBlocks > contributorUnbondingBlocks
            ? validatorUnbondingBlocks
            : contributorUnbondingBlocks;
        return 2 * roundBlocks + unbonding;
    }
}
