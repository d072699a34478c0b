// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AttackFixture} from "./AttackFixture.sol";
import {CotrainTimelock} from "cotrain/governance/CotrainTimelock.sol";
import {IProtocolParameters} from "cotrain/interfaces/IProtocolParameters.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {ContributionType, Parameter} from "cotrain/types/CotrainTypes.sol";

/// @notice The attacks of the third review of issue 10, on the fixes of the second: governance that changes the exit
/// window around a confiscation, the ring-slot exemption across an empty round, validators removed mid-round, and a
/// withheld reveal that cancelled honest validators' rewards. Each worked on the previous commit and must fail now.
contract ThirdReviewAttacksTest is AttackFixture {
    address internal thief = makeAddr("thief");

    function _setCall(Parameter which, uint256 value) internal pure returns (bytes memory) {
        return abi.encodeCall(IProtocolParameters.setParameter, (which, value));
    }

    function _wait(CotrainTimelock timelock, uint256 blocks) internal {
        vm.roll(block.number + blocks);
        vm.warp(block.timestamp + timelock.getMinDelay() + 1);
    }

    // ---- governance ---------------------------------------------------------------------------------------------

    /// The governor scheduled a drain in the block where it executed an old, public change lengthening the unbonding
    /// delay: the drain's exit window was sized on the old delay, and every validator reacting to it unbonded under the
    /// new one. An execution that changes the exit window now holds every operation for the longer window.
    function test_attack_lengthenUnbondingRightAfterSchedulingTheDrain() public {
        CotrainTimelock timelock = _timelockedGovernance();
        bytes memory lengthen = _setCall(Parameter.ValidatorUnbondingBlocks, 100_000);
        _schedule(timelock, address(protocol), lengthen);
        _wait(timelock, timelock.exitBlocks());

        bytes memory drain = _drainCall(thief);
        bytes32 id = _schedule(timelock, address(registry), drain); // same block
        _execute(timelock, address(protocol), lengthen);
        assertEq(timelock.exitFloor(), protocol.protocolClock() + timelock.exitBlocks());

        vm.roll(block.number + 1); // validators react at once
        for (uint256 v = 0; v < 3; ++v) {
            vm.prank(validators[v]);
            registry.requestValidatorUnbond(BOND);
        }
        _wait(timelock, 180); // the drain's own window, sized on the old delay
        assertFalse(timelock.isOperationReady(id));
        vm.roll(registry.validatorInfo(validators[0]).unbondingReadyBlock);
        assertFalse(timelock.isOperationReady(id));
        for (uint256 v = 0; v < 3; ++v) {
            vm.prank(validators[v]);
            registry.withdrawValidatorBond();
            assertEq(token.balanceOf(validators[v]), BOND);
        }
    }

    /// Governance shortened the round windows and the unbonding delays, then scheduled drains sized on the short
    /// windows while a round opened under the long ones still held every exit (settledThrough) and locked stake.
    function test_attack_shortenWindowsThenDrainWhileOldRoundsHoldExits() public {
        setParam(Parameter.ValidatorUnbondingBlocks, 400);
        setParam(Parameter.SubmissionBlocks, 200);
        setParam(Parameter.CommitBlocks, 100);
        setParam(Parameter.RevealBlocks, 100);
        CotrainTimelock timelock = _timelockedGovernance();
        vm.roll(block.number + 400); // rounds run under the slow windows

        address[] memory targets = new address[](5);
        uint256[] memory values = new uint256[](5);
        bytes[] memory payloads = new bytes[](5);
        payloads[0] = _setCall(Parameter.CommitBlocks, 1);
        payloads[1] = _setCall(Parameter.RevealBlocks, 1);
        payloads[2] = _setCall(Parameter.SubmissionBlocks, 1);
        payloads[3] = _setCall(Parameter.ValidatorUnbondingBlocks, 3);
        payloads[4] = _setCall(Parameter.ContributorUnbondingBlocks, 1);
        for (uint256 i = 0; i < 5; ++i) {
            targets[i] = address(protocol);
        }
        uint256 delay = timelock.getMinDelay();
        vm.prank(admin);
        timelock.scheduleBatch(targets, values, payloads, bytes32(0), bytes32(0), delay);
        _wait(timelock, timelock.exitBlocks());

        uint256 opened = protocol.currentRound(); // a round opens at once under the slow windows
        while (protocol.currentRound() == opened) {
            vm.roll(block.number + 1);
        }
        uint256 round = roundOf(submit(honest, ContributionType.MODEL_UPDATE, digestOf(1)));
        vm.prank(admin);
        timelock.executeBatch(targets, values, payloads, bytes32(0), bytes32(0));
        bytes memory drain = _drainCall(thief);
        bytes32 id = _schedule(timelock, address(registry), drain);
        assertEq(timelock.exitBlocks(), 9);

        vm.roll(block.number + 1); // everyone reacts at once
        for (uint256 v = 0; v < 3; ++v) {
            vm.prank(validators[v]);
            registry.requestValidatorUnbond(BOND);
        }
        _wait(timelock, 180);
        assertFalse(timelock.isOperationReady(id));
        // the old round ends, is settled (unscored here: nobody committed), and every exit completes in time
        rollToFinalization(round);
        finalizeAll(round);
        vm.roll(block.number + 3);
        assertFalse(timelock.isOperationReady(id));
        for (uint256 v = 0; v < 3; ++v) {
            vm.prank(validators[v]);
            registry.withdrawValidatorBond();
            assertGt(token.balanceOf(validators[v]), 0);
        }
        assertEq(protocol.contributorProfile(honest).lockedStake, 0);
    }

    // ---- the ring-slot exemption across an empty round -------------------------------------------------------------

    /// Round A held the ring slot through B's commit window (B = A + 16; A + 8 had no contributions). C = B + 8 took
    /// the slot after A was finalized; B, finalized late, looked back at A + 8 only and charged every validator the
    /// absence penalty for a commit nobody could make. The chain of takeovers now leads back to A.
    function test_attack_ringSlotExemptionLostAcrossAnEmptyRound() public {
        _finalizeLateARoundItsSlotBlocked(16);
        for (uint256 v = 0; v < 3; ++v) {
            assertEq(registry.validatorInfo(validators[v]).bond, BOND);
        }
    }

    // ---- validators removed mid-round ----------------------------------------------------------------------------

    /// Removing a validator moved its whole bond to unbonding: it could no longer commit to the rounds that expected
    /// it (zero weight) and paid the absence penalty for each. Its unbonding stake answers for those rounds, so it
    /// weighs in them, and scoring them costs it nothing.
    function test_attack_removedValidatorPaysAbsenceForRoundsItCouldNotCommitTo() public {
        uint256 round = roundOf(submit(honest, ContributionType.MODEL_UPDATE, digestOf(1)));
        vm.prank(admin);
        registry.removeValidator(validators[0]);

        scoreRound(round, validators, hex"5a");
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(validators[0]);
        assertEq(info.bond + info.unbonding, BOND);
        assertEq(protocol.claimable(validators[0]), protocol.parameter(Parameter.ValidationReward));
    }

    // ---- a withholder cancelling rewards --------------------------------------------------------------------------

    /// Five validators scored 50 no-ops and one withheld its reveal: the consensus was neutral with a withheld vote,
    /// so nobody "agreed" and four honest validators lost their rewards for one absence. Agreement still pays.
    function test_attack_oneWithholderDeniesValidationRewardsOnNeutralWork() public {
        address[] memory all = new address[](5);
        for (uint256 v = 0; v < 3; ++v) {
            all[v] = validators[v];
        }
        all[3] = newValidator("v3", BOND);
        all[4] = newValidator("v4", BOND);
        uint256 first = submit(honest, ContributionType.MODEL_UPDATE, digestOf(100));
        for (uint256 i = 1; i < 50; ++i) {
            submit(honest, ContributionType.MODEL_UPDATE, digestOf(100 + i));
        }
        uint256 round = roundOf(first);
        bytes memory neutral = _scores(50, 50);
        rollToCommit(round);
        for (uint256 v = 0; v < 5; ++v) {
            commit(all[v], round, neutral);
        }
        rollToReveal(round);
        for (uint256 v = 0; v < 4; ++v) {
            reveal(all[v], round, neutral); // all[4] withholds
        }
        rollToFinalization(round);
        finalizeAll(round);
        assertTrue(protocol.roundInfo(round).quorumReached);
        for (uint256 v = 0; v < 4; ++v) {
            assertEq(protocol.claimable(all[v]), 50 * protocol.parameter(Parameter.ValidationReward));
        }
    }
}
