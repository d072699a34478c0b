// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IProtocolParameters} from "../interfaces/IProtocolParameters.sol";
import {Parameter, ProtocolConfig} from "../types/CotrainTypes.sol";

/// @title Bounded, evented, versioned protocol parameters in five packed storage words per version
/// @dev Every change writes a new version (a copy of the latest with one field changed); rounds record the version
/// they opened with and read their prices from it, so a change never reprices an open round. Parameters are read
/// and written through one layout table instead of a struct per group: 27 typed getters and setters would cost more
/// code than the 24 KiB limit leaves. Parameters that the same path reads sit in the same word: a submission reads
/// word 0, a finalize page words 0 to 2 and 4.
///
///   parameter                        word  shift  bounds                      width
///   MinContributorStake               3      0    [1, 1e27] tokens              96
///   StakePerContribution              0      0    [1, 1e27] tokens              96
///   ContributorUnbondingBlocks        3    192    [1, 1e7] blocks               32
///   ContributorSlashBps               0    160    [0, 10000] bps                16
///   SlashThresholdScore               0    192    [1, 100] score                 8
///   ReputationAlphaBps                0    176    [1, 10000] bps                16
///   InitialReputation                 4      0    [100, 10000] bps              16
///   MinValidatorStake                 3     96    [1, 1e27] tokens              96
///   ValidatorUnbondingBlocks          3    224    [1, 1e7] blocks               32
///   MaxValidators                     4     16    [1, 32]                        8
///   ValidationReward                  2     96    [0, 1e27] tokens              96
///   DeviationPenaltyBps               1    192    [0, 10000] bps                16
///   AbsencePenaltyBps                 1    208    [0, 10000] bps                16
///   ToleranceScore                    0    208    [0, 99] score                  8
///   QuorumBps                         0    216    [1, 10000] bps                16
///   SubmissionBlocks                  0     96    [1, 1e7] blocks               32
///   CommitBlocks                      2    192    [1, 1e7] blocks               32
///   RevealBlocks                      2    224    [1, 1e7] blocks               32
///   ModelUpdateReward                 1      0    [0, 1e27] tokens              96
///   DatasetReward                     1     96    [0, 1e27] tokens              96
///   ValidationWorkReward              2      0    [0, 1e27] tokens              96
///   NeutralScore                      0    200    [1, 99] score                  8
///   MaxContributionsPerRound          0    128    [1, 65535]                    16
///   MaxContributionsPerContributor    0    144    [1, 65535]                    16
///   MaxWeightShareBps                 0    232    [1, 10000] bps                16
///   MaxRoundPenaltyBps                1    224    [0, 10000] bps                16
///   SubmissionFee                     4     24    [0, 1e27] tokens              96
///
/// The table is encoded below one byte per parameter (byte i = Parameter(i)); contracts-test checks that no two
/// parameters overlap and that every bound holds. Which version is the latest is kept by the round schedule (see
/// ContributionRounds), which every submission reads anyway.
abstract contract ProtocolParameters {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant MAX_SCORE = 100;
    uint256 internal constant MAX_VALIDATORS = 32; // round bitmaps are uint32
    uint256 internal constant MAX_TOKEN_AMOUNT = 1e27; // one billion tokens of 18 decimals; fits 96 bits
    uint256 internal constant MAX_BLOCKS = 10_000_000;
    uint256 internal constant MAX_ROUND_CONTRIBUTIONS = 65_535; // positions in a round are uint16
    /// @dev Scores live in a ring of storage reused every SCORE_RING_ROUNDS rounds (see ScoreConsensus), so a round's
    /// commit and reveal windows must end before the round SCORE_RING_ROUNDS later starts committing.
    uint256 internal constant SCORE_RING_ROUNDS = 8;

    uint256 private constant WORDS = 5;
    uint256 private constant LAYOUT_WORDS = 0x40100000000020101020200000001010204030304000000030003;
    uint256 private constant LAYOUT_SHIFTS = 0x18e0e89080c8006000e0c060d8d0d0c06010e06000b0c0a0c00000;
    // bounds classes: 0 [1, MAX_TOKEN_AMOUNT], 1 [0, MAX_TOKEN_AMOUNT], 2 [0, BPS], 3 [1, BPS], 4 [MAX_SCORE, BPS],
    // 5 [1, MAX_SCORE], 6 [0, MAX_SCORE - 1], 7 [1, MAX_VALIDATORS], 8 [1, MAX_BLOCKS], 9 [1, MAX_ROUND_CONTRIBUTIONS],
    // 10 [1, MAX_SCORE - 1]
    uint256 private constant LAYOUT_BOUNDS = 0x1020309090a010101080808030602020107080004030502080000;
    // field width in bytes by bounds class
    uint256 private constant CLASS_WIDTHS = 0x102040101010202020c0c;

    /// @custom:storage-location erc7201:cotrain.storage.VersionedParameters
    struct ParametersStorage {
        mapping(uint256 version => uint256[5] words) versions; // WORDS
    }

    // keccak256(abi.encode(uint256(keccak256("cotrain.storage.VersionedParameters")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant PARAMETERS_STORAGE = 0x5893be98f7b581b916126052919dca5ff18a9748e499931fed2fa38874677800;

    /// @dev Applies every value of `config` as version 1. The struct's fields follow the order of `Parameter`, all
    /// uint256, so the i-th word of its memory image is the value of Parameter(i).
    function _initializeParameters(ProtocolConfig memory config) internal {
        _setLatestVersion(1);
        uint256 count = uint256(type(Parameter).max) + 1;
        for (uint256 i = 0; i < count; ++i) {
            uint256 value;
            assembly {
                value := mload(add(config, mul(i, 32)))
            }
            _writeField(1, Parameter(i), value);
        }
        _checkParameterConsistency(Parameter.MinContributorStake); // no rule involves it: each names its own side
    }

    /// @dev Writes `value` into a new version, a copy of the latest one.
    function _setParameter(Parameter which, uint256 value) internal {
        _beforeParameterUpdate(which);
        uint256 latest = _latestVersion();
        uint256 version = latest + 1;
        uint256[5] storage from = _parameterWords(latest);
        uint256[5] storage to = _parameterWords(version);
        for (uint256 w = 0; w < WORDS; ++w) {
            to[w] = from[w];
        }
        _setLatestVersion(version);
        _writeField(version, which, value);
        _checkParameterConsistency(which);
    }

    /// @dev The value of a parameter in the latest version: what rounds opened from now on are priced with.
    function _param(Parameter which) internal view returns (uint256) {
        return _paramAt(_latestVersion(), which);
    }

    /// @dev The value of a parameter in `version`. Several parameters of one word cost one cold SLOAD, then warm ones.
    function _paramAt(uint256 version, Parameter which) internal view returns (uint256 value) {
        (uint256 word, uint256 shift, uint256 mask) = _layout(which);
        uint256[5] storage words = _parameterWords(version);
        assembly {
            value := and(shr(shift, sload(add(words.slot, word))), mask) // word < 5 by the table
        }
    }

    /// @dev The inclusive bounds of a parameter.
    function _parameterBounds(Parameter which) internal pure returns (uint256 min, uint256 max) {
        uint256 class = (LAYOUT_BOUNDS >> (uint256(which) << 3)) & 0xff;
        if (class <= 1) return (1 - class, MAX_TOKEN_AMOUNT);
        if (class <= 4) return (class == 2 ? 0 : class == 3 ? 1 : MAX_SCORE, BPS);
        if (class == 5) return (1, MAX_SCORE);
        if (class == 6) return (0, MAX_SCORE - 1);
        if (class == 7) return (1, MAX_VALIDATORS);
        if (class == 8) return (1, MAX_BLOCKS);
        if (class == 9) return (1, MAX_ROUND_CONTRIBUTIONS);
        return (1, MAX_SCORE - 1);
    }

    /// @dev The version new rounds open with.
    function _latestVersion() internal view virtual returns (uint256);

    function _setLatestVersion(uint256 version) internal virtual;

    /// @dev Hook for modules that keep state derived from a parameter's latest value.
    function _beforeParameterUpdate(Parameter which) internal virtual {}

    function _writeField(uint256 version, Parameter which, uint256 value) private {
        (uint256 min, uint256 max) = _parameterBounds(which);
        if (value < min || value > max) revert IProtocolParameters.ParameterOutOfRange(which, value, min, max);
        (uint256 word, uint256 shift, uint256 mask) = _layout(which);
        uint256[5] storage words = _parameterWords(version);
        uint256 current = words[word];
        uint256 oldValue = version == 1 ? 0 : (_parameterWords(version - 1)[word] >> shift) & mask;
        words[word] = (current & ~(mask << shift)) | (value << shift); // value <= max fits the field's width
        emit IProtocolParameters.ParameterUpdated(which, oldValue, value, version);
    }

    /// @dev Rules that tie parameters of the latest version together, checked after every change. Each refusal names
    /// the parameter to change first: the other side of the rule than `changed`, so that an operator who meets it
    /// knows which change must come before theirs.
    function _checkParameterConsistency(Parameter changed) private view {
        uint256 submissionBlocks = _param(Parameter.SubmissionBlocks);
        uint256 scoringBlocks = _param(Parameter.CommitBlocks) + _param(Parameter.RevealBlocks);
        uint256 maxScoringBlocks = (SCORE_RING_ROUNDS - 1) * submissionBlocks;
        if (scoringBlocks > maxScoringBlocks) {
            revert IProtocolParameters.ScoringWindowsTooLong(
                scoringBlocks, maxScoringBlocks, _other(changed, Parameter.SubmissionBlocks, Parameter.CommitBlocks)
            );
        }
        uint256 roundBlocks = submissionBlocks + scoringBlocks;
        uint256 unbonding = _param(Parameter.ValidatorUnbondingBlocks);
        if (unbonding < roundBlocks) {
            revert IProtocolParameters.UnbondingShorterThanRound(
                unbonding, roundBlocks, _other(changed, Parameter.ValidatorUnbondingBlocks, Parameter.SubmissionBlocks)
            );
        }
        _checkScoreAndPenaltyRules(changed);
    }

    /// @dev The rules between scores, penalties and the fee (see _checkParameterConsistency).
    function _checkScoreAndPenaltyRules(Parameter changed) private view {
        uint256 threshold = _param(Parameter.SlashThresholdScore);
        uint256 neutral = _param(Parameter.NeutralScore);
        if (threshold > neutral) {
            revert IProtocolParameters.SlashThresholdAboveNeutral(
                threshold, neutral, _other(changed, Parameter.NeutralScore, Parameter.SlashThresholdScore)
            );
        }
        uint256 cap = _param(Parameter.MaxRoundPenaltyBps);
        uint256 deviation = _param(Parameter.DeviationPenaltyBps);
        if (deviation > cap) {
            revert IProtocolParameters.DeviationPenaltyAboveRoundCap(
                deviation, cap, _other(changed, Parameter.MaxRoundPenaltyBps, Parameter.DeviationPenaltyBps)
            );
        }
        uint256 absence = _param(Parameter.AbsencePenaltyBps);
        if (cap > absence) {
            revert IProtocolParameters.RoundCapAboveAbsencePenalty(
                cap, absence, _other(changed, Parameter.AbsencePenaltyBps, Parameter.MaxRoundPenaltyBps)
            );
        }
        uint256 stake = _param(Parameter.StakePerContribution);
        uint256 maxFee = stake - stake * _param(Parameter.ContributorSlashBps) / BPS;
        uint256 fee = _param(Parameter.SubmissionFee);
        if (fee > maxFee) {
            revert IProtocolParameters.SubmissionFeeAboveUnslashedStake(
                fee, maxFee, _other(changed, Parameter.SubmissionFee, Parameter.StakePerContribution)
            );
        }
    }

    /// @dev The parameter to change first when a change breaks a rule between `bound` and the rule's other side
    /// (`otherwise`): `bound` itself, unless that is what was just changed.
    function _other(Parameter changed, Parameter bound, Parameter otherwise) private pure returns (Parameter) {
        return changed == bound ? otherwise : bound;
    }

    function _parameterWords(uint256 version) private pure returns (uint256[5] storage words) {
        assembly {
            mstore(0, version)
            mstore(32, PARAMETERS_STORAGE)
            words.slot := keccak256(0, 64)
        }
    }

    /// @dev Pure shifts and masks: hot paths call _paramAt several times per transaction.
    function _layout(Parameter which) private pure returns (uint256 word, uint256 shift, uint256 mask) {
        unchecked {
            uint256 bit = uint256(which) << 3;
            word = (LAYOUT_WORDS >> bit) & 0xff;
            shift = (LAYOUT_SHIFTS >> bit) & 0xff;
            uint256 class = (LAYOUT_BOUNDS >> bit) & 0xff;
            mask = (1 << (((CLASS_WIDTHS >> (class << 3)) & 0xff) << 3)) - 1;
        }
    }
}
