// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IContributionRounds} from "../interfaces/IContributionRounds.sol";
import {IScoreConsensus} from "../interfaces/IScoreConsensus.sol";
import {IRewardPool} from "../interfaces/IRewardPool.sol";
import {IValidatorRegistry} from "../interfaces/IValidatorRegistry.sol";
import {Bitmaps32} from "../libraries/Bitmaps32.sol";
import {StakeWeights} from "../libraries/StakeWeights.sol";
import {WeightedMedian} from "../libraries/WeightedMedian.sol";
import {ContributionStatus, ContributionType, Parameter, RoundPhase} from "../types/CotrainTypes.sol";
import {ContributionRounds} from "./ContributionRounds.sol";
import {RewardPool} from "./RewardPool.sol";

/// @title Commit-reveal scoring of whole rounds and their settlement
/// @dev Gas is what shapes this module:
/// - each validator sends one commit and one reveal per round, whatever the number of contributions;
/// - a commit is one storage slot: the top 192 bits of the commitment hash beside the validator's weight (its stake
///   at risk in gwei, fixed at commit so nobody can bond more after seeing reveals to pull the median);
/// - a reveal stores its scores 32 to a word, exactly as they arrive in calldata;
/// - commitments and score words live in a ring of SCORE_RING_ROUNDS round slots: round r reuses the storage of
///   round r - 8, so in steady state every commit and reveal rewrites warm, non-zero slots (2,900 gas a word instead
///   of 22,100). A round may claim its ring slot only once the previous occupant is finalized;
/// - settlement is paginated so that no call loops over an unbounded set, and a page reads each validator's score
///   word once per 32 contributions. Deviation penalties are counted per page and charged on the last page, after
///   every reward of the round, so the rewards a pool shortfall leaves do not depend on the pagination either.
abstract contract ScoreConsensus is IScoreConsensus, ContributionRounds, RewardPool {
    uint256 private constant WEIGHT_UNIT = 1 gwei;
    uint256 private constant WEIGHT_MASK = (1 << 64) - 1;

    /// @custom:storage-location erc7201:cotrain.storage.Consensus
    struct ConsensusStorage {
        // by ring slot (round % SCORE_RING_ROUNDS): commitment hash (top 192 bits) | weight (low 64 bits)
        mapping(uint256 ringSlot => mapping(uint256 index => uint256)) commitments;
        mapping(uint256 ringSlot => mapping(uint256 index => mapping(uint256 word => uint256))) scoreWords;
        uint256[8] ringOwner; // the round whose scores each ring slot holds (SCORE_RING_ROUNDS)
        // index + 1 of each validator as of its last commit, so that a reveal needs no call to the registry
        mapping(address validator => uint256) committedIndex;
        // deviations counted on earlier pages of a round being finalized: round << 32 | count
        mapping(uint256 ringSlot => mapping(uint256 index => uint256)) pendingDeviations;
    }

    /// @dev The parameters a finalize page applies: the round's version, read once per call.
    struct Rules {
        StakeRules stake;
        uint256 neutralScore;
        uint256 toleranceScore;
        uint256 quorumBps;
        uint256 maxWeightShareBps;
        uint256 validationReward;
        uint256 deviationPenaltyBps;
        uint256 absencePenaltyBps;
        uint256 maxRoundPenaltyBps;
        uint256[3] baseReward; // by ContributionType
    }

    /// @dev The validators that revealed in a round, with their capped weights, loaded once per finalize page, and
    /// the part of them that judges the task of the contributions being settled (see _loadTask).
    struct Panel {
        uint256[] indexes;
        address[] accounts; // zero when the index changed hands since the round (see _settlePanel)
        uint256[] effective; // the weight in medians and quorum: stake at commit in gwei, capped at the share cap
        uint256[] words; // the score word each validator is currently read from
        uint256[] agreements; // scores within tolerance of the consensus, this page
        uint256[] deviations; // scores outside it, this page
        uint256[] rewards; // credited this page
        uint256[] requested; // asked for this page
        uint256[] sortedScores; // scratch for the median, with a last entry for the withheld weight
        uint256[] sortedWeights; // scratch for the median
        uint256 revealedWeight; // effective
        uint256 committedWeight; // effective, of every validator that committed
        uint256 neutralScore; // the score the withheld weight votes for
        uint256 expected; // the round's expected validators, by index
        uint256 committed; // those that committed, by index
        uint256[32] committedEffective; // by index: the effective weight of each committed validator
        uint256 task; // the task _loadTask loaded the fields below for
        uint256 taskMembers; // bit k: panel member k serves the task
        uint256 taskWithheld; // effective weight of the task's servers that committed and did not reveal
        bool taskQuorum; // the task's servers reached quorum in the round
    }

    // keccak256(abi.encode(uint256(keccak256("cotrain.storage.Consensus")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CONSENSUS_STORAGE = 0x357bc02befa5cb8ee3a9e4973b8bb9d2756f999fc55b76516cef26f852c26500;

    function _consensus() private pure returns (ConsensusStorage storage $) {
        assembly {
            $.slot := CONSENSUS_STORAGE
        }
    }

    /// @inheritdoc IScoreConsensus
    function commitScores(uint256 round, bytes32 commitment) external {
        Round storage entry = _existingRound(round);
        _requireWindow(round, entry, RoundPhase.Commit, _runningClock());
        if (commitment == bytes32(0)) revert ZeroCommitment();
        (uint256 index, uint32 bit, uint256 stake) = _expectedValidator(round, entry);
        if (entry.committedMask & bit != 0) revert AlreadyCommitted(round, msg.sender);
        uint256 weight = stake / WEIGHT_UNIT;
        if (weight == 0) revert StakeTooSmall(stake);
        if (weight > WEIGHT_MASK) weight = WEIGHT_MASK; // beyond 18 billion tokens all bonds weigh the same

        ConsensusStorage storage $ = _consensus();
        _claimRingSlot($, round, entry);
        $.commitments[round % SCORE_RING_ROUNDS][index] = (uint256(commitment) & ~WEIGHT_MASK) | weight;
        if ($.committedIndex[msg.sender] != index + 1) $.committedIndex[msg.sender] = index + 1;
        entry.committedMask |= bit;
        emit ScoresCommitted(round, msg.sender, commitment);
    }

    /// @inheritdoc IScoreConsensus
    function revealScores(uint256 round, bytes calldata scores, bytes32 salt) external {
        Round storage entry = _existingRound(round);
        _requireWindow(round, entry, RoundPhase.Reveal, _runningClock());
        ConsensusStorage storage $ = _consensus();
        // The cached index is the one this validator committed with, if it committed in this round: the
        // commitment at that index binds msg.sender, so a stale or foreign index fails the hash check below.
        uint256 indexPlusOne = $.committedIndex[msg.sender];
        uint32 bit = indexPlusOne == 0 ? 0 : uint32(1 << (indexPlusOne - 1));
        if (entry.committedMask & bit == 0) revert NotCommitted(round, msg.sender);
        if (entry.revealedMask & bit != 0) revert AlreadyRevealed(round, msg.sender);
        uint256 index = indexPlusOne - 1;
        uint256 count = _roundCount(round, entry);
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
    function finalize(uint256 round, bytes32[] calldata contentDigests) external nonReentrant returns (uint256) {
        uint256 clock = _runningClock();
        if (contentDigests.length == 0) revert EmptyPage();
        Round storage entry = _existingRound(round);
        uint256 count = _roundCount(round, entry);
        RoundPhase phase = _phase(entry, count, clock);
        if (phase != RoundPhase.Finalization) {
            revert IContributionRounds.WrongPhase(round, RoundPhase.Finalization, phase);
        }
        uint256 done = entry.finalizedCount;
        if (contentDigests.length > count - done) {
            revert PageBeyondRound(round, count - done, contentDigests.length);
        }
        entry.finalizedCount = uint32(done + contentDigests.length);
        _settlePage(round, entry, contentDigests, done, done + contentDigests.length == count);
        return contentDigests.length;
    }

    /// @inheritdoc IScoreConsensus
    function commitmentHash(uint256 round, address validator, bytes calldata scores, bytes32 salt)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(block.chainid, address(this), round, validator, keccak256(scores), salt));
    }

    /// @dev Settles positions [done, done + contentDigests.length) of a round in its Finalization phase.
    function _settlePage(
        uint256 round,
        Round storage entry,
        bytes32[] calldata contentDigests,
        uint256 done,
        bool lastPage
    ) private {
        Rules memory rules = _rules(entry.version);
        Ledger memory ledger = _openLedger();
        bool firstPage = !entry.validatorsSettled;
        Panel memory panel;
        if (firstPage || entry.quorumReached) panel = _loadPanel(round, entry, rules);
        if (firstPage) _settleValidators(round, entry, panel, rules, ledger);
        if (entry.quorumReached) {
            _settleScored(round, entry.firstContributionId, panel, rules, ledger, contentDigests, done);
            _settlePanel(round, panel, rules, ledger, done != 0, lastPage);
        } else {
            _settleUnscored(round, entry, rules, contentDigests, done);
        }
        _closeLedger(ledger);
        if (lastPage) {
            emit RoundFinalized(round, entry.quorumReached, Bitmaps32.popCount(entry.revealedMask));
            _advanceSettled();
        }
    }

    function _contributorTokens() internal view override returns (uint256) {
        return _totalContributorStake();
    }

    /// @dev Settles a page of a round with quorum: consensus score, contributor reputation, reward or slash, and the
    /// agreeing validators' rewards, contribution by contribution.
    function _settleScored(
        uint256 round,
        uint256 first,
        Panel memory panel,
        Rules memory rules,
        Ledger memory ledger,
        bytes32[] calldata contentDigests,
        uint256 done
    ) private {
        // Crediting validators contribution by contribution only matters when the pool may run short in this page;
        // when it cannot, their page totals are credited at the end, with the same result for less gas.
        bool inOrder = rules.validationReward != 0 && !_coversPage(ledger, rules, panel, contentDigests.length);
        for (uint256 k = 0; k < contentDigests.length; ++k) {
            if (k == 0 || (done + k) & 31 == 0) _loadScoreWords(panel, round, done + k);
            Contribution storage record = _recordAt(round, done + k, contentDigests[k]);
            if (record.taskId != panel.task) _loadTask(panel, round, record.taskId, rules.quorumBps);
            if (panel.taskQuorum) {
                uint256 agreeing = _settleJudged(round, first + done + k, record, panel, rules, ledger);
                if (inOrder) _creditAgreeing(panel, agreeing, rules.validationReward, ledger);
            } else {
                _release(round, first + done + k, record, rules.stake);
            }
        }
        if (!inOrder && rules.validationReward != 0) _creditPageTotals(panel, rules.validationReward, ledger);
    }

    /// @dev Settles contribution `id` at its consensus score.
    /// @return agreeing bitmap of the panel members within tolerance
    function _settleJudged(
        uint256 round,
        uint256 id,
        Contribution storage record,
        Panel memory panel,
        Rules memory rules,
        Ledger memory ledger
    ) private returns (uint256 agreeing) {
        uint256 consensus;
        (consensus, agreeing) = _consensusAt(panel, record.position, rules.toleranceScore);
        _settleContribution(round, id, record, consensus, rules, ledger);
    }

    /// @dev The panel members that judge `task` in `round`: the expected validators serving it, with the quorum the
    /// round applies over all expected validators applied over them.
    function _loadTask(Panel memory panel, uint256 round, uint256 task, uint256 quorumBps) private view {
        uint256 serving = VALIDATORS.servingMask(task, round) & panel.expected;
        uint256 members;
        uint256 revealedWeight;
        for (uint256 k = 0; k < panel.indexes.length; ++k) {
            if ((serving >> panel.indexes[k]) & 1 == 0) continue;
            members |= 1 << k;
            revealedWeight += panel.effective[k];
        }
        uint256 committedServing = serving & panel.committed;
        uint256 committedWeight;
        for (uint256 index = 0; committedServing >> index != 0; ++index) {
            if ((committedServing >> index) & 1 == 1) committedWeight += panel.committedEffective[index];
        }
        panel.task = task;
        panel.taskMembers = members;
        panel.taskWithheld = committedWeight - revealedWeight;
        panel.taskQuorum = Bitmaps32.popCount(committedServing) * BPS >= quorumBps * Bitmaps32.popCount(serving)
            && 2 * revealedWeight > committedWeight;
    }

    /// @dev Each panel member's validation rewards of the page at once, for a page the pool covers in full.
    function _creditPageTotals(Panel memory panel, uint256 reward, Ledger memory ledger) private pure {
        for (uint256 v = 0; v < panel.indexes.length; ++v) {
            if (panel.accounts[v] == address(0)) continue;
            uint256 requested = panel.agreements[v] * reward;
            panel.requested[v] = requested;
            panel.rewards[v] = _take(ledger, requested);
        }
    }

    /// @dev Whether the pool holds enough for every reward `count` contributions could ask for: the largest base
    /// reward at the highest reputation factor (1.5x) and a validation reward for each panel member, each.
    function _coversPage(Ledger memory ledger, Rules memory rules, Panel memory panel, uint256 count)
        private
        pure
        returns (bool)
    {
        uint256 maxBase = rules.baseReward[0];
        if (rules.baseReward[1] > maxBase) maxBase = rules.baseReward[1];
        if (rules.baseReward[2] > maxBase) maxBase = rules.baseReward[2];
        uint256 perContribution = maxBase * 3 / 2 + rules.validationReward * panel.indexes.length;
        return ledger.available >= perContribution * count;
    }

    /// @dev Each panel member's score word holding `position`.
    function _loadScoreWords(Panel memory panel, uint256 round, uint256 position) private view {
        mapping(uint256 index => mapping(uint256 word => uint256)) storage roundWords =
            _consensus().scoreWords[round % SCORE_RING_ROUNDS];
        for (uint256 v = 0; v < panel.indexes.length; ++v) {
            panel.words[v] = roundWords[panel.indexes[v]][position >> 5];
        }
    }

    /// @dev The weighted median of the scores at `position` of the panel members serving its task, counting each
    /// one's agreement with it. The weight of the task's servers that committed and did not reveal votes for the
    /// neutral score: so the validators that did reveal decide with their share of the committed weight, never with
    /// a larger share of a smaller panel, and a missing reveal pulls the round towards "no measurable value" (unpaid,
    /// unslashed), not towards anyone's score. A contribution that consensus puts at the neutral score while such a
    /// vote is in the median may not have been settled by the revealed scores: scores outside the tolerance are not
    /// counted as deviations on it (so an absence never makes an honest revealer deviate), while scores within it
    /// earn their validation reward as usual. A server's 0 (an abstention it has no right to) votes like a withheld
    /// reveal and always counts as a deviation.
    /// @return consensus the consensus score
    /// @return agreeing bitmap of the panel members within tolerance
    function _consensusAt(Panel memory panel, uint256 position, uint256 tolerance)
        private
        pure
        returns (uint256 consensus, uint256 agreeing)
    {
        uint256 shift = 8 * (31 - (position & 31)); // scores are stored big-endian, as they came in calldata
        bool withheld;
        (consensus, withheld) = _medianAt(panel, shift);
        // deviating from a consensus the withheld weight may have made costs nothing (agreeing still pays)
        bool excused = withheld && consensus == panel.neutralScore;
        uint256 members = panel.taskMembers;
        uint256[] memory words = panel.words;
        uint256[] memory agreements = panel.agreements;
        uint256[] memory deviations = panel.deviations;
        // Members are positions in the panel's arrays (see _loadTask): read and counted without bound checks; the
        // counters are bounded by the number of contributions. A member's 0 always deviates (see above).
        assembly ("memory-safe") {
            for { let k := 0 } shr(k, members) { k := add(k, 1) } {
                if and(shr(k, members), 1) {
                    let offset := shl(5, add(k, 1))
                    let score := and(shr(shift, mload(add(words, offset))), 0xff)
                    let distance := sub(score, consensus)
                    if lt(score, consensus) { distance := sub(consensus, score) }
                    switch and(iszero(iszero(score)), iszero(gt(distance, tolerance)))
                    case 1 {
                        mstore(add(agreements, offset), add(mload(add(agreements, offset)), 1))
                        agreeing := or(agreeing, shl(k, 1))
                    }
                    default {
                        if or(iszero(score), iszero(excused)) {
                            mstore(add(deviations, offset), add(mload(add(deviations, offset)), 1))
                        }
                    }
                }
            }
        }
    }

    /// @dev The weighted median of the task's servers' scores at the byte `shift` selects, and whether withheld weight
    /// voted in it.
    function _medianAt(Panel memory panel, uint256 shift) private pure returns (uint256 median, bool withheldVote) {
        uint256 members = panel.taskMembers;
        uint256[] memory words = panel.words;
        uint256[] memory effective = panel.effective;
        uint256[] memory scores = panel.sortedScores;
        uint256[] memory weights = panel.sortedWeights;
        uint256 withheld = panel.taskWithheld;
        uint256 voters;
        // Members are positions in the panel's arrays, and the scratch arrays hold one more entry than the panel:
        // every read and write below is within bounds. Weights are below 2^64: the sum cannot overflow.
        assembly ("memory-safe") {
            for { let k := 0 } shr(k, members) { k := add(k, 1) } {
                if and(shr(k, members), 1) {
                    let offset := shl(5, add(k, 1))
                    let score := and(shr(shift, mload(add(words, offset))), 0xff)
                    let weight := mload(add(effective, offset))
                    switch score
                    case 0 { withheld := add(withheld, weight) }
                    default {
                        voters := add(voters, 1)
                        mstore(add(scores, shl(5, voters)), score)
                        mstore(add(weights, shl(5, voters)), weight)
                    }
                }
            }
        }
        if (withheld != 0) {
            scores[voters] = panel.neutralScore;
            weights[voters++] = withheld;
        }
        uint256 capacity = scores.length;
        // the median of the voters only: the scratch arrays are shortened in place, then restored
        assembly ("memory-safe") {
            mstore(scores, voters)
            mstore(weights, voters)
        }
        median = WeightedMedian.weightedMedian(scores, weights);
        assembly ("memory-safe") {
            mstore(scores, capacity)
            mstore(weights, capacity)
        }
        withheldVote = withheld != 0;
    }

    /// @dev The validation reward of one contribution for each agreeing validator, in index order.
    function _creditAgreeing(Panel memory panel, uint256 agreeing, uint256 reward, Ledger memory ledger) private pure {
        while (agreeing != 0) {
            uint256 k = Bitmaps32.lowestIndex(agreeing);
            agreeing &= agreeing - 1;
            if (panel.accounts[k] == address(0)) continue;
            panel.rewards[k] += _take(ledger, reward);
            panel.requested[k] += reward;
        }
    }

    function _settleContribution(
        uint256 round,
        uint256 id,
        Contribution storage record,
        uint256 score,
        Rules memory rules,
        Ledger memory ledger
    ) private {
        address contributor = record.contributor;
        (ContributionType kind,) = _unpackState(record.kindAndStatus);
        (uint256 reputation, uint256 reputationAfter, uint256 slashed) =
            _settleContributionStake(contributor, id, true, score, rules.stake);
        _addFee(ledger, rules.stake.submissionFee);
        ContributionStatus status;
        uint256 reward;
        if (score < rules.stake.slashThresholdScore) {
            status = ContributionStatus.Rejected;
            _addSlash(ledger, slashed);
        } else if (score <= rules.neutralScore) {
            status = ContributionStatus.Unrewarded; // no measurable value: nothing to pay for
        } else {
            status = ContributionStatus.Accepted;
            // base reward in proportion to the score's distance above neutral, scaled by reputation from 0.5x
            // (reputation 0) to 1.5x (reputation 10000)
            uint256 requested = rules.baseReward[uint8(kind)] * (score - rules.neutralScore) * (BPS / 2 + reputation)
                / ((MAX_SCORE - rules.neutralScore) * BPS);
            reward = _take(ledger, requested);
            if (reward != requested) emit IRewardPool.RewardShortfall(contributor, requested, reward);
            _payOut(contributor, reward);
        }
        record.kindAndStatus = _packState(kind, status);
        record.consensusScore = uint8(score);
        emit ContributionFinalized(id, round, uint8(score), status, reward, slashed, reputationAfter);
    }

    /// @dev Without quorum a contribution is released: stake unlocked, no reward, no penalty.
    function _settleUnscored(
        uint256 round,
        Round storage entry,
        Rules memory rules,
        bytes32[] calldata contentDigests,
        uint256 done
    ) private {
        uint256 first = entry.firstContributionId;
        for (uint256 k = 0; k < contentDigests.length; ++k) {
            _release(round, first + done + k, _recordAt(round, done + k, contentDigests[k]), rules.stake);
        }
    }

    function _release(uint256 round, uint256 id, Contribution storage record, StakeRules memory stake) private {
        (ContributionType kind,) = _unpackState(record.kindAndStatus);
        (, uint256 reputation,) = _settleContributionStake(record.contributor, id, false, 0, stake);
        record.kindAndStatus = _packState(kind, ContributionStatus.Released);
        emit ContributionFinalized(id, round, 0, ContributionStatus.Released, 0, 0, reputation);
    }

    /// @dev First finalize call of a round: decide quorum, then penalise the expected validators that did not commit
    /// and those that committed and did not reveal, each AbsencePenaltyBps of its stake (bond and unbonding, as held
    /// now): not taking part costs at least as much as the worst a reveal could cost (MaxRoundPenaltyBps <=
    /// AbsencePenaltyBps), whichever step is skipped and however the bond was moved since the round opened.
    function _settleValidators(
        uint256 round,
        Round storage entry,
        Panel memory panel,
        Rules memory rules,
        Ledger memory ledger
    ) private {
        entry.validatorsSettled = true;
        entry.quorumReached = _hasQuorum(entry, panel, rules.quorumBps);
        uint256 missingReveal = entry.committedMask & ~uint256(entry.revealedMask);
        // nobody could commit while the ring slot was held by an unfinalized older round (see _ringSlotBlocked)
        uint256 missingCommit =
            _ringSlotBlocked(round, entry.commitEnd) ? 0 : entry.expectedMask & ~uint256(entry.committedMask);
        uint256 absent = missingCommit | missingReveal;
        if (absent == 0) return;
        (address[] memory holders, uint256[] memory admittedRounds) = VALIDATORS.indexHolders(absent);
        uint256 slashedTotal;
        uint256 k;
        for (uint256 index = 0; absent >> index != 0; ++index) {
            if ((absent >> index) & 1 == 0) continue;
            // an index freed and reassigned since the round belongs to someone who was not expected
            if (holders[k] != address(0) && admittedRounds[k] <= round) {
                slashedTotal += _penaliseAbsence(round, holders[k], (missingReveal >> index) & 1 == 1, rules);
            }
            ++k;
        }
        _addSlash(ledger, slashedTotal);
    }

    /// @dev Quorum: the validators that committed are at least quorumBps of the expected ones, and those that
    /// revealed hold more than half of the committed (capped) weight. So a withheld reveal breaks quorum only when the
    /// withholders hold half of the committed weight themselves: withholding cannot release a round that the revealed
    /// scores settle, and, as withheld weight votes for the neutral score, a validator left alone by others'
    /// withholding decides with its capped share of the committed weight only.
    function _hasQuorum(Round storage entry, Panel memory panel, uint256 quorumBps) private view returns (bool) {
        uint256 committedCount = Bitmaps32.popCount(entry.committedMask);
        return committedCount * BPS >= quorumBps * Bitmaps32.popCount(entry.expectedMask)
            && 2 * panel.revealedWeight > panel.committedWeight;
    }

    function _penaliseAbsence(uint256 round, address holder, bool committed, Rules memory rules)
        private
        returns (uint256)
    {
        if (rules.absencePenaltyBps == 0) return 0;
        IValidatorRegistry.SlashReason reason =
            committed ? IValidatorRegistry.SlashReason.MissingReveal : IValidatorRegistry.SlashReason.MissingCommit;
        return VALIDATORS.slash(holder, round, rules.absencePenaltyBps, reason);
    }

    /// @dev Loads the committed validators' weights, caps them, and keeps the revealed ones.
    function _loadPanel(uint256 round, Round storage entry, Rules memory rules)
        private
        view
        returns (Panel memory panel)
    {
        uint256 committed = entry.committedMask;
        uint256 revealed = entry.revealedMask;
        panel = _newPanel(Bitmaps32.popCount(revealed), rules.neutralScore);
        panel.expected = entry.expectedMask;
        panel.committed = committed;
        if (committed == 0) return panel;

        mapping(uint256 index => uint256) storage commitments = _consensus().commitments[round % SCORE_RING_ROUNDS];
        uint256[] memory committedWeights = new uint256[](Bitmaps32.popCount(committed));
        uint256 c;
        for (uint256 index = 0; committed >> index != 0; ++index) {
            if ((committed >> index) & 1 == 1) committedWeights[c++] = commitments[index] & WEIGHT_MASK;
        }
        uint256 cap = StakeWeights.shareCap(committedWeights, rules.maxWeightShareBps);
        uint256[] memory admittedRounds;
        if (revealed != 0) (panel.accounts, admittedRounds) = VALIDATORS.indexHolders(revealed);
        c = 0;
        uint256 k;
        for (uint256 index = 0; committed >> index != 0; ++index) {
            if ((committed >> index) & 1 == 0) continue;
            uint256 weight = committedWeights[c++];
            uint256 effective = weight < cap ? weight : cap;
            panel.committedWeight += effective;
            panel.committedEffective[index] = effective;
            if ((revealed >> index) & 1 == 0) continue;
            panel.indexes[k] = index;
            panel.effective[k] = effective;
            panel.revealedWeight += effective;
            if (admittedRounds[k] > round) panel.accounts[k] = address(0);
            ++k;
        }
    }

    /// @dev A panel of `size` revealed validators; its median scratch has a last entry for the weight of the servers
    /// that committed and did not reveal, which votes for the neutral score (see _consensusAt).
    function _newPanel(uint256 size, uint256 neutralScore) private pure returns (Panel memory panel) {
        panel.neutralScore = neutralScore;
        panel.task = type(uint256).max; // no task loaded
        panel.indexes = new uint256[](size);
        panel.effective = new uint256[](size);
        panel.words = new uint256[](size);
        panel.agreements = new uint256[](size);
        panel.deviations = new uint256[](size);
        panel.rewards = new uint256[](size);
        panel.requested = new uint256[](size);
        panel.sortedScores = new uint256[](size + 1);
        panel.sortedWeights = new uint256[](size + 1);
    }

    /// @dev Pays each validator's rewards of this page, and on the round's last page charges its deviations: each
    /// costs DeviationPenaltyBps of its stake, so the penalty adds up the same over any pagination, up to
    /// MaxRoundPenaltyBps of that stake. A validator whose index changed hands since the
    /// round (it left, and its bond was withdrawn, before the round was finalized) still counted in the median but
    /// can be neither paid nor penalised.
    function _settlePanel(
        uint256 round,
        Panel memory panel,
        Rules memory rules,
        Ledger memory ledger,
        bool continued,
        bool lastPage
    ) private {
        uint256 slashedTotal;
        for (uint256 k = 0; k < panel.indexes.length; ++k) {
            address validator = panel.accounts[k];
            if (validator != address(0)) {
                uint256 reward = panel.rewards[k];
                _payOut(validator, reward);
                if (reward != panel.requested[k]) {
                    emit IRewardPool.RewardShortfall(validator, panel.requested[k], reward);
                }
                emit ValidatorScored(round, validator, panel.agreements[k], panel.deviations[k], reward);
            }
            if (rules.deviationPenaltyBps != 0) {
                slashedTotal += _chargeDeviations(round, panel, k, rules, continued, lastPage);
            }
        }
        _addSlash(ledger, slashedTotal);
    }

    /// @dev On the round's last page, slashes panel member `k` for its deviations of the whole round (capped at
    /// MaxRoundPenaltyBps of its stake); on earlier pages, keeps count.
    function _chargeDeviations(
        uint256 round,
        Panel memory panel,
        uint256 k,
        Rules memory rules,
        bool continued,
        bool lastPage
    ) private returns (uint256) {
        uint256 deviations = _roundDeviations(round, panel.indexes[k], panel.deviations[k], continued, lastPage);
        if (deviations == 0 || panel.accounts[k] == address(0)) return 0;
        uint256 bps = deviations * rules.deviationPenaltyBps;
        if (bps > rules.maxRoundPenaltyBps) bps = rules.maxRoundPenaltyBps;
        return VALIDATORS.slash(panel.accounts[k], round, bps, IValidatorRegistry.SlashReason.DeviatingScore);
    }

    /// @dev The deviations of validator `index` in the round so far, this page's included; 0 before the last page,
    /// where they are stored for the next page instead.
    function _roundDeviations(uint256 round, uint256 index, uint256 onPage, bool continued, bool lastPage)
        private
        returns (uint256 deviations)
    {
        mapping(uint256 index => uint256) storage pending = _consensus().pendingDeviations[round % SCORE_RING_ROUNDS];
        deviations = onPage;
        if (continued) {
            uint256 stored = pending[index];
            if (stored >> 32 == round) deviations += uint32(stored);
        }
        if (lastPage) return deviations;
        if (onPage != 0) pending[index] = (round << 32) | deviations;
        return 0;
    }

    /// @dev Whether nobody could commit to `round` at all: its ring slot was held by an earlier round that could not
    /// be finalized before `round`'s commit window closed. Governance can get there by shortening the windows while
    /// rounds opened under longer ones are still scoring; validators must not be penalised for it. The holder is the
    /// latest round before `round` that took the slot: the slot's owner, or, if later rounds took it since, the one
    /// their chain of takeovers leads back to (a round finalized late walks back one link per later takeover).
    function _ringSlotBlocked(uint256 round, uint256 commitEnd) private view returns (bool) {
        RoundsStorage storage rounds = _rounds();
        uint256 owner = _consensus().ringOwner[round % SCORE_RING_ROUNDS];
        while (owner > round) {
            owner = rounds.rounds[owner].ringPrevious;
        }
        return owner != 0 && owner < round && rounds.rounds[owner].revealEnd >= commitEnd;
    }

    /// @dev The first commit of a round takes over its ring slot, once the round that held it is finalized, and
    /// remembers which round that was.
    function _claimRingSlot(ConsensusStorage storage $, uint256 round, Round storage entry) private {
        uint256 ringSlot = round % SCORE_RING_ROUNDS;
        uint256 owner = $.ringOwner[ringSlot];
        if (owner == round) return;
        if (owner != 0) {
            Round storage previous = _rounds().rounds[owner];
            if (previous.finalizedCount < _roundCount(owner, previous)) revert ScoreStorageBusy(round, owner);
        }
        $.ringOwner[ringSlot] = round;
        entry.ringPrevious = uint32(owner);
    }

    function _rules(uint256 version) private view returns (Rules memory rules) {
        rules.stake = _stakeRules(version);
        rules.neutralScore = _paramAt(version, Parameter.NeutralScore);
        rules.toleranceScore = _paramAt(version, Parameter.ToleranceScore);
        rules.quorumBps = _paramAt(version, Parameter.QuorumBps);
        rules.maxWeightShareBps = _paramAt(version, Parameter.MaxWeightShareBps);
        rules.validationReward = _paramAt(version, Parameter.ValidationReward);
        rules.deviationPenaltyBps = _paramAt(version, Parameter.DeviationPenaltyBps);
        rules.absencePenaltyBps = _paramAt(version, Parameter.AbsencePenaltyBps);
        rules.maxRoundPenaltyBps = _paramAt(version, Parameter.MaxRoundPenaltyBps);
        rules.baseReward[uint8(ContributionType.MODEL_UPDATE)] = _paramAt(version, Parameter.ModelUpdateReward);
        rules.baseReward[uint8(ContributionType.DATASET)] = _paramAt(version, Parameter.DatasetReward);
        rules.baseReward[uint8(ContributionType.VALIDATION)] = _paramAt(version, Parameter.ValidationWorkReward);
    }

    /// @dev The record at `position` of `round`, which `contentDigest` must name.
    function _recordAt(uint256 round, uint256 position, bytes32 contentDigest)
        private
        view
        returns (Contribution storage record)
    {
        record = _rounds().contributions[contentDigest];
        // an unknown digest has round 0, and rounds start at 1
        if (record.round != round || record.position != position) {
            revert NotAtPosition(round, position, contentDigest);
        }
    }

    function _existingRound(uint256 round) private view returns (Round storage entry) {
        entry = _rounds().rounds[round];
        if (entry.firstContributionId == 0) revert IContributionRounds.UnknownRound(round);
    }

    /// @dev Commit and reveal windows are told apart by deadlines alone: with an unbounded count the phase after
    /// the reveal window reads as Finalization, which is wrong for both anyway.
    function _requireWindow(uint256 round, Round storage entry, RoundPhase expected, uint256 clock) private view {
        RoundPhase actual = _phase(entry, type(uint256).max, clock);
        if (actual != expected) revert IContributionRounds.WrongPhase(round, expected, actual);
    }

    /// @dev The caller's index and stake at risk in the round, if the round expects it.
    function _expectedValidator(uint256 round, Round storage entry)
        private
        view
        returns (uint256 index, uint32 bit, uint256 stake)
    {
        bool holdsIndex;
        (holdsIndex, index, stake) = VALIDATORS.validatorSlot(msg.sender, round);
        bit = uint32(1 << index);
        if (!holdsIndex || entry.expectedMask & bit == 0) revert NotExpectedValidator(round, msg.sender);
    }

    /// @dev Every score must be in 0..100 (0: abstaining).
    function _requireScoresInRange(bytes calldata scores) private pure {
        for (uint256 i = 0; i < scores.length; ++i) {
            uint256 score;
            assembly {
                score := byte(0, calldataload(add(scores.offset, i)))
            }
            if (score > MAX_SCORE) revert ScoreOutOfRange(i, uint8(score));
        }
    }
}
