// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";

import {WeightedMedian} from "cotrain/libraries/WeightedMedian.sol";

/// @dev Exposes the internal library function to external calls (and so to expectRevert).
contract WeightedMedianHarness {
    function weightedMedian(uint256[] memory values, uint256[] memory weights)
        external
        pure
        returns (uint256 median, uint256[] memory sortedValues, uint256[] memory sortedWeights)
    {
        median = WeightedMedian.weightedMedian(values, weights);
        return (median, values, weights);
    }
}

contract WeightedMedianTest is Test {
    WeightedMedianHarness internal harness = new WeightedMedianHarness();

    function median(uint256[] memory values, uint256[] memory weights) internal view returns (uint256 result) {
        (result,,) = harness.weightedMedian(values, weights);
    }

    function pair(uint256 a, uint256 b) internal pure returns (uint256[] memory array) {
        array = new uint256[](2);
        array[0] = a;
        array[1] = b;
    }

    function triple(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[] memory array) {
        array = new uint256[](3);
        array[0] = a;
        array[1] = b;
        array[2] = c;
    }

    /// @dev Straight from the definition: the smallest input value v whose values <= v carry at least half of the
    /// total weight; when they carry exactly half, the midpoint (rounded up) of v and the smallest larger value, if
    /// any. Quadratic and unsorted on purpose, to share nothing with the library.
    function referenceMedian(uint256[] memory values, uint256[] memory weights) internal pure returns (uint256) {
        uint256 total;
        for (uint256 i = 0; i < weights.length; ++i) {
            total += weights[i];
        }
        bool found;
        uint256 best;
        uint256 bestAtOrBelow;
        for (uint256 i = 0; i < values.length; ++i) {
            uint256 atOrBelow;
            for (uint256 j = 0; j < values.length; ++j) {
                if (values[j] <= values[i]) atOrBelow += weights[j];
            }
            if (2 * atOrBelow >= total && (!found || values[i] < best)) {
                best = values[i];
                bestAtOrBelow = atOrBelow;
                found = true;
            }
        }
        if (2 * bestAtOrBelow != total) return best;
        bool larger;
        uint256 next;
        for (uint256 i = 0; i < values.length; ++i) {
            if (values[i] > best && (!larger || values[i] < next)) {
                next = values[i];
                larger = true;
            }
        }
        return larger ? (best + next + 1) / 2 : best;
    }

    // ---- examples --------------------------------------------------------------------------------------------

    function test_weightedMedian_singleValue() public view {
        uint256[] memory values = new uint256[](1);
        uint256[] memory weights = new uint256[](1);
        values[0] = 42;
        weights[0] = 7;
        assertEq(median(values, weights), 42);
    }

    function test_weightedMedian_equalWeightsOddCountIsMiddle() public view {
        assertEq(median(triple(90, 10, 50), triple(1, 1, 1)), 50);
    }

    /// @dev The attack of the review: one validator with exactly half of the weight set the lower median alone. Now
    /// the two halves meet in the middle, whoever scores lower.
    function test_weightedMedian_exactHalfIsTheMidpointOfTheTwoMiddleValues() public view {
        uint256[] memory values = new uint256[](4);
        uint256[] memory weights = new uint256[](4);
        (values[0], values[1], values[2], values[3]) = (80, 20, 60, 40);
        (weights[0], weights[1], weights[2], weights[3]) = (5, 5, 5, 5);
        assertEq(median(values, weights), 50);
        assertEq(median(pair(70, 30), pair(1, 1)), 50);
        assertEq(median(pair(1, 80), pair(2, 2)), 41); // rounded up
        assertEq(median(triple(1, 80, 90), triple(2, 1, 1)), 41); // half the weight at 1 decides nothing alone
        assertEq(median(triple(100, 10, 20), triple(2, 1, 1)), 60);
    }

    function test_weightedMedian_heavyValueWins() public view {
        assertEq(median(triple(10, 20, 90), triple(1, 1, 10)), 90);
        assertEq(median(triple(10, 20, 90), triple(10, 1, 1)), 10);
        // exactly half the weight at or below 20: halfway to 90
        assertEq(median(triple(10, 20, 90), triple(1, 1, 2)), 55);
        assertEq(median(triple(10, 20, 90), triple(1, 2, 2)), 20);
    }

    function test_weightedMedian_duplicateValues() public view {
        assertEq(median(triple(50, 50, 10), triple(1, 1, 1)), 50);
        assertEq(median(triple(50, 10, 10), triple(3, 1, 1)), 50);
        // exactly half reached on the first of two equal values: the second still holds weight
        assertEq(median(triple(30, 30, 90), triple(1, 1, 0)), 30);
        // ... or holds none: the other half starts at the next larger value
        assertEq(median(triple(30, 30, 90), triple(1, 0, 1)), 60);
    }

    function test_weightedMedian_zeroWeightsGiveTheMidpointOfTheTwoSmallest() public view {
        assertEq(median(triple(70, 30, 50), triple(0, 0, 0)), 40);
    }

    function test_weightedMedian_sortsInPlaceKeepingPairs() public view {
        (uint256 result, uint256[] memory values, uint256[] memory weights) =
            harness.weightedMedian(triple(90, 10, 50), triple(3, 1, 2));
        assertEq(result, 70); // half the weight at or below 50: halfway to 90
        assertEq(values, triple(10, 50, 90));
        assertEq(weights, triple(1, 2, 3));
    }

    function test_weightedMedian_revertsOnEmptyInput() public {
        vm.expectRevert(bytes("WeightedMedian: bad input"));
        harness.weightedMedian(new uint256[](0), new uint256[](0));
    }

    function test_weightedMedian_revertsOnLengthMismatch() public {
        vm.expectRevert(bytes("WeightedMedian: bad input"));
        harness.weightedMedian(pair(1, 2), new uint256[](1));
    }

    // ---- fuzz ------------------------------------------------------------------------------------------------

    /// @dev Up to 32 validators with scores 1..100 and 64-bit weights, as finalize uses it.
    function testFuzz_weightedMedian_matchesReference(uint8[] memory rawValues, uint64[] memory rawWeights)
        public
        view
    {
        uint256 length = rawValues.length < rawWeights.length ? rawValues.length : rawWeights.length;
        length = length > 32 ? 32 : length;
        vm.assume(length != 0);
        uint256[] memory values = new uint256[](length);
        uint256[] memory weights = new uint256[](length);
        for (uint256 i = 0; i < length; ++i) {
            values[i] = bound(rawValues[i], 1, 100);
            weights[i] = rawWeights[i];
        }
        uint256 expected = referenceMedian(values, weights);

        (uint256 result, uint256[] memory sortedValues, uint256[] memory sortedWeights) =
            harness.weightedMedian(values, weights);
        assertEq(result, expected);
        // sorted ascending, each weight still beside its value: the weight sum per value is unchanged
        for (uint256 i = 1; i < length; ++i) {
            assertLe(sortedValues[i - 1], sortedValues[i]);
        }
        for (uint256 i = 0; i < length; ++i) {
            uint256 before;
            uint256 afterwards;
            for (uint256 j = 0; j < length; ++j) {
                if (values[j] == values[i]) before += weights[j];
                if (sortedValues[j] == values[i]) afterwards += sortedWeights[j];
            }
            assertEq(afterwards, before);
        }
    }

    /// @dev Few distinct values and small weights make ties and exact halves frequent.
    function testFuzz_weightedMedian_matchesReferenceWithTies(uint256 seed, uint256 length) public view {
        length = bound(length, 1, 32);
        uint256[] memory values = new uint256[](length);
        uint256[] memory weights = new uint256[](length);
        for (uint256 i = 0; i < length; ++i) {
            uint256 word = uint256(keccak256(abi.encode(seed, i)));
            values[i] = 1 + word % 4;
            weights[i] = (word >> 8) % 3;
        }
        assertEq(median(values, weights), referenceMedian(values, weights));
    }

    /// @dev The median lies between the smallest and the largest value, whatever the values (below 2^255).
    function testFuzz_weightedMedian_liesWithinTheValues(
        uint256 a,
        uint256 b,
        uint256 c,
        uint64 wa,
        uint64 wb,
        uint64 wc
    ) public view {
        (a, b, c) = (a >> 1, b >> 1, c >> 1);
        uint256 result = median(triple(a, b, c), triple(wa, wb, wc));
        uint256 low = a < b ? (a < c ? a : c) : (b < c ? b : c);
        uint256 high = a > b ? (a > c ? a : c) : (b > c ? b : c);
        assertGe(result, low);
        assertLe(result, high);
        assertEq(result, referenceMedian(triple(a, b, c), triple(wa, wb, wc)));
    }
}
