// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IContributionRounds} from "./IContributionRounds.sol";
import {IContributorStaking} from "./IContributorStaking.sol";
import {IProtocolParameters} from "./IProtocolParameters.sol";
import {IRewardPool} from "./IRewardPool.sol";
import {IScoreConsensus} from "./IScoreConsensus.sol";

/// @title The Cotrain protocol: everything a contributor, validator, funder or client calls
interface ICotrainProtocol is
    IScoreConsensus,
    IContributionRounds,
    IContributorStaking,
    IRewardPool,
    IProtocolParameters
{
    /// @notice The token used for stakes, bonds and rewards.
    /// @return token the ERC-20 address
    function stakingToken() external view returns (address token);

    /// @notice The validator registry whose set scores the rounds.
    /// @return registry the ValidatorRegistry proxy
    function validatorRegistry() external view returns (address registry);

    /// @notice Whether the protocol is paused.
    /// @return isPaused true while paused
    function paused() external view returns (bool isPaused);

    /// @notice Stops registrations, stake increases, submissions, validator bonding and scoring. Restricted to PAUSER_ROLE.
    function pause() external;

    /// @notice Resumes the protocol. Restricted to PAUSER_ROLE. Rounds whose commit or reveal window overlapped
    /// the pause are finalized without absence penalties.
    function unpause() external;
}
