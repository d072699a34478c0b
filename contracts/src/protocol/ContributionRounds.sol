// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IContributionRounds} from "../interfaces/IContributionRounds.sol";
import {ICotrainErrors} from "../interfaces/ICotrainErrors.sol";
import {Bitmaps32} from "../libraries/Bitmaps32.sol";
import {ContributionStatus, ContributionType, Parameter, RoundPhase} from "../types/CotrainTypes.sol";
import {ContributorStaking} from "./ContributorStaking.sol";
import {ValidatorSetClient} from "./ValidatorSetClient.sol";

/// @title Contributions, their pipelined rounds, and the protocol clock
/// @dev The protocol clock counts blocks while the protocol is not paused. Round r accepts submissions in
/// [submissionEnd(r) - submissionBlocks, submissionEnd(r)) on that clock, where
/// submissionEnd(r) = anchorClock + (r + 1 - anchorRound) * submissionBlocks. Changing submissionBlocks re-anchors
/// the schedule at the start of the next round, so the round in progress keeps its end. A round's commit and
/// reveal deadlines and its parameter version are fixed in storage when it receives its first contribution; until
/// then the view of the round open now derives them from the schedule and the latest version, as _openRound would.
///
/// Contributions are stored by content digest, one slot each: the digest is the key (which makes a second
/// submission of it detectable for free) and the slot holds the contributor, round, position, task, kind, status
/// and score. Positions are dense per round, so finalize is given the digests in position order and checks each.
/// Every round records the next round opened after it, a list the settlement frontier walks.
abstract contract ContributionRounds is ContributorStaking, ValidatorSetClient {
    uint256 private constant PAUSED = 1 << 47; // flag in Schedule.clockState
    /// @dev Rounds the settlement frontier advances over in one call; a longer run of rounds finalized out of
    /// order is walked by the next finalize calls.
    uint256 private constant FRONTIER_STEPS = 16;

    struct Schedule {
        // one slot, read and written by every submission
        uint40 anchorClock;
        uint32 anchorRound;
        uint40 nextContributionId;
        uint32 headRound; // the newest round with contributions
        uint16 headCount; // its contributions so far (its count is stored when a later round opens)
        uint24 headVersion; // the parameter version it opened with
        uint24 latestVersion; // the parameter version new rounds open with
        // running: blocks spent paused so far (clock = block.number - clockState); paused: PAUSED | frozen clock
        uint48 clockState;
    }

    struct Round {
        // slot 0: fixed when the round opens, except the finalize cursor
        uint40 firstContributionId; // 0 = the round has no contributions
        uint40 submissionEnd; // protocol clock
        uint40 commitEnd;
        uint40 revealEnd;
        uint32 finalizedCount;
        uint24 version;
        // slot 1: validator bitmaps by index, written by commits, reveals and the first finalize call, and the
        // count and successor link, written when the next round opens
        uint32 expectedMask;
        uint32 committedMask;
        uint32 revealedMask;
        uint16 contributionCount; // valid once a later round opened; see _roundCount
        uint32 nextRound; // the next round opened after this one (round 0's is the first round)
        bool validatorsSettled; // absence penalties applied and quorum decided
        bool quorumReached;
        uint32 ringPrevious; // the round whose score storage this one took over at its first commit (ScoreConsensus)
        uint40 servedTaskPlusOne; // the task the last submission found served (see _requireServed), plus one
    }

    struct Contribution {
        address contributor; // zero = unknown digest
        uint32 round;
        uint16 position; // id - the round's first id
        uint32 taskId;
        uint8 kindAndStatus; // ContributionType | ContributionStatus << 4
        uint8 consensusScore;
    }

    /// @custom:storage-location erc7201:cotrain.storage.Rounds
    struct RoundsStorage {
        Schedule schedule;
        mapping(uint256 round => Round) rounds;
        mapping(bytes32 contentDigest => Contribution) contributions;
        uint256 settledThrough; // every round <= this one is finalized
    }

    // keccak256(abi.encode(uint256(keccak256("cotrain.storage.Rounds")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ROUNDS_STORAGE = 0xbe6b151c17eac79013d7c3cb13f9830d889e2f3765cd308c5a2c29b6db144800;

    function _rounds() internal pure returns (RoundsStorage storage $) {
        assembly {
            $.slot := ROUNDS_STORAGE
        }
    }

    function _initializeSchedule() internal {
        Schedule storage schedule = _rounds().schedule;
        schedule.anchorClock = uint40(block.number);
        schedule.anchorRound = 1;
        schedule.nextContributionId = 1;
    }

    // ---- clock and pause --------------------------------------------------------------------------------------

    /// @dev The clock, reverting while paused: every state change of a round needs a running protocol.
    function _runningClock() internal view returns (uint256) {
        uint256 state = _rounds().schedule.clockState;
        if (state & PAUSED != 0) revert ICotrainErrors.ProtocolPaused();
        return block.number - state;
    }

    function _clock() internal view returns (uint256) {
        uint256 state = _rounds().schedule.clockState;
        return state & PAUSED != 0 ? state & ~PAUSED : block.number - state;
    }

    function _paused() internal view returns (bool) {
        return _rounds().schedule.clockState & PAUSED != 0;
    }

    /// @dev Freezes the clock at its current value.
    function _pauseClock() internal {
        Schedule storage schedule = _rounds().schedule;
        schedule.clockState = uint48(PAUSED | (block.number - schedule.clockState));
    }

    /// @dev Resumes the clock from its frozen value.
    function _resumeClock() internal {
        Schedule storage schedule = _rounds().schedule;
        schedule.clockState = uint48(block.number - (schedule.clockState & ~PAUSED));
    }

    /// @dev The block at which the clock reads `clockValue`, if no further pause happens.
    function _toBlock(uint256 clockValue) internal view returns (uint256) {
        return clockValue + block.number - _clock();
    }

    // ---- parameters' latest version, kept in the schedule ------------------------------------------------------

    function _latestVersion() internal view override returns (uint256) {
        return _rounds().schedule.latestVersion;
    }

    function _setLatestVersion(uint256 version) internal override {
        _rounds().schedule.latestVersion = uint24(version);
    }

    // ---- submissions ------------------------------------------------------------------------------------------

    /// @dev Records a contribution of msg.sender in the round open now and locks its stake.
    function _submit(uint8 kind, bytes32 contentDigest, uint256 taskId) internal returns (uint256 id) {
        if (kind > uint8(type(ContributionType).max)) revert IContributionRounds.UnknownContributionType(kind);
        if (contentDigest == bytes32(0)) revert IContributionRounds.ZeroContentDigest();
        if (taskId > type(uint32).max) revert IContributionRounds.TaskIdTooLarge(taskId);
        RoundsStorage storage $ = _rounds();
        Contribution storage record = $.contributions[contentDigest];
        if (record.contributor != address(0)) {
            revert IContributionRounds.DuplicateContent(contentDigest, _idOf(record.round, record.position));
        }

        Schedule memory schedule = $.schedule;
        if (schedule.clockState & PAUSED != 0) revert ICotrainErrors.ProtocolPaused();
        uint256 clock = block.number - schedule.clockState;
        uint256 round = _currentRound(schedule, clock, _paramAt(schedule.latestVersion, Parameter.SubmissionBlocks));
        if (round != schedule.headRound) _openRound($, schedule, round);
        uint256 version = schedule.headVersion;
        uint256 position = schedule.headCount;
        uint256 maxPerRound = _paramAt(version, Parameter.MaxContributionsPerRound);
        if (position >= maxPerRound) revert IContributionRounds.RoundFull(round, maxPerRound);
        _requireServed($.rounds[round], taskId, round, version);
        id = schedule.nextContributionId;
        schedule.nextContributionId = uint40(id + 1);
        schedule.headCount = uint16(position + 1); // < maxPerRound <= 65535
        $.schedule = schedule;

        _lockContributionStake(
            msg.sender,
            round,
            _paramAt(version, Parameter.StakePerContribution),
            _paramAt(version, Parameter.MaxContributionsPerContributor)
        );
        $.contributions[contentDigest] = Contribution({
            contributor: msg.sender,
            round: uint32(round),
            position: uint16(position),
            taskId: uint32(taskId),
            kindAndStatus: _packState(ContributionType(kind), ContributionStatus.Pending),
            consensusScore: 0
        });
        emit IContributionRounds.ContributionSubmitted(
            id, msg.sender, ContributionType(kind), contentDigest, taskId, round
        );
    }

    /// @dev A quorum of the round's expected validators must serve the task, as a quorum of them must commit for a
    /// round to be scored: fewer could only release its contributions, or leave them to a validator that never
    /// holds the task's held-out set. With no validator expected, nobody is required and the round is released.
    /// A round's expected validators and its tasks' servers are fixed from its first submission, so the answer for
    /// the task of the previous submission is remembered: a run of submissions to one task asks the registry once.
    function _requireServed(Round storage entry, uint256 taskId, uint256 round, uint256 version) private {
        if (entry.servedTaskPlusOne == taskId + 1) return;
        uint256 expected = entry.expectedMask;
        uint256 servers = Bitmaps32.popCount(VALIDATORS.servingMask(taskId, round) & expected);
        uint256 required = (_paramAt(version, Parameter.QuorumBps) * Bitmaps32.popCount(expected) + BPS - 1) / BPS;
        if (servers < required) revert IContributionRounds.TaskUnderserved(taskId, servers, required);
        entry.servedTaskPlusOne = uint40(taskId + 1);
    }

    // ---- reads ------------------------------------------------------------------------------------------------

    function _contributionView(bytes32 contentDigest)
        internal
        view
        returns (IContributionRounds.ContributionView memory)
    {
        Contribution storage entry = _rounds().contributions[contentDigest];
        if (entry.contributor == address(0)) revert IContributionRounds.UnknownContribution(contentDigest);
        (ContributionType kind, ContributionStatus status) = _unpackState(entry.kindAndStatus);
        return IContributionRounds.ContributionView({
            id: _idOf(entry.round, entry.position),
            contributor: entry.contributor,
            kind: kind,
            status: status,
            consensusScore: entry.consensusScore,
            round: entry.round,
            taskId: entry.taskId,
            contentDigest: contentDigest
        });
    }

    function _roundView(uint256 round) internal view returns (IContributionRounds.RoundView memory info) {
        Round storage entry = _rounds().rounds[round];
        uint256 clock = _clock();
        if (entry.firstContributionId == 0) {
            uint256 current = _roundAt(clock);
            info.phase = round >= current ? RoundPhase.Submission : RoundPhase.Finalized;
            info.parameterVersion = _latestVersion();
            // the round open now, before its first contribution: the windows a contribution now would fix for it
            if (round == current) {
                uint256 submissionEnd = _submissionEnd(_rounds().schedule, round, _param(Parameter.SubmissionBlocks));
                uint256 commitEnd = submissionEnd + _param(Parameter.CommitBlocks);
                info.submissionEndBlock = _toBlock(submissionEnd);
                info.commitEndBlock = _toBlock(commitEnd);
                info.revealEndBlock = _toBlock(commitEnd + _param(Parameter.RevealBlocks));
            }
            return info;
        }
        uint256 count = _roundCount(round, entry);
        info = IContributionRounds.RoundView({
            exists: true,
            phase: _phase(entry, count, clock),
            firstContributionId: entry.firstContributionId,
            contributionCount: count,
            finalizedCount: entry.finalizedCount,
            submissionEndBlock: _toBlock(entry.submissionEnd),
            commitEndBlock: _toBlock(entry.commitEnd),
            revealEndBlock: _toBlock(entry.revealEnd),
            expectedValidators: entry.expectedMask,
            committedValidators: entry.committedMask,
            revealedValidators: entry.revealedMask,
            quorumReached: entry.quorumReached,
            parameterVersion: entry.version
        });
    }

    function _roundNow() internal view returns (uint256) {
        return _roundAt(_clock());
    }

    function _nextContributionId() internal view returns (uint256) {
        return _rounds().schedule.nextContributionId;
    }

    function _latestRound() internal view returns (uint256) {
        return _rounds().schedule.headRound;
    }

    function _settledThrough() internal view returns (uint256) {
        return _rounds().settledThrough;
    }

    /// @dev The version that prices `round`: the one it opened with, or the latest for a round not opened yet.
    function _versionOf(uint256 round) internal view returns (uint256) {
        Round storage entry = _rounds().rounds[round];
        return entry.firstContributionId == 0 ? _latestVersion() : entry.version;
    }

    /// @dev How many contributions an existing round has.
    function _roundCount(uint256 round, Round storage entry) internal view returns (uint256) {
        Schedule storage schedule = _rounds().schedule;
        return round == schedule.headRound ? schedule.headCount : entry.contributionCount;
    }

    /// @dev The phase of an existing round with `count` contributions at protocol clock `clock`.
    function _phase(Round storage entry, uint256 count, uint256 clock) internal view returns (RoundPhase) {
        if (clock < entry.submissionEnd) return RoundPhase.Submission;
        if (clock < entry.commitEnd) return RoundPhase.Commit;
        if (clock < entry.revealEnd) return RoundPhase.Reveal;
        return entry.finalizedCount < count ? RoundPhase.Finalization : RoundPhase.Finalized;
    }

    function _idOf(uint256 round, uint256 position) internal view returns (uint256) {
        Round storage entry = _rounds().rounds[round];
        return entry.firstContributionId + position;
    }

    function _packState(ContributionType kind, ContributionStatus status) internal pure returns (uint8) {
        return uint8(kind) | (uint8(status) << 4);
    }

    function _unpackState(uint8 state) internal pure returns (ContributionType, ContributionStatus) {
        return (ContributionType(state & 0x0f), ContributionStatus(state >> 4));
    }

    // ---- settlement frontier ----------------------------------------------------------------------------------

    /// @dev Called when a round became fully finalized: moves settledThrough over the rounds finalized since, at most
    /// FRONTIER_STEPS of them (the next completion walks on: every completion may advance it that far).
    function _advanceSettled() internal {
        RoundsStorage storage $ = _rounds();
        uint256 cursor = $.settledThrough;
        uint256 start = cursor;
        for (uint256 steps = 0; steps < FRONTIER_STEPS; ++steps) {
            uint256 next = $.rounds[cursor].nextRound;
            if (next == 0) break;
            Round storage entry = $.rounds[next];
            if (entry.finalizedCount < _roundCount(next, entry)) break;
            cursor = next;
        }
        if (cursor != start) $.settledThrough = cursor;
    }

    /// @dev Before the round length changes, re-anchor the schedule at the end of the round in progress, which
    /// keeps its length. Commit and reveal lengths need nothing: open rounds have their deadlines in storage.
    function _beforeParameterUpdate(Parameter which) internal virtual override {
        if (which != Parameter.SubmissionBlocks) return;
        uint256 submissionBlocks = _param(Parameter.SubmissionBlocks);
        Schedule storage schedule = _rounds().schedule;
        Schedule memory current = schedule;
        uint256 round = _currentRound(current, _clock(), submissionBlocks);
        schedule.anchorClock = uint40(_submissionEnd(current, round, submissionBlocks));
        schedule.anchorRound = uint32(round + 1);
    }

    function _openRound(RoundsStorage storage $, Schedule memory schedule, uint256 round) private {
        Round storage previous = $.rounds[schedule.headRound];
        if (schedule.headRound != 0) previous.contributionCount = schedule.headCount; // no longer in the schedule
        previous.nextRound = uint32(round); // round 0's link is the first round
        uint256 version = schedule.latestVersion;
        uint256 submissionEnd = _submissionEnd(schedule, round, _paramAt(version, Parameter.SubmissionBlocks));
        uint256 commitEnd = submissionEnd + _paramAt(version, Parameter.CommitBlocks);
        uint256 revealEnd = commitEnd + _paramAt(version, Parameter.RevealBlocks);
        uint32 expected = VALIDATORS.activeMask();
        Round storage entry = $.rounds[round];
        entry.firstContributionId = schedule.nextContributionId;
        entry.submissionEnd = uint40(submissionEnd);
        entry.commitEnd = uint40(commitEnd);
        entry.revealEnd = uint40(revealEnd);
        entry.version = uint24(version);
        entry.expectedMask = expected;
        // stored by the caller
        schedule.headRound = uint32(round);
        schedule.headCount = 0;
        schedule.headVersion = uint24(version);
        uint256 pausedBlocks = schedule.clockState; // running (the caller checked): clock + pausedBlocks = block
        emit IContributionRounds.RoundOpened(
            round,
            schedule.nextContributionId,
            submissionEnd + pausedBlocks,
            commitEnd + pausedBlocks,
            revealEnd + pausedBlocks,
            expected,
            version
        );
    }

    function _roundAt(uint256 clock) private view returns (uint256) {
        return _currentRound(_rounds().schedule, clock, _param(Parameter.SubmissionBlocks));
    }

    function _currentRound(Schedule memory schedule, uint256 clock, uint256 submissionBlocks)
        private
        pure
        returns (uint256)
    {
        if (clock < schedule.anchorClock) return schedule.anchorRound - 1; // before a pending re-anchor
        return schedule.anchorRound + (clock - schedule.anchorClock) / submissionBlocks;
    }

    /// @dev Valid for round >= anchorRound - 1, which covers the current round and every later one.
    function _submissionEnd(Schedule memory schedule, uint256 round, uint256 submissionBlocks)
        private
        pure
        returns (uint256)
    {
        return schedule.anchorClock + (round + 1 - schedule.anchorRound) * submissionBlocks;
    }
}
