// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IContributionRounds} from "cotrain/interfaces/IContributionRounds.sol";
import {IContributorStaking} from "cotrain/interfaces/IContributorStaking.sol";
import {CotrainTimelock} from "cotrain/governance/CotrainTimelock.sol";
import {ContributionStatus, Parameter} from "cotrain/types/CotrainTypes.sol";

import {CotrainFixture} from "../utils/CotrainFixture.sol";
import {ProtocolHandler} from "./ProtocolHandler.sol";

/// @notice Invariants of token custody, settlement, scores and the attacks of issue 10, under random sequences
/// driven by ProtocolHandler. PARAMETER_ROLE is held by a CotrainTimelock, as the deploy script sets it up.
contract ProtocolInvariantsTest is CotrainFixture {
    ProtocolHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory validators = new address[](3);
        for (uint256 i = 0; i < validators.length; ++i) {
            // unequal bonds, so that the weighted median and its cap are exercised
            validators[i] = newValidator(string.concat("validator", vm.toString(i)), (i + 1) * 1_500 * TOKEN);
            for (uint256 task = 2; task <= 3; ++task) {
                vm.prank(validators[i]);
                registry.serveTask(task); // the handler's tasks 1..3; it stops and restarts serving them
            }
        }
        address[] memory contributors = new address[](4);
        for (uint256 i = 0; i < contributors.length; ++i) {
            contributors[i] = newContributor(string.concat("contributor", vm.toString(i)), 200 * TOKEN);
        }
        address[] memory governors = new address[](1);
        governors[0] = funder;
        CotrainTimelock timelock = new CotrainTimelock(1 days, protocol, governors, governors, address(0));
        bytes32 parameterRole = protocol.PARAMETER_ROLE();
        vm.startPrank(admin);
        protocol.setParameter(Parameter.SubmissionFee, 1 * TOKEN); // rounds take fees from the start
        protocol.grantRole(parameterRole, address(timelock));
        protocol.revokeRole(parameterRole, admin);
        protocol.grantRole(protocol.PAUSER_ROLE(), funder);
        vm.stopPrank();
        handler = new ProtocolHandler(protocol, registry, token, timelock, funder, contributors, validators);
        targetContract(address(handler));
    }

    /// @notice The handler's steps reach settlement: a scripted pass through two rounds settles contributions,
    /// so the invariants below are checked against states that matter.
    function test_handlerDrivesRoundsToSettlement() public {
        for (uint256 round = 0; round < 2; ++round) {
            for (uint256 i = 0; i < 4; ++i) {
                handler.submit(i, uint8(i), keccak256(abi.encode(round, i)));
            }
            handler.resubmit(0, round);
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
        assertEq(handler.ghostDuplicatesAccepted(), 0);
    }

    /// @notice Every token the protocol holds is accounted for: stakes (active and unbonding), the uncredited pool,
    /// and credited rewards not yet claimed. The registry holds exactly the validators' bonds.
    function invariant_custodyMatchesAccounting() public view {
        (uint256 available,,, uint256 credited, uint256 claimed) = protocol.poolTotals();
        assertEq(token.balanceOf(address(protocol)), protocol.totalContributorStake() + available + credited - claimed);
        assertEq(token.balanceOf(address(registry)), registry.totalBond());
    }

    /// @notice Nothing is paid that was not funded or slashed first; funding is what funders gave and the fees of
    /// scored contributions.
    function invariant_paidNeverExceedsFundedPlusSlashed() public view {
        (, uint256 funded, uint256 slashed, uint256 credited, uint256 claimed) = protocol.poolTotals();
        assertLe(claimed, credited);
        assertLe(credited, funded + slashed);
        assertEq(funded, handler.ghostFunded() + handler.ghostFees());
    }

    /// @notice The same work is never accepted twice, and no validator bond leaves before the rounds it was expected
    /// in are finalized.
    function invariant_noDuplicateAndNoEscape() public view {
        assertEq(handler.ghostDuplicatesAccepted(), 0);
        assertEq(handler.ghostEarlyWithdrawals(), 0);
    }

    /// @notice A round keeps the parameter version it opened with, whatever the timelock executed since.
    function invariant_roundsKeepTheirPrice() public view {
        for (uint256 i = 0; i < handler.openedRoundCount(); ++i) {
            uint256 round = handler.openedRounds(i);
            assertEq(protocol.roundInfo(round).parameterVersion, handler.versionAtOpen(round));
        }
    }

    /// @notice Each contribution is settled once, in position order; a settled contribution's status follows its
    /// consensus score against its round's thresholds: paid only above the neutral score.
    function invariant_settledOnceWithStatusFromTheRoundsThresholds() public view {
        uint256 settled;
        for (uint256 i = 0; i < handler.digestCount(); ++i) {
            IContributionRounds.ContributionView memory c = protocol.contribution(handler.digests(i));
            assertEq(c.id, i + 1);
            IContributionRounds.RoundView memory round = protocol.roundInfo(c.round);
            bool pending = c.status == ContributionStatus.Pending;
            assertEq(pending, c.id - round.firstContributionId >= round.finalizedCount);
            if (!pending) ++settled;
            if (c.status == ContributionStatus.Released || pending) {
                assertEq(c.consensusScore, 0);
                continue;
            }
            assertGe(c.consensusScore, 1);
            assertLe(c.consensusScore, 100);
            uint256 neutral = protocol.roundParameter(c.round, Parameter.NeutralScore);
            uint256 threshold = protocol.roundParameter(c.round, Parameter.SlashThresholdScore);
            if (c.consensusScore > neutral) assertEq(uint8(c.status), uint8(ContributionStatus.Accepted));
            else if (c.consensusScore >= threshold) assertEq(uint8(c.status), uint8(ContributionStatus.Unrewarded));
            else assertEq(uint8(c.status), uint8(ContributionStatus.Rejected));
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
            assertLe(p.withdrawableStake, p.unbondingStake);
            total += p.stake + p.unbondingStake;
        }
        assertEq(total, protocol.totalContributorStake());
    }
}
