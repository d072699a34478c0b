// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICotrainErrors} from "./ICotrainErrors.sol";

/// @title Contributor staking: registration, stake, unbonding and reputation
/// @notice Each pending contribution locks the `StakePerContribution` of its round; settling it releases exactly that
/// lock (minus what is slashed). Unstaking moves free stake into unbonding requests, each with its own ready block:
/// a new request never delays an earlier one. Unbonding stake no longer backs contributions and cannot be slashed.
interface IContributorStaking is ICotrainErrors {
    /// @notice A contributor's stake and standing, as a client reads it.
    struct ContributorProfile {
        bool registered;
        uint256 stake; // active stake, including the locked part
        uint256 lockedStake; // backs pending contributions; cannot be unstaked
        uint256 reputation; // basis points, 100..10000
        uint256 unbondingStake; // requested for withdrawal and not withdrawn yet, ready or not
        uint256 withdrawableStake; // the part of unbondingStake that withdrawStake pays now
        uint256 unbondingReadyBlock; // block from which all of unbondingStake is withdrawable (0 when none)
        uint256 lastRound; // the last round it submitted to
        uint256 lastRoundSubmissions; // how many contributions it submitted to that round
    }

    /// @notice `contributor` registered with `stake` and starting reputation `reputation`.
    event ContributorRegistered(address indexed contributor, uint256 stake, uint256 reputation);
    /// @notice `contributor` added `amount`; its stake is now `newStake`.
    event StakeIncreased(address indexed contributor, uint256 amount, uint256 newStake);
    /// @notice `contributor` asked to withdraw `amount`, withdrawable from block `readyBlock`; `unbondingTotal` of
    /// its stake is unbonding now.
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
    /// @notice The contributor already has `maxRequests` unbonding requests: withdraw the ready ones first.
    error TooManyUnbondingRequests(uint256 maxRequests);

    /// @notice Registers the caller as a contributor, pulling `stake` tokens (approve first). Not while paused.
    /// @param stake at least `minContributorStake`
    function registerContributor(uint256 stake) external;

    /// @notice Registers the caller using an ERC-2612 permit instead of a prior approval. Not while paused.
    /// @param stake at least `minContributorStake`
    /// @param deadline permit deadline
    /// @param v permit signature v
    /// @param r permit signature r
    /// @param s permit signature s
    function registerContributorWithPermit(uint256 stake, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Adds `amount` to the caller's stake (approve first). Not while paused.
    /// @param amount tokens to add
    function increaseStake(uint256 amount) external;

    /// @notice Starts unbonding `amount` of free stake as a new request: it stops backing contributions at once and
    /// becomes withdrawable after the unbonding delay (in blocks). Earlier requests keep their ready blocks.
    /// @param amount free (unlocked) stake to unbond
    function requestUnstake(uint256 amount) external;

    /// @notice Withdraws every unbonding request whose delay has passed. Works while paused.
    /// @return amount tokens transferred
    function withdrawStake() external returns (uint256 amount);

    /// @notice A contributor's profile.
    /// @param contributor the account
    /// @return profile stake, locked stake, reputation, unbonding state and its latest round's submissions
    function contributorProfile(address contributor) external view returns (ContributorProfile memory profile);

    /// @notice Active plus unbonding stake of all contributors.
    /// @return total tokens staked by contributors and not yet withdrawn
    function totalContributorStake() external view returns (uint256 total);
}
