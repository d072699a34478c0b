// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {ICotrainProtocol} from "../interfaces/ICotrainProtocol.sol";
import {ExitWindow} from "../libraries/ExitWindow.sol";
import {Parameter} from "../types/CotrainTypes.sol";

/// @title The governance timelock: an OpenZeppelin TimelockController whose operations also wait until everyone who
/// had funds in the protocol when they were scheduled could have taken them out
/// @notice Exits are measured on the protocol clock, which stops while the protocol is paused (validator unbonding
/// and round windows run on it), while the TimelockController's delay runs on timestamps. A delay in seconds alone
/// would let a governor who can also pause schedule an upgrade, pause until the delay has passed, and execute it while
/// every exit is frozen. So an operation is ready only once both hold: its delay in seconds has passed, and the
/// protocol clock has advanced by the exit window (see `exitBlocks`) since it was scheduled.
///
/// An executed operation can change the exit window itself: lengthen the unbonding delays (exits requested from then on
/// take longer than the window pending operations were scheduled with) or shorten the rounds (rounds opened under the
/// longer windows keep exits waiting longer than the new window says). So whenever an execution changes the exit
/// window, no operation may execute until the protocol clock has advanced by the longer of the two windows since.
contract CotrainTimelock is TimelockController {
    /// @notice The protocol whose clock and parameters measure the exit window.
    ICotrainProtocol public immutable PROTOCOL;

    // the protocol clock at which each scheduled operation may execute, as far as exits are concerned
    mapping(bytes32 id => uint256) private _readyClock;
    // the protocol clock before which no operation may execute: set by executions that changed the exit window
    uint256 private _exitFloor;

    /// @notice Operation `id` may execute once the protocol clock reads `readyClock` (and its delay has passed).
    event ExitWindowScheduled(bytes32 indexed id, uint256 readyClock);
    /// @notice An execution changed the exit window: no operation may execute before the protocol clock reads `clock`.
    event ExitFloorRaised(uint256 clock);

    /// @param minDelay the minimum delay in seconds, as TimelockController's
    /// @param protocol the protocol proxy
    /// @param proposers accounts that schedule and cancel
    /// @param executors accounts that execute (address(0) for anyone)
    /// @param admin an optional extra admin of the timelock's own roles (address(0) for none)
    constructor(
        uint256 minDelay,
        ICotrainProtocol protocol,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {
        PROTOCOL = protocol;
    }

    /// @inheritdoc TimelockController
    function schedule(
        address target,
        uint256 value,
        bytes calldata data,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) public override {
        super.schedule(target, value, data, predecessor, salt, delay);
        _scheduleExitWindow(hashOperation(target, value, data, predecessor, salt));
    }

    /// @inheritdoc TimelockController
    function scheduleBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) public override {
        super.scheduleBatch(targets, values, payloads, predecessor, salt, delay);
        _scheduleExitWindow(hashOperationBatch(targets, values, payloads, predecessor, salt));
    }

    /// @inheritdoc TimelockController
    function execute(address target, uint256 value, bytes calldata payload, bytes32 predecessor, bytes32 salt)
        public
        payable
        override
    {
        uint256 windowBefore = _exitBlocksOrZero();
        super.execute(target, value, payload, predecessor, salt);
        _afterExecution(windowBefore);
    }

    /// @inheritdoc TimelockController
    function executeBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt
    ) public payable override {
        uint256 windowBefore = _exitBlocksOrZero();
        super.executeBatch(targets, values, payloads, predecessor, salt);
        _afterExecution(windowBefore);
    }

    /// @notice A scheduled operation is Ready only once the protocol clock reached its exit window and the exit floor
    /// too; until then it reads Waiting.
    /// @inheritdoc TimelockController
    function getOperationState(bytes32 id) public view override returns (OperationState state) {
        state = super.getOperationState(id);
        if (state == OperationState.Ready && !_exitWindowPassed(id)) state = OperationState.Waiting;
    }

    /// @notice How far the protocol clock must advance after an operation is scheduled before it may execute: the
    /// exit window (see ExitWindow) under the protocol's parameters as they stand now.
    /// @return blocks protocol clock blocks
    function exitBlocks() public view returns (uint256 blocks) {
        uint256 round = PROTOCOL.parameter(Parameter.SubmissionBlocks) + PROTOCOL.parameter(Parameter.CommitBlocks)
            + PROTOCOL.parameter(Parameter.RevealBlocks);
        return ExitWindow.blocks(
            round,
            PROTOCOL.parameter(Parameter.ValidatorUnbondingBlocks),
            PROTOCOL.parameter(Parameter.ContributorUnbondingBlocks)
        );
    }

    /// @notice The protocol clock reading from which operation `id` may execute (0 when it was never scheduled), as
    /// far as its own exit window goes; see also `exitFloor`.
    /// @param id the operation
    /// @return clock the protocol clock reading
    function readyClock(bytes32 id) external view returns (uint256 clock) {
        return _readyClock[id];
    }

    /// @notice The protocol clock reading before which no operation may execute: an execution that changed the exit
    /// window set it.
    /// @return clock the protocol clock reading
    function exitFloor() external view returns (uint256 clock) {
        return _exitFloor;
    }

    function _scheduleExitWindow(bytes32 id) private {
        uint256 ready;
        // A protocol that can no longer tell its clock or parameters (a broken upgrade) must stay repairable: its
        // operations then wait for their delay in seconds only.
        uint256 window = _exitBlocksOrZero();
        (bool known, uint256 clock) = _clock();
        if (window != 0 && known) ready = clock + window;
        _readyClock[id] = ready;
        emit ExitWindowScheduled(id, ready);
    }

    /// @dev After an execution that changed the exit window, nothing executes until the longer window has passed.
    function _afterExecution(uint256 windowBefore) private {
        uint256 windowAfter = _exitBlocksOrZero();
        if (windowAfter == windowBefore) return;
        (bool known, uint256 clock) = _clock();
        if (!known) return; // see _scheduleExitWindow
        // this operation was ready, so the clock is at or past the floor: the new one is later
        uint256 floor = clock + (windowAfter > windowBefore ? windowAfter : windowBefore);
        _exitFloor = floor;
        emit ExitFloorRaised(floor);
    }

    function _exitWindowPassed(bytes32 id) private view returns (bool) {
        uint256 ready = _readyClock[id];
        uint256 floor = _exitFloor;
        if (floor > ready) ready = floor;
        if (ready == 0) return true;
        (bool known, uint256 clock) = _clock();
        return !known || clock >= ready; // see _scheduleExitWindow
    }

    function _exitBlocksOrZero() private view returns (uint256) {
        try this.exitBlocks() returns (uint256 blocks) {
            return blocks;
        } catch {
            return 0;
        }
    }

    function _clock() private view returns (bool known, uint256 clock) {
        try PROTOCOL.protocolClock() returns (uint256 value) {
            return (true, value);
        } catch {
            return (false, 0);
        }
    }
}
