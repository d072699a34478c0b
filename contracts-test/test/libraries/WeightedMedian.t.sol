// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";

import {WeightedMedian} from "cotrain/libraries/WeightedMedian.sol";

/// @dev Exposes the internal library function to external calls (and so to expectRevert).
contract WeightedMedianHarness {
    function lowerWeightedMedian(uint256[] memory values, uint256[] memory weights)
        external
        pure
        returns (uint256 median, uint256[] memory sortedValues, uint256[] memory sortedWeights)
    {
        median = WeightedMedian.lowerWeightedMedian(values, weights);
        return (median, values, weights);
    }
}

contract WeightedMedianTest is Test {
    WeightedMedianHarness internal harness = new WeightedMedianHarness();

    function median(uint256[] memory values, uint256[] memory weights) internal view returns (uint256 result) {
        (result,,) = harness.lowerWeightedMedian(values, weights);
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
    /// total weight. Quadratic and unsorted on purpose, to share nothing with the library.
    function referenceMedian(uint256[] memory values, uint256[] memory weights) internal pure returns (uint256) {
        uint256 total;
        for (uint256 i = 0; i < weights.length; ++i) {
            total += weights[i];
        }
        bool found;
        uint256 best;
        for (uint256 i = 0; i < values.length; ++i) {
            uint256 atOrBelow;
            for (uint256 j = 0; j < values.length; ++j) {
                if (values[j] <= values[i]) atOrBelow += weights[j];
            }
            if (2 * atOrBelow >= total && (!found || values[i] < best)) {
                best = values[i];
                found = true;
            }
        }
        return best;
    }

    // ---- examples --------------------------------------------------------------------------------------------

    function test_lowerWeightedMedian_singleValue() public view {
        uint256[] memory values = new uint256[](1);
        uint256[] memory weights = new uint256[](1);
        values[0] = 42;
        weights[0] = 7;
        assertEq(median(values, weights), 42);
    }

    function test_lowerWeightedMedian_equalWeightsOddCountIsMiddle() public view {
        assertEq(median(triple(90, 10, 50), triple(1, 1, 1)), 50);
    }

    function test_lowerWeightedMedian_equalWeightsEvenCountIsLowerMiddle() public view {
        uint256[] memory values = new uint256[](4);
        uint256[] memory weights = new uint256[](4);
        (values[0], values[1], values[2], values[3]) = (80, 20, 60, 40);
        (weights[0], weights[1], weights[2], weights[3]) = (5, 5, 5, 5);
        assertEq(median(values, weights), 40); // never the average 50
        assertEq(median(pair(70, 30), pair(1, 1)), 30);
    }

    function test_lowerWeightedMedian_heavyValueWins() public view {
        assertEq(median(triple(10, 20, 90), triple(1, 1, 10)), 90);
        assertEq(median(triple(10, 20, 90), triple(10, 1, 1)), 10);
        // exactly half the weight at or below 20 is enough
        assertEq(median(triple(10, 20, 90), triple(1, 1, 2)), 20);
    }

    function test_lowerWeightedMedian_duplicateValues() public view {
        assertEq(median(triple(50, 50, 10), triple(1, 1, 1)), 50);
        assertEq(median(triple(50, 10, 10), triple(3, 1, 1)), 50);
    }

    function test_lowerWeightedMedian_zeroWeightsGiveSmallestValue() public view {
        assertEq(median(triple(70, 30, 50), triple(0, 0, 0)), 30);
    }

    function test_lowerWeightedMedian_sortsInPlaceKeepingPairs() public view {
        (uint256 result, uint256[] memory values, uint256[] memory weights) =
            harness.lowerWeightedMedian(triple(90, 10, 50), triple(3, 1, 2));
        assertEq(result, 50);
        assertEq(values, triple(10, 50, 90));
        assertEq(weights, triple(1, 2, 3));
    }

    function test_lowerWeightedMedian_revertsOnEmptyInput() public {
        vm.expectRevert(bytes("WeightedMedian: bad input"));
        harness.lowerWeightedMedian(new uint256[](0), new uint256[](0));
    }

    function test_lowerWeightedMedian_revertsOnLengthMismatch() public {
        vm.expectRevert(bytes("WeightedMedian: bad input"));
        harness.lowerWeightedMedian(pair(1, 2), new uint256[](1));
    }

    // ---- fuzz ------------------------------------------------------------------------------------------------

    /// @dev Up to 32 validators with scores 1..100 and 64-bit weights, as finalize uses it.
    function testFuzz_lowerWeightedMedian_matchesReference(uint8[] memory rawValues, uint64[] memory rawWeights)
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
            harness.lowerWeightedMedian(values, weights);
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
    function testFuzz_lowerWeightedMedian_matchesReferenceWithTies(uint256 seed, uint256 length) public view {
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

    /// @dev The median is always one of the inputs, whatever the values.
    function testFuzz_lowerWeightedMedian_isAnInput(uint256 a, uint256 b, uint256 c, uint64 wa, uint64 wb, uint64 wc)
        public
        view
    {
        uint256 result = median(triple(a, b, c), triple(wa, wb, wc));
        assertTrue(result == a || result == b || result == c);
        assertEq(result, referenceMedian(triple(a, b, c), triple(wa, wb, wc)));
    }
}
