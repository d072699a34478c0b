// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {AttackFixture} from "./AttackFixture.sol";
import {Drainer} from "./SecondReviewAttacks.t.sol";
import {CotrainTimelock} from "cotrain/governance/CotrainTimelock.sol";
import {IProtocolParameters} from "cotrain/interfaces/IProtocolParameters.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {ExitWindow} from "cotrain/libraries/ExitWindow.sol";
import {ContributionType, Parameter} from "cotrain/types/CotrainTypes.sol";

/// @notice The attacks of the third review of issue 10, on the fixes of the second: governance that changes the exit
/// window around a confiscation, the ring-slot exemption across an empty round, validators removed mid-round, and a
/// withheld reveal that cancelled honest validators' rewards. Each worked on the previous commit and must fail now.
contract ThirdReviewAttacksTest is AttackFixture {
    uint256 internal constant ABSENCE = BOND * 500 / 10_000; // the fixture's AbsencePenaltyBps of a whole stake

    address internal thief = makeAddr("thief");

    // ---- governance ---------------------------------------------------------------------------------------------

    /// @dev Every privileged role of the protocol and the registry to a CotrainTimelock whose delay in seconds is the
    /// exit window at 12 s blocks, as Deploy.s.sol does.
    function _timelock() internal returns (CotrainTimelock timelock) {
        address[] memory governors = new address[](1);
        governors[0] = admin;
        uint256 round = protocol.parameter(Parameter.SubmissionBlocks) + protocol.parameter(Parameter.CommitBlocks)
            + protocol.parameter(Parameter.RevealBlocks);
        uint256 exitBlocks = ExitWindow.blocks(
            round,
            protocol.parameter(Parameter.ValidatorUnbondingBlocks),
            protocol.parameter(Parameter.ContributorUnbondingBlocks)
        );
        timelock = new CotrainTimelock(exitBlocks * 12, protocol, governors, governors, address(0));
        vm.startPrank(admin);
        protocol.grantRole(protocol.PARAMETER_ROLE(), address(timelock));
        protocol.grantRole(protocol.UPGRADER_ROLE(), address(timelock));
        protocol.renounceRole(protocol.PARAMETER_ROLE(), admin);
        protocol.renounceRole(protocol.UPGRADER_ROLE(), admin);
        registry.grantRole(registry.UPGRADER_ROLE(), address(timelock));
        registry.renounceRole(registry.UPGRADER_ROLE(), admin);
        vm.stopPrank();
    }

    function _drainCall() internal returns (bytes memory) {
        return abi.encodeWithSignature(
            "upgradeToAndCall(address,bytes)",
            address(new Drainer()),
            abi.encodeCall(Drainer.drain, (IERC20(address(token)), thief))
        );
    }

    function _setCall(Parameter which, uint256 value) internal pure returns (bytes memory) {
        return abi.encodeCall(IProtocolParameters.setParameter, (which, value));
    }

    function _schedule(CotrainTimelock timelock, address target, bytes memory call) internal returns (bytes32) {
        uint256 delay = timelock.getMinDelay();
        vm.prank(admin);
        timelock.schedule(target, 0, call, bytes32(0), bytes32(0), delay);
        return timelock.hashOperation(target, 0, call, bytes32(0), bytes32(0));
    }

    function _execute(CotrainTimelock timelock, address target, bytes memory call) internal {
        vm.prank(admin);
        timelock.execute(target, 0, call, bytes32(0), bytes32(0));
    }

    function _wait(CotrainTimelock timelock, uint256 blocks) internal {
        vm.roll(block.number + blocks);
        vm.warp(block.timestamp + timelock.getMinDelay() + 1);
    }

    /// The governor scheduled a drain in the block where it executed an old, public change lengthening the unbonding
    /// delay: the drain's exit window was sized on the old delay, and every validator reacting to it unbonded under the
    /// new one. An execution that changes the exit window now holds every operation for the longer window.
    function test_attack_lengthenUnbondingRightAfterSchedulingTheDrain() public {
        CotrainTimelock timelock = _timelock();
        bytes memory lengthen = _setCall(Parameter.ValidatorUnbondingBlocks, 100_000);
        _schedule(timelock, address(protocol), lengthen);
        _wait(timelock, timelock.exitBlocks());

        bytes memory drain = _drainCall();
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
        CotrainTimelock timelock = _timelock();
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
        bytes memory drain = _drainCall();
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

    function _rollToRound(uint256 target) internal {
        while (protocol.currentRound() < target) {
            vm.roll(block.number + 1);
        }
    }

    /// Round A held the ring slot through B's commit window (B = A + 16; A + 8 had no contributions). C = B + 8 took
    /// the slot after A was finalized; B, finalized late, looked back at A + 8 only and charged every validator the
    /// absence penalty for a commit nobody could make. The chain of takeovers now leads back to A.
    function test_attack_ringSlotExemptionLostAcrossAnEmptyRound() public {
        setParam(Parameter.ValidatorUnbondingBlocks, 1_000);
        setParam(Parameter.CommitBlocks, 70);
        setParam(Parameter.RevealBlocks, 70);
        vm.roll(block.number + SUBMISSION_BLOCKS);
        uint256 a = roundOf(submit(honest, ContributionType.MODEL_UPDATE, digestOf(1)));
        rollToCommit(a);
        for (uint256 v = 0; v < 3; ++v) {
            commit(validators[v], a, hex"5a");
        }
        setParam(Parameter.CommitBlocks, 1);
        setParam(Parameter.RevealBlocks, 1);
        setParam(Parameter.SubmissionBlocks, 1);

        _rollToRound(a + 16); // a + 8 passes without contributions
        uint256 b = roundOf(submit(honest, ContributionType.MODEL_UPDATE, digestOf(2)));
        assertEq(b, a + 16);
        rollToCommit(b);
        bytes32 commitment = protocol.commitmentHash(b, validators[0], hex"5a", saltOf(validators[0], b));
        vm.expectRevert(abi.encodeWithSignature("ScoreStorageBusy(uint256,uint256)", b, a));
        vm.prank(validators[0]);
        protocol.commitScores(b, commitment);

        rollToReveal(a);
        for (uint256 v = 0; v < 3; ++v) {
            reveal(validators[v], a, hex"5a");
        }
        rollToFinalization(a);
        finalizeAll(a);
        while (protocol.currentRound() % 8 != b % 8 || protocol.currentRound() <= b) {
            vm.roll(block.number + 1); // a later round of the same slot
        }
        uint256 c = roundOf(submit(honest, ContributionType.MODEL_UPDATE, digestOf(3)));
        rollToCommit(c);
        commit(validators[1], c, hex"5a"); // C takes over the ring slot

        finalizeAll(b); // anyone, late
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
