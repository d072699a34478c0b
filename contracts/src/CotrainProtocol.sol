// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";

import {ICotrainProtocol} from "./interfaces/ICotrainProtocol.sol";
import {IValidatorRegistry} from "./interfaces/IValidatorRegistry.sol";
import {ScoreConsensus} from "./protocol/ScoreConsensus.sol";
import {TokenCustody} from "./protocol/TokenCustody.sol";
import {ValidatorSetClient} from "./protocol/ValidatorSetClient.sol";
import {Parameter, ProtocolConfig} from "./types/CotrainTypes.sol";

/// @title Cotrain protocol
/// @notice Contributor staking, contributions, validator consensus on quality scores, slashing, reputation and
/// rewards, behind a UUPS proxy. Each concern lives in its own module under protocol/; this contract wires them
/// together with roles, pause and upgrades.
/// @dev Roles: DEFAULT_ADMIN_ROLE grants and revokes the others; PARAMETER_ROLE changes bounded parameters;
/// PAUSER_ROLE pauses; UPGRADER_ROLE upgrades. Validators are admitted in the ValidatorRegistry.
/// Pause stops registrations, stake and bond increases, submissions, commits, reveals and finalization.
/// Exits stay open while paused (unstake requests, withdrawals of unbonded stake and bonds, reward claims): those
/// tokens are already owed to their holders and fully backed, and a pause must not trap them.
contract CotrainProtocol is ICotrainProtocol, ScoreConsensus, UUPSUpgradeable {
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");

    /// @param token the staking and reward token, fixed for the lifetime of the deployment
    /// @param registry the registry of the validators that score rounds, fixed likewise
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IERC20 token, IValidatorRegistry registry)
        TokenCustody(token)
        ValidatorSetClient(registry)
    {
        _disableInitializers();
    }

    /// @notice Initializes the proxy: grants every role to `admin`, starts round 1 at this block and applies
    /// `config` (each value bounds-checked and evented).
    /// @param admin the account that receives every role (hand them to separate accounts afterwards)
    /// @param config the initial parameters
    function initialize(address admin, ProtocolConfig calldata config) external initializer {
        if (admin == address(0)) revert ZeroAddress();
        __AccessControl_init();
        __Pausable_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PARAMETER_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
        _initializeSchedule();
        _initializeParameters(config);
    }

    /// @inheritdoc ICotrainProtocol
    function stakingToken() external view returns (address) {
        return address(TOKEN);
    }

    /// @inheritdoc ICotrainProtocol
    function validatorRegistry() external view returns (address) {
        return address(VALIDATORS);
    }

    /// @inheritdoc ICotrainProtocol
    function paused() public view override(ICotrainProtocol, PausableUpgradeable) returns (bool) {
        return super.paused();
    }

    /// @inheritdoc ICotrainProtocol
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc ICotrainProtocol
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
        _recordUnpause();
    }

    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    /// @dev A new minimum bond changes who is active. During initialize the registry may not be bound yet and
    /// holds no validators anyway.
    function _afterParameterUpdate(Parameter which) internal override {
        if (which == Parameter.MinValidatorStake && !_isInitializing()) VALIDATORS.refreshActivity();
    }

    function _validatorCount() internal view override returns (uint256) {
        return VALIDATORS.occupiedIndexes();
    }
}
