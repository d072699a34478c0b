// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {RegistryFixture} from "../utils/RegistryFixture.sol";
import {IModelRegistry} from "cotrain/interfaces/IModelRegistry.sol";
import {CommitToken} from "cotrain/registry/CommitToken.sol";
import {Parameter} from "cotrain/types/CotrainTypes.sol";

/// @dev Has no ERC-721 receiver hook.
contract PlainHolder {}

contract CommitTokenTest is RegistryFixture {
    address internal alice = makeAddr("alice");
    address internal stranger = makeAddr("stranger");

    // ---- constructor -----------------------------------------------------------------------------------------

    function test_constructor_namesTheCollectionAndItsMinter() public view {
        assertEq(commitToken.name(), "Cotrain Commit");
        assertEq(commitToken.symbol(), "COTC");
        assertEq(commitToken.MINTER(), address(models));
    }

    // ---- mint ------------------------------------------------------------------------------------------------

    function test_mint_byTheMinter() public {
        vm.expectEmit(true, true, true, true, address(commitToken));
        emit IERC721.Transfer(address(0), alice, 42);
        vm.prank(address(models));
        commitToken.mint(alice, 42);
        assertEq(commitToken.ownerOf(42), alice);
        assertEq(commitToken.balanceOf(alice), 1);
    }

    function test_mint_revertsForAnyoneElse() public {
        address[4] memory callers = [admin, alice, address(protocol), address(commitToken)];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(CommitToken.NotMinter.selector, callers[i]));
            vm.prank(callers[i]);
            commitToken.mint(alice, 1);
        }
    }

    function testFuzz_mint_onlyTheMinter(address caller, uint256 commitId) public {
        vm.assume(caller != address(models));
        vm.expectRevert(abi.encodeWithSelector(CommitToken.NotMinter.selector, caller));
        vm.prank(caller);
        commitToken.mint(alice, commitId);
    }

    function test_mint_revertsForAnExistingId() public {
        vm.startPrank(address(models));
        commitToken.mint(alice, 7);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721InvalidSender.selector, address(0)));
        commitToken.mint(stranger, 7);
        vm.stopPrank();
    }

    function test_mint_revertsForTheZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721InvalidReceiver.selector, address(0)));
        vm.prank(address(models));
        commitToken.mint(address(0), 7);
    }

    function test_mint_toAContractWithoutReceiverHook() public {
        address holder = address(new PlainHolder());
        vm.prank(address(models));
        commitToken.mint(holder, 3); // no callback: a recipient cannot make an attestation revert
        assertEq(commitToken.ownerOf(3), holder);
    }

    function test_mint_standaloneCollectionMintsForItsOwnMinter() public {
        CommitToken standalone = new CommitToken(address(this));
        standalone.mint(alice, 1);
        assertEq(standalone.ownerOf(1), alice);
        vm.expectRevert(abi.encodeWithSelector(CommitToken.NotMinter.selector, address(models)));
        vm.prank(address(models));
        standalone.mint(alice, 2);
    }

    // ---- the registry's commits ------------------------------------------------------------------------------

    function test_registry_mintsEveryCommitToTheModelsOwner() public {
        bondValidators(3);
        setParam(Parameter.QuorumBps, 6_666);
        (uint256 modelId, uint256 base) = registerModel(owner);
        assertEq(commitToken.ownerOf(base), owner);
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        uint256 commitId = attestBy(2, roundAttestation(modelId, round, ids, 1));
        assertEq(commitToken.ownerOf(commitId), owner);
        assertEq(commitToken.balanceOf(owner), 2);
    }

    function test_transfer_movesTheNftButNotTheModel() public {
        bondValidators(3);
        setParam(Parameter.QuorumBps, 6_666);
        (uint256 modelId, uint256 base) = registerModel(owner);
        vm.expectEmit(true, true, true, true, address(commitToken));
        emit IERC721.Transfer(owner, alice, base);
        vm.prank(owner);
        commitToken.safeTransferFrom(owner, alice, base);
        assertEq(commitToken.ownerOf(base), alice);
        assertEq(models.ownerOf(modelId), owner); // the model NFT decides where commits go
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        uint256 commitId = attestBy(2, roundAttestation(modelId, round, ids, 1));
        assertEq(commitToken.ownerOf(commitId), owner);
        // approvals work as for any ERC-721
        vm.prank(alice);
        commitToken.approve(stranger, base);
        vm.prank(stranger);
        commitToken.transferFrom(alice, stranger, base);
        assertEq(commitToken.ownerOf(base), stranger);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721InsufficientApproval.selector, alice, base));
        vm.prank(alice);
        commitToken.transferFrom(stranger, alice, base);
        IModelRegistry.CommitView memory info = models.commit(base);
        assertEq(info.modelId, modelId);
    }

    // ---- views -----------------------------------------------------------------------------------------------

    function test_supportsInterface() public view {
        assertTrue(commitToken.supportsInterface(type(IERC721).interfaceId));
        assertTrue(commitToken.supportsInterface(type(IERC721Metadata).interfaceId));
        assertTrue(commitToken.supportsInterface(type(IERC165).interfaceId));
        assertFalse(commitToken.supportsInterface(type(IAccessControl).interfaceId));
        assertFalse(commitToken.supportsInterface(0xffffffff));
    }

    function test_tokenURI_emptyForACommitAndRevertsForNone() public {
        vm.prank(address(models));
        commitToken.mint(alice, 5);
        assertEq(commitToken.tokenURI(5), "");
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 6));
        commitToken.tokenURI(6);
    }
}
