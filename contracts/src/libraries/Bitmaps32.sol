// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Helpers for the 32-bit validator bitmaps
library Bitmaps32 {
    /// @notice Number of set bits.
    /// @param mask a bitmap
    /// @return count set bits in `mask`
    function popCount(uint256 mask) internal pure returns (uint256 count) {
        while (mask != 0) {
            mask &= mask - 1; // clears the lowest set bit
            ++count;
        }
    }
}
