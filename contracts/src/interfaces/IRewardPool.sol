// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICotrainErrors} from "./ICotrainErrors.sol";

/// @title The reward pool: funding, crediting from funded tokens only, and pull payments
/// @notice Rewards are credited when a round is finalized, and only out of tokens the pool holds: funding, slashed
/// stakes and bonds, and swept surplus. When the pool runs short, a reward is credited up to what is left and the rest
/// is reported in `RewardShortfall` and not owed. Credited rewards are therefore always fully backed, and a claim
/// never fails for lack of funds. Every slashed token, whoever slashes it, ends up in this pool.
interface IRewardPool is ICotrainErrors {
    /// @notice `funder` added `amount` tokens to the pool.
    event RewardsFunded(address indexed funder, uint256 amount);
    /// @notice `account` should have received `requested` but the pool could only credit `credited`.
    event RewardShortfall(address indexed account, uint256 requested, uint256 credited);
    /// @notice `amount` of slashed stake or bond entered the pool.
    event SlashedToPool(uint256 amount);
    /// @notice `amount` of submission fees, taken from the stakes of scored contributions, entered the pool.
    event SubmissionFeesToPool(uint256 amount);
    /// @notice `amount` tokens held beyond every accounted balance (sent here by mistake) entered the pool.
    event SurplusSwept(uint256 amount);
    /// @notice `account` claimed `amount`.
    event RewardsClaimed(address indexed account, uint256 amount);

    /// @notice The caller has nothing to claim.
    error NothingToClaim(address account);
    /// @notice Only the validator registry hands over slashed bonds; `caller` is not it.
    error NotValidatorRegistry(address caller);
    /// @notice The protocol holds no tokens beyond its accounted balances.
    error NoSurplus();

    /// @notice Adds `amount` tokens to the reward pool (approve first). Anyone may fund.
    /// @param amount tokens to add
    function fundRewards(uint256 amount) external;

    /// @notice Pays the caller everything credited to it. Works while paused: credited rewards are already backed.
    /// @return amount tokens transferred
    function claimRewards() external returns (uint256 amount);

    /// @notice Moves tokens held beyond the accounted balances (contributor stakes, the pool, credited rewards not
    /// yet claimed) into the pool. Permissionless: such tokens were sent by mistake and belong to no one.
    /// @return amount tokens swept
    function sweepSurplus() external returns (uint256 amount);

    /// @notice Accounts `amount` slashed validator tokens, already transferred to this contract, into the pool.
    /// Restricted to the validator registry.
    /// @param amount tokens received
    function depositSlashedBond(uint256 amount) external;

    /// @notice Tokens the account can claim now.
    /// @param account any address
    /// @return amount claimable tokens
    function claimable(address account) external view returns (uint256 amount);

    /// @notice Pool totals.
    /// @return available tokens in the pool not yet credited to anyone
    /// @return totalFunded tokens ever added by fundRewards, swept as surplus or paid as submission fees
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
