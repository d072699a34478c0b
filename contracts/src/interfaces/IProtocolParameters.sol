// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Parameter} from "../types/CotrainTypes.sol";

/// @title Governable protocol parameters
interface IProtocolParameters {
    /// @notice A parameter changed.
    event ParameterUpdated(Parameter indexed parameter, uint256 oldValue, uint256 newValue);

    /// @notice `value` is outside the bounds `[min, max]` of `parameter`.
    error ParameterOutOfRange(Parameter parameter, uint256 value, uint256 min, uint256 max);
    /// @notice The validator unbonding delay must cover a whole round, or a bond could leave before it is slashed.
    error UnbondingShorterThanRound(uint256 validatorUnbondingBlocks, uint256 roundBlocks);
    /// @notice Commit plus reveal windows (`scoringBlocks`) may last at most seven submission windows
    /// (`maxScoringBlocks`): score storage is reused by the round eight rounds later.
    error ScoringWindowsTooLong(uint256 scoringBlocks, uint256 maxScoringBlocks);
    /// @notice The validator set already holds more validators than the new maximum.
    error MaxValidatorsBelowCurrent(uint256 maxValidators, uint256 currentValidators);

    /// @notice Sets one parameter. Restricted to PARAMETER_ROLE; bounded by `parameterBounds`.
    /// @dev Round window lengths apply from the next round on; rounds already open keep their deadlines.
    /// @param which the parameter to change
    /// @param value its new value
    function setParameter(Parameter which, uint256 value) external;

    /// @notice The current value of a parameter.
    /// @param which the parameter to read
    /// @return value the value in force
    function parameter(Parameter which) external view returns (uint256 value);

    /// @notice The inclusive bounds every value of `parameter` must lie within.
    /// @param which the parameter
    /// @return min lowest accepted value
    /// @return max highest accepted value
    function parameterBounds(Parameter which) external pure returns (uint256 min, uint256 max);
}
