// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CotrainFixture} from "../utils/CotrainFixture.sol";
import {ContributionStatus, ContributionType} from "cotrain/types/CotrainTypes.sol";

/// @notice One whole round end to end: the story the rest of the suite takes apart.
contract LifecycleTest is CotrainFixture {
    function test_fullRound_rewardsGoodWork_slashesBadWork_paysValidators() public {
        fundPool(10_000 * TOKEN);
        address[] memory validators = newValidators(3, 2_000 * TOKEN);
        address alice = newContributor("alice", 100 * TOKEN);
        address bob = newContributor("bob", 100 * TOKEN);

        uint256 good = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        uint256 bad = submit(bob, ContributionType.DATASET, digestOf(2));
        uint256 round = roundOf(good);
        assertEq(roundOf(bad), round);
        assertEq(protocol.contributorProfile(alice).lockedStake, 10 * TOKEN);

        scoreRound(round, validators, hex"5a0a"); // 90 for alice, 10 for bob

        assertEq(uint8(contributionOf(good).status), uint8(ContributionStatus.Accepted));
        assertEq(contributionOf(good).consensusScore, 90);
        assertEq(uint8(contributionOf(bad).status), uint8(ContributionStatus.Rejected));
        // reward = 20 tokens x (90 - 50) / (100 - 50) x (0.5 + 0.5) ; slash = half of the 10 locked
        assertEq(protocol.claimable(alice), 16 * TOKEN);
        assertEq(protocol.contributorProfile(bob).stake, 95 * TOKEN);
        assertEq(protocol.contributorProfile(alice).lockedStake, 0);
        // reputation EMA: 5000 * 0.8 + 9000 * 0.2
        assertEq(protocol.contributorProfile(alice).reputation, 5_800);
        assertEq(protocol.contributorProfile(bob).reputation, 4_200);
        for (uint256 i = 0; i < validators.length; ++i) {
            assertEq(protocol.claimable(validators[i]), 2 * TOKEN);
        }

        vm.prank(alice);
        protocol.claimRewards();
        assertEq(token.balanceOf(alice), 16 * TOKEN);
    }
}
