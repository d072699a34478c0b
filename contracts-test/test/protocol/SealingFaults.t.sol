// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CotrainFixture} from "../utils/CotrainFixture.sol";
import {IContributionRounds} from "cotrain/interfaces/IContributionRounds.sol";
import {ICotrainErrors} from "cotrain/interfaces/ICotrainErrors.sol";
import {IScoreConsensus} from "cotrain/interfaces/IScoreConsensus.sol";
import {ISealingFaults} from "cotrain/interfaces/ISealingFaults.sol";
import {ContributionType, RoundPhase} from "cotrain/types/CotrainTypes.sol";

/// @notice A validator that cannot open a contribution's sealed content publishes its evidence, while the round's
/// submission window and the first half of its commit window last; only the round's expected validators may, and the
/// evidence must have the evidence length. The protocol does not check the evidence: it only times and publishes it.
contract SealingFaultsTest is CotrainFixture {
    uint256 private constant EVIDENCE_BYTES = 161;
    /// @dev Blocks from a round's first block to its report deadline: its submission window, half its commit window.
    uint256 private constant REPORT_BLOCKS = SUBMISSION_BLOCKS + COMMIT_BLOCKS / 2;

    address[] private validators;
    address private alice;
    bytes32 private digest;
    uint256 private id;
    uint256 private round;
    uint256 private roundStart; // the round's first block
    uint256 private deadline; // the reference deadline, from the round's first block and the window lengths

    function setUp() public override {
        super.setUp();
        validators = newValidators(3, 2_000 * TOKEN);
        alice = newContributor("alice", 100 * TOKEN);
        // at the first block of a round, so that blocks within the round are offsets from here
        roundStart = roundView(protocol.currentRound()).submissionEndBlock - SUBMISSION_BLOCKS;
        vm.roll(roundStart);
        digest = digestOf(1);
        id = submit(alice, ContributionType.MODEL_UPDATE, digest);
        round = roundOf(id);
        deadline = roundStart + REPORT_BLOCKS;
    }

    // ---- reportSealingFault ------------------------------------------------------------------------------------

    function test_reportSealingFault_duringSubmission_emitsTheReport() public {
        bytes memory evidence = _evidence(EVIDENCE_BYTES);
        vm.roll(roundStart + 3);

        vm.expectEmit(true, true, true, true, address(protocol));
        emit ISealingFaults.SealingFaultReported(id, digest, validators[1], round, evidence);
        vm.prank(validators[1]);
        protocol.reportSealingFault(digest, evidence);
    }

    function test_reportSealingFault_inCommitWindowBeforeDeadline_isAccepted() public {
        bytes memory evidence = _evidence(EVIDENCE_BYTES);
        vm.roll(deadline - 1);
        assertEq(uint8(roundView(round).phase), uint8(RoundPhase.Commit));

        vm.expectEmit(true, true, true, true, address(protocol));
        emit ISealingFaults.SealingFaultReported(id, digest, validators[0], round, evidence);
        vm.prank(validators[0]);
        protocol.reportSealingFault(digest, evidence);
    }

    function test_reportSealingFault_atDeadline_reverts() public {
        bytes memory evidence = _evidence(EVIDENCE_BYTES);
        vm.roll(deadline);
        assertEq(uint8(roundView(round).phase), uint8(RoundPhase.Commit));

        vm.expectRevert(
            abi.encodeWithSelector(ISealingFaults.SealingFaultReportsClosed.selector, digest, round, deadline)
        );
        vm.prank(validators[0]);
        protocol.reportSealingFault(digest, evidence);
    }

    function test_reportSealingFault_inRevealWindow_reverts() public {
        bytes memory evidence = _evidence(EVIDENCE_BYTES);
        rollToReveal(round);

        vm.expectRevert(
            abi.encodeWithSelector(ISealingFaults.SealingFaultReportsClosed.selector, digest, round, deadline)
        );
        vm.prank(validators[2]);
        protocol.reportSealingFault(digest, evidence);
    }

    /// @notice Reporting is not recorded: a second report is published again, and readers deduplicate.
    function test_reportSealingFault_twice_emitsBoth() public {
        bytes memory evidence = _evidence(EVIDENCE_BYTES);
        for (uint256 i = 0; i < 2; ++i) {
            vm.expectEmit(true, true, true, true, address(protocol));
            emit ISealingFaults.SealingFaultReported(id, digest, validators[0], round, evidence);
            vm.prank(validators[0]);
            protocol.reportSealingFault(digest, evidence);
        }
    }

    function test_reportSealingFault_byNonValidator_reverts() public {
        bytes memory evidence = _evidence(EVIDENCE_BYTES);

        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.NotExpectedValidator.selector, round, alice));
        vm.prank(alice);
        protocol.reportSealingFault(digest, evidence);
    }

    /// @notice A validator admitted after the round opened holds an index but is not among the round's expected ones.
    function test_reportSealingFault_byValidatorNotExpected_reverts() public {
        address late = newValidator("late", 2_000 * TOKEN);
        bytes memory evidence = _evidence(EVIDENCE_BYTES);
        (bool holdsIndex,,) = registry.validatorSlot(late, round);
        assertTrue(holdsIndex);

        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.NotExpectedValidator.selector, round, late));
        vm.prank(late);
        protocol.reportSealingFault(digest, evidence);
    }

    function test_reportSealingFault_evidenceOneByteShort_reverts() public {
        _expectMalformed(EVIDENCE_BYTES - 1);
    }

    function test_reportSealingFault_evidenceOneByteLong_reverts() public {
        _expectMalformed(EVIDENCE_BYTES + 1);
    }

    function test_reportSealingFault_emptyEvidence_reverts() public {
        _expectMalformed(0);
    }

    function test_reportSealingFault_unknownDigest_reverts() public {
        bytes32 unknown = digestOf(9);
        bytes memory evidence = _evidence(EVIDENCE_BYTES);

        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.UnknownContribution.selector, unknown));
        vm.prank(validators[0]);
        protocol.reportSealingFault(unknown, evidence);
    }

    function test_reportSealingFault_whilePaused_reverts() public {
        bytes memory evidence = _evidence(EVIDENCE_BYTES);
        vm.prank(admin);
        protocol.pause();
        assertTrue(protocol.sealingFaultsOpen(round)); // the deadline rule alone would still accept it

        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        vm.prank(validators[0]);
        protocol.reportSealingFault(digest, evidence);
    }

    /// @notice A pause stops the report window with the round's other windows: the deadline moves by the blocks spent
    /// paused, and the window still ends halfway through the commit window.
    function test_reportSealingFault_afterPause_deadlineMovesWithTheWindows() public {
        uint256 pausedBlocks = 7;
        bytes memory evidence = _evidence(EVIDENCE_BYTES);
        vm.roll(roundStart + 2);
        vm.prank(admin);
        protocol.pause();
        vm.roll(roundStart + 2 + pausedBlocks);
        vm.prank(admin);
        protocol.unpause();
        uint256 moved = deadline + pausedBlocks;
        assertEq(protocol.sealingFaultDeadline(round), moved);
        assertEq(roundView(round).submissionEndBlock + COMMIT_BLOCKS / 2, moved);

        vm.roll(moved - 1); // past the deadline had there been no pause
        assertTrue(protocol.sealingFaultsOpen(round));
        vm.expectEmit(true, true, true, true, address(protocol));
        emit ISealingFaults.SealingFaultReported(id, digest, validators[0], round, evidence);
        vm.prank(validators[0]);
        protocol.reportSealingFault(digest, evidence);

        vm.roll(moved);
        assertFalse(protocol.sealingFaultsOpen(round));
        vm.expectRevert(
            abi.encodeWithSelector(ISealingFaults.SealingFaultReportsClosed.selector, digest, round, moved)
        );
        vm.prank(validators[0]);
        protocol.reportSealingFault(digest, evidence);
    }

    /// @notice Whatever block of the round's life it is sent in, a report is accepted exactly before the reference
    /// deadline, and sealingFaultsOpen says so.
    function testFuzz_reportSealingFault_acceptedOnlyBeforeDeadline(uint256 offset) public {
        offset = bound(offset, 0, SUBMISSION_BLOCKS + COMMIT_BLOCKS + REVEAL_BLOCKS + 5);
        bytes memory evidence = _evidence(EVIDENCE_BYTES);
        vm.roll(roundStart + offset);
        bool open = protocol.sealingFaultsOpen(round);
        assertEq(open, offset < REPORT_BLOCKS);

        if (offset < REPORT_BLOCKS) {
            vm.expectEmit(true, true, true, true, address(protocol));
            emit ISealingFaults.SealingFaultReported(id, digest, validators[2], round, evidence);
        } else {
            vm.expectRevert(
                abi.encodeWithSelector(ISealingFaults.SealingFaultReportsClosed.selector, digest, round, deadline)
            );
        }
        vm.prank(validators[2]);
        protocol.reportSealingFault(digest, evidence);
    }

    // ---- views ------------------------------------------------------------------------------------------------

    function test_SEALING_FAULT_BYTES_is161() public view {
        assertEq(protocol.SEALING_FAULT_BYTES(), EVIDENCE_BYTES);
    }

    function test_sealingFaultDeadline_isHalfwayThroughTheCommitWindow() public view {
        IContributionRounds.RoundView memory info = roundView(round);
        uint256 reported = protocol.sealingFaultDeadline(round);
        assertEq(reported, info.submissionEndBlock + COMMIT_BLOCKS / 2);
        assertEq(reported, info.submissionEndBlock + (info.commitEndBlock - info.submissionEndBlock) / 2);
        assertEq(reported, deadline);
    }

    function test_sealingFaultDeadline_unknownRound_isZero() public view {
        uint256 later = round + 5; // neither opened nor open now: its window ends are unknown
        assertEq(roundView(later).submissionEndBlock, 0);
        assertEq(protocol.sealingFaultDeadline(later), 0);
        assertFalse(protocol.sealingFaultsOpen(later));
    }

    function test_sealingFaultsOpen_beforeDeadline_isTrue() public {
        assertTrue(protocol.sealingFaultsOpen(round));
        vm.roll(deadline - 1);
        assertTrue(protocol.sealingFaultsOpen(round));
    }

    function test_sealingFaultsOpen_atDeadline_isFalse() public {
        vm.roll(deadline);
        assertFalse(protocol.sealingFaultsOpen(round));
        rollToReveal(round);
        assertFalse(protocol.sealingFaultsOpen(round));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /// @dev `length` bytes of stand-in evidence (the protocol does not read it).
    function _evidence(uint256 length) private pure returns (bytes memory evidence) {
        evidence = new bytes(length);
        for (uint256 i = 0; i < length; ++i) {
            evidence[i] = bytes1(uint8(i + 1));
        }
    }

    function _expectMalformed(uint256 length) private {
        bytes memory evidence = _evidence(length);
        vm.expectRevert(abi.encodeWithSelector(ISealingFaults.MalformedSealingFault.selector, length));
        vm.prank(validators[0]);
        protocol.reportSealingFault(digest, evidence);
    }
}
