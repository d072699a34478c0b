// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";

import {Bitmaps32} from "cotrain/libraries/Bitmaps32.sol";

contract Bitmaps32Test is Test {
    function test_popCount_examples() public pure {
        assertEq(Bitmaps32.popCount(0), 0);
        assertEq(Bitmaps32.popCount(1), 1);
        assertEq(Bitmaps32.popCount(0x80000000), 1);
        assertEq(Bitmaps32.popCount(0xffffffff), 32);
        assertEq(Bitmaps32.popCount(0x0f0f), 8);
        assertEq(Bitmaps32.popCount(type(uint256).max), 256);
    }

    function testFuzz_popCount_matchesBitByBitCount(uint256 mask) public pure {
        uint256 expected;
        for (uint256 i = 0; i < 256; ++i) {
            expected += (mask >> i) & 1;
        }
        assertEq(Bitmaps32.popCount(mask), expected);
    }
}
