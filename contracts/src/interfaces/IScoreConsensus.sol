// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ContributionStatus} from "../types/CotrainTypes.sol";

/// @title Validator consensus on quality scores: one commit and one reveal per validator per round, a stake-weighted
/// median with capped weights, settlement of rewards and penalties
/// @notice Scoring rules, each priced by the parameters the round opened with:
/// - a validator's weight is its stake at risk in the round at commit (its bond, and what it asked to unbond since
///   the round opened), capped so that no validator holds more than `MaxWeightShareBps` of the round's committed
///   weight (the cap is lowered until it holds; with too few validators all weigh the same);
/// - the consensus score of a contribution is the weighted median of the committed validators' scores, the weight of
///   those that did not reveal voting for `NeutralScore`; when the weight below a score is exactly half, it is the
///   midpoint of that score and the next one (rounded up), so no validator holding half the weight decides alone;
/// - a round has quorum when the validators that committed are at least `QuorumBps` of the expected ones, and those
///   that revealed hold more than half of the committed (capped) weight; without quorum its contributions are
///   released. Withholding a reveal therefore cannot release a round the other reveals settle;
/// - a contribution scoring above `NeutralScore` earns `base x (score - neutral) / (100 - neutral)` times a
///   reputation factor (0.5x to 1.5x); from `SlashThresholdScore` up to the neutral score it earns nothing; below the
///   threshold `ContributorSlashBps` of its stake is slashed;
/// - every scored contribution pays the round's `SubmissionFee` into the pool out of its stake lock;
/// - validators earn `ValidationReward` per score within `ToleranceScore` of the consensus and lose
///   `DeviationPenaltyBps` of their stake per score outside it (not counted where the consensus is the neutral
///   score and a withheld reveal voted in it), at most `MaxRoundPenaltyBps` a round; an expected validator that
///   does not commit, or commits and does not reveal, loses `AbsencePenaltyBps` of its stake, at least what revealing
///   any scores could cost; no validator loses more than that in one round's scoring.
/// - a contribution is judged by the validators that serve its task in its round (IValidatorRegistry.serveTask):
///   its median, its quorum (as above, over the expected validators that serve the task) and the agreements and
///   deviations it counts are theirs alone; without that quorum it is released. A validator reveals 0 for a
///   contribution whose task it does not serve, and what it reveals there counts for nothing; a 0 from a validator
///   that serves the task votes for the neutral score like a withheld reveal and counts as a deviation;
/// Fees and rewards are credited in contribution order (the contributor, then each agreeing validator), whatever the
/// pages.
interface IScoreConsensus {
    /// @notice `validator` committed to its scores for `round`.
    event ScoresCommitted(uint256 indexed round, address indexed validator, bytes32 commitment);
    /// @notice `validator` revealed its scores for `round`, one byte (0..100) per contribution in id order.
    event ScoresRevealed(uint256 indexed round, address indexed validator, bytes scores);
    /// @notice A contribution was settled: its consensus score (0 when the round had no quorum), the reward
    /// credited to its contributor, the stake slashed, and the contributor's reputation afterwards.
    event ContributionFinalized(
        uint256 indexed id,
        uint256 indexed round,
        uint8 consensusScore,
        ContributionStatus status,
        uint256 reward,
        uint256 slashed,
        uint256 reputation
    );
    /// @notice `validator` was credited `reward` for `agreements` scores within tolerance of the consensus, and had
    /// `deviations` scores outside it, in one finalize call of `round`.
    event ValidatorScored(
        uint256 indexed round, address indexed validator, uint256 agreements, uint256 deviations, uint256 reward
    );
    /// @notice Every contribution of `round` is settled.
    event RoundFinalized(uint256 indexed round, bool quorumReached, uint256 revealedValidators);

    /// @notice The caller is not among the validators expected to score `round`.
    error NotExpectedValidator(uint256 round, address validator);
    /// @notice The validator already committed for `round`.
    error AlreadyCommitted(uint256 round, address validator);
    /// @notice The validator did not commit for `round`.
    error NotCommitted(uint256 round, address validator);
    /// @notice The validator already revealed for `round`.
    error AlreadyRevealed(uint256 round, address validator);
    /// @notice The commitment is zero.
    error ZeroCommitment();
    /// @notice `provided` scores were revealed, the round has `expected` contributions.
    error ScoreCountMismatch(uint256 provided, uint256 expected);
    /// @notice The revealed scores and salt do not hash to the commitment.
    error CommitmentMismatch(uint256 round, address validator);
    /// @notice The score at `position` is `score`, above 100.
    error ScoreOutOfRange(uint256 position, uint8 score);
    /// @notice A finalize call must settle at least one contribution.
    error EmptyPage();
    /// @notice Only `remaining` contributions of `round` are left to settle, `requested` were given.
    error PageBeyondRound(uint256 round, uint256 remaining, uint256 requested);
    /// @notice `contentDigest` is not the contribution at `position` of `round` (positions settle in order, from the
    /// round's finalizedCount).
    error NotAtPosition(uint256 round, uint256 position, bytes32 contentDigest);
    /// @notice Score storage of `round` is reused from `unfinalizedRound`, which must be finalized first (anyone may
    /// call finalize on it).
    error ScoreStorageBusy(uint256 round, uint256 unfinalizedRound);
    /// @notice A validator needs at least 1 gwei at risk in the round to commit: its weight in the median is that
    /// stake in gwei.
    error StakeTooSmall(uint256 stake);

    /// @notice Commits to the caller's scores for every contribution of `round`, during its commit window.
    /// The caller's stake at risk in the round at this moment (its bond, and what it asked to unbond since the round
    /// opened) is its weight in the round's medians. Not while paused.
    /// Reverts with ScoreStorageBusy while the round eight rounds earlier is not finalized.
    /// @dev Only the top 192 bits of the commitment are stored, packed with the weight in one slot.
    /// @param round the round being scored
    /// @param commitment `commitmentHash(round, caller, scores, salt)`
    function commitScores(uint256 round, bytes32 commitment) external;

    /// @notice Reveals the committed scores during the round's reveal window. Not while paused.
    /// @param round the round being scored
    /// @param scores one byte per contribution of the round, in id order, each 1..100, or 0 where the caller does not
    /// serve the contribution's task
    /// @param salt the secret salt used in the commitment
    function revealScores(uint256 round, bytes calldata scores, bytes32 salt) external;

    /// @notice Settles the next contributions of `round` after its reveal window, in order: `contentDigests[k]` must be
    /// the contribution at position finalizedCount + k (read them from ContributionSubmitted events). Permissionless;
    /// not while paused. The first call also decides quorum and penalises expected validators that did not commit
    /// or reveal.
    /// @param round the round to finalize
    /// @param contentDigests the digests of the contributions to settle, in position order
    /// @return settled contributions settled by this call
    function finalize(uint256 round, bytes32[] calldata contentDigests) external returns (uint256 settled);

    /// @notice The commitment a validator must submit for `scores` and `salt`.
    /// @dev keccak256(abi.encode(chainid, this, round, validator, keccak256(scores), salt)): binding the validator
    /// stops others from copying its commitment, binding chain and contract stops cross-deployment replay.
    /// @param round the round
    /// @param validator the committing validator
    /// @param scores the scores to reveal
    /// @param salt a fresh random secret
    /// @return commitment the hash to commit
    function commitmentHash(uint256 round, address validator, bytes calldata scores, bytes32 salt)
        external
        view
        returns (bytes32 commitment);
}
