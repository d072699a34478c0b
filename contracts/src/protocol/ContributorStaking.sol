// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IContributorStaking} from "../interfaces/IContributorStaking.sol";
import {Parameter} from "../types/CotrainTypes.sol";
import {ProtocolParameters} from "./ProtocolParameters.sol";
import {TokenCustody} from "./TokenCustody.sol";

/// @title Contributor profiles: stake, the stake locked by pending contributions, unbonding and reputation
/// @dev Each pending contribution is backed by an equal share of the contributor's locked stake
/// (`lockedStake / pendingContributions`). Settling a contribution releases that share, so all locked stake is
/// released with the last pending contribution even if `stakePerContribution` changed in between, and no
/// per-contribution lock amount has to be stored.
abstract contract ContributorStaking is
    IContributorStaking,
    TokenCustody,
    ProtocolParameters,
    PausableUpgradeable,
    ReentrancyGuardTransient
{
    struct Profile {
        // slot 0: read and written by submitContribution and by the settlement of each contribution
        uint96 stake; // active stake, including lockedStake
        uint96 lockedStake;
        uint16 reputation; // basis points; 0 means unregistered: a registered profile never drops below 100
        uint16 pendingContributions;
        uint32 submittedContributions;
        // slot 1: unstaking only
        uint96 unbondingStake;
        uint48 unbondingReadyBlock;
    }

    /// @dev The parameters that settle a contribution's stake, read once per finalize batch.
    struct StakeRules {
        uint256 reputationAlphaBps;
        uint256 slashThresholdScore;
        uint256 contributorSlashBps;
    }

    /// @custom:storage-location erc7201:cotrain.storage.ContributorStaking
    struct StakingStorage {
        mapping(address contributor => Profile) profiles;
        uint128 totalStake; // active + unbonding stake of all contributors
    }

    // keccak256(abi.encode(uint256(keccak256("cotrain.storage.ContributorStaking")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STAKING_STORAGE = 0x0f7b9e03194ef48b252e5f29408d66991fcd5c54a7d15d73ce1c88bbbc6ef800;

    function _staking() private pure returns (StakingStorage storage $) {
        assembly {
            $.slot := STAKING_STORAGE
        }
    }

    /// @inheritdoc IContributorStaking
    function registerContributor(uint256 stake) external whenNotPaused nonReentrant {
        _register(stake);
    }

    /// @inheritdoc IContributorStaking
    function registerContributorWithPermit(uint256 stake, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        whenNotPaused
        nonReentrant
    {
        // A permit front-run by someone else still leaves the allowance in place: go on if it is sufficient.
        try IERC20Permit(address(TOKEN)).permit(msg.sender, address(this), stake, deadline, v, r, s) {} catch {}
        _register(stake);
    }

    /// @inheritdoc IContributorStaking
    function increaseStake(uint256 amount) external whenNotPaused nonReentrant {
        Profile storage profile = _registeredProfile(msg.sender);
        if (amount == 0) revert ZeroAmount();
        uint256 newStake = profile.stake + amount;
        profile.stake = _toUint96(newStake);
        _staking().totalStake += uint128(amount);
        emit StakeIncreased(msg.sender, amount, newStake);
        _pullTokens(msg.sender, amount);
    }

    /// @inheritdoc IContributorStaking
    function requestUnstake(uint256 amount) external nonReentrant {
        Profile storage profile = _registeredProfile(msg.sender);
        if (amount == 0) revert ZeroAmount();
        uint256 free = profile.stake - profile.lockedStake;
        if (amount > free) revert InsufficientFreeStake(free, amount);
        uint256 unbonding = profile.unbondingStake + amount;
        uint256 readyBlock = block.number + _param(Parameter.ContributorUnbondingBlocks);
        profile.stake -= uint96(amount);
        profile.unbondingStake = uint96(unbonding); // <= the stake it came from
        profile.unbondingReadyBlock = uint48(readyBlock);
        emit UnstakeRequested(msg.sender, amount, unbonding, readyBlock);
    }

    /// @inheritdoc IContributorStaking
    function withdrawStake() external nonReentrant {
        Profile storage profile = _staking().profiles[msg.sender];
        uint256 amount = profile.unbondingStake;
        if (amount == 0) revert NothingToWithdraw();
        if (block.number < profile.unbondingReadyBlock) {
            revert UnbondingNotReady(profile.unbondingReadyBlock, block.number);
        }
        profile.unbondingStake = 0;
        profile.unbondingReadyBlock = 0;
        _staking().totalStake -= uint128(amount);
        emit StakeWithdrawn(msg.sender, amount);
        _pushTokens(msg.sender, amount);
    }

    /// @inheritdoc IContributorStaking
    function contributorProfile(address contributor) external view returns (ContributorProfile memory) {
        Profile storage profile = _staking().profiles[contributor];
        return ContributorProfile({
            registered: profile.reputation != 0,
            stake: profile.stake,
            lockedStake: profile.lockedStake,
            reputation: profile.reputation,
            pendingContributions: profile.pendingContributions,
            submittedContributions: profile.submittedContributions,
            unbondingStake: profile.unbondingStake,
            unbondingReadyBlock: profile.unbondingReadyBlock
        });
    }

    /// @notice Active plus unbonding stake of all contributors.
    /// @return total tokens staked by contributors and not yet withdrawn
    function totalContributorStake() external view returns (uint256) {
        return _staking().totalStake;
    }

    function _stakeRules() internal view returns (StakeRules memory) {
        return StakeRules({
            reputationAlphaBps: _param(Parameter.ReputationAlphaBps),
            slashThresholdScore: _param(Parameter.SlashThresholdScore),
            contributorSlashBps: _param(Parameter.ContributorSlashBps)
        });
    }

    /// @dev Locks the stake backing one new contribution of `contributor`.
    function _lockContributionStake(address contributor, uint256 amount) internal {
        Profile storage profile = _registeredProfile(contributor);
        uint256 free = profile.stake - profile.lockedStake;
        if (free < amount) revert InsufficientFreeStake(free, amount);
        if (profile.pendingContributions == type(uint16).max) {
            revert TooManyPendingContributions(contributor, profile.pendingContributions);
        }
        profile.lockedStake += uint96(amount); // <= stake
        unchecked {
            profile.pendingContributions += 1;
            profile.submittedContributions += 1;
        }
    }

    /// @dev Releases the locked share of one settled contribution. With `scored`, moves the reputation towards
    /// `score` (an exponential moving average) and slashes the share when `score` is below the threshold.
    /// @return reputationBefore the reputation the contribution was judged with
    /// @return reputationAfter the updated reputation
    /// @return slashed stake taken (still held by this contract; the caller moves it to the pool)
    function _settleContributionStake(
        address contributor,
        uint256 contributionId,
        bool scored,
        uint256 score,
        StakeRules memory rules
    ) internal returns (uint256 reputationBefore, uint256 reputationAfter, uint256 slashed) {
        Profile storage profile = _staking().profiles[contributor];
        uint256 pending = profile.pendingContributions;
        uint256 locked = profile.lockedStake;
        uint256 share = pending == 1 ? locked : locked / pending;
        profile.lockedStake = uint96(locked - share);
        profile.pendingContributions = uint16(pending - 1);
        reputationBefore = profile.reputation;
        if (!scored) return (reputationBefore, reputationBefore, 0);

        uint256 alpha = rules.reputationAlphaBps;
        reputationAfter = (reputationBefore * (BPS - alpha) + score * MAX_SCORE * alpha) / BPS;
        profile.reputation = uint16(reputationAfter); // a weighted mean of values <= 10000; reported by the caller

        if (score < rules.slashThresholdScore) {
            slashed = share * rules.contributorSlashBps / BPS;
            if (slashed != 0) {
                profile.stake -= uint96(slashed);
                _staking().totalStake -= uint128(slashed);
                emit ContributorSlashed(contributor, contributionId, slashed);
            }
        }
    }

    function _register(uint256 stake) private {
        Profile storage profile = _staking().profiles[msg.sender];
        if (profile.reputation != 0) revert AlreadyRegistered(msg.sender);
        uint256 minStake = _param(Parameter.MinContributorStake);
        if (stake < minStake) revert InsufficientStake(stake, minStake);
        uint256 reputation = _param(Parameter.InitialReputation);
        profile.stake = _toUint96(stake);
        profile.reputation = uint16(reputation);
        _staking().totalStake += uint128(stake);
        emit ContributorRegistered(msg.sender, stake, reputation);
        _pullTokens(msg.sender, stake);
    }

    function _registeredProfile(address contributor) private view returns (Profile storage profile) {
        profile = _staking().profiles[contributor];
        if (profile.reputation == 0) revert NotRegistered(contributor);
    }
}
