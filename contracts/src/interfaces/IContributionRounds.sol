// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ContributionStatus, ContributionType, RoundPhase} from "../types/CotrainTypes.sol";
import {ICotrainErrors} from "./ICotrainErrors.sol";

/// @title Contributions and the round schedule
/// @notice Rounds are pipelined: round r accepts submissions for `submissionBlocks` blocks, then its commit and
/// reveal windows follow while round r+1 already accepts submissions. A contribution belongs to the round that is
/// open when it is submitted, so there is always a round to submit to.
///
/// A contribution is identified by its content digest, the sha256 of its manifest on IPFS: a digest can be
/// submitted once, ever. Its id is its place in the global submission order; within its round it has a position
/// (id minus the round's first id), the index of its score in the validators' score arrays.
///
/// Schedules run on the protocol clock, which counts blocks while the protocol is not paused: a pause stops every
/// window and delay, and they resume where they stood. Block numbers reported by views and events are the blocks at
/// which the clock reaches the value, assuming no further pause.
interface IContributionRounds is ICotrainErrors {
    /// @notice A contribution as a client reads it.
    struct ContributionView {
        uint256 id; // global submission order
        address contributor;
        ContributionType kind;
        ContributionStatus status;
        uint8 consensusScore; // 0 until finalized with quorum, then 1..100
        uint256 round;
        uint256 taskId;
        bytes32 contentDigest; // sha256 of the contribution's manifest on IPFS
    }

    /// @notice A round as a client reads it. A round without contributions has `exists` false and every field zero
    /// except `phase` and `parameterVersion`, and, for the round open now only, its three window ends (see roundInfo).
    struct RoundView {
        bool exists; // false until its first contribution
        RoundPhase phase;
        uint256 firstContributionId;
        uint256 contributionCount;
        uint256 finalizedCount;
        uint256 submissionEndBlock; // = commit window start
        uint256 commitEndBlock; // = reveal window start
        uint256 revealEndBlock; // = finalization start
        uint256 expectedValidators; // bitmap by validator index, snapshot at the round's first contribution
        uint256 committedValidators; // bitmap
        uint256 revealedValidators; // bitmap
        bool quorumReached; // meaningful once finalization started
        uint256 parameterVersion; // the parameters that price the round (see IProtocolParameters.roundParameter)
    }

    /// @notice A contribution entered round `round`, locking stake.
    event ContributionSubmitted(
        uint256 indexed id,
        address indexed contributor,
        ContributionType kind,
        bytes32 contentDigest,
        uint256 indexed taskId,
        uint256 round
    );
    /// @notice Round `round` received its first contribution; its deadlines and parameters are fixed from now on.
    event RoundOpened(
        uint256 indexed round,
        uint256 firstContributionId,
        uint256 submissionEndBlock,
        uint256 commitEndBlock,
        uint256 revealEndBlock,
        uint256 expectedValidators,
        uint256 parameterVersion
    );

    /// @notice The content digest is zero.
    error ZeroContentDigest();
    /// @notice `contentDigest` was already submitted, as contribution `id`: the same work is paid once.
    error DuplicateContent(bytes32 contentDigest, uint256 id);
    /// @notice `kind` is not a ContributionType.
    error UnknownContributionType(uint8 kind);
    /// @notice Task ids are stored in 32 bits.
    error TaskIdTooLarge(uint256 taskId);
    /// @notice Fewer than a quorum of the round's expected validators serve task `taskId`
    /// (IValidatorRegistry.serveTask): `servers` of them do, `required` must, or nobody could judge the contribution.
    error TaskUnderserved(uint256 taskId, uint256 servers, uint256 required);
    /// @notice Round `round` already holds `maxContributions` contributions (MaxContributionsPerRound).
    error RoundFull(uint256 round, uint256 maxContributions);
    /// @notice `contributor` already submitted `maxContributions` contributions to round `round`
    /// (MaxContributionsPerContributor).
    error ContributorRoundLimit(address contributor, uint256 round, uint256 maxContributions);
    /// @notice No contribution has this content digest.
    error UnknownContribution(bytes32 contentDigest);
    /// @notice Round `round` has no contributions.
    error UnknownRound(uint256 round);
    /// @notice Round `round` is in `actual`, the call needs `expected`.
    error WrongPhase(uint256 round, RoundPhase expected, RoundPhase actual);

    /// @notice Submits a contribution to the round open now, locking that round's `stakePerContribution` of free
    /// stake. Not while paused.
    /// @param kind a ContributionType (0 model update, 1 dataset, 2 validation work)
    /// @param contentDigest sha256 of the manifest stored on IPFS (a raw CIDv1 derives from it); never submitted before
    /// @param taskId the model or task this contribution is for (< 2^32)
    /// @return id the contribution id
    function submitContribution(uint8 kind, bytes32 contentDigest, uint256 taskId) external returns (uint256 id);

    /// @notice The round that accepts submissions now.
    /// @return round round number (rounds start at 1)
    function currentRound() external view returns (uint256 round);

    /// @notice The newest round that received a contribution.
    /// @return round its number, or 0 before the first contribution
    function latestRound() external view returns (uint256 round);

    /// @notice Every round with contributions up to this one is finalized. Validator bonds stay until the rounds that
    /// expected them are all settled.
    /// @return round the newest round R such that every round <= R is finalized (0 when none is)
    function settledThrough() external view returns (uint256 round);

    /// @notice Moves settledThrough over rounds finalized out of order. Finalize does it too, up to 16 rounds per
    /// round it completes; a longer run of rounds finalized before an older one is walked by calling this.
    /// Permissionless.
    /// @return round the new settledThrough
    function advanceSettled() external returns (uint256 round);

    /// @notice Id the next contribution will get.
    /// @return id next contribution id (ids start at 1)
    function nextContributionId() external view returns (uint256 id);

    /// @notice The protocol clock: blocks elapsed while not paused, offset so that it started at the deploy block.
    /// Round windows and unbonding delays run on it.
    /// @return clock the current value (frozen while paused)
    function protocolClock() external view returns (uint256 clock);
}
