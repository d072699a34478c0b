// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IRewardPool} from "../interfaces/IRewardPool.sol";
import {TokenCustody} from "./TokenCustody.sol";

/// @title Reward pool with pull payments
/// @dev Accounts keep monotonic `earned` and `claimed` totals instead of a balance that returns to zero: a credit to
/// an account that was paid before is a non-zero to non-zero write (2,900 gas) rather than a fresh one (20,000).
abstract contract RewardPool is IRewardPool, TokenCustody, PausableUpgradeable, ReentrancyGuardTransient {
    struct RewardAccount {
        uint128 earned;
        uint128 claimed;
    }

    /// @custom:storage-location erc7201:cotrain.storage.RewardPool
    struct PoolStorage {
        // slot 0: written by every finalize batch
        uint128 available; // held tokens not yet credited: funded + slashed - credited
        uint128 totalCredited;
        // slot 1: written by funding and slashing
        uint128 totalFunded;
        uint128 totalSlashed;
        // slot 2: written by claims
        uint128 totalClaimed;
        mapping(address account => RewardAccount) accounts;
    }

    // keccak256(abi.encode(uint256(keccak256("cotrain.storage.RewardPool")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant POOL_STORAGE = 0x6bb5dda5318d6d0efb6b2e4d6656860fa735c3f3435a859ed9e6291e13b87b00;

    function _pool() private pure returns (PoolStorage storage $) {
        assembly {
            $.slot := POOL_STORAGE
        }
    }

    /// @inheritdoc IRewardPool
    function fundRewards(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        PoolStorage storage pool = _pool();
        pool.available += _toUint96(amount);
        pool.totalFunded += _toUint96(amount);
        emit RewardsFunded(msg.sender, amount);
        _pullTokens(msg.sender, amount);
    }

    /// @inheritdoc IRewardPool
    function claimRewards() external nonReentrant returns (uint256 amount) {
        RewardAccount storage account = _pool().accounts[msg.sender];
        amount = account.earned - account.claimed;
        if (amount == 0) revert NothingToClaim(msg.sender);
        account.claimed = account.earned;
        _pool().totalClaimed += uint128(amount);
        emit RewardsClaimed(msg.sender, amount);
        _pushTokens(msg.sender, amount);
    }

    /// @inheritdoc IRewardPool
    function claimable(address account) external view returns (uint256) {
        RewardAccount storage entry = _pool().accounts[account];
        return entry.earned - entry.claimed;
    }

    /// @inheritdoc IRewardPool
    function poolTotals()
        external
        view
        returns (uint256 available, uint256 totalFunded, uint256 totalSlashed, uint256 totalCredited, uint256 totalClaimed)
    {
        PoolStorage storage pool = _pool();
        return (pool.available, pool.totalFunded, pool.totalSlashed, pool.totalCredited, pool.totalClaimed);
    }

    /// @dev Credits up to `requested` from the pool to `account`; the part the pool cannot cover is not owed.
    function _creditReward(address account, uint256 requested) internal returns (uint256 credited) {
        if (requested == 0) return 0;
        PoolStorage storage pool = _pool();
        uint256 available = pool.available;
        credited = requested <= available ? requested : available;
        if (credited != requested) emit RewardShortfall(account, requested, credited);
        if (credited == 0) return 0;
        // credited <= available < 2^128, and totals only grow by amounts already held in the pool
        pool.available = uint128(available - credited);
        pool.totalCredited += uint128(credited);
        pool.accounts[account].earned += uint128(credited); // callers report the credit in their own event
    }

    /// @dev Moves slashed stake, already held by this contract, into the pool.
    function _addSlashToPool(uint256 amount) internal {
        if (amount == 0) return;
        PoolStorage storage pool = _pool();
        pool.available += uint128(amount);
        pool.totalSlashed += uint128(amount);
        emit SlashedToPool(amount);
    }
}
