// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IContributionRounds} from "cotrain/interfaces/IContributionRounds.sol";
import {IContributorStaking} from "cotrain/interfaces/IContributorStaking.sol";
import {ContributionStatus} from "cotrain/types/CotrainTypes.sol";

import {CotrainFixture} from "../utils/CotrainFixture.sol";
import {ProtocolHandler} from "./ProtocolHandler.sol";

/// @notice Invariants of token custody, settlement and scores, under random sequences driven by ProtocolHandler.
contract ProtocolInvariantsTest is CotrainFixture {
    ProtocolHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory validators = new address[](3);
        for (uint256 i = 0; i < validators.length; ++i) {
            // unequal bonds, so that the weighted median is exercised
            validators[i] = newValidator(string.concat("validator", vm.toString(i)), (i + 1) * 1_500 * TOKEN);
        }
        address[] memory contributors = new address[](4);
        for (uint256 i = 0; i < contributors.length; ++i) {
            contributors[i] = newContributor(string.concat("contributor", vm.toString(i)), 200 * TOKEN);
        }
        handler = new ProtocolHandler(protocol, registry, token, funder, contributors, validators);
        targetContract(address(handler));
    }

    /// @notice The handler's steps reach settlement: a scripted pass through two rounds settles contributions,
    /// so the invariants below are checked against states that matter.
    function test_handlerDrivesRoundsToSettlement() public {
        for (uint256 round = 0; round < 2; ++round) {
            for (uint256 i = 0; i < 4; ++i) handler.submit(i, uint8(i), keccak256(abi.encode(round, i)));
            handler.advance(15);
            handler.advance(15);
            handler.commitAll(round + 1);
            handler.advance(10);
            handler.revealAll(round + 1);
            handler.advance(10);
            handler.finalize(8);
        }
        assertEq(handler.ghostSettled(), 8);
        assertEq(protocol.nextContributionId(), 9);
    }

    /// @notice Every token the protocol holds is accounted for: stakes (active and unbonding), the uncredited pool,
    /// and credited rewards not yet claimed. The registry holds exactly the validators' bonds.
    function invariant_custodyMatchesAccounting() public view {
        (uint256 available,,, uint256 credited, uint256 claimed) = protocol.poolTotals();
        assertEq(token.balanceOf(address(protocol)), protocol.totalContributorStake() + available + credited - claimed);
        assertEq(token.balanceOf(address(registry)), registry.totalBond());
    }

    /// @notice Nothing is paid that was not funded or slashed first.
    function invariant_paidNeverExceedsFundedPlusSlashed() public view {
        (, uint256 funded, uint256 slashed, uint256 credited, uint256 claimed) = protocol.poolTotals();
        assertLe(claimed, credited);
        assertLe(credited, funded + slashed);
        assertEq(funded, handler.ghostFunded());
    }

    /// @notice Each contribution is settled once: the settled count reported by finalize equals the number of
    /// contributions that left Pending, and a round's settled prefix is exactly its non-pending contributions.
    /// Consensus scores lie in 1..100 for scored contributions and are 0 otherwise.
    function invariant_settledOnceWithScoresInRange() public view {
        uint256 settled;
        uint256 next = protocol.nextContributionId();
        for (uint256 id = 1; id < next; ++id) {
            IContributionRounds.ContributionView memory c = protocol.contribution(id);
            IContributionRounds.RoundView memory round = protocol.roundInfo(c.round);
            bool pending = c.status == ContributionStatus.Pending;
            assertEq(pending, id - round.firstContributionId >= round.finalizedCount);
            if (!pending) ++settled;
            if (c.status == ContributionStatus.Accepted || c.status == ContributionStatus.Rejected) {
                assertGe(c.consensusScore, 1);
                assertLe(c.consensusScore, 100);
            } else {
                assertEq(c.consensusScore, 0);
            }
        }
        assertEq(settled, handler.ghostSettled());
    }

    /// @notice Locked stake never exceeds stake, reputation stays in 100..10000, and profiles add up to the total.
    function invariant_profilesConsistent() public view {
        uint256 total;
        for (uint256 i = 0; i < handler.contributorCount(); ++i) {
            IContributorStaking.ContributorProfile memory p = protocol.contributorProfile(handler.contributors(i));
            assertLe(p.lockedStake, p.stake);
            assertGe(p.reputation, 100);
            assertLe(p.reputation, 10_000);
            total += p.stake + p.unbondingStake;
        }
        assertEq(total, protocol.totalContributorStake());
    }
}
