// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {CoreTestHelpers} from "../utils/CoreTestHelpers.sol";
import {CotrainTimelock} from "cotrain/governance/CotrainTimelock.sol";
import {ICotrainProtocol} from "cotrain/interfaces/ICotrainProtocol.sol";
import {IProtocolParameters} from "cotrain/interfaces/IProtocolParameters.sol";
import {Parameter} from "cotrain/types/CotrainTypes.sol";

/// @dev A protocol stand-in whose clock and parameters can be set, or made to revert as a broken upgrade would.
contract ClockStub {
    uint256 public clock;
    bool public clockReverts;
    bool public parametersRevert;

    function set(uint256 clock_, bool clockReverts_, bool parametersRevert_) external {
        (clock, clockReverts, parametersRevert) = (clock_, clockReverts_, parametersRevert_);
    }

    function protocolClock() external view returns (uint256) {
        require(!clockReverts, "no clock");
        return clock;
    }

    function parameter(Parameter) external view returns (uint256) {
        require(!parametersRevert, "no parameters");
        return 10;
    }
}

contract CotrainTimelockTest is CoreTestHelpers {
    uint256 internal constant DELAY = 1 hours;

    CotrainTimelock internal timelock;
    address internal governor = makeAddr("governor");
    bytes internal call;

    function setUp() public override {
        super.setUp();
        timelock = _timelockOf(protocol);
        bytes32 parameterRole = protocol.PARAMETER_ROLE();
        vm.prank(admin);
        protocol.grantRole(parameterRole, address(timelock));
        call = abi.encodeCall(IProtocolParameters.setParameter, (Parameter.ModelUpdateReward, 7 * TOKEN));
    }

    function _timelockOf(ICotrainProtocol clockSource) internal returns (CotrainTimelock) {
        address[] memory governors = new address[](1);
        governors[0] = governor;
        return new CotrainTimelock(DELAY, clockSource, governors, governors, address(0));
    }

    function _schedule(CotrainTimelock on) internal returns (bytes32 id) {
        vm.prank(governor);
        on.schedule(address(protocol), 0, call, bytes32(0), bytes32(0), DELAY);
        return on.hashOperation(address(protocol), 0, call, bytes32(0), bytes32(0));
    }

    function _roundBlocks() internal view returns (uint256) {
        return protocol.parameter(Parameter.SubmissionBlocks) + protocol.parameter(Parameter.CommitBlocks)
            + protocol.parameter(Parameter.RevealBlocks);
    }

    function test_exitBlocks_isTwoRoundsAndTheLongerUnbondingDelay() public {
        uint256 validators = protocol.parameter(Parameter.ValidatorUnbondingBlocks);
        assertEq(timelock.exitBlocks(), 2 * _roundBlocks() + validators);
        setParam(Parameter.ContributorUnbondingBlocks, validators + 5);
        assertEq(timelock.exitBlocks(), 2 * _roundBlocks() + validators + 5);
    }

    function test_schedule_recordsTheExitWindowOnTheProtocolClock() public {
        vm.roll(block.number + 3);
        uint256 expected = protocol.protocolClock() + timelock.exitBlocks();
        bytes32 id = timelock.hashOperation(address(protocol), 0, call, bytes32(0), bytes32(0));
        vm.expectEmit(true, true, true, true, address(timelock));
        emit CotrainTimelock.ExitWindowScheduled(id, expected);
        _schedule(timelock);
        assertEq(timelock.readyClock(id), expected);
    }

    function test_getOperationState_waitsForTheDelayAndTheExitWindowBoth() public {
        bytes32 id = _schedule(timelock);
        uint256 start = block.number;
        uint256 startTime = block.timestamp;

        vm.warp(startTime + DELAY); // seconds alone
        assertEq(uint8(timelock.getOperationState(id)), uint8(TimelockController.OperationState.Waiting));
        vm.warp(startTime);
        vm.roll(start + timelock.exitBlocks()); // blocks alone
        assertEq(uint8(timelock.getOperationState(id)), uint8(TimelockController.OperationState.Waiting));
        vm.roll(start + timelock.exitBlocks() - 1);
        vm.warp(startTime + DELAY);
        assertFalse(timelock.isOperationReady(id));
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                id,
                bytes32(1 << uint8(TimelockController.OperationState.Ready))
            )
        );
        vm.prank(governor);
        timelock.execute(address(protocol), 0, call, bytes32(0), bytes32(0));

        vm.roll(start + timelock.exitBlocks());
        assertTrue(timelock.isOperationReady(id));
        vm.prank(governor);
        timelock.execute(address(protocol), 0, call, bytes32(0), bytes32(0));
        assertTrue(timelock.isOperationDone(id));
        assertEq(protocol.parameter(Parameter.ModelUpdateReward), 7 * TOKEN);
    }

    function test_getOperationState_pauseStopsTheExitWindow() public {
        bytes32 id = _schedule(timelock);
        uint256 ready = timelock.readyClock(id);
        pauseProtocol();
        vm.roll(block.number + 10 * timelock.exitBlocks());
        vm.warp(block.timestamp + 10 * DELAY);
        assertFalse(timelock.isOperationReady(id));
        vm.prank(admin);
        protocol.unpause();
        vm.roll(block.number + ready - protocol.protocolClock());
        assertTrue(timelock.isOperationReady(id));
    }

    function test_scheduleBatch_recordsTheExitWindowToo() public {
        address[] memory targets = new address[](1);
        targets[0] = address(protocol);
        bytes[] memory payloads = new bytes[](1);
        payloads[0] = call;
        uint256[] memory values = new uint256[](1);
        vm.prank(governor);
        timelock.scheduleBatch(targets, values, payloads, bytes32(0), bytes32(0), DELAY);
        bytes32 id = timelock.hashOperationBatch(targets, values, payloads, bytes32(0), bytes32(0));
        assertEq(timelock.readyClock(id), protocol.protocolClock() + timelock.exitBlocks());
        vm.warp(block.timestamp + DELAY);
        assertFalse(timelock.isOperationReady(id));
        vm.roll(block.number + timelock.exitBlocks());
        vm.prank(governor);
        timelock.executeBatch(targets, values, payloads, bytes32(0), bytes32(0));
        assertEq(protocol.parameter(Parameter.ModelUpdateReward), 7 * TOKEN);
    }

    function test_schedule_revertsForAnyoneButAProposer() public {
        vm.expectRevert();
        vm.prank(admin);
        timelock.schedule(address(protocol), 0, call, bytes32(0), bytes32(0), DELAY);
    }

    /// A protocol that cannot tell its parameters or its clock (a broken upgrade) must stay repairable: its
    /// operations wait for their delay in seconds only.
    function test_schedule_protocolWithoutParametersFallsBackToTheDelay() public {
        _assertScheduledOnTheDelayOnly(false, true);
    }

    function test_schedule_protocolWithoutAClockFallsBackToTheDelay() public {
        _assertScheduledOnTheDelayOnly(true, false);
    }

    function _assertScheduledOnTheDelayOnly(bool clockReverts, bool parametersRevert) internal {
        ClockStub stub = new ClockStub();
        stub.set(100, clockReverts, parametersRevert);
        CotrainTimelock fallbackTimelock = _timelockOf(ICotrainProtocol(address(stub)));
        bytes32 id = _schedule(fallbackTimelock);
        assertEq(fallbackTimelock.readyClock(id), 0);
        vm.warp(block.timestamp + DELAY);
        assertTrue(fallbackTimelock.isOperationReady(id));
    }

    /// An execution that changes the exit window holds every operation, pending or scheduled later, for the longer
    /// window; one that leaves it alone holds nothing.
    function test_execute_changingTheExitWindowRaisesTheFloor() public {
        bytes32 other = _schedule(timelock); // sets ModelUpdateReward: leaves the window alone
        bytes memory lengthen =
            abi.encodeCall(IProtocolParameters.setParameter, (Parameter.ValidatorUnbondingBlocks, 1_000));
        vm.prank(governor);
        timelock.schedule(address(protocol), 0, lengthen, bytes32(0), bytes32(0), DELAY);
        vm.warp(block.timestamp + DELAY);
        vm.roll(block.number + timelock.exitBlocks());

        uint256 before = timelock.exitBlocks();
        uint256 expected = protocol.protocolClock() + 2 * _roundBlocks() + 1_000;
        vm.expectEmit(true, true, true, true, address(timelock));
        emit CotrainTimelock.ExitFloorRaised(expected);
        vm.prank(governor);
        timelock.execute(address(protocol), 0, lengthen, bytes32(0), bytes32(0));
        assertGt(timelock.exitBlocks(), before);
        assertEq(timelock.exitFloor(), expected);
        assertFalse(timelock.isOperationReady(other)); // it was ready a moment ago

        vm.roll(block.number + expected - protocol.protocolClock());
        assertTrue(timelock.isOperationReady(other));
        vm.prank(governor);
        timelock.execute(address(protocol), 0, call, bytes32(0), bytes32(0));
        assertEq(timelock.exitFloor(), expected); // a reward change moves no floor
    }

    /// An execution that leaves the protocol without a clock sets no floor: operations wait for their delay only.
    function test_execute_noFloorWithoutAClock() public {
        ClockStub stub = new ClockStub();
        stub.set(100, false, true); // parameters unreadable: the window is unknown before
        CotrainTimelock fallbackTimelock = _timelockOf(ICotrainProtocol(address(stub)));
        bytes memory breakClock = abi.encodeCall(ClockStub.set, (100, true, false)); // known after, clock lost
        vm.prank(governor);
        fallbackTimelock.schedule(address(stub), 0, breakClock, bytes32(0), bytes32(0), DELAY);
        vm.warp(block.timestamp + DELAY);
        vm.prank(governor);
        fallbackTimelock.execute(address(stub), 0, breakClock, bytes32(0), bytes32(0));
        assertEq(fallbackTimelock.exitFloor(), 0);
    }

    function test_getOperationState_clockLostAfterSchedulingFallsBackToTheDelay() public {
        ClockStub stub = new ClockStub();
        stub.set(100, false, false);
        CotrainTimelock fallbackTimelock = _timelockOf(ICotrainProtocol(address(stub)));
        bytes32 id = _schedule(fallbackTimelock);
        assertEq(fallbackTimelock.readyClock(id), 100 + 2 * 30 + 10);
        vm.warp(block.timestamp + DELAY);
        assertFalse(fallbackTimelock.isOperationReady(id));
        stub.set(100, true, false);
        assertTrue(fallbackTimelock.isOperationReady(id));
    }
}
