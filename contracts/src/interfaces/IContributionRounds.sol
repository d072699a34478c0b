// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ContributionStatus, ContributionType, RoundPhase} from "../types/CotrainTypes.sol";

/// @title Contributions and the block-numbered round schedule
/// @notice Rounds are pipelined: round r accepts submissions for `submissionBlocks` blocks, then its commit and
/// reveal windows follow while round r+1 already accepts submissions. A contribution belongs to the round that is
/// open when it is submitted, so there is always a round to submit to.
interface IContributionRounds {
    /// @notice A contribution as a client reads it.
    struct ContributionView {
        address contributor;
        ContributionType kind;
        ContributionStatus status;
        uint8 consensusScore; // 0 until finalized with quorum, then 1..100
        uint256 round;
        uint256 taskId;
        bytes32 contentDigest; // sha256 of the contribution's manifest on IPFS
    }

    /// @notice A round as a client reads it.
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
    /// @notice Round `round` received its first contribution; its deadlines are fixed from now on.
    event RoundOpened(
        uint256 indexed round,
        uint256 firstContributionId,
        uint256 submissionEndBlock,
        uint256 commitEndBlock,
        uint256 revealEndBlock,
        uint256 expectedValidators
    );

    /// @notice The content digest is zero.
    error ZeroContentDigest();
    /// @notice `kind` is not a ContributionType.
    error UnknownContributionType(uint8 kind);
    /// @notice Task ids are stored in 40 bits.
    error TaskIdTooLarge(uint256 taskId);
    /// @notice No contribution has this id.
    error UnknownContribution(uint256 id);
    /// @notice Round `round` has no contributions.
    error UnknownRound(uint256 round);
    /// @notice Round `round` is in `actual`, the call needs `expected`.
    error WrongPhase(uint256 round, RoundPhase expected, RoundPhase actual);

    /// @notice Submits a contribution to the round open now, locking `stakePerContribution` of free stake.
    /// @param kind a ContributionType (0 model update, 1 dataset, 2 validation work)
    /// @param contentDigest sha256 of the manifest stored on IPFS (a raw CIDv1 derives from it)
    /// @param taskId the model or task this contribution is for (< 2^40)
    /// @return id the contribution id
    function submitContribution(uint8 kind, bytes32 contentDigest, uint256 taskId) external returns (uint256 id);

    /// @notice A contribution.
    /// @param id contribution id
    /// @return contribution its record
    function contribution(uint256 id) external view returns (ContributionView memory contribution);

    /// @notice The round that accepts submissions now.
    /// @return round round number (rounds start at 1)
    function currentRound() external view returns (uint256 round);

    /// @notice A round's contributions, deadlines, validator bitmaps and phase.
    /// @param round round number
    /// @return info the round; `exists` is false for a round without contributions
    function roundInfo(uint256 round) external view returns (RoundView memory info);

    /// @notice The block at which the reveal window of every round opened so far has closed. Validator unbonding
    /// never completes before it, so no round's expected validator can leave and hand its index on mid-scoring.
    /// @return deadline the latest reveal-window end of any opened round (0 before the first round opens)
    function scoringDeadline() external view returns (uint256 deadline);

    /// @notice Id the next contribution will get.
    /// @return id next contribution id (ids start at 1)
    function nextContributionId() external view returns (uint256 id);
}
