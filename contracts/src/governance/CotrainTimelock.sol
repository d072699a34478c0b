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
contract CotrainTimelock is TimelockController {
    /// @notice The protocol whose clock and parameters measure the exit window.
    ICotrainProtocol public immutable PROTOCOL;

    // the protocol clock at which each scheduled operation may execute, as far as exits are concerned
    mapping(bytes32 id => uint256) private _readyClock;

    /// @notice Operation `id` may execute once the protocol clock reads `readyClock` (and its delay has passed).
    event ExitWindowScheduled(bytes32 indexed id, uint256 readyClock);

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

    /// @notice A scheduled operation is Ready only once the protocol clock reached its exit window too; until then it
    /// reads Waiting.
    /// @inheritdoc TimelockController
    function getOperationState(bytes32 id) public view override returns (OperationState state) {
        state = super.getOperationState(id);
        if (state == OperationState.Ready && !_exitWindowPassed(_readyClock[id])) state = OperationState.Waiting;
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

    /// @notice The protocol clock reading from which operation `id` may execute (0 when it was never scheduled).
    /// @param id the operation
    /// @return clock the protocol clock reading
    function readyClock(bytes32 id) external view returns (uint256 clock) {
        return _readyClock[id];
    }

    function _scheduleExitWindow(bytes32 id) private {
        uint256 ready;
        // A protocol that can no longer tell its clock or parameters (a broken upgrade) must stay repairable: its
        // operations then wait for their delay in seconds only.
        try this.exitBlocks() returns (uint256 blocks) {
            try PROTOCOL.protocolClock() returns (uint256 clock) {
                ready = clock + blocks;
            } catch {}
        } catch {}
        _readyClock[id] = ready;
        emit ExitWindowScheduled(id, ready);
    }

    function _exitWindowPassed(uint256 ready) private view returns (bool) {
        if (ready == 0) return true;
        try PROTOCOL.protocolClock() returns (uint256 clock) {
            return clock >= ready;
        } catch {
            return true; // see _scheduleExitWindow
        }
    }
}
