// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICotrainErrors} from "./ICotrainErrors.sol";

/// @title The reward pool: funding, crediting from funded tokens only, and pull payments
/// @notice Rewards are credited when a round is finalized, and only out of tokens the pool holds: funding plus
/// slashed stake. When the pool runs short, a reward is credited up to what is left and the rest is reported
/// in `RewardShortfall` and not owed. Credited rewards are therefore always fully backed, and a claim never fails
/// for lack of funds.
interface IRewardPool is ICotrainErrors {
    /// @notice `funder` added `amount` tokens to the pool.
    event RewardsFunded(address indexed funder, uint256 amount);
    /// @notice `account` should have received `requested` but the pool could only credit `credited`.
    event RewardShortfall(address indexed account, uint256 requested, uint256 credited);
    /// @notice `amount` of slashed stake entered the pool.
    event SlashedToPool(uint256 amount);
    /// @notice `account` claimed `amount`.
    event RewardsClaimed(address indexed account, uint256 amount);

    /// @notice The caller has nothing to claim.
    error NothingToClaim(address account);

    /// @notice Adds `amount` tokens to the reward pool (approve first). Anyone may fund.
    /// @param amount tokens to add
    function fundRewards(uint256 amount) external;

    /// @notice Pays the caller everything credited to it. Works while paused: credited rewards are already backed.
    /// @return amount tokens transferred
    function claimRewards() external returns (uint256 amount);

    /// @notice Tokens the account can claim now.
    /// @param account any address
    /// @return amount claimable tokens
    function claimable(address account) external view returns (uint256 amount);

    /// @notice Pool totals.
    /// @return available tokens in the pool not yet credited to anyone
    /// @return totalFunded tokens ever added by fundRewards
    /// @return totalSlashed tokens ever moved into the pool by slashing
    /// @return totalCredited tokens ever credited as rewards
    /// @return totalClaimed tokens ever paid out by claimRewards
    function poolTotals()
        external
        view
        returns (
            uint256 available,
            uint256 totalFunded,
            uint256 totalSlashed,
            uint256 totalCredited,
            uint256 totalClaimed
        );
}
