// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Stake-weighted median of small score sets
library WeightedMedian {
    /// @notice The weighted median: the smallest value v such that the values <= v carry at least half of the total
    /// weight, except that when they carry exactly half, the midpoint of v and the next larger value (rounded up).
    /// So a value set holding exactly half of the weight decides nothing alone, in either direction: with two equal
    /// weights the median is their midpoint, as the median of an even count usually is.
    /// @dev Sorts `values` and `weights` together in place by insertion sort: the sets hold at most 32 validators,
    /// and finalize calls this once per contribution, so it is written for the few gas it may cost.
    /// @param values the scores (at least one)
    /// @param weights their weights (same length; each below 2^64 so that sums cannot overflow)
    /// @return median the weighted median
    function weightedMedian(uint256[] memory values, uint256[] memory weights) internal pure returns (uint256 median) {
        uint256 length = values.length;
        require(length != 0 && weights.length == length, "WeightedMedian: bad input");
        uint256 total;
        uint256 halfAt; // index + 1 at which the cumulative weight is exactly half the total
        // Safe without checks: indexes stay below `length` (checked above), weights are below 2^64.
        assembly ("memory-safe") {
            let valuesData := add(values, 0x20)
            let weightsData := add(weights, 0x20)
            for { let i := 0 } lt(i, length) { i := add(i, 1) } {
                let offset := shl(5, i)
                let value := mload(add(valuesData, offset))
                let weight := mload(add(weightsData, offset))
                total := add(total, weight)
                // shift larger values one place up, then drop the new one into the gap
                let j := offset
                for {} gt(j, 0) { j := sub(j, 0x20) } {
                    let previous := mload(add(valuesData, sub(j, 0x20)))
                    if iszero(gt(previous, value)) { break }
                    mstore(add(valuesData, j), previous)
                    mstore(add(weightsData, j), mload(add(weightsData, sub(j, 0x20))))
                }
                mstore(add(valuesData, j), value)
                mstore(add(weightsData, j), weight)
            }
            let cumulative := 0
            median := mload(add(valuesData, shl(5, sub(length, 1))))
            for { let i := 0 } lt(i, length) { i := add(i, 1) } {
                cumulative := add(cumulative, mload(add(weightsData, shl(5, i))))
                let doubled := shl(1, cumulative)
                if iszero(lt(doubled, total)) {
                    median := mload(add(valuesData, shl(5, i)))
                    if eq(doubled, total) { halfAt := add(i, 1) }
                    break
                }
            }
        }
        if (halfAt == 0) return median;
        // Exactly half the weight at or below `median`: unless more of it sits on equal values further on, the
        // other half starts at the next larger value.
        for (uint256 j = halfAt; j < length; ++j) {
            if (values[j] != median) return (median + values[j] + 1) / 2;
            if (weights[j] != 0) return median;
        }
    }
}
