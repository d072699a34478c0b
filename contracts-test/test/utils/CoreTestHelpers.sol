// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CotrainFixture} from "./CotrainFixture.sol";
import {ContributionType, Parameter} from "cotrain/types/CotrainTypes.sol";

/// @notice Helpers shared by the unit tests of staking, rounds, rewards, parameters and the protocol contract,
/// on top of CotrainFixture (which stays untouched).
abstract contract CoreTestHelpers is CotrainFixture {
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    /// @dev Gives `account` `amount` tokens and approves the protocol for them.
    function fundAndApprove(address account, uint256 amount) internal {
        fund(account, amount);
        vm.prank(account);
        token.approve(address(protocol), amount);
    }

    function setParam(Parameter which, uint256 value) internal {
        vm.prank(admin);
        protocol.setParameter(which, value);
    }

    function pauseProtocol() internal {
        vm.prank(admin);
        protocol.pause();
    }

    /// @dev ERC-2612 signature of `owner` (key `ownerKey`) allowing the protocol to spend `value`.
    function signPermit(uint256 ownerKey, address owner, uint256 value, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 structHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, address(protocol), value, token.nonces(owner), deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (v, r, s) = vm.sign(ownerKey, digest);
    }

    /// @dev Scores every contribution of `round` with `scores` by one freshly bonded validator and finalizes it.
    /// The validator must exist before the round opens, so call `newValidator` first and pass it here.
    function scoreWith(address validator, uint256 round, bytes memory scores) internal {
        address[] memory validators = new address[](1);
        validators[0] = validator;
        scoreRound(round, validators, scores);
    }

    function baseRewardOf(ContributionType kind) internal view returns (uint256) {
        if (kind == ContributionType.MODEL_UPDATE) return protocol.parameter(Parameter.ModelUpdateReward);
        if (kind == ContributionType.DATASET) return protocol.parameter(Parameter.DatasetReward);
        return protocol.parameter(Parameter.ValidationWorkReward);
    }
}
