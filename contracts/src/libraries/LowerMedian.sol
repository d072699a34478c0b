// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The lower median of a few values, as validators' measurements are combined
library LowerMedian {
    /// @notice The lower median: what most of the values' holders measured, whatever one of them reports.
    /// @dev Insertion sort in place: meant for at most 32 values (one per validator index).
    /// @param values at least one value; reordered
    /// @return median the value at position (n - 1) / 2 in ascending order
    function compute(uint256[] memory values) internal pure returns (uint256 median) {
        for (uint256 i = 1; i < values.length; ++i) {
            uint256 value = values[i];
            uint256 j = i;
            while (j > 0 && values[j - 1] > value) {
                values[j] = values[j - 1];
                --j;
            }
            values[j] = value;
        }
        return values[(values.length - 1) / 2];
    }
}
