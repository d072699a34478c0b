// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IValidatorRegistry} from "../interfaces/IValidatorRegistry.sol";

/// @title The protocol's link to its validator registry
/// @dev An immutable of the implementation, like the token: fixed for a deployment and free to read.
abstract contract ValidatorSetClient {
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IValidatorRegistry internal immutable VALIDATORS;

    constructor(IValidatorRegistry validatorRegistry) {
        VALIDATORS = validatorRegistry;
    }
}
