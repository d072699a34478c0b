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

    function test_lowestIndex_examples() public pure {
        assertEq(Bitmaps32.lowestIndex(1), 0);
        assertEq(Bitmaps32.lowestIndex(0x80000000), 31);
        assertEq(Bitmaps32.lowestIndex(0x0f00), 8);
        assertEq(Bitmaps32.lowestIndex(1 << 255), 255);
    }

    function testFuzz_lowestIndex_isTheLowestSetBit(uint256 mask) public pure {
        vm.assume(mask != 0);
        uint256 index = Bitmaps32.lowestIndex(mask);
        assertEq((mask >> index) & 1, 1, "set");
        assertEq(mask & ((uint256(1) << index) - 1), 0, "nothing below");
    }
}
