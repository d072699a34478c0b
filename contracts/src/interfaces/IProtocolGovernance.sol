// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The protocol's roles, pause and wiring
/// @notice Roles (OpenZeppelin AccessControl): DEFAULT_ADMIN_ROLE grants and revokes the others; PARAMETER_ROLE
/// changes parameters; UPGRADER_ROLE upgrades; PAUSER_ROLE pauses. The deploy script gives DEFAULT_ADMIN_ROLE,
/// PARAMETER_ROLE and UPGRADER_ROLE to a TimelockController whose delay is at least the longest unbonding delay,
/// so anyone who disagrees with a scheduled change can leave before it takes effect; pausing stays immediate.
///
/// A pause stops the protocol clock: submissions, commits, reveals and finalization revert, and no round window or
/// validator unbonding delay runs until unpause, so a pause can neither cost validators a window nor let a bond
/// leave before the rounds it scored are settled. Claims, contributor unstake requests and withdrawals stay open.
interface IProtocolGovernance {
    /// @notice `account` paused the protocol.
    event Paused(address account);
    /// @notice `account` resumed the protocol.
    event Unpaused(address account);

    /// @notice The protocol is not paused.
    error ProtocolNotPaused();

    /// @notice The token used for stakes, bonds and rewards.
    /// @return token the ERC-20 address
    function stakingToken() external view returns (address token);

    /// @notice The validator registry whose set scores the rounds.
    /// @return registry the ValidatorRegistry proxy
    function validatorRegistry() external view returns (address registry);

    /// @notice Whether the protocol is paused.
    /// @return isPaused true while paused
    function paused() external view returns (bool isPaused);

    /// @notice Pauses the protocol and its clock. Restricted to PAUSER_ROLE.
    function pause() external;

    /// @notice Resumes the protocol and its clock. Restricted to PAUSER_ROLE.
    function unpause() external;

    /// @notice The role that changes parameters.
    /// @return role keccak256("PARAMETER_ROLE")
    function PARAMETER_ROLE() external view returns (bytes32 role);

    /// @notice The role that pauses and unpauses.
    /// @return role keccak256("PAUSER_ROLE")
    function PAUSER_ROLE() external view returns (bytes32 role);

    /// @notice The role that upgrades the implementation.
    /// @return role keccak256("UPGRADER_ROLE")
    function UPGRADER_ROLE() external view returns (bytes32 role);
}
