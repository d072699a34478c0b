// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IContentReveal} from "./interfaces/IContentReveal.sol";
import {IContributionReads} from "./interfaces/IContributionReads.sol";
import {IContributionRounds} from "./interfaces/IContributionRounds.sol";
import {IContributorStaking} from "./interfaces/IContributorStaking.sol";
import {IProtocolGovernance} from "./interfaces/IProtocolGovernance.sol";
import {IProtocolParameters} from "./interfaces/IProtocolParameters.sol";
import {IScoreConsensus} from "./interfaces/IScoreConsensus.sol";
import {ISealingFaults} from "./interfaces/ISealingFaults.sol";
import {IValidatorRegistry} from "./interfaces/IValidatorRegistry.sol";
import {ProtocolRoles} from "./libraries/ProtocolRoles.sol";
import {ContributionRounds} from "./protocol/ContributionRounds.sol";
import {TokenCustody} from "./protocol/TokenCustody.sol";
import {ValidatorSetClient} from "./protocol/ValidatorSetClient.sol";
import {ContributionStatus, Parameter, ProtocolConfig} from "./types/CotrainTypes.sol";

/// @title Cotrain protocol extension: contributor accounts, parameters, roles and pause
/// @notice Not called directly: CotrainProtocol delegates to it every function it does not implement, so these run
/// on the protocol proxy's storage and are part of ICotrainProtocol at the proxy's address.
/// @dev Deployed once per protocol implementation, for the same token and validator registry (checked by
/// CotrainProtocol's constructor).
contract CotrainProtocolExtension is
    IContributionReads,
    IContentReveal,
    ISealingFaults,
    IContributorStaking,
    IProtocolParameters,
    IProtocolGovernance,
    ContributionRounds,
    AccessControlUpgradeable,
    ReentrancyGuardTransient
{
    /// @inheritdoc IProtocolGovernance
    bytes32 public constant PARAMETER_ROLE = ProtocolRoles.PARAMETER_ROLE;
    /// @inheritdoc IProtocolGovernance
    bytes32 public constant PAUSER_ROLE = ProtocolRoles.PAUSER_ROLE;
    /// @inheritdoc IProtocolGovernance
    bytes32 public constant UPGRADER_ROLE = ProtocolRoles.UPGRADER_ROLE;
    /// @inheritdoc ISealingFaults
    uint256 public constant SEALING_FAULT_BYTES = 64 + 33 + 32 + 32;

    /// @param token the staking and reward token
    /// @param registry the validator registry
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IERC20 token, IValidatorRegistry registry) TokenCustody(token) ValidatorSetClient(registry) {
        _disableInitializers();
    }

    /// @notice Initializes the proxy: grants every role to `admin`, starts round 1 at this block and applies
    /// `config` as parameter version 1 (each value bounds-checked and evented).
    /// @param admin the account that receives every role (the deploy script hands them to the timelock and the
    /// pauser afterwards)
    /// @param config the initial parameters
    function initialize(address admin, ProtocolConfig calldata config) external initializer {
        if (admin == address(0)) revert ZeroAddress();
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PARAMETER_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
        _initializeSchedule();
        _initializeParameters(config);
    }

    // ---- contributor accounts ---------------------------------------------------------------------------------

    /// @inheritdoc IContributionReads
    function contribution(bytes32 contentDigest) external view returns (IContributionRounds.ContributionView memory) {
        return _contributionView(contentDigest);
    }

    /// @inheritdoc IContributionReads
    function roundInfo(uint256 round) external view returns (IContributionRounds.RoundView memory) {
        return _roundView(round);
    }

    /// @inheritdoc IContentReveal
    function revealContent(bytes32 contentDigest, bytes32 contentKey) external {
        IContributionRounds.ContributionView memory entry = _contributionView(contentDigest);
        if (entry.contributor != msg.sender) revert NotTheContributor(contentDigest, msg.sender);
        if (entry.status == ContributionStatus.Pending) revert RevealBeforeFinalized(contentDigest, entry.round);
        emit ContentRevealed(entry.id, contentDigest, contentKey);
    }

    /// @inheritdoc ISealingFaults
    function reportSealingFault(bytes32 contentDigest, bytes calldata evidence) external {
        _runningClock();
        IContributionRounds.ContributionView memory entry = _contributionView(contentDigest);
        uint256 round = entry.round;
        IContributionRounds.RoundView memory info = _roundView(round);
        uint256 deadline = _sealingFaultDeadline(info);
        // The deadline is a block number like the round's window ends (the clock value plus the blocks spent
        // paused): compared with the block number, it closes when the running clock reaches that value.
        if (block.number >= deadline) revert SealingFaultReportsClosed(contentDigest, round, deadline);
        (bool holdsIndex, uint256 index,) = VALIDATORS.validatorSlot(msg.sender, round);
        if (!holdsIndex || info.expectedValidators & (1 << index) == 0) {
            revert IScoreConsensus.NotExpectedValidator(round, msg.sender);
        }
        if (evidence.length != SEALING_FAULT_BYTES) revert MalformedSealingFault(evidence.length);
        emit SealingFaultReported(entry.id, contentDigest, msg.sender, round, evidence);
    }

    /// @inheritdoc ISealingFaults
    function sealingFaultDeadline(uint256 round) external view returns (uint256) {
        return _sealingFaultDeadline(_roundView(round));
    }

    /// @inheritdoc ISealingFaults
    function sealingFaultsOpen(uint256 round) external view returns (bool) {
        return block.number < _sealingFaultDeadline(_roundView(round));
    }

    /// @dev Submission end plus half the commit window, in the round view's blocks (0 when its window ends are 0).
    function _sealingFaultDeadline(IContributionRounds.RoundView memory info) private pure returns (uint256) {
        return info.submissionEndBlock + (info.commitEndBlock - info.submissionEndBlock) / 2;
    }

    /// @inheritdoc IContributorStaking
    function registerContributor(uint256 stake) external nonReentrant {
        _runningClock();
        _register(msg.sender, stake);
    }

    /// @inheritdoc IContributorStaking
    function registerContributorWithPermit(uint256 stake, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
    {
        _runningClock();
        // A permit front-run by someone else still leaves the allowance in place: go on if it is sufficient.
        try IERC20Permit(address(TOKEN)).permit(msg.sender, address(this), stake, deadline, v, r, s) {} catch {}
        _register(msg.sender, stake);
    }

    /// @inheritdoc IContributorStaking
    function increaseStake(uint256 amount) external nonReentrant {
        _runningClock();
        _increaseStake(msg.sender, amount);
    }

    /// @inheritdoc IContributorStaking
    function requestUnstake(uint256 amount) external nonReentrant {
        _requestUnstake(msg.sender, amount);
    }

    /// @inheritdoc IContributorStaking
    function withdrawStake() external nonReentrant returns (uint256) {
        return _withdrawStake(msg.sender);
    }

    /// @inheritdoc IContributorStaking
    function contributorProfile(address contributor) external view returns (ContributorProfile memory) {
        return _contributorProfile(contributor);
    }

    /// @inheritdoc IContributorStaking
    function totalContributorStake() external view returns (uint256) {
        return _totalContributorStake();
    }

    // ---- parameters -------------------------------------------------------------------------------------------

    /// @inheritdoc IProtocolParameters
    function setParameter(Parameter which, uint256 value) external onlyRole(PARAMETER_ROLE) {
        _setParameter(which, value);
        if (which == Parameter.MaxValidators) {
            uint256 current = VALIDATORS.occupiedIndexes();
            if (value < current) revert MaxValidatorsBelowCurrent(value, current);
        } else if (which == Parameter.MinValidatorStake) {
            VALIDATORS.refreshActivity(); // a new minimum bond changes who is active
        }
    }

    /// @inheritdoc IProtocolParameters
    function parameter(Parameter which) external view returns (uint256) {
        return _param(which);
    }

    /// @inheritdoc IProtocolParameters
    function roundParameter(uint256 round, Parameter which) external view returns (uint256) {
        return _paramAt(_versionOf(round), which);
    }

    /// @inheritdoc IProtocolParameters
    function parameterBounds(Parameter which) external pure returns (uint256 min, uint256 max) {
        return _parameterBounds(which);
    }

    // ---- governance -------------------------------------------------------------------------------------------

    /// @inheritdoc IProtocolGovernance
    function pause() external onlyRole(PAUSER_ROLE) {
        if (_paused()) revert ProtocolPaused();
        _pauseClock();
        emit Paused(msg.sender);
    }

    /// @inheritdoc IProtocolGovernance
    function unpause() external onlyRole(PAUSER_ROLE) {
        if (!_paused()) revert ProtocolNotPaused();
        _resumeClock();
        emit Unpaused(msg.sender);
    }

    /// @inheritdoc IProtocolGovernance
    function paused() external view returns (bool) {
        return _paused();
    }

    /// @inheritdoc IProtocolGovernance
    function stakingToken() external view returns (address) {
        return address(TOKEN);
    }

    /// @inheritdoc IProtocolGovernance
    function validatorRegistry() external view returns (address) {
        return address(VALIDATORS);
    }
}
