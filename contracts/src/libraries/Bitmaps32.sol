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

    /// @notice Index of the lowest set bit.
    /// @param mask a non-zero bitmap
    /// @return index position of its lowest set bit
    function lowestIndex(uint256 mask) internal pure returns (uint256 index) {
        while ((mask >> index) & 1 == 0) ++index;
    }
}
