// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Vm} from "forge-std/Vm.sol";
import {CoreTestHelpers} from "../utils/CoreTestHelpers.sol";
import {IContributionRounds} from "cotrain/interfaces/IContributionRounds.sol";
import {ICotrainErrors} from "cotrain/interfaces/ICotrainErrors.sol";
import {IContributorStaking} from "cotrain/interfaces/IContributorStaking.sol";
import {ContributionStatus, ContributionType, Parameter, RoundPhase} from "cotrain/types/CotrainTypes.sol";

contract ContributionRoundsTest is CoreTestHelpers {
    uint256 internal constant MIN_STAKE = 100 * TOKEN;
    uint256 internal constant PER_CONTRIBUTION = 10 * TOKEN;

    uint256 internal start; // the block round 1 started at
    address internal alice;
    bytes32 internal digest; // computed up front: sha256 is a precompile call and would consume a prank

    function setUp() public override {
        super.setUp();
        start = block.number;
        alice = newContributor("alice", MIN_STAKE);
        digest = digestOf(1);
    }

    /// @dev First block of round `round` under the default schedule.
    function roundStart(uint256 round) internal view returns (uint256) {
        return start + (round - 1) * SUBMISSION_BLOCKS;
    }

    // ---- submitContribution ----------------------------------------------------------------------------------

    function test_submitContribution_recordsEachKind() public {
        for (uint8 kind = 0; kind <= uint8(type(ContributionType).max); ++kind) {
            bytes32 kindDigest = digestOf(kind);
            uint256 expectedId = protocol.nextContributionId();
            vm.expectEmit(address(protocol));
            emit IContributionRounds.ContributionSubmitted(
                expectedId, alice, ContributionType(kind), kindDigest, 7 + kind, 1
            );
            vm.prank(alice);
            uint256 id = protocol.submitContribution(kind, kindDigest, 7 + kind);
            assertEq(id, expectedId);

            IContributionRounds.ContributionView memory entry = protocol.contribution(kindDigest);
            assertEq(entry.id, id);
            assertEq(entry.contributor, alice);
            assertEq(uint8(entry.kind), kind);
            assertEq(uint8(entry.status), uint8(ContributionStatus.Pending));
            assertEq(entry.consensusScore, 0);
            assertEq(entry.round, 1);
            assertEq(entry.taskId, 7 + kind);
            assertEq(entry.contentDigest, kindDigest);
        }
        assertEq(protocol.contributorProfile(alice).lockedStake, 3 * PER_CONTRIBUTION);
        assertEq(protocol.nextContributionId(), 4);
    }

    function test_submitContribution_acceptsLargestTaskId() public {
        uint256 taskId = type(uint32).max;
        vm.prank(alice);
        protocol.submitContribution(0, digest, taskId);
        assertEq(protocol.contribution(digest).taskId, taskId);
    }

    function test_submitContribution_revertsOnUnknownKind() public {
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.UnknownContributionType.selector, uint8(3)));
        vm.prank(alice);
        protocol.submitContribution(3, digest, 1);

        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.UnknownContributionType.selector, uint8(255)));
        vm.prank(alice);
        protocol.submitContribution(255, digest, 1);
    }

    function test_submitContribution_revertsOnZeroDigest() public {
        vm.expectRevert(IContributionRounds.ZeroContentDigest.selector);
        vm.prank(alice);
        protocol.submitContribution(0, bytes32(0), 1);
    }

    function test_submitContribution_revertsOnTaskIdBeyond32Bits() public {
        uint256 taskId = uint256(type(uint32).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.TaskIdTooLarge.selector, taskId));
        vm.prank(alice);
        protocol.submitContribution(0, digest, taskId);
    }

    function test_submitContribution_revertsWhenNotRegistered() public {
        address stranger = makeAddr("stranger");
        vm.expectRevert(abi.encodeWithSelector(IContributorStaking.NotRegistered.selector, stranger));
        vm.prank(stranger);
        protocol.submitContribution(0, digest, 1);
        assertEq(protocol.nextContributionId(), 1);
    }

    function test_submitContribution_revertsWithoutFreeStake() public {
        for (uint256 i = 0; i < MIN_STAKE / PER_CONTRIBUTION; ++i) {
            submit(alice, ContributionType.DATASET, digestOf(i + 1));
        }
        bytes32 digest99 = digestOf(99);
        vm.expectRevert(
            abi.encodeWithSelector(IContributorStaking.InsufficientFreeStake.selector, 0, PER_CONTRIBUTION)
        );
        vm.prank(alice);
        protocol.submitContribution(1, digest99, 1);
    }

    function test_submitContribution_revertsWhenFreeStakeWasUnstaked() public {
        vm.prank(alice);
        protocol.requestUnstake(95 * TOKEN);
        vm.expectRevert(
            abi.encodeWithSelector(IContributorStaking.InsufficientFreeStake.selector, 5 * TOKEN, PER_CONTRIBUTION)
        );
        vm.prank(alice);
        protocol.submitContribution(1, digest, 1);
    }

    function test_submitContribution_revertsWhenPaused() public {
        pauseProtocol();
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        vm.prank(alice);
        protocol.submitContribution(0, digest, 1);
    }

    /// @dev The attack of the review: one update submitted five times was paid 5.6 times. A digest is accepted once,
    /// ever: in the same round or a later one, by the same account or another.
    function test_submitContribution_revertsForADigestAlreadySubmitted() public {
        address bob = newContributor("bob", MIN_STAKE);
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digest);
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.DuplicateContent.selector, digest, id));
        vm.prank(alice);
        protocol.submitContribution(0, digest, 1);
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.DuplicateContent.selector, digest, id));
        vm.prank(bob);
        protocol.submitContribution(1, digest, 2); // another kind and task changes nothing

        vm.roll(roundStart(5));
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.DuplicateContent.selector, digest, id));
        vm.prank(bob);
        protocol.submitContribution(0, digest, 1);
        assertEq(protocol.nextContributionId(), id + 1);
        assertEq(protocol.contributorProfile(bob).lockedStake, 0);
    }

    /// @dev The spam of the review: one wallet flooded a round. A contributor's submissions per round are capped.
    function test_submitContribution_revertsBeyondTheContributorsRoundLimit() public {
        setParam(Parameter.MaxContributionsPerContributor, 3);
        fundAndApprove(alice, 100 * TOKEN);
        vm.prank(alice);
        protocol.increaseStake(100 * TOKEN);
        for (uint256 i = 0; i < 3; ++i) {
            submit(alice, ContributionType.MODEL_UPDATE, digestOf(10 + i));
        }
        bytes32 fourth = digestOf(13);
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.ContributorRoundLimit.selector, alice, 1, 3));
        vm.prank(alice);
        protocol.submitContribution(0, fourth, 1);
        assertEq(protocol.contributorProfile(alice).lastRoundSubmissions, 3);

        // others are not held back, and the next round starts a new count
        address bob = newContributor("bob", MIN_STAKE);
        submit(bob, ContributionType.MODEL_UPDATE, digestOf(20));
        vm.roll(roundStart(2));
        submit(alice, ContributionType.MODEL_UPDATE, fourth);
        assertEq(protocol.contributorProfile(alice).lastRound, 2);
        assertEq(protocol.contributorProfile(alice).lastRoundSubmissions, 1);
    }

    function test_submitContribution_revertsWhenTheRoundIsFull() public {
        setParam(Parameter.MaxContributionsPerRound, 2);
        address bob = newContributor("bob", MIN_STAKE);
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        submit(bob, ContributionType.MODEL_UPDATE, digestOf(2));
        bytes32 third = digestOf(3);
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.RoundFull.selector, 1, 2));
        vm.prank(alice);
        protocol.submitContribution(0, third, 1);
        vm.roll(roundStart(2));
        submit(alice, ContributionType.MODEL_UPDATE, third);
        assertEq(roundView(1).contributionCount, 2);
        assertEq(roundView(2).contributionCount, 1);
    }

    /// @dev Caps are part of a round's price: a change applies from the next round on.
    function test_submitContribution_capsOfTheOpenRoundStayAsTheyOpened() public {
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        setParam(Parameter.MaxContributionsPerRound, 1);
        setParam(Parameter.StakePerContribution, 50 * TOKEN);
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(2)); // round 1 still takes 10 tokens, no cap of 1
        assertEq(protocol.contributorProfile(alice).lockedStake, 2 * PER_CONTRIBUTION);
        vm.roll(roundStart(2));
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(3));
        assertEq(protocol.contributorProfile(alice).lockedStake, 2 * PER_CONTRIBUTION + 50 * TOKEN);
        bytes32 fourth = digestOf(4);
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.RoundFull.selector, 2, 1));
        vm.prank(alice);
        protocol.submitContribution(0, fourth, 1);
    }

    function test_submitContribution_firstOfRoundEmitsRoundOpened() public {
        address validator = newValidator("validator", 2_000 * TOKEN);
        assertEq(registry.validatorInfo(validator).index, 0);
        uint256 submissionEnd = roundStart(2);

        vm.expectEmit(address(protocol));
        emit IContributionRounds.RoundOpened(
            1, 1, submissionEnd, submissionEnd + COMMIT_BLOCKS, submissionEnd + COMMIT_BLOCKS + REVEAL_BLOCKS, 1, 1
        );
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));

        // the second contribution of the same round opens nothing
        vm.recordLogs();
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(2));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 1);
        assertEq(logs[0].topics[0], IContributionRounds.ContributionSubmitted.selector);
    }

    function test_submitContribution_joinsTheRoundOpenNow() public {
        uint256 first = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        vm.roll(roundStart(2) - 1);
        uint256 second = submit(alice, ContributionType.MODEL_UPDATE, digestOf(2));
        vm.roll(roundStart(2));
        vm.expectEmit(address(protocol));
        emit IContributionRounds.RoundOpened(2, 3, roundStart(3), roundStart(3) + 10, roundStart(3) + 20, 0, 1);
        uint256 third = submit(alice, ContributionType.MODEL_UPDATE, digestOf(3));
        // skipping round 3 entirely
        vm.roll(roundStart(4) + 5);
        uint256 fourth = submit(alice, ContributionType.MODEL_UPDATE, digestOf(4));

        assertEq(roundOf(first), 1);
        assertEq(roundOf(second), 1);
        assertEq(roundOf(third), 2);
        assertEq(roundOf(fourth), 4);
        assertEq(roundView(1).contributionCount, 2);
        assertEq(roundView(2).contributionCount, 1);
        assertEq(roundView(2).firstContributionId, 3);
        assertFalse(roundView(3).exists);
        assertEq(roundView(4).firstContributionId, 4);
        assertEq(roundView(4).contributionCount, 1);
    }

    function test_submitContribution_snapshotsExpectedValidatorsAtOpening() public {
        newValidator("v0", 2_000 * TOKEN);
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        newValidator("v1", 2_000 * TOKEN);
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(2));
        assertEq(roundView(1).expectedValidators, 1);

        vm.roll(roundStart(2));
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(3));
        assertEq(roundView(2).expectedValidators, 3);
    }

    // ---- contribution / nextContributionId -------------------------------------------------------------------

    function test_contribution_revertsForUnknownDigest() public {
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.UnknownContribution.selector, bytes32(0)));
        protocol.contribution(bytes32(0));
        submit(alice, ContributionType.DATASET, digestOf(1));
        bytes32 other = digestOf(2);
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.UnknownContribution.selector, other));
        protocol.contribution(other);
    }

    function test_nextContributionId_startsAtOneAndCounts() public {
        assertEq(protocol.nextContributionId(), 1);
        submit(alice, ContributionType.DATASET, digestOf(1));
        assertEq(protocol.nextContributionId(), 2);
        vm.roll(roundStart(3));
        submit(alice, ContributionType.DATASET, digestOf(2));
        assertEq(protocol.nextContributionId(), 3);
    }

    // ---- currentRound / roundInfo ----------------------------------------------------------------------------

    function test_currentRound_advancesEverySubmissionWindow() public {
        assertEq(protocol.currentRound(), 1);
        vm.roll(roundStart(2) - 1);
        assertEq(protocol.currentRound(), 1);
        vm.roll(roundStart(2));
        assertEq(protocol.currentRound(), 2);
        vm.roll(roundStart(10) + 7);
        assertEq(protocol.currentRound(), 10);
    }

    function test_roundInfo_walksThroughEveryPhase() public {
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        uint256 submissionEnd = roundStart(2);

        IContributionRounds.RoundView memory info = roundView(1);
        assertTrue(info.exists);
        assertEq(uint8(info.phase), uint8(RoundPhase.Submission));
        assertEq(info.firstContributionId, id);
        assertEq(info.contributionCount, 1);
        assertEq(info.finalizedCount, 0);
        assertEq(info.submissionEndBlock, submissionEnd);
        assertEq(info.commitEndBlock, submissionEnd + COMMIT_BLOCKS);
        assertEq(info.revealEndBlock, submissionEnd + COMMIT_BLOCKS + REVEAL_BLOCKS);

        vm.roll(submissionEnd - 1);
        assertEq(uint8(roundView(1).phase), uint8(RoundPhase.Submission));
        vm.roll(submissionEnd);
        assertEq(uint8(roundView(1).phase), uint8(RoundPhase.Commit));
        vm.roll(submissionEnd + COMMIT_BLOCKS - 1);
        assertEq(uint8(roundView(1).phase), uint8(RoundPhase.Commit));
        vm.roll(submissionEnd + COMMIT_BLOCKS);
        assertEq(uint8(roundView(1).phase), uint8(RoundPhase.Reveal));
        vm.roll(submissionEnd + COMMIT_BLOCKS + REVEAL_BLOCKS - 1);
        assertEq(uint8(roundView(1).phase), uint8(RoundPhase.Reveal));
        vm.roll(submissionEnd + COMMIT_BLOCKS + REVEAL_BLOCKS);
        assertEq(uint8(roundView(1).phase), uint8(RoundPhase.Finalization));

        finalizeAll(1);
        info = roundView(1);
        assertEq(uint8(info.phase), uint8(RoundPhase.Finalized));
        assertEq(info.finalizedCount, 1);
        assertFalse(info.quorumReached);
        assertEq(uint8(contributionOf(id).status), uint8(ContributionStatus.Released));
    }

    function test_roundInfo_withoutContributionsReportsPhaseByTime() public {
        vm.roll(roundStart(3));
        IContributionRounds.RoundView memory past = roundView(2);
        assertFalse(past.exists);
        assertEq(uint8(past.phase), uint8(RoundPhase.Finalized));
        assertEq(past.submissionEndBlock, 0);
        assertEq(uint8(roundView(3).phase), uint8(RoundPhase.Submission));
        assertEq(uint8(roundView(50).phase), uint8(RoundPhase.Submission));
        assertFalse(roundView(3).exists);
        // the round open now tells when its submission window ends, before its first contribution
        assertEq(roundView(3).submissionEndBlock, roundStart(4));
        assertEq(roundView(50).submissionEndBlock, 0);
        assertEq(roundView(type(uint256).max).submissionEndBlock, 0);
        assertEq(roundView(3).parameterVersion, 1);
    }

    /// @dev Before its first contribution the round open now reports the windows that contribution will fix; the
    /// rounds before it (never opened) and after it (not determined yet) report none.
    function test_roundInfo_emptyCurrentRound_reportsItsWindows() public {
        vm.roll(roundStart(3) + 4);
        IContributionRounds.RoundView memory info = roundView(3);
        assertFalse(info.exists);
        assertEq(uint8(info.phase), uint8(RoundPhase.Submission));
        assertEq(info.submissionEndBlock, roundStart(4));
        assertEq(info.commitEndBlock, roundStart(4) + COMMIT_BLOCKS);
        assertEq(info.revealEndBlock, roundStart(4) + COMMIT_BLOCKS + REVEAL_BLOCKS);
        assertEq(info.parameterVersion, 1);
        // every other field as for any round without contributions
        assertEq(info.firstContributionId, 0);
        assertEq(info.contributionCount, 0);
        assertEq(info.finalizedCount, 0);
        assertEq(info.expectedValidators, 0);
        assertEq(info.committedValidators, 0);
        assertEq(info.revealedValidators, 0);
        assertFalse(info.quorumReached);
        for (uint256 r = 2; r <= 4; r += 2) {
            IContributionRounds.RoundView memory other = roundView(r);
            assertEq(other.submissionEndBlock + other.commitEndBlock + other.revealEndBlock, 0);
        }

        submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        IContributionRounds.RoundView memory opened = roundView(3);
        assertTrue(opened.exists);
        assertEq(opened.submissionEndBlock, info.submissionEndBlock);
        assertEq(opened.commitEndBlock, info.commitEndBlock);
        assertEq(opened.revealEndBlock, info.revealEndBlock);
        assertEq(opened.parameterVersion, info.parameterVersion);
    }

    /// @dev New commit and reveal lengths set before the current round's first contribution apply to it, and its
    /// view says so at once; its submission end stays.
    function test_roundInfo_emptyCurrentRound_windowsFollowTheLatestLengths() public {
        vm.roll(roundStart(2) + 1);
        setParam(Parameter.CommitBlocks, 30);
        setParam(Parameter.RevealBlocks, 25);
        setParam(Parameter.SubmissionBlocks, 40); // re-anchors at the end of round 2
        IContributionRounds.RoundView memory info = roundView(2);
        assertEq(info.submissionEndBlock, roundStart(3));
        assertEq(info.commitEndBlock, roundStart(3) + 30);
        assertEq(info.revealEndBlock, roundStart(3) + 55);
        assertEq(info.parameterVersion, 4);
        assertEq(roundView(3).revealEndBlock, 0);

        vm.roll(roundStart(3) + 39); // round 3 now lasts 40 blocks
        info = roundView(3);
        assertEq(info.submissionEndBlock, roundStart(3) + 40);
        assertEq(info.revealEndBlock, roundStart(3) + 95);
        assertEq(roundView(2).revealEndBlock, 0); // never opened
    }

    /// @dev While paused the clock stands still, so the empty current round's window ends move on with the blocks.
    function test_roundInfo_emptyCurrentRound_windowsMoveOnWhilePaused() public {
        vm.roll(roundStart(2) + 5);
        pauseProtocol();
        vm.roll(block.number + 1_000);
        IContributionRounds.RoundView memory info = roundView(2);
        assertEq(info.submissionEndBlock, roundStart(3) + 1_000);
        assertEq(info.commitEndBlock, roundStart(3) + 1_000 + COMMIT_BLOCKS);
        assertEq(info.revealEndBlock, roundStart(3) + 1_000 + COMMIT_BLOCKS + REVEAL_BLOCKS);
    }

    function test_roundInfo_keepsCountOfClosedRound() public {
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(2));
        vm.roll(roundStart(2));
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(3));
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(4));
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(5));
        assertEq(roundView(1).contributionCount, 2);
        assertEq(roundView(2).contributionCount, 3);
        assertEq(roundView(2).firstContributionId, 3);
    }

    // ---- schedule changes ------------------------------------------------------------------------------------

    function test_setSubmissionBlocks_keepsTheRoundInProgressAndReanchors() public {
        vm.roll(roundStart(3) + 5); // round 3 ends at roundStart(4)
        setParam(Parameter.SubmissionBlocks, 40);

        assertEq(protocol.currentRound(), 3);
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        assertEq(roundView(3).submissionEndBlock, roundStart(4));

        vm.roll(roundStart(4) - 1);
        assertEq(protocol.currentRound(), 3);
        vm.roll(roundStart(4));
        assertEq(protocol.currentRound(), 4);
        vm.roll(roundStart(4) + 39);
        assertEq(protocol.currentRound(), 4);
        vm.roll(roundStart(4) + 40);
        assertEq(protocol.currentRound(), 5);
        uint256 later = submit(alice, ContributionType.MODEL_UPDATE, digestOf(2));
        assertEq(roundView(5).submissionEndBlock, roundStart(4) + 80);
        assertEq(roundOf(id), 3);
        assertEq(roundOf(later), 5);
    }

    function test_setSubmissionBlocks_twiceInOneRoundKeepsItsEnd() public {
        vm.roll(roundStart(2) + 3);
        setParam(Parameter.SubmissionBlocks, 40);
        setParam(Parameter.SubmissionBlocks, 5);
        assertEq(protocol.currentRound(), 2);
        vm.roll(roundStart(3));
        assertEq(protocol.currentRound(), 3);
        vm.roll(roundStart(3) + 5);
        assertEq(protocol.currentRound(), 4);
    }

    function test_setWindowLengths_applyOnlyToRoundsOpenedLater() public {
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        setParam(Parameter.CommitBlocks, 30);
        setParam(Parameter.RevealBlocks, 25);
        assertEq(roundView(1).commitEndBlock, roundStart(2) + COMMIT_BLOCKS);
        assertEq(roundView(1).revealEndBlock, roundStart(2) + COMMIT_BLOCKS + REVEAL_BLOCKS);

        vm.roll(roundStart(2));
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(2));
        assertEq(roundView(2).commitEndBlock, roundStart(3) + 30);
        assertEq(roundView(2).revealEndBlock, roundStart(3) + 55);
    }

    // ---- latestRound / settledThrough / advanceSettled / protocolClock -----------------------------------------

    function test_latestRound_isTheNewestRoundWithContributions() public {
        assertEq(protocol.latestRound(), 0);
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        assertEq(protocol.latestRound(), 1);
        vm.roll(roundStart(4));
        assertEq(protocol.latestRound(), 1);
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(2));
        assertEq(protocol.latestRound(), 4);
    }

    /// @dev settledThrough moves over a round only when every older round with contributions is finalized too.
    function test_settledThrough_followsTheOldestUnfinalizedRound() public {
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        vm.roll(roundStart(3));
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(2));
        vm.roll(roundStart(4));
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(3));
        assertEq(protocol.settledThrough(), 0);

        rollToFinalization(4);
        finalizeAll(3); // out of order: round 1 is still open
        assertEq(protocol.settledThrough(), 0);
        finalizeAll(1);
        assertEq(protocol.settledThrough(), 3); // over round 3, finalized before; round 2 had no contributions
        finalizeAll(4);
        assertEq(protocol.settledThrough(), 4);
    }

    /// @dev Found by review: finalize walks at most 16 rounds finalized out of order per round it completes; a longer
    /// run is walked by advanceSettled, so no bond waits for a round that is already finalized.
    function test_advanceSettled_walksALongRunOfRoundsFinalizedOutOfOrder() public {
        fundAndApprove(alice, 100 * TOKEN);
        vm.prank(alice);
        protocol.increaseStake(100 * TOKEN);
        for (uint256 r = 1; r <= 20; ++r) {
            vm.roll(roundStart(r));
            submit(alice, ContributionType.MODEL_UPDATE, digestOf(r));
        }
        rollToFinalization(20);
        for (uint256 r = 2; r <= 20; ++r) {
            finalizeAll(r);
        }
        finalizeAll(1);
        assertEq(protocol.settledThrough(), 16);
        assertEq(protocol.advanceSettled(), 20);
        assertEq(protocol.settledThrough(), 20);
        assertEq(protocol.advanceSettled(), 20); // nothing left to walk
    }

    function test_protocolClock_countsBlocksExceptPausedOnes() public {
        assertEq(protocol.protocolClock(), block.number);
        uint256 startClock = block.number;
        vm.roll(block.number + 10);
        pauseProtocol();
        vm.roll(block.number + 1_000);
        assertEq(protocol.protocolClock(), startClock + 10);
        vm.prank(admin);
        protocol.unpause();
        vm.roll(block.number + 5);
        assertEq(protocol.protocolClock(), startClock + 15);
        // rounds run on it: round 1 ends after 20 unpaused blocks
        assertEq(protocol.currentRound(), 1);
        vm.roll(block.number + 5);
        assertEq(protocol.currentRound(), 2);
    }

    // ---- fuzz ------------------------------------------------------------------------------------------------

    /// @dev A submission at any block joins round 1 + elapsed / submissionBlocks, with deadlines derived from it.
    function testFuzz_submitContribution_roundAndDeadlinesFollowSchedule(uint256 elapsed) public {
        elapsed = bound(elapsed, 0, 10_000_000);
        vm.roll(start + elapsed);
        uint256 expectedRound = 1 + elapsed / SUBMISSION_BLOCKS;
        assertEq(protocol.currentRound(), expectedRound);

        uint256 id = submit(alice, ContributionType.DATASET, digestOf(elapsed));
        assertEq(roundOf(id), expectedRound);
        IContributionRounds.RoundView memory info = roundView(expectedRound);
        uint256 submissionEnd = start + expectedRound * SUBMISSION_BLOCKS;
        assertEq(info.submissionEndBlock, submissionEnd);
        assertEq(info.commitEndBlock, submissionEnd + COMMIT_BLOCKS);
        assertEq(info.revealEndBlock, submissionEnd + COMMIT_BLOCKS + REVEAL_BLOCKS);
        assertLt(block.number, info.submissionEndBlock);
        assertGe(block.number, info.submissionEndBlock - SUBMISSION_BLOCKS);
    }

    /// @dev After a change of round length at any point, rounds stay contiguous: the round in progress keeps its
    /// end and later rounds have the new length.
    function testFuzz_setSubmissionBlocks_roundsStayContiguous(uint256 elapsed, uint256 newLength, uint256 later)
        public
    {
        elapsed = bound(elapsed, 0, 100_000);
        // commit + reveal (20) must fit seven submission windows; a whole round must fit the validator unbonding (100)
        newLength = bound(newLength, 3, 80);
        later = bound(later, 0, 100_000);
        vm.roll(start + elapsed);
        uint256 roundNow = protocol.currentRound();
        uint256 end = start + roundNow * SUBMISSION_BLOCKS;
        setParam(Parameter.SubmissionBlocks, newLength);
        assertEq(protocol.currentRound(), roundNow);

        vm.roll(start + elapsed + later);
        uint256 expected = block.number < end ? roundNow : roundNow + 1 + (block.number - end) / newLength;
        assertEq(protocol.currentRound(), expected);
        uint256 id = submit(alice, ContributionType.VALIDATION, digestOf(1));
        uint256 expectedEnd = expected == roundNow ? end : end + (expected - roundNow) * newLength;
        assertEq(roundView(roundOf(id)).submissionEndBlock, expectedEnd);
    }

    /// @dev Whatever the schedule changes before it, the round open now reports, before its first contribution, the
    /// windows of the reference schedule, which are those its first contribution then fixes; its neighbours none.
    function testFuzz_roundInfo_emptyCurrentRound_reportsTheWindowsItOpensWith(
        uint256 elapsed,
        uint256 newLength,
        uint256 commitBlocks,
        uint256 revealBlocks,
        uint256 later
    ) public {
        elapsed = bound(elapsed, 0, 100_000);
        newLength = bound(newLength, 3, 80);
        // commit + reveal must fit seven submission windows, and a whole round the validator unbonding (100)
        uint256 maxScoring = newLength * 7 < 100 - newLength ? newLength * 7 : 100 - newLength;
        commitBlocks = bound(commitBlocks, 1, maxScoring - 1);
        revealBlocks = bound(revealBlocks, 1, maxScoring - commitBlocks);
        later = bound(later, 0, 100_000);
        vm.roll(start + elapsed);
        uint256 roundNow = protocol.currentRound();
        uint256 end = start + roundNow * SUBMISSION_BLOCKS;
        setParam(Parameter.SubmissionBlocks, newLength);
        setParam(Parameter.RevealBlocks, 1);
        setParam(Parameter.CommitBlocks, commitBlocks);
        setParam(Parameter.RevealBlocks, revealBlocks);

        vm.roll(start + elapsed + later);
        uint256 expected = block.number < end ? roundNow : roundNow + 1 + (block.number - end) / newLength;
        assertEq(protocol.currentRound(), expected);
        uint256 expectedEnd = expected == roundNow ? end : end + (expected - roundNow) * newLength;
        IContributionRounds.RoundView memory info = roundView(expected);
        assertFalse(info.exists);
        assertEq(info.submissionEndBlock, expectedEnd);
        assertEq(info.commitEndBlock, expectedEnd + commitBlocks);
        assertEq(info.revealEndBlock, expectedEnd + commitBlocks + revealBlocks);
        assertEq(roundView(expected + 1).submissionEndBlock, 0);
        assertEq(roundView(expected - 1).revealEndBlock, 0);

        submit(alice, ContributionType.VALIDATION, digestOf(1));
        IContributionRounds.RoundView memory opened = roundView(expected);
        assertEq(opened.submissionEndBlock, info.submissionEndBlock);
        assertEq(opened.commitEndBlock, info.commitEndBlock);
        assertEq(opened.revealEndBlock, info.revealEndBlock);
        assertEq(opened.parameterVersion, info.parameterVersion);
    }
}
