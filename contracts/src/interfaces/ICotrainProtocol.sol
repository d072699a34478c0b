// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {IContentReveal} from "./IContentReveal.sol";
import {IContributionReads} from "./IContributionReads.sol";
import {IContributionRounds} from "./IContributionRounds.sol";
import {IContributorStaking} from "./IContributorStaking.sol";
import {IProtocolGovernance} from "./IProtocolGovernance.sol";
import {IProtocolParameters} from "./IProtocolParameters.sol";
import {IRewardPool} from "./IRewardPool.sol";
import {IScoreConsensus} from "./IScoreConsensus.sol";
import {ISealingFaults} from "./ISealingFaults.sol";

/// @title The Cotrain protocol: everything a contributor, validator, funder, governor or client calls
/// @notice One address (the proxy) serves all of it. Behind it, CotrainProtocol implements the round lifecycle
/// (submissions, scoring, settlement, rewards) and delegates every other function (staking accounts, parameters,
/// roles, pause) to CotrainProtocolExtension, as one contract would exceed the 24 KiB code-size limit.
interface ICotrainProtocol is
    IContributionRounds,
    IContributionReads,
    IContentReveal,
    ISealingFaults,
    IScoreConsensus,
    IRewardPool,
    IContributorStaking,
    IProtocolParameters,
    IProtocolGovernance,
    IAccessControl
{
    /// @notice The contract the protocol delegates its account, parameter and governance functions to.
    /// @return extension the CotrainProtocolExtension of this implementation
    function extension() external view returns (address extension);

    /// @notice Points the proxy at a new implementation and runs `data` on it (UUPS). Restricted to UPGRADER_ROLE.
    /// @param newImplementation a CotrainProtocol implementation
    /// @param data a call to run on the proxy afterwards, or empty
    function upgradeToAndCall(address newImplementation, bytes calldata data) external payable;
}
