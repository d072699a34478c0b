// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CoreTestHelpers} from "../utils/CoreTestHelpers.sol";

/// @notice The stage of the reviews' attacks: a funded pool, three validators bonded as the deploy scripts bond them,
/// an honest contributor and an attacker.
abstract contract AttackFixture is CoreTestHelpers {
    uint256 internal constant BOND = 2_000 * TOKEN; // the deploy scripts bond twice the minimum

    address[] internal validators;
    address internal honest;
    address internal attacker;

    function setUp() public virtual override {
        super.setUp();
        fundPool(100_000 * TOKEN);
        validators = newValidators(3, BOND);
        honest = newContributor("honest", 1_000 * TOKEN);
        attacker = newContributor("attacker", 2_000 * TOKEN);
    }

    /// @dev `count` scores, all `score`.
    function _scores(uint256 count, uint8 score) internal pure returns (bytes memory scores) {
        scores = new bytes(count);
        for (uint256 i = 0; i < count; ++i) {
            scores[i] = bytes1(score);
        }
    }
}
