// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IRewardPool} from "../interfaces/IRewardPool.sol";
import {TokenCustody} from "./TokenCustody.sol";
import {ValidatorSetClient} from "./ValidatorSetClient.sol";

/// @title Reward pool with pull payments
/// @dev Accounts keep monotonic `earned` and `claimed` totals instead of a balance that returns to zero: a credit to
/// an account that was paid before is a non-zero to non-zero write (2,900 gas) rather than a fresh one (20,000).
/// Settlement moves pool balances through a `Ledger` in memory and writes the pool once per finalize page; every
/// inflow and credit of a page goes through it in contribution order, so no pagination changes who is paid what.
abstract contract RewardPool is IRewardPool, TokenCustody, ValidatorSetClient, ReentrancyGuardTransient {
    struct RewardAccount {
        uint128 earned;
        uint128 claimed;
    }

    /// @custom:storage-location erc7201:cotrain.storage.RewardPool
    struct PoolStorage {
        // slot 0: written by every finalize page
        uint128 available; // held tokens not yet credited: funded (fees included) + slashed - credited
        uint128 totalCredited;
        // slot 1: written by funding, submission fees and slashing
        uint128 totalFunded;
        uint128 totalSlashed;
        // slot 2: written by claims
        uint128 totalClaimed;
        mapping(address account => RewardAccount) accounts;
    }

    /// @dev The pool's balances while a finalize page runs.
    struct Ledger {
        uint256 available;
        uint256 credited; // this page
        uint256 slashed; // this page
        uint256 fees; // this page
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
        _fund(amount);
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
    function sweepSurplus() external nonReentrant returns (uint256 amount) {
        PoolStorage storage pool = _pool();
        uint256 accounted = _contributorTokens() + pool.available + pool.totalCredited - pool.totalClaimed;
        uint256 held = TOKEN.balanceOf(address(this));
        if (held <= accounted) revert NoSurplus();
        amount = held - accounted;
        _fund(amount);
        emit SurplusSwept(amount);
    }

    /// @inheritdoc IRewardPool
    function depositSlashedBond(uint256 amount) external {
        if (msg.sender != address(VALIDATORS)) revert NotValidatorRegistry(msg.sender);
        PoolStorage storage pool = _pool();
        pool.available += _toUint96(amount);
        pool.totalSlashed += _toUint96(amount);
        emit SlashedToPool(amount);
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
        returns (
            uint256 available,
            uint256 totalFunded,
            uint256 totalSlashed,
            uint256 totalCredited,
            uint256 totalClaimed
        )
    {
        PoolStorage storage pool = _pool();
        return (pool.available, pool.totalFunded, pool.totalSlashed, pool.totalCredited, pool.totalClaimed);
    }

    /// @dev Contributor stakes (active and unbonding): tokens this contract holds outside the pool.
    function _contributorTokens() internal view virtual returns (uint256);

    function _openLedger() internal view returns (Ledger memory ledger) {
        ledger.available = _pool().available;
    }

    /// @dev Credits up to `requested` from the ledger; the part the pool cannot cover is not owed. The caller adds
    /// the credit to the account (`_payOut`) and reports shortfalls.
    function _take(Ledger memory ledger, uint256 requested) internal pure returns (uint256 credited) {
        credited = requested <= ledger.available ? requested : ledger.available;
        unchecked {
            ledger.available -= credited;
            ledger.credited += credited;
        }
    }

    /// @dev Slashed tokens, already held by this contract, join the pool at this point of the page.
    function _addSlash(Ledger memory ledger, uint256 amount) internal pure {
        ledger.available += amount;
        ledger.slashed += amount;
    }

    /// @dev A scored contribution's submission fee, already held by this contract, joins the pool at this point.
    function _addFee(Ledger memory ledger, uint256 amount) internal pure {
        ledger.available += amount;
        ledger.fees += amount;
    }

    function _closeLedger(Ledger memory ledger) internal {
        PoolStorage storage pool = _pool();
        // credited <= available < 2^128, and totals only grow by amounts already held in the pool
        pool.available = uint128(ledger.available);
        if (ledger.credited != 0) pool.totalCredited += uint128(ledger.credited);
        if (ledger.slashed != 0) {
            pool.totalSlashed += uint128(ledger.slashed);
            emit SlashedToPool(ledger.slashed);
        }
        if (ledger.fees != 0) {
            pool.totalFunded += uint128(ledger.fees);
            emit SubmissionFeesToPool(ledger.fees);
        }
    }

    function _payOut(address account, uint256 amount) internal {
        if (amount != 0) _pool().accounts[account].earned += uint128(amount);
    }

    function _fund(uint256 amount) private {
        PoolStorage storage pool = _pool();
        pool.available += _toUint96(amount);
        pool.totalFunded += _toUint96(amount);
    }
}
