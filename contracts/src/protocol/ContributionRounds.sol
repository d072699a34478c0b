// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IContributionRounds} from "../interfaces/IContributionRounds.sol";
import {ContributionStatus, ContributionType, Parameter, RoundPhase} from "../types/CotrainTypes.sol";
import {ContributorStaking} from "./ContributorStaking.sol";
import {ValidatorSetClient} from "./ValidatorSetClient.sol";

/// @title Contributions and their block-numbered, pipelined rounds
/// @dev Round r accepts submissions in [submissionEnd(r) - submissionBlocks, submissionEnd(r)), where
/// submissionEnd(r) = anchorBlock + (r + 1 - anchorRound) * submissionBlocks. Changing submissionBlocks re-anchors
/// the schedule at the start of the next round, so the round in progress keeps its end. A round's commit and
/// reveal deadlines are fixed in storage when it receives its first contribution.
/// Contribution ids are sequential and rounds only move forward, so a round's contributions are the id range
/// [firstContributionId, firstContributionId + contributionCount).
abstract contract ContributionRounds is IContributionRounds, ContributorStaking, ValidatorSetClient {
    struct Schedule {
        // slot 0: read and written by every submission; one slot on purpose
        uint48 anchorBlock;
        uint32 anchorRound;
        uint48 nextContributionId;
        // The newest round with contributions. Its count is derived from nextContributionId, and written only
        // when a later round opens, so submissions do not pay for a round-slot write.
        uint32 headRound;
        // Latest reveal-window end of any opened round: rounds opened under longer windows may close after newer
        // ones. In slot 0 too, so keeping it costs nothing beyond the round opening's write.
        uint48 scoringDeadline;
    }

    struct Round {
        // slot 0: fixed when the round opens, except the count (on close) and the finalize cursor
        uint48 firstContributionId; // 0 = the round has no contributions
        uint32 contributionCount; // valid once a later round opened; see _roundRange
        uint48 submissionEnd;
        uint48 commitEnd;
        uint48 revealEnd;
        uint32 finalizedCount;
        // slot 1: validator bitmaps by index, written by commits, reveals and the first finalize call
        uint32 expectedMask;
        uint32 committedMask;
        uint32 revealedMask;
        bool validatorsSettled; // absence penalties applied and quorum decided
        bool quorumReached;
    }

    struct Contribution {
        // slot 0: everything finalize needs
        address contributor;
        ContributionType kind;
        ContributionStatus status;
        uint8 consensusScore;
        uint32 round;
        uint40 taskId;
        // slot 1
        bytes32 contentDigest;
    }

    /// @custom:storage-location erc7201:cotrain.storage.ContributionRounds
    struct RoundsStorage {
        Schedule schedule;
        mapping(uint256 round => Round) rounds;
        mapping(uint256 id => Contribution) contributions;
    }

    // keccak256(abi.encode(uint256(keccak256("cotrain.storage.ContributionRounds")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ROUNDS_STORAGE = 0xe4d6f322a1f0fe0c143658e8ca94545285740d4ddd81ce7d127038eaa2f2c300;

    function _rounds() internal pure returns (RoundsStorage storage $) {
        assembly {
            $.slot := ROUNDS_STORAGE
        }
    }

    function _initializeSchedule() internal {
        Schedule storage schedule = _rounds().schedule;
        schedule.anchorBlock = uint48(block.number);
        schedule.anchorRound = 1;
        schedule.nextContributionId = 1;
    }

    /// @inheritdoc IContributionRounds
    function submitContribution(uint8 kind, bytes32 contentDigest, uint256 taskId)
        external
        whenNotPaused
        returns (uint256 id)
    {
        if (kind > uint8(type(ContributionType).max)) revert UnknownContributionType(kind);
        if (contentDigest == bytes32(0)) revert ZeroContentDigest();
        if (taskId > type(uint40).max) revert TaskIdTooLarge(taskId);

        RoundsStorage storage $ = _rounds();
        Schedule memory schedule = $.schedule;
        uint256 submissionBlocks = _param(Parameter.SubmissionBlocks);
        uint256 round = _currentRound(schedule, submissionBlocks);
        if (round != schedule.headRound) _openRound($, schedule, round, submissionBlocks);
        id = schedule.nextContributionId;
        schedule.nextContributionId = uint48(id + 1);
        $.schedule = schedule;

        _lockContributionStake(msg.sender, _param(Parameter.StakePerContribution));
        $.contributions[id] = Contribution({
            contributor: msg.sender,
            kind: ContributionType(kind),
            status: ContributionStatus.Pending,
            consensusScore: 0,
            round: uint32(round),
            taskId: uint40(taskId),
            contentDigest: contentDigest
        });
        emit ContributionSubmitted(id, msg.sender, ContributionType(kind), contentDigest, taskId, round);
    }

    /// @inheritdoc IContributionRounds
    function contribution(uint256 id) external view returns (ContributionView memory) {
        Contribution storage entry = _rounds().contributions[id];
        if (entry.contributor == address(0)) revert UnknownContribution(id);
        return ContributionView({
            contributor: entry.contributor,
            kind: entry.kind,
            status: entry.status,
            consensusScore: entry.consensusScore,
            round: entry.round,
            taskId: entry.taskId,
            contentDigest: entry.contentDigest
        });
    }

    /// @inheritdoc IContributionRounds
    function currentRound() external view returns (uint256) {
        return _roundNow();
    }

    /// @inheritdoc IContributionRounds
    function scoringDeadline() external view returns (uint256) {
        return _rounds().schedule.scoringDeadline;
    }

    /// @inheritdoc IContributionRounds
    function nextContributionId() external view returns (uint256) {
        return _rounds().schedule.nextContributionId;
    }

    /// @inheritdoc IContributionRounds
    function roundInfo(uint256 round) external view returns (RoundView memory info) {
        Round storage entry = _rounds().rounds[round];
        if (entry.firstContributionId == 0) {
            info.phase = round >= _roundNow() ? RoundPhase.Submission : RoundPhase.Finalized;
            return info;
        }
        (uint256 first, uint256 count) = _roundRange(round);
        info = RoundView({
            exists: true,
            phase: _phase(entry, count),
            firstContributionId: first,
            contributionCount: count,
            finalizedCount: entry.finalizedCount,
            submissionEndBlock: entry.submissionEnd,
            commitEndBlock: entry.commitEnd,
            revealEndBlock: entry.revealEnd,
            expectedValidators: entry.expectedMask,
            committedValidators: entry.committedMask,
            revealedValidators: entry.revealedMask,
            quorumReached: entry.quorumReached
        });
    }

    /// @dev The first contribution id of `round` and how many it has; (0, 0) for a round without any.
    function _roundRange(uint256 round) internal view returns (uint256 first, uint256 count) {
        RoundsStorage storage $ = _rounds();
        Round storage entry = $.rounds[round];
        first = entry.firstContributionId; // callers make sure the round exists
        Schedule storage schedule = $.schedule;
        count = round == schedule.headRound ? schedule.nextContributionId - first : entry.contributionCount;
    }

    /// @dev The phase of an existing round with `count` contributions.
    function _phase(Round storage entry, uint256 count) internal view returns (RoundPhase) {
        if (block.number < entry.submissionEnd) return RoundPhase.Submission;
        if (block.number < entry.commitEnd) return RoundPhase.Commit;
        if (block.number < entry.revealEnd) return RoundPhase.Reveal;
        return entry.finalizedCount < count ? RoundPhase.Finalization : RoundPhase.Finalized;
    }

    function _roundNow() internal view returns (uint256) {
        return _currentRound(_rounds().schedule, _param(Parameter.SubmissionBlocks));
    }

    /// @dev Before the round length changes, re-anchor the schedule at the end of the round in progress, which
    /// keeps its length. Commit and reveal lengths need nothing: open rounds have their deadlines in storage.
    function _beforeParameterUpdate(Parameter which) internal virtual override {
        if (which != Parameter.SubmissionBlocks) return;
        uint256 submissionBlocks = _param(Parameter.SubmissionBlocks);
        if (submissionBlocks == 0) return; // set for the first time by initialize
        Schedule storage schedule = _rounds().schedule;
        Schedule memory current = schedule;
        uint256 round = _currentRound(current, submissionBlocks);
        schedule.anchorBlock = uint48(_submissionEnd(current, round, submissionBlocks));
        schedule.anchorRound = uint32(round + 1);
    }

    function _openRound(RoundsStorage storage $, Schedule memory schedule, uint256 round, uint256 submissionBlocks)
        private
    {
        if (schedule.headRound != 0) {
            // close the previous head: from now on its count is no longer derivable from nextContributionId
            Round storage previous = $.rounds[schedule.headRound];
            previous.contributionCount = uint32(schedule.nextContributionId - previous.firstContributionId);
        }
        uint256 submissionEnd = _submissionEnd(schedule, round, submissionBlocks);
        uint256 commitEnd = submissionEnd + _param(Parameter.CommitBlocks);
        uint256 revealEnd = commitEnd + _param(Parameter.RevealBlocks);
        uint32 expected = VALIDATORS.activeMask();
        Round storage entry = $.rounds[round];
        entry.firstContributionId = schedule.nextContributionId;
        entry.submissionEnd = uint48(submissionEnd);
        entry.commitEnd = uint48(commitEnd);
        entry.revealEnd = uint48(revealEnd);
        entry.expectedMask = expected;
        schedule.headRound = uint32(round); // stored by the caller with the next contribution id
        if (revealEnd > schedule.scoringDeadline) schedule.scoringDeadline = uint48(revealEnd);
        emit RoundOpened(round, schedule.nextContributionId, submissionEnd, commitEnd, revealEnd, expected);
    }

    function _currentRound(Schedule memory schedule, uint256 submissionBlocks) private view returns (uint256) {
        if (block.number < schedule.anchorBlock) return schedule.anchorRound - 1; // before a pending re-anchor
        return schedule.anchorRound + (block.number - schedule.anchorBlock) / submissionBlocks;
    }

    /// @dev Valid for round >= anchorRound - 1, which covers the current round and every later one.
    function _submissionEnd(Schedule memory schedule, uint256 round, uint256 submissionBlocks)
        private
        pure
        returns (uint256)
    {
        return schedule.anchorBlock + (round + 1 - schedule.anchorRound) * submissionBlocks;
    }
}
