// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Stake-weighted median of small score sets
library WeightedMedian {
    /// @notice The lower weighted median: the smallest value v such that the values <= v carry at least half of the
    /// total weight. With equal weights and an even count it is the lower of the two middle values, so the result
    /// is always one of the inputs and never an average.
    /// @dev Sorts `values` and `weights` together in place by insertion sort: the sets hold at most 32 validators,
    /// and finalize calls this once per contribution, so it is written for the few gas it may cost.
    /// @param values the scores (at least one)
    /// @param weights their weights (same length; each below 2^64 so that sums cannot overflow)
    /// @return median the lower weighted median
    function lowerWeightedMedian(uint256[] memory values, uint256[] memory weights)
        internal
        pure
        returns (uint256 median)
    {
        uint256 length = values.length;
        require(length != 0 && weights.length == length, "WeightedMedian: bad input");
        uint256 total;
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
                if iszero(lt(shl(1, cumulative), total)) {
                    median := mload(add(valuesData, shl(5, i)))
                    break
                }
            }
        }
    }
}
