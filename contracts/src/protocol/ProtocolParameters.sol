// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";

import {IProtocolParameters} from "../interfaces/IProtocolParameters.sol";
import {Parameter, ProtocolConfig} from "../types/CotrainTypes.sol";

/// @title Bounded, evented protocol parameters in five packed storage words
/// @dev Every parameter is read and written through one layout table instead of a struct per group: 21 typed
/// getters and setters would cost more code than the 24 KiB limit leaves. Parameters that the same path reads sit in
/// the same word, so a submission reads one word (stake per contribution, round length) and a finalize batch two.
///
///   parameter                   word  shift  bounds                      width
///   MinContributorStake          2      0    [1, 1e27] tokens              96
///   StakePerContribution         0      0    [1, 1e27] tokens              96
///   ContributorUnbondingBlocks   1    128    [1, 1e7] blocks               32
///   ContributorSlashBps          0    224    [0, 10000] bps                16
///   SlashThresholdScore          1     16    [1, 100] score                 8
///   ReputationAlphaBps           0    240    [1, 10000] bps                16
///   InitialReputation            1    192    [100, 10000] bps              16
///   MinValidatorStake            2     96    [1, 1e27] tokens              96
///   ValidatorUnbondingBlocks     1    160    [1, 1e7] blocks               32
///   MaxValidators                1    208    [1, 32]                        8
///   ValidationReward             0     96    [0, 1e27] tokens              96
///   DeviationPenaltyBps          1     32    [0, 10000] bps                16
///   AbsencePenaltyBps            1     48    [0, 10000] bps                16
///   ToleranceScore               1     24    [0, 99] score                  8
///   QuorumBps                    1      0    [1, 10000] bps                16
///   SubmissionBlocks             0    192    [1, 1e7] blocks               32
///   CommitBlocks                 1     64    [1, 1e7] blocks               32
///   RevealBlocks                 1     96    [1, 1e7] blocks               32
///   ModelUpdateReward            3      0    [0, 1e27] tokens              96
///   DatasetReward                3     96    [0, 1e27] tokens              96
///   ValidationWorkReward         4      0    [0, 1e27] tokens              96
///
/// The table is encoded below one byte per parameter (byte i = Parameter(i)); contracts-test checks that no two
/// parameters overlap and that every bound holds.
abstract contract ProtocolParameters is IProtocolParameters, AccessControlUpgradeable {
    bytes32 public constant PARAMETER_ROLE = keccak256("PARAMETER_ROLE");

    uint256 internal constant BPS = 10_000;
    uint256 internal constant MAX_SCORE = 100;
    uint256 internal constant MAX_VALIDATORS = 32; // round bitmaps are uint32
    uint256 internal constant MAX_TOKEN_AMOUNT = 1e27; // one billion tokens of 18 decimals; fits 96 bits
    uint256 internal constant MAX_BLOCKS = 10_000_000;
    /// @dev Scores live in a ring of storage reused every SCORE_RING_ROUNDS rounds (see ScoreConsensus), so a round's
    /// commit and reveal windows must end before the round SCORE_RING_ROUNDS later starts committing.
    uint256 internal constant SCORE_RING_ROUNDS = 8;

    uint256 private constant LAYOUT_WORDS = 0x040303010100010101010001010201000100010002;
    uint256 private constant LAYOUT_SHIFTS = 0x0060006040c00018302060d0a060c0f010e0800000;
    // bounds classes: 0 [1, MAX_TOKEN_AMOUNT], 1 [0, MAX_TOKEN_AMOUNT], 2 [0, BPS], 3 [1, BPS], 4 [MAX_SCORE, BPS],
    // 5 [1, MAX_SCORE], 6 [0, MAX_SCORE - 1], 7 [1, MAX_VALIDATORS], 8 [1, MAX_BLOCKS]
    uint256 private constant LAYOUT_BOUNDS = 0x010101080808030602020107080004030502080000;

    /// @custom:storage-location erc7201:cotrain.storage.ProtocolParameters
    struct ParametersStorage {
        uint256[5] words;
    }

    // keccak256(abi.encode(uint256(keccak256("cotrain.storage.ProtocolParameters")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant PARAMETERS_STORAGE = 0x944e3e6607e739420d03fae32ad8a29f64fa6f1d3233101db80c966aba52c200;

    function _parameterWords() private pure returns (ParametersStorage storage $) {
        assembly {
            $.slot := PARAMETERS_STORAGE
        }
    }

    /// @dev Applies every value of `config`. The struct's fields follow the order of `Parameter`, all uint256, so
    /// the i-th word of its memory image is the value of Parameter(i).
    function _initializeParameters(ProtocolConfig memory config) internal {
        uint256 count = uint256(type(Parameter).max) + 1;
        for (uint256 i = 0; i < count; ++i) {
            uint256 value;
            assembly {
                value := mload(add(config, mul(i, 32)))
            }
            _setParameter(Parameter(i), value);
        }
        _checkParameterConsistency();
    }

    /// @inheritdoc IProtocolParameters
    function setParameter(Parameter which, uint256 value) external onlyRole(PARAMETER_ROLE) {
        _setParameter(which, value);
        _checkParameterConsistency();
    }

    /// @inheritdoc IProtocolParameters
    function parameter(Parameter which) external view returns (uint256) {
        return _param(which);
    }

    /// @inheritdoc IProtocolParameters
    function parameterBounds(Parameter which) public pure returns (uint256 min, uint256 max) {
        uint256 class = _layoutByte(LAYOUT_BOUNDS, which);
        if (class <= 1) return (1 - class, MAX_TOKEN_AMOUNT);
        if (class <= 4) return (class == 2 ? 0 : class == 3 ? 1 : MAX_SCORE, BPS);
        if (class == 5) return (1, MAX_SCORE);
        if (class == 6) return (0, MAX_SCORE - 1);
        if (class == 7) return (1, MAX_VALIDATORS);
        return (1, MAX_BLOCKS);
    }

    /// @dev The value of a parameter. Reading several parameters of one word costs one cold SLOAD, then warm ones.
    function _param(Parameter which) internal view returns (uint256 value) {
        (uint256 word, uint256 shift, uint256 mask) = _layout(which);
        assembly {
            value := and(shr(shift, sload(add(PARAMETERS_STORAGE, word))), mask) // word < 5 by the table
        }
    }

    /// @dev Hooks for modules that keep state derived from a parameter.
    function _beforeParameterUpdate(Parameter which) internal virtual {}

    function _afterParameterUpdate(Parameter which) internal virtual {}

    /// @dev Indexes taken in the validator set, which must stay within MaxValidators.
    function _validatorCount() internal view virtual returns (uint256);

    function _setParameter(Parameter which, uint256 value) private {
        (uint256 min, uint256 max) = parameterBounds(which);
        if (value < min || value > max) revert ParameterOutOfRange(which, value, min, max);
        _beforeParameterUpdate(which);
        (uint256 word, uint256 shift, uint256 mask) = _layout(which);
        uint256[5] storage words = _parameterWords().words;
        uint256 current = words[word];
        uint256 oldValue = (current >> shift) & mask;
        words[word] = (current & ~(mask << shift)) | (value << shift); // value <= max fits the field's width
        emit ParameterUpdated(which, oldValue, value);
        _afterParameterUpdate(which);
    }

    /// @dev Rules that tie parameters together, checked after every change.
    function _checkParameterConsistency() private view {
        uint256 submissionBlocks = _param(Parameter.SubmissionBlocks);
        uint256 scoringBlocks = _param(Parameter.CommitBlocks) + _param(Parameter.RevealBlocks);
        uint256 maxScoringBlocks = (SCORE_RING_ROUNDS - 1) * submissionBlocks;
        if (scoringBlocks > maxScoringBlocks) revert ScoringWindowsTooLong(scoringBlocks, maxScoringBlocks);
        uint256 roundBlocks = submissionBlocks + scoringBlocks;
        uint256 unbonding = _param(Parameter.ValidatorUnbondingBlocks);
        if (unbonding < roundBlocks) revert UnbondingShorterThanRound(unbonding, roundBlocks);
        uint256 maxValidators = _param(Parameter.MaxValidators);
        uint256 validatorCount = _validatorCount();
        if (maxValidators < validatorCount) revert MaxValidatorsBelowCurrent(maxValidators, validatorCount);
    }

    /// @dev Pure shifts and masks: hot paths call _param several times per transaction.
    function _layout(Parameter which) private pure returns (uint256 word, uint256 shift, uint256 mask) {
        uint256 class;
        unchecked {
            uint256 bit = uint256(which) << 3;
            word = (LAYOUT_WORDS >> bit) & 0xff;
            shift = (LAYOUT_SHIFTS >> bit) & 0xff;
            class = (LAYOUT_BOUNDS >> bit) & 0xff;
            uint256 width = class <= 1 ? 96 : class <= 4 ? 16 : class <= 7 ? 8 : 32;
            mask = (1 << width) - 1;
        }
    }

    function _layoutByte(uint256 table, Parameter which) private pure returns (uint256) {
        return (table >> (uint256(which) << 3)) & 0xff;
    }
}
