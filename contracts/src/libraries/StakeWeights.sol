// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Caps on validators' weights in a round
library StakeWeights {
    uint256 private constant BPS = 10_000;

    /// @notice The largest cap c such that, with every weight w replaced by min(w, c), no weight exceeds `maxShareBps`
    /// of their total. A whale's bond then buys at most that share of a median, however large it is. With fewer than
    /// BPS / maxShareBps weights no cap can achieve it, and the smallest weight is returned: all weigh the same.
    /// @dev Sorts a copy by insertion sort (at most 32 weights). With k weights capped, the cap must satisfy
    /// c <= share * (S + k * c), S the sum of the others, so c = share * S / (1 - share * k); the answer is the first k
    /// whose c is at least the largest uncapped weight. Once share * k >= 1, capping the k largest at the k-th largest
    /// weight works (each holds at most 1 / k of the total).
    /// @param weights the weights (at least one; each below 2^64)
    /// @param maxShareBps the largest share of the total one weight may hold, in basis points (1..10000)
    /// @return cap the cap to apply to every weight
    function shareCap(uint256[] memory weights, uint256 maxShareBps) internal pure returns (uint256 cap) {
        uint256 length = weights.length;
        uint256[] memory sorted = new uint256[](length);
        uint256 total;
        for (uint256 i = 0; i < length; ++i) {
            uint256 weight = weights[i];
            total += weight;
            uint256 j = i;
            while (j > 0 && sorted[j - 1] > weight) {
                sorted[j] = sorted[j - 1];
                --j;
            }
            sorted[j] = weight;
        }
        if (sorted[length - 1] * BPS <= maxShareBps * total) return sorted[length - 1];
        uint256 rest = total;
        uint256 k = 1;
        for (; k < length && k * maxShareBps < BPS; ++k) {
            rest -= sorted[length - k]; // the sum of the length - k smallest weights
            cap = maxShareBps * rest / (BPS - k * maxShareBps);
            if (cap >= sorted[length - k - 1]) return cap;
        }
        // k == length: too few weights, all weigh the smallest; else share * k >= 1 (only reached through rounding)
        return sorted[length - k];
    }
}
