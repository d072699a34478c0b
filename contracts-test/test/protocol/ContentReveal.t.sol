// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CotrainFixture} from "../utils/CotrainFixture.sol";
import {IContentReveal} from "cotrain/interfaces/IContentReveal.sol";
import {IContributionRounds} from "cotrain/interfaces/IContributionRounds.sol";
import {ContributionType} from "cotrain/types/CotrainTypes.sol";

/// @notice A contributor publishes its sealed content's key once its round is finalized, and nobody else can.
contract ContentRevealTest is CotrainFixture {
    bytes32 private constant KEY = keccak256("content key");

    function test_revealContent_afterFinalization_emitsTheKey() public {
        fundPool(1_000 * TOKEN);
        address[] memory validators = newValidators(3, 2_000 * TOKEN);
        address alice = newContributor("alice", 100 * TOKEN);
        bytes32 digest = digestOf(1); // sha256 is a call: taken before the cheatcodes that apply to the next one
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digest);
        scoreRound(roundOf(id), validators, hex"5a");

        vm.expectEmit(true, true, false, true, address(protocol));
        emit IContentReveal.ContentRevealed(id, digest, KEY);
        vm.prank(alice);
        protocol.revealContent(digest, KEY);
    }

    /// @notice Revealed while its round still takes submissions, the content could be sealed again by a copier.
    function test_revealContent_beforeFinalization_reverts() public {
        newValidators(3, 2_000 * TOKEN);
        address alice = newContributor("alice", 100 * TOKEN);
        bytes32 digest = digestOf(1);
        uint256 round = roundOf(submit(alice, ContributionType.MODEL_UPDATE, digest));

        vm.expectRevert(abi.encodeWithSelector(IContentReveal.RevealBeforeFinalized.selector, digest, round));
        vm.prank(alice);
        protocol.revealContent(digest, KEY);
    }

    function test_revealContent_bySomeoneElse_reverts() public {
        fundPool(1_000 * TOKEN);
        address[] memory validators = newValidators(3, 2_000 * TOKEN);
        address alice = newContributor("alice", 100 * TOKEN);
        address mallory = newContributor("mallory", 100 * TOKEN);
        bytes32 digest = digestOf(1);
        scoreRound(roundOf(submit(alice, ContributionType.MODEL_UPDATE, digest)), validators, hex"5a");

        vm.expectRevert(abi.encodeWithSelector(IContentReveal.NotTheContributor.selector, digest, mallory));
        vm.prank(mallory);
        protocol.revealContent(digest, KEY);
    }

    function test_revealContent_unknownDigest_reverts() public {
        bytes32 digest = digestOf(9);
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.UnknownContribution.selector, digest));
        protocol.revealContent(digest, KEY);
    }
}
