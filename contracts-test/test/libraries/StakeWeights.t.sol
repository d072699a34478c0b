// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";

import {StakeWeights} from "cotrain/libraries/StakeWeights.sol";

/// @dev Exposes the internal library function to external calls.
contract StakeWeightsHarness {
    function shareCap(uint256[] memory weights, uint256 maxShareBps) external pure returns (uint256) {
        return StakeWeights.shareCap(weights, maxShareBps);
    }
}

contract StakeWeightsTest is Test {
    uint256 internal constant BPS = 10_000;
    StakeWeightsHarness internal harness = new StakeWeightsHarness();

    function list(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[] memory array) {
        array = new uint256[](3);
        (array[0], array[1], array[2]) = (a, b, c);
    }

    function capped(uint256[] memory weights, uint256 cap) internal pure returns (uint256[] memory result) {
        result = new uint256[](weights.length);
        for (uint256 i = 0; i < weights.length; ++i) {
            result[i] = weights[i] < cap ? weights[i] : cap;
        }
    }

    function sum(uint256[] memory values) internal pure returns (uint256 total) {
        for (uint256 i = 0; i < values.length; ++i) {
            total += values[i];
        }
    }

    // ---- examples --------------------------------------------------------------------------------------------

    function test_shareCap_leavesBalancedWeightsAlone() public view {
        assertEq(harness.shareCap(list(10, 10, 10), 3_334), 10);
        assertEq(harness.shareCap(list(4, 5, 6), 5_000), 6);
    }

    /// @dev The attack of the review: a validator bonded as much as the two others together held half of the
    /// weight. Capped at a third of the committed weight, it weighs as much as each of them.
    function test_shareCap_bringsAWhaleDownToTheShare() public view {
        uint256 cap = harness.shareCap(list(2_000, 1_000, 1_000), 3_334);
        assertEq(cap, 1_000);
        uint256 whaleCap = harness.shareCap(list(1_000_000, 1_000, 1_000), 3_334);
        assertEq(whaleCap, 1_000);
        // with more validators a whale keeps exactly the share
        uint256[] memory five = new uint256[](5);
        (five[0], five[1], five[2], five[3], five[4]) = (10_000, 10, 10, 10, 10);
        uint256 fiveCap = harness.shareCap(five, 3_334);
        uint256[] memory effective = capped(five, fiveCap);
        assertLe(effective[0] * BPS, 3_334 * sum(effective));
        assertGt((effective[0] + 1) * BPS, 3_334 * sum(effective) - 3_334); // and no less than it
    }

    function test_shareCap_tooFewWeightsWeighTheSame() public view {
        uint256[] memory two = new uint256[](2);
        (two[0], two[1]) = (5, 500);
        assertEq(harness.shareCap(two, 3_334), 5);
        uint256[] memory one = new uint256[](1);
        one[0] = 7;
        assertEq(harness.shareCap(one, 1), 7);
    }

    // ---- fuzz ------------------------------------------------------------------------------------------------

    /// @dev Whatever the weights, no capped weight exceeds the share of the capped total (up to one unit of
    /// rounding) once there are enough of them, and the cap is as high as it can be: raising it by one breaks the
    /// bound, unless it already caps nothing.
    function testFuzz_shareCap_boundsEveryShareAndIsTheLargest(uint64[] memory raw, uint256 shareBps) public view {
        uint256 length = raw.length > 32 ? 32 : raw.length;
        vm.assume(length != 0);
        shareBps = bound(shareBps, 1, BPS);
        uint256[] memory weights = new uint256[](length);
        uint256 largest;
        for (uint256 i = 0; i < length; ++i) {
            weights[i] = uint256(raw[i]) + 1;
            if (weights[i] > largest) largest = weights[i];
        }
        uint256 cap = harness.shareCap(weights, shareBps);
        uint256[] memory effective = capped(weights, cap);
        uint256 total = sum(effective);
        if (length * shareBps >= BPS) {
            for (uint256 i = 0; i < length; ++i) {
                assertLe(effective[i] * BPS, shareBps * total + BPS, "share exceeded");
            }
        }
        if (cap < largest && length * shareBps >= BPS) {
            uint256[] memory higher = capped(weights, cap + 2);
            uint256 highest;
            for (uint256 i = 0; i < length; ++i) {
                if (higher[i] > highest) highest = higher[i];
            }
            assertGt(highest * BPS, shareBps * sum(higher), "a higher cap would do");
        }
    }
}
