// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IScoreConsensus} from "../interfaces/IScoreConsensus.sol";
import {IValidatorRegistry} from "../interfaces/IValidatorRegistry.sol";
import {Bitmaps32} from "../libraries/Bitmaps32.sol";
import {WeightedMedian} from "../libraries/WeightedMedian.sol";
import {ContributionStatus, ContributionType, Parameter, RoundPhase} from "../types/CotrainTypes.sol";
import {ContributionRounds} from "./ContributionRounds.sol";
import {RewardPool} from "./RewardPool.sol";

/// @title Commit-reveal scoring of whole rounds and their settlement
/// @dev Gas is what shapes this module:
/// - each validator sends one commit and one reveal per round, whatever the number of contributions;
/// - a commit is one storage slot: the top 192 bits of the commitment hash beside the validator's weight (its bond
///   in gwei, fixed at commit so nobody can bond more after seeing reveals to pull the median);
/// - a reveal stores its scores 32 to a word, exactly as they arrive in calldata;
/// - commitments and score words live in a ring of SCORE_RING_ROUNDS round slots: round r reuses the storage of
///   round r - 8, so in steady state every commit and reveal rewrites warm, non-zero slots (2,900 gas a word instead
///   of 22,100). A round may claim its ring slot only once the previous occupant is finalized;
/// - settlement is paginated so that no call loops over an unbounded set, and a page reads each validator's score
///   word once per 32 contributions.
abstract contract ScoreConsensus is IScoreConsensus, ContributionRounds, RewardPool {
    uint256 private constant WEIGHT_UNIT = 1 gwei;
    uint256 private constant WEIGHT_BITS = 64;
    uint256 private constant WEIGHT_MASK = (1 << WEIGHT_BITS) - 1;

    /// @custom:storage-location erc7201:cotrain.storage.ScoreConsensus
    struct ConsensusStorage {
        // by ring slot (round % SCORE_RING_ROUNDS): commitment hash (top 192 bits) | weight (low 64 bits)
        mapping(uint256 ringSlot => mapping(uint256 index => uint256)) commitments;
        mapping(uint256 ringSlot => mapping(uint256 index => mapping(uint256 word => uint256))) scoreWords;
        uint256[8] ringOwner; // the round whose scores each ring slot holds (SCORE_RING_ROUNDS)
        // index + 1 of each validator as of its last commit, so that a reveal needs no call to the registry
        mapping(address validator => uint256) committedIndex;
        uint48 lastUnpauseBlock;
    }

    /// @dev The parameters a finalize page applies, read once per call.
    struct Rules {
        StakeRules stake;
        uint256 toleranceScore;
        uint256 validationReward;
        uint256 deviationPenaltyBps;
        uint256[3] baseReward; // by ContributionType
    }

    /// @dev The validators that revealed in a round, loaded once per finalize page.
    struct Panel {
        uint256[] indexes;
        address[] accounts; // zero when the index changed hands since the round (see _settlePanel)
        uint256[] weights;
        uint256[] words; // the score word each validator is currently read from
        uint256[] agreements; // scores within tolerance of the consensus, this page
        uint256[] deviations; // scores outside it, this page
        uint256[] sortedScores; // scratch for the median
        uint256[] sortedWeights; // scratch for the median
    }

    // keccak256(abi.encode(uint256(keccak256("cotrain.storage.ScoreConsensus")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CONSENSUS_STORAGE = 0x3599c4b97fc1ff139872d489e39967e4150ef165425102d542b81f6676f0c200;

    function _consensus() private pure returns (ConsensusStorage storage $) {
        assembly {
            $.slot := CONSENSUS_STORAGE
        }
    }

    /// @inheritdoc IScoreConsensus
    function commitScores(uint256 round, bytes32 commitment) external whenNotPaused {
        Round storage entry = _existingRound(round);
        _requireWindow(round, entry, RoundPhase.Commit);
        if (commitment == bytes32(0)) revert ZeroCommitment();
        (uint256 index, uint32 bit, uint256 bond) = _expectedValidator(round, entry);
        if (entry.committedMask & bit != 0) revert AlreadyCommitted(round, msg.sender);
        uint256 weight = bond / WEIGHT_UNIT;
        if (weight == 0) revert BondTooSmall(bond);
        if (weight > WEIGHT_MASK) weight = WEIGHT_MASK; // beyond 18 billion tokens all bonds weigh the same

        ConsensusStorage storage $ = _consensus();
        _claimRingSlot($, round);
        $.commitments[round % SCORE_RING_ROUNDS][index] = (uint256(commitment) & ~WEIGHT_MASK) | weight;
        if ($.committedIndex[msg.sender] != index + 1) $.committedIndex[msg.sender] = index + 1;
        entry.committedMask |= bit;
        emit ScoresCommitted(round, msg.sender, commitment);
    }

    /// @inheritdoc IScoreConsensus
    function revealScores(uint256 round, bytes calldata scores, bytes32 salt) external whenNotPaused {
        Round storage entry = _existingRound(round);
        _requireWindow(round, entry, RoundPhase.Reveal);
        ConsensusStorage storage $ = _consensus();
        // The cached index is the one this validator committed with, if it committed in this round: the
        // commitment at that index binds msg.sender, so a stale or foreign index fails the hash check below.
        uint256 indexPlusOne = $.committedIndex[msg.sender];
        uint32 bit = indexPlusOne == 0 ? 0 : uint32(1 << (indexPlusOne - 1));
        if (entry.committedMask & bit == 0) revert NotCommitted(round, msg.sender);
        if (entry.revealedMask & bit != 0) revert AlreadyRevealed(round, msg.sender);
        uint256 index = indexPlusOne - 1;
        (, uint256 count) = _roundRange(round);
        if (scores.length != count) revert ScoreCountMismatch(scores.length, count);
        uint256 ringSlot = round % SCORE_RING_ROUNDS;
        uint256 committed = $.commitments[ringSlot][index];
        if ((uint256(commitmentHash(round, msg.sender, scores, salt)) ^ committed) > WEIGHT_MASK) {
            revert CommitmentMismatch(round, msg.sender);
        }
        _requireScoresInRange(scores);

        mapping(uint256 word => uint256) storage words = $.scoreWords[ringSlot][index];
        uint256 wordCount = (count + 31) / 32;
        for (uint256 w = 0; w < wordCount; ++w) {
            uint256 word;
            assembly {
                word := calldataload(add(scores.offset, shl(5, w)))
            }
            // bytes past the end of `scores` in the last word are never read: positions are < count
            words[w] = word;
        }
        entry.revealedMask |= bit;
        emit ScoresRevealed(round, msg.sender, scores);
    }

    /// @inheritdoc IScoreConsensus
    function finalize(uint256 round, uint256 maxCount) external whenNotPaused nonReentrant returns (uint256) {
        if (maxCount == 0) revert ZeroMaxCount();
        Round storage entry = _existingRound(round);
        (uint256 first, uint256 count) = _roundRange(round);
        RoundPhase phase = _phase(entry, count);
        if (phase != RoundPhase.Finalization) revert WrongPhase(round, RoundPhase.Finalization, phase);
        if (!entry.validatorsSettled) _settleValidators(round, entry);

        uint256 done = entry.finalizedCount;
        uint256 end = count - done > maxCount ? done + maxCount : count;
        entry.finalizedCount = uint32(end);

        if (entry.quorumReached) {
            _settleScored(round, entry.revealedMask, first, done, end);
        } else {
            StakeRules memory rules = _stakeRules();
            for (uint256 position = done; position < end; ++position) {
                _settleUnscored(round, first + position, rules);
            }
        }
        if (end == count) emit RoundFinalized(round, entry.quorumReached, Bitmaps32.popCount(entry.revealedMask));
        return end - done;
    }

    /// @inheritdoc IScoreConsensus
    function commitmentHash(uint256 round, address validator, bytes calldata scores, bytes32 salt)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(block.chainid, address(this), round, validator, keccak256(scores), salt));
    }

    /// @dev Called by the protocol on unpause: rounds whose commit window started before this block are finalized
    /// without absence penalties, since validators could not commit or reveal while paused.
    function _recordUnpause() internal {
        _consensus().lastUnpauseBlock = uint48(block.number);
    }

    /// @dev Settles positions [done, end) of a round with quorum: consensus score, contributor reputation, reward or
    /// slash; then the validators' rewards and penalties for this page.
    function _settleScored(uint256 round, uint256 revealedMask, uint256 first, uint256 done, uint256 end) private {
        Panel memory panel = _loadPanel(round, revealedMask);
        Rules memory rules = _rules();
        mapping(uint256 index => mapping(uint256 word => uint256)) storage roundWords =
            _consensus().scoreWords[round % SCORE_RING_ROUNDS];
        for (uint256 position = done; position < end; ++position) {
            if (position == done || position & 31 == 0) {
                for (uint256 k = 0; k < panel.indexes.length; ++k) {
                    panel.words[k] = roundWords[panel.indexes[k]][position >> 5];
                }
            }
            uint256 consensus = _consensusAt(panel, position, rules.toleranceScore);
            _settleContribution(round, first + position, consensus, rules);
        }
        _settlePanel(round, panel, rules);
    }

    /// @dev The weighted median of the panel's scores at `position`, counting each validator's agreement with it.
    function _consensusAt(Panel memory panel, uint256 position, uint256 tolerance)
        private
        pure
        returns (uint256 consensus)
    {
        uint256 size = panel.indexes.length;
        // Unchecked: k < size, and the counters are bounded by the number of contributions.
        unchecked {
            for (uint256 k = 0; k < size; ++k) {
                panel.sortedScores[k] = _scoreAt(panel.words[k], position);
                panel.sortedWeights[k] = panel.weights[k];
            }
            consensus = WeightedMedian.lowerWeightedMedian(panel.sortedScores, panel.sortedWeights);
            for (uint256 k = 0; k < size; ++k) {
                uint256 score = _scoreAt(panel.words[k], position);
                uint256 distance = score > consensus ? score - consensus : consensus - score;
                if (distance <= tolerance) ++panel.agreements[k];
                else ++panel.deviations[k];
            }
        }
    }

    function _settleContribution(uint256 round, uint256 id, uint256 score, Rules memory rules) private {
        Contribution storage entry = _rounds().contributions[id];
        address contributor = entry.contributor;
        (uint256 reputation, uint256 reputationAfter, uint256 slashed) =
            _settleContributionStake(contributor, id, true, score, rules.stake);
        ContributionStatus status =
            score >= rules.stake.slashThresholdScore ? ContributionStatus.Accepted : ContributionStatus.Rejected;
        uint256 reward;
        if (status == ContributionStatus.Accepted) {
            // base reward per 100 points, scaled by reputation from 0.5x (reputation 0) to 1.5x (reputation 10000)
            reward = _creditReward(
                contributor, rules.baseReward[uint8(entry.kind)] * score * (BPS / 2 + reputation) / (MAX_SCORE * BPS)
            );
        } else {
            _addSlashToPool(slashed);
        }
        entry.status = status;
        entry.consensusScore = uint8(score);
        emit ContributionFinalized(id, round, uint8(score), status, reward, slashed, reputationAfter);
    }

    /// @dev Without quorum a contribution is released: stake unlocked, no reward, no penalty.
    function _settleUnscored(uint256 round, uint256 id, StakeRules memory rules) private {
        Contribution storage entry = _rounds().contributions[id];
        (, uint256 reputation,) = _settleContributionStake(entry.contributor, id, false, 0, rules);
        entry.status = ContributionStatus.Released;
        emit ContributionFinalized(id, round, 0, ContributionStatus.Released, 0, 0, reputation);
    }

    /// @dev First finalize call of a round: decide quorum and penalise expected validators that did not commit, or
    /// committed and did not reveal. Skipped when a pause overlapped the round's commit or reveal window.
    function _settleValidators(uint256 round, Round storage entry) private {
        uint256 expected = entry.expectedMask;
        uint256 revealed = entry.revealedMask;
        uint256 revealedCount = Bitmaps32.popCount(revealed);
        entry.validatorsSettled = true;
        entry.quorumReached =
            revealedCount != 0 && revealedCount * BPS >= _param(Parameter.QuorumBps) * Bitmaps32.popCount(expected);

        uint256 absent = expected & ~revealed;
        uint256 penaltyBps = _param(Parameter.AbsencePenaltyBps);
        if (absent == 0 || penaltyBps == 0 || _consensus().lastUnpauseBlock >= entry.submissionEnd) return;
        if (_ringSlotBlocked(round, entry.commitEnd)) return;
        (address[] memory holders, uint256[] memory admittedRounds) = VALIDATORS.indexHolders(absent);
        uint256 committed = entry.committedMask;
        uint256 slashedTotal;
        uint256 k;
        for (uint256 index = 0; absent >> index != 0; ++index) {
            if ((absent >> index) & 1 == 0) continue;
            // an index freed and reassigned since the round belongs to someone who was not expected
            if (holders[k] != address(0) && admittedRounds[k] <= round) {
                slashedTotal += VALIDATORS.slash(
                    holders[k],
                    round,
                    penaltyBps,
                    (committed >> index) & 1 == 1
                        ? IValidatorRegistry.SlashReason.MissingReveal
                        : IValidatorRegistry.SlashReason.MissingCommit
                );
            }
            ++k;
        }
        _addSlashToPool(slashedTotal);
    }

    function _loadPanel(uint256 round, uint256 revealedMask) private view returns (Panel memory panel) {
        uint256 size = Bitmaps32.popCount(revealedMask);
        uint256[] memory admittedRounds;
        (panel.accounts, admittedRounds) = VALIDATORS.indexHolders(revealedMask);
        panel.indexes = new uint256[](size);
        panel.weights = new uint256[](size);
        panel.words = new uint256[](size);
        panel.agreements = new uint256[](size);
        panel.deviations = new uint256[](size);
        panel.sortedScores = new uint256[](size);
        panel.sortedWeights = new uint256[](size);
        mapping(uint256 index => uint256) storage commitments = _consensus().commitments[round % SCORE_RING_ROUNDS];
        uint256 k;
        for (uint256 index = 0; revealedMask >> index != 0; ++index) {
            if ((revealedMask >> index) & 1 == 0) continue;
            panel.indexes[k] = index;
            panel.weights[k] = commitments[index] & WEIGHT_MASK;
            if (admittedRounds[k] > round) panel.accounts[k] = address(0);
            ++k;
        }
    }

    /// @dev Validation rewards for scores within tolerance, penalties for scores outside it. A validator whose index
    /// changed hands since the round (it left, and its bond was withdrawn, before the round was finalized) still
    /// counted in the median but can be neither paid nor penalised.
    /// Each deviation costs deviationPenaltyBps of the weight the validator scored with (its bond at commit), so
    /// the penalty adds up the same over any pagination of finalize; a share of the current bond would compound
    /// page by page and let a deviating validator shrink its own penalty by finalizing one contribution at a time.
    function _settlePanel(uint256 round, Panel memory panel, Rules memory rules) private {
        uint256 slashedTotal;
        for (uint256 k = 0; k < panel.indexes.length; ++k) {
            address validator = panel.accounts[k];
            if (validator == address(0)) continue;
            uint256 reward = _creditReward(validator, panel.agreements[k] * rules.validationReward);
            if (panel.deviations[k] != 0 && rules.deviationPenaltyBps != 0) {
                slashedTotal += VALIDATORS.slashAmount(
                    validator,
                    round,
                    panel.weights[k] * WEIGHT_UNIT * panel.deviations[k] * rules.deviationPenaltyBps / BPS,
                    IValidatorRegistry.SlashReason.DeviatingScore
                );
            }
            emit ValidatorScored(round, validator, panel.agreements[k], panel.deviations[k], reward);
        }
        _addSlashToPool(slashedTotal);
    }

    /// @dev Whether nobody could commit to `round` at all: its ring slot is still held by an earlier round that could
    /// not be finalized before `round`'s commit window closed. Governance can get there by shortening the windows
    /// while rounds opened under longer ones are still scoring; validators must not be penalised for it.
    function _ringSlotBlocked(uint256 round, uint256 commitEnd) private view returns (bool) {
        uint256 owner = _consensus().ringOwner[round % SCORE_RING_ROUNDS];
        return owner != 0 && owner < round && _rounds().rounds[owner].revealEnd >= commitEnd;
    }

    /// @dev The first commit of a round takes over its ring slot, once the round that held it is finalized.
    function _claimRingSlot(ConsensusStorage storage $, uint256 round) private {
        uint256 ringSlot = round % SCORE_RING_ROUNDS;
        uint256 owner = $.ringOwner[ringSlot];
        if (owner == round) return;
        if (owner != 0) {
            (, uint256 count) = _roundRange(owner);
            if (_rounds().rounds[owner].finalizedCount < count) revert ScoreStorageBusy(round, owner);
        }
        $.ringOwner[ringSlot] = round;
    }

    function _rules() private view returns (Rules memory rules) {
        rules.stake = _stakeRules();
        rules.toleranceScore = _param(Parameter.ToleranceScore);
        rules.validationReward = _param(Parameter.ValidationReward);
        rules.deviationPenaltyBps = _param(Parameter.DeviationPenaltyBps);
        rules.baseReward[uint8(ContributionType.MODEL_UPDATE)] = _param(Parameter.ModelUpdateReward);
        rules.baseReward[uint8(ContributionType.DATASET)] = _param(Parameter.DatasetReward);
        rules.baseReward[uint8(ContributionType.VALIDATION)] = _param(Parameter.ValidationWorkReward);
    }

    function _existingRound(uint256 round) private view returns (Round storage entry) {
        entry = _rounds().rounds[round];
        if (entry.firstContributionId == 0) revert UnknownRound(round);
    }

    /// @dev Commit and reveal windows are told apart by deadlines alone: with an unbounded count the phase after
    /// the reveal window reads as Finalization, which is wrong for both anyway.
    function _requireWindow(uint256 round, Round storage entry, RoundPhase expected) private view {
        RoundPhase actual = _phase(entry, type(uint256).max);
        if (actual != expected) revert WrongPhase(round, expected, actual);
    }

    /// @dev The caller's index and bond, if the round expects it.
    function _expectedValidator(uint256 round, Round storage entry)
        private
        view
        returns (uint256 index, uint32 bit, uint256 bond)
    {
        bool holdsIndex;
        (holdsIndex, index, bond) = VALIDATORS.validatorSlot(msg.sender);
        bit = uint32(1 << index);
        if (!holdsIndex || entry.expectedMask & bit == 0) revert NotExpectedValidator(round, msg.sender);
    }

    /// @dev Every score must be in 1..100.
    function _requireScoresInRange(bytes calldata scores) private pure {
        for (uint256 i = 0; i < scores.length; ++i) {
            uint256 score;
            assembly {
                score := byte(0, calldataload(add(scores.offset, i)))
            }
            if (score == 0 || score > MAX_SCORE) revert ScoreOutOfRange(i, uint8(score));
        }
    }

    /// @dev Scores are stored big-endian as they came in calldata: position 0 is the top byte of word 0.
    function _scoreAt(uint256 word, uint256 position) private pure returns (uint256 score) {
        assembly {
            score := byte(and(position, 31), word)
        }
    }
}
