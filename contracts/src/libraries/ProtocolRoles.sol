// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The protocol's AccessControl roles, defined once for both halves of the protocol
library ProtocolRoles {
    /// @dev Changes parameters. Held by the governance timelock.
    bytes32 internal constant PARAMETER_ROLE = keccak256("PARAMETER_ROLE");
    /// @dev Pauses and unpauses, at once: stopping the protocol must not wait.
    bytes32 internal constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @dev Upgrades the implementation. Held by the governance timelock.
    bytes32 internal constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");
}
