// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

import {CotrainProtocolExtension} from "./CotrainProtocolExtension.sol";
import {IContributionRounds} from "./interfaces/IContributionRounds.sol";
import {IValidatorRegistry} from "./interfaces/IValidatorRegistry.sol";
import {ProtocolRoles} from "./libraries/ProtocolRoles.sol";
import {ScoreConsensus} from "./protocol/ScoreConsensus.sol";
import {TokenCustody} from "./protocol/TokenCustody.sol";
import {ValidatorSetClient} from "./protocol/ValidatorSetClient.sol";

/// @title Cotrain protocol
/// @notice Contributions, validator consensus on quality scores, slashing, reputation and rewards, behind a UUPS
/// proxy: the round lifecycle that every contribution pays gas for. Every other function of ICotrainProtocol
/// (contributor accounts, parameters, roles, pause, initialization) is delegated to CotrainProtocolExtension, as
/// one contract would exceed the 24 KiB code-size limit (the pattern of Compound III's CometExt). Both run on the
/// proxy's storage, in ERC-7201 namespaces of the modules under protocol/.
/// @dev Roles (see IProtocolGovernance) live in the extension's AccessControl; an upgrade asks it through the proxy.
contract CotrainProtocol is IContributionRounds, ScoreConsensus, Initializable, UUPSUpgradeable {
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable EXTENSION;

    /// @notice The extension was built for another token or validator registry than this implementation.
    error ExtensionMismatch(address extension);

    /// @param token the staking and reward token, fixed for the lifetime of the deployment
    /// @param registry the registry of the validators that score rounds, fixed likewise
    /// @param extension_ the CotrainProtocolExtension built for the same token and registry
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IERC20 token, IValidatorRegistry registry, CotrainProtocolExtension extension_)
        TokenCustody(token)
        ValidatorSetClient(registry)
    {
        if (extension_.stakingToken() != address(token) || extension_.validatorRegistry() != address(registry)) {
            revert ExtensionMismatch(address(extension_));
        }
        EXTENSION = address(extension_);
        _disableInitializers();
    }

    /// @notice Runs every function this contract does not implement in the extension, on this contract's storage.
    fallback() external {
        address target = EXTENSION;
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), target, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    /// @notice The contract the protocol delegates its account, parameter and governance functions to.
    /// @return the CotrainProtocolExtension of this implementation
    function extension() external view returns (address) {
        return EXTENSION;
    }

    /// @inheritdoc IContributionRounds
    function submitContribution(uint8 kind, bytes32 contentDigest, uint256 taskId) external returns (uint256) {
        return _submit(kind, contentDigest, taskId);
    }

    /// @inheritdoc IContributionRounds
    function currentRound() external view returns (uint256) {
        return _roundNow();
    }

    /// @inheritdoc IContributionRounds
    function latestRound() external view returns (uint256) {
        return _latestRound();
    }

    /// @inheritdoc IContributionRounds
    function settledThrough() external view returns (uint256) {
        return _settledThrough();
    }

    /// @inheritdoc IContributionRounds
    function advanceSettled() external returns (uint256) {
        _advanceSettled();
        return _settledThrough();
    }

    /// @inheritdoc IContributionRounds
    function nextContributionId() external view returns (uint256) {
        return _nextContributionId();
    }

    /// @inheritdoc IContributionRounds
    function protocolClock() external view returns (uint256) {
        return _clock();
    }

    /// @dev Asks the roles, kept by the extension, through the proxy.
    function _authorizeUpgrade(address) internal view override {
        if (!IAccessControl(address(this)).hasRole(ProtocolRoles.UPGRADER_ROLE, msg.sender)) {
            revert IAccessControl.AccessControlUnauthorizedAccount(msg.sender, ProtocolRoles.UPGRADER_ROLE);
        }
    }
}
