// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICotrainErrors} from "./ICotrainErrors.sol";

/// @title Contributor staking: registration, stake, unbonding and reputation
interface IContributorStaking is ICotrainErrors {
    /// @notice A contributor's stake and standing, as a client reads it.
    struct ContributorProfile {
        bool registered;
        uint256 stake; // active stake, including the locked part
        uint256 lockedStake; // backs pending contributions; cannot be unstaked
        uint256 reputation; // basis points, 100..10000
        uint256 pendingContributions;
        uint256 submittedContributions;
        uint256 unbondingStake; // requested for withdrawal
        uint256 unbondingReadyBlock; // first block at which withdrawStake succeeds
    }

    /// @notice `contributor` registered with `stake` and starting reputation `reputation`.
    event ContributorRegistered(address indexed contributor, uint256 stake, uint256 reputation);
    /// @notice `contributor` added `amount`; its stake is now `newStake`.
    event StakeIncreased(address indexed contributor, uint256 amount, uint256 newStake);
    /// @notice `contributor` asked to withdraw `amount`, withdrawable from block `readyBlock`.
    event UnstakeRequested(address indexed contributor, uint256 amount, uint256 unbondingTotal, uint256 readyBlock);
    /// @notice `contributor` withdrew `amount` of unbonded stake.
    event StakeWithdrawn(address indexed contributor, uint256 amount);
    /// @notice `contributor` lost `amount` of stake for a contribution scored below the threshold.
    event ContributorSlashed(address indexed contributor, uint256 indexed contributionId, uint256 amount);

    /// @notice The caller is already registered.
    error AlreadyRegistered(address contributor);
    /// @notice The account is not a registered contributor.
    error NotRegistered(address account);
    /// @notice `provided` is below the required `required`.
    error InsufficientStake(uint256 provided, uint256 required);
    /// @notice Only `free` stake is unlocked, `required` is needed.
    error InsufficientFreeStake(uint256 free, uint256 required);
    /// @notice The contributor has the maximum number of pending contributions (65535).
    error TooManyPendingContributions(address contributor, uint256 pending);

    /// @notice Registers the caller as a contributor, pulling `stake` tokens (approve first).
    /// @param stake at least `minContributorStake`
    function registerContributor(uint256 stake) external;

    /// @notice Registers the caller using an ERC-2612 permit instead of a prior approval.
    /// @param stake at least `minContributorStake`
    /// @param deadline permit deadline
    /// @param v permit signature v
    /// @param r permit signature r
    /// @param s permit signature s
    function registerContributorWithPermit(uint256 stake, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Adds `amount` to the caller's stake (approve first).
    /// @param amount tokens to add
    function increaseStake(uint256 amount) external;

    /// @notice Starts unbonding `amount` of free stake; it stops backing contributions at once and becomes
    /// withdrawable after the unbonding delay. A new request adds to the pending one and restarts the delay.
    /// @param amount free (unlocked) stake to unbond
    function requestUnstake(uint256 amount) external;

    /// @notice Withdraws all unbonded stake whose delay has passed. Works while paused.
    function withdrawStake() external;

    /// @notice A contributor's profile.
    /// @param contributor the account
    /// @return profile stake, locked stake, reputation, counts and unbonding state
    function contributorProfile(address contributor) external view returns (ContributorProfile memory profile);
}
