// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IModelRegistry} from "cotrain/interfaces/IModelRegistry.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";

import {Vm} from "forge-std/Vm.sol";

import {RegistryFixture} from "../utils/RegistryFixture.sol";

/// @notice How a model owner hands its held-out set to validators: validators' public keys are published on the
/// validator registry (only ever the key an account hashes from), and the owner announces an envelope of the set
/// encrypted to them on the model registry.
contract HeldOutHandoffTest is RegistryFixture {
    bytes32 internal constant ENVELOPE = keccak256("an envelope on IPFS");

    function _publicKey(uint256 privateKey) internal returns (bytes memory) {
        Vm.Wallet memory wallet = vm.createWallet(privateKey);
        return abi.encodePacked(wallet.publicKeyX, wallet.publicKeyY);
    }

    // ---- publishPublicKey ----------------------------------------------------------------------------------

    function test_publishPublicKey_storesTheKeyForTheAccountItHashesTo_whoeverSendsIt() public {
        uint256 privateKey = 0xA11CE;
        address account = vm.addr(privateKey);
        bytes memory key = _publicKey(privateKey);
        vm.expectEmit(address(registry));
        emit IValidatorRegistry.PublicKeyPublished(account);
        vm.prank(makeAddr("anyone"));
        registry.publishPublicKey(key);
        assertEq(registry.publicKeyOf(account), key);
        assertEq(registry.publicKeyOf(makeAddr("anyone")).length, 0);
    }

    /// @dev Whatever key is sent, it lands on the account it hashes to, never on the sender's or a chosen victim's.
    function testFuzz_publishPublicKey_neverRecordsAKeyForAnotherAccount(uint256 privateKey, address sender) public {
        privateKey = bound(privateKey, 1, SECP256K1_ORDER - 1);
        bytes memory key = _publicKey(privateKey);
        vm.prank(sender);
        registry.publishPublicKey(key);
        assertEq(registry.publicKeyOf(vm.addr(privateKey)), key);
        if (sender != vm.addr(privateKey)) assertEq(registry.publicKeyOf(sender).length, 0);
    }

    function test_publishPublicKey_revertsForAKeyThatIsNot64Bytes() public {
        bytes memory key = _publicKey(0xA11CE);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.InvalidPublicKey.selector, 65));
        registry.publishPublicKey(abi.encodePacked(bytes1(0x04), key)); // the prefixed, uncompressed form
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.InvalidPublicKey.selector, 0));
        registry.publishPublicKey("");
    }

    // ---- shareHeldOut --------------------------------------------------------------------------------------

    function test_shareHeldOut_announcesTheEnvelope_forTheOwner_asOftenAsItLikes() public {
        (uint256 modelId,) = registerModel(owner);
        for (uint256 i = 0; i < 2; ++i) {
            vm.expectEmit(address(models));
            emit IModelRegistry.HeldOutShared(modelId, ENVELOPE);
            vm.prank(owner);
            models.shareHeldOut(modelId, ENVELOPE);
        }
    }

    /// @dev Nobody but the owner may announce a held-out set: validators would spend work on a stranger's file (which
    /// they then refuse, its digest not being the registered one).
    function test_shareHeldOut_revertsForAnyoneButTheOwner() public {
        (uint256 modelId,) = registerModel(owner);
        address stranger = makeAddr("stranger");
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotModelOwner.selector, modelId, stranger));
        vm.prank(stranger);
        models.shareHeldOut(modelId, ENVELOPE);
    }

    function test_shareHeldOut_revertsForAnUnknownModelOrAZeroDigest() public {
        (uint256 modelId,) = registerModel(owner);
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownModel.selector, modelId + 1));
        models.shareHeldOut(modelId + 1, ENVELOPE);
        vm.expectRevert(IModelRegistry.ZeroDigest.selector);
        models.shareHeldOut(modelId, 0);
        vm.stopPrank();
    }
}
