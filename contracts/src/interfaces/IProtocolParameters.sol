// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Parameter} from "../types/CotrainTypes.sol";

/// @title Governable protocol parameters, versioned so that a change never reprices a round already open
/// @notice Every change creates a new parameter version. A round is priced by the version in force when it opened
/// (its first contribution): stakes, fees, caps, thresholds, rewards, penalties, quorum, tolerance and
/// its windows. So a
/// change applies to rounds opened after it, never to one already submitting, scoring or awaiting finalization.
/// Stakes, delays and the validator set's limits outside rounds (minimum stakes, unbonding delays, maximum set size,
/// initial reputation) apply from the change on.
interface IProtocolParameters {
    /// @notice A parameter changed, creating parameter version `version`.
    event ParameterUpdated(Parameter indexed parameter, uint256 oldValue, uint256 newValue, uint256 version);

    /// @notice `value` is outside the bounds `[min, max]` of `parameter`.
    error ParameterOutOfRange(Parameter parameter, uint256 value, uint256 min, uint256 max);
    /// @notice The validator unbonding delay must cover a whole round, or a bond could leave before it is slashed.
    /// `changeFirst`: the parameter to change before the one refused (to lengthen the windows, raise
    /// ValidatorUnbondingBlocks first; to shorten the unbonding delay, shorten the windows first).
    error UnbondingShorterThanRound(uint256 validatorUnbondingBlocks, uint256 roundBlocks, Parameter changeFirst);
    /// @notice Commit plus reveal windows (`scoringBlocks`) may last at most seven submission windows
    /// (`maxScoringBlocks`): score storage is reused by the round eight rounds later. `changeFirst`: the parameter
    /// to change before the one refused.
    error ScoringWindowsTooLong(uint256 scoringBlocks, uint256 maxScoringBlocks, Parameter changeFirst);
    /// @notice The validator set already holds more validators than the new maximum.
    error MaxValidatorsBelowCurrent(uint256 maxValidators, uint256 currentValidators);
    /// @notice The slash threshold may not exceed the neutral score: a score that is slashed can never be paid.
    /// `changeFirst`: the parameter to change before the one refused.
    error SlashThresholdAboveNeutral(uint256 slashThresholdScore, uint256 neutralScore, Parameter changeFirst);
    /// @notice One deviation may not cost more than the cap on a round's deviations. `changeFirst`: the parameter
    /// to change before the one refused.
    error DeviationPenaltyAboveRoundCap(
        uint256 deviationPenaltyBps, uint256 maxRoundPenaltyBps, Parameter changeFirst
    );
    /// @notice The cap on a round's deviation penalties may not exceed the absence penalty, the price of a missing
    /// commit or reveal: withholding must never cost less than the worst a reveal can cost. `changeFirst`: the
    /// parameter to change before the one refused.
    error RoundCapAboveAbsencePenalty(uint256 maxRoundPenaltyBps, uint256 absencePenaltyBps, Parameter changeFirst);
    /// @notice The submission fee and the slash of a rejected contribution both come out of its stake lock: the fee
    /// may be at most the part of StakePerContribution that a slash leaves (`maxFee`). `changeFirst`: the parameter
    /// to change before the one refused.
    error SubmissionFeeAboveUnslashedStake(uint256 submissionFee, uint256 maxFee, Parameter changeFirst);

    /// @notice Sets one parameter, as a new parameter version. Restricted to PARAMETER_ROLE (held by a timelock);
    /// bounded by `parameterBounds` and by the consistency rules (see the errors).
    /// @param which the parameter to change
    /// @param value its new value
    function setParameter(Parameter which, uint256 value) external;

    /// @notice The current value of a parameter: what rounds opened from now on are priced with.
    /// @param which the parameter to read
    /// @return value the value in force
    function parameter(Parameter which) external view returns (uint256 value);

    /// @notice The value of a parameter that prices `round`: the version it opened with, or the current one for a
    /// round not opened yet.
    /// @param round a round number
    /// @param which the parameter to read
    /// @return value the value for that round
    function roundParameter(uint256 round, Parameter which) external view returns (uint256 value);

    /// @notice The inclusive bounds every value of `parameter` must lie within.
    /// @param which the parameter
    /// @return min lowest accepted value
    /// @return max highest accepted value
    function parameterBounds(Parameter which) external pure returns (uint256 min, uint256 max);
}
