// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CotrainFixture} from "../utils/CotrainFixture.sol";
import {IContributionRounds} from "cotrain/interfaces/IContributionRounds.sol";
import {IContributorStaking} from "cotrain/interfaces/IContributorStaking.sol";
import {ICotrainErrors} from "cotrain/interfaces/ICotrainErrors.sol";
import {IRewardPool} from "cotrain/interfaces/IRewardPool.sol";
import {IScoreConsensus} from "cotrain/interfaces/IScoreConsensus.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {StakeWeights} from "cotrain/libraries/StakeWeights.sol";
import {ContributionStatus, ContributionType, Parameter, RoundPhase} from "cotrain/types/CotrainTypes.sol";

/// @dev Round building blocks shared by the tests below.
abstract contract ScoreConsensusSetup is CotrainFixture {
    uint256 internal constant BOND = 1_000 * TOKEN;
    uint256 internal constant POOL = 100_000 * TOKEN;

    address internal alice;
    address internal bob;

    function setUp() public virtual override {
        super.setUp();
        fundPool(POOL);
        alice = newContributor("alice", 1_000 * TOKEN);
        bob = newContributor("bob", 1_000 * TOKEN);
    }

    /// @dev The score a reveal stored for a contribution, read from the score ring's storage (layout in
    /// ScoreConsensus): clients read revealed scores from ScoresRevealed events; this checks where finalize reads.
    function _storedScore(uint256 round, address validator, uint256 contributionId) internal view returns (uint256) {
        bytes32 base = 0x357bc02befa5cb8ee3a9e4973b8bb9d2756f999fc55b76516cef26f852c26500; // CONSENSUS_STORAGE
        uint256 position = contributionId - protocol.roundInfo(round).firstContributionId;
        uint256 index = registry.validatorInfo(validator).index;
        bytes32 byRound = keccak256(abi.encode(round % 8, uint256(base) + 1)); // scoreWords
        bytes32 byIndex = keccak256(abi.encode(index, byRound));
        bytes32 word = vm.load(address(protocol), keccak256(abi.encode(position / 32, byIndex)));
        return uint8(word[position % 32]);
    }

    function _rollToRound(uint256 round) internal {
        vm.roll(1 + (round - 1) * SUBMISSION_BLOCKS);
    }

    /// @dev `count` model updates by alice in the current round.
    function _submitMany(uint256 count) internal returns (uint256 round, uint256 first) {
        for (uint256 i = 0; i < count; ++i) {
            uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(block.number * 1000 + i));
            if (i == 0) first = id;
        }
        round = roundOf(first);
    }

    function _commitWith(address validator, uint256 round, bytes memory scores, bytes32 salt) internal {
        bytes32 commitment = protocol.commitmentHash(round, validator, scores, salt);
        vm.prank(validator);
        protocol.commitScores(round, commitment);
    }

    function _commitAll(uint256 round, address[] memory validators, bytes[] memory scores) internal {
        rollToCommit(round);
        for (uint256 i = 0; i < validators.length; ++i) {
            commit(validators[i], round, scores[i]);
        }
    }

    function _revealAll(uint256 round, address[] memory validators, bytes[] memory scores) internal {
        rollToReveal(round);
        for (uint256 i = 0; i < validators.length; ++i) {
            reveal(validators[i], round, scores[i]);
        }
    }

    function _bondOf(address validator) internal view returns (uint256) {
        return registry.validatorInfo(validator).bond;
    }

    function _status(uint256 id) internal view returns (ContributionStatus) {
        return contributionOf(id).status;
    }

    function _pause() internal {
        vm.prank(admin);
        protocol.pause();
    }

    function _unpause() internal {
        vm.prank(admin);
        protocol.unpause();
    }

    function _setParam(Parameter which, uint256 value) internal {
        vm.prank(admin);
        protocol.setParameter(which, value);
    }

    /// @dev The digests of contributions `firstId` .. `firstId + count - 1`, in order: a finalize page.
    function _digests(uint256 firstId, uint256 count) internal view returns (bytes32[] memory page) {
        page = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            page[i] = digestById[firstId + i];
        }
    }

    function _list(address a) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = a;
    }

    function _bytesList(bytes memory a, bytes memory b, bytes memory c) internal pure returns (bytes[] memory list) {
        list = new bytes[](3);
        (list[0], list[1], list[2]) = (a, b, c);
    }

    function _repeat(bytes memory scores, uint256 times) internal pure returns (bytes[] memory list) {
        list = new bytes[](times);
        for (uint256 i = 0; i < times; ++i) {
            list[i] = scores;
        }
    }
}

contract ScoreConsensusTest is ScoreConsensusSetup {
    address[] internal trio;
    uint256 internal round;
    uint256 internal first;

    function setUp() public override {
        super.setUp();
        trio = newValidators(3, BOND);
        (round, first) = _submitMany(2);
    }

    /// @dev Opens the next round with two contributions by alice. Parameters changed before it price it: a change
    /// never reprices a round already open.
    function _reopen() internal {
        _rollToRound(round + 1);
        (round, first) = _submitMany(2);
    }

    // ---- commitScores ----------------------------------------------------------------------------------------

    function test_commitScores_recordsCommitmentAndEmits() public {
        rollToCommit(round);
        bytes32 commitment = protocol.commitmentHash(round, trio[1], hex"5050", saltOf(trio[1], round));
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IScoreConsensus.ScoresCommitted(round, trio[1], commitment);
        vm.prank(trio[1]);
        protocol.commitScores(round, commitment);

        IContributionRounds.RoundView memory info = roundView(round);
        assertEq(info.committedValidators, 2); // index 1
        assertEq(info.expectedValidators, 7);
        assertEq(uint8(info.phase), uint8(RoundPhase.Commit));
    }

    function test_commitScores_acceptsLastBlockOfWindow() public {
        vm.roll(roundView(round).commitEndBlock - 1);
        commit(trio[0], round, hex"5050");
        assertEq(roundView(round).committedValidators, 1);
    }

    function test_commitScores_revertsBeforeCommitWindow() public {
        vm.roll(roundView(round).submissionEndBlock - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRounds.WrongPhase.selector, round, RoundPhase.Commit, RoundPhase.Submission
            )
        );
        vm.prank(trio[0]);
        protocol.commitScores(round, keccak256("c"));
    }

    function test_commitScores_revertsAfterCommitWindow() public {
        rollToReveal(round);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRounds.WrongPhase.selector, round, RoundPhase.Commit, RoundPhase.Reveal
            )
        );
        vm.prank(trio[0]);
        protocol.commitScores(round, keccak256("c"));

        rollToFinalization(round);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRounds.WrongPhase.selector, round, RoundPhase.Commit, RoundPhase.Finalization
            )
        );
        vm.prank(trio[0]);
        protocol.commitScores(round, keccak256("c"));
    }

    function test_commitScores_revertsForUnknownRound() public {
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.UnknownRound.selector, round + 1));
        vm.prank(trio[0]);
        protocol.commitScores(round + 1, keccak256("c"));
    }

    function test_commitScores_revertsForZeroCommitment() public {
        rollToCommit(round);
        vm.expectRevert(IScoreConsensus.ZeroCommitment.selector);
        vm.prank(trio[0]);
        protocol.commitScores(round, bytes32(0));
    }

    function test_commitScores_revertsForNonValidator() public {
        address stranger = makeAddr("stranger");
        rollToCommit(round);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.NotExpectedValidator.selector, round, stranger));
        vm.prank(stranger);
        protocol.commitScores(round, keccak256("c"));
    }

    function test_commitScores_revertsForValidatorAdmittedAfterRoundOpened() public {
        address late = newValidator("late", BOND); // active now, but the round's snapshot predates it
        assertTrue(registry.validatorInfo(late).active);
        rollToCommit(round);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.NotExpectedValidator.selector, round, late));
        vm.prank(late);
        protocol.commitScores(round, keccak256("c"));
    }

    function test_commitScores_revertsForAdmittedButUnbondedValidator() public {
        // admitted before the round opened, but not active (no bond) at the snapshot
        address idle = makeAddr("idle");
        vm.prank(admin);
        registry.addValidator(idle);
        _rollToRound(round + 1);
        (uint256 next,) = _submitMany(1);
        rollToCommit(next);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.NotExpectedValidator.selector, next, idle));
        vm.prank(idle);
        protocol.commitScores(next, keccak256("c"));
    }

    function test_commitScores_revertsWhenAlreadyCommitted() public {
        rollToCommit(round);
        commit(trio[0], round, hex"5050");
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.AlreadyCommitted.selector, round, trio[0]));
        vm.prank(trio[0]);
        protocol.commitScores(round, keccak256("again"));
    }

    function test_commitScores_revertsWhenStakeBelowOneGwei() public {
        // a validator set whose minimum bond is dust: an expected validator may hold less than the 1 gwei of weight
        _setParam(Parameter.MinValidatorStake, 1);
        address dust = newValidator("dust", 0.5 gwei);
        _reopen();
        rollToCommit(round);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.StakeTooSmall.selector, 0.5 gwei));
        vm.prank(dust);
        protocol.commitScores(round, keccak256("c"));
    }

    /// What a validator asks to unbond after the round opened stays slashable for it, so it still weighs: leaving
    /// (or being removed) does not make a validator unable to score the rounds that expect it.
    function test_commitScores_unbondingRequestedAfterTheRoundOpenedStillWeighs() public {
        vm.prank(trio[0]);
        registry.requestValidatorUnbond(BOND - 0.5 gwei);
        vm.prank(trio[1]);
        registry.requestValidatorUnbond(BOND);
        (, uint256 index, uint256 stake) = registry.validatorSlot(trio[1], round);
        assertEq(stake, BOND);
        (,, stake) = registry.validatorSlot(trio[1], round + 1); // a round opened after the request: nothing at risk
        assertEq(stake, 0);
        rollToCommit(round);
        _commitAll(round, trio, _repeat(hex"5050", 3));
        assertEq(roundView(round).committedValidators, 7);
        assertEq(index, registry.validatorInfo(trio[1]).index);
    }

    function test_commitScores_revertsWhilePaused() public {
        rollToCommit(round);
        _pause();
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        vm.prank(trio[0]);
        protocol.commitScores(round, keccak256("c"));
    }

    function test_commitScores_revertsWhileRingSlotHeldByUnfinalizedRound() public {
        bytes memory scores = hex"5050";
        _commitAll(round, trio, _repeat(scores, 3));
        _revealAll(round, trio, _repeat(scores, 3));

        uint256 later = round + 8; // same ring slot
        _rollToRound(later);
        (uint256 opened, uint256 laterId) = _submitMany(1);
        assertEq(opened, later);
        rollToCommit(later);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.ScoreStorageBusy.selector, later, round));
        vm.prank(trio[0]);
        protocol.commitScores(later, keccak256("c"));

        // the old round keeps its scores until it is finalized and a later round takes the slot over
        assertEq(_storedScore(round, trio[0], first), 0x50);
        finalizeAll(round);
        commit(trio[0], later, hex"40");
        assertEq(roundView(later).committedValidators, 1);
        commit(trio[1], later, hex"41");
        rollToReveal(later);
        reveal(trio[0], later, hex"40");
        assertEq(_storedScore(later, trio[0], laterId), 0x40); // overwrites the old round's word
    }

    function test_commitScores_roundsOfOtherRingSlotsAreIndependent() public {
        _commitAll(round, trio, _repeat(hex"5050", 3));
        // the next round uses the next slot and may commit while this one is unfinalized
        _rollToRound(round + 1);
        (uint256 next,) = _submitMany(1);
        rollToCommit(next);
        commit(trio[0], next, hex"50");
        assertEq(roundView(next).committedValidators, 1);
    }

    // ---- revealScores ----------------------------------------------------------------------------------------

    function test_revealScores_storesScoresAndEmits() public {
        rollToCommit(round);
        commit(trio[2], round, hex"5a0a");
        rollToReveal(round);
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IScoreConsensus.ScoresRevealed(round, trio[2], hex"5a0a");
        reveal(trio[2], round, hex"5a0a");

        assertEq(roundView(round).revealedValidators, 4);
        assertEq(_storedScore(round, trio[2], first), 90);
        assertEq(_storedScore(round, trio[2], first + 1), 10);
    }

    function test_revealScores_revertsWhenNotCommitted() public {
        rollToCommit(round);
        commit(trio[0], round, hex"5050");
        rollToReveal(round);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.NotCommitted.selector, round, trio[1]));
        reveal(trio[1], round, hex"5050");

        address stranger = makeAddr("stranger");
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.NotCommitted.selector, round, stranger));
        reveal(stranger, round, hex"5050");
    }

    function test_revealScores_revertsWhenAlreadyRevealed() public {
        rollToCommit(round);
        commit(trio[0], round, hex"5050");
        rollToReveal(round);
        reveal(trio[0], round, hex"5050");
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.AlreadyRevealed.selector, round, trio[0]));
        reveal(trio[0], round, hex"5050");
    }

    function test_revealScores_revertsOnScoreCountMismatch() public {
        rollToCommit(round);
        commit(trio[0], round, hex"505050");
        rollToReveal(round);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.ScoreCountMismatch.selector, 3, 2));
        reveal(trio[0], round, hex"505050");
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.ScoreCountMismatch.selector, 1, 2));
        reveal(trio[0], round, hex"50");
    }

    function test_revealScores_revertsOnWrongSalt() public {
        rollToCommit(round);
        commit(trio[0], round, hex"5050");
        rollToReveal(round);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.CommitmentMismatch.selector, round, trio[0]));
        vm.prank(trio[0]);
        protocol.revealScores(round, hex"5050", keccak256("wrong salt"));
    }

    function test_revealScores_revertsOnOtherScores() public {
        rollToCommit(round);
        commit(trio[0], round, hex"5050");
        rollToReveal(round);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.CommitmentMismatch.selector, round, trio[0]));
        reveal(trio[0], round, hex"5051");
    }

    function test_revealScores_revertsForCopiedCommitment() public {
        // a validator copying another's commitment cannot reveal it: the hash binds the committer
        rollToCommit(round);
        bytes32 commitment = protocol.commitmentHash(round, trio[0], hex"5050", saltOf(trio[0], round));
        vm.prank(trio[0]);
        protocol.commitScores(round, commitment);
        vm.prank(trio[1]);
        protocol.commitScores(round, commitment);
        rollToReveal(round);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.CommitmentMismatch.selector, round, trio[1]));
        vm.prank(trio[1]);
        protocol.revealScores(round, hex"5050", saltOf(trio[0], round));
    }

    function test_revealScores_acceptsZeroAsAnAbstention() public {
        rollToCommit(round);
        commit(trio[0], round, hex"5000");
        rollToReveal(round);
        reveal(trio[0], round, hex"5000");
        assertEq(roundView(round).revealedValidators & 1, 1);
    }

    function test_revealScores_revertsForScoreAbove100() public {
        rollToCommit(round);
        commit(trio[0], round, hex"6564"); // 101, 100
        rollToReveal(round);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.ScoreOutOfRange.selector, 0, 101));
        reveal(trio[0], round, hex"6564");
    }

    function test_revealScores_acceptsScoreBounds() public {
        rollToCommit(round);
        commit(trio[0], round, hex"0164"); // 1, 100
        rollToReveal(round);
        reveal(trio[0], round, hex"0164");
        assertEq(_storedScore(round, trio[0], first), 1);
        assertEq(_storedScore(round, trio[0], first + 1), 100);
    }

    function test_revealScores_revertsOutsideRevealWindow() public {
        rollToCommit(round);
        commit(trio[0], round, hex"5050");
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRounds.WrongPhase.selector, round, RoundPhase.Reveal, RoundPhase.Commit
            )
        );
        reveal(trio[0], round, hex"5050");

        rollToFinalization(round);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRounds.WrongPhase.selector, round, RoundPhase.Reveal, RoundPhase.Finalization
            )
        );
        reveal(trio[0], round, hex"5050");
    }

    function test_revealScores_revertsInSubmissionPhaseAndForUnknownRound() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRounds.WrongPhase.selector, round, RoundPhase.Reveal, RoundPhase.Submission
            )
        );
        reveal(trio[0], round, hex"5050");
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.UnknownRound.selector, 77));
        reveal(trio[0], 77, hex"5050");
    }

    function test_revealScores_revertsWhilePaused() public {
        rollToCommit(round);
        commit(trio[0], round, hex"5050");
        rollToReveal(round);
        _pause();
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        reveal(trio[0], round, hex"5050");
    }

    // ---- finalize: guards ------------------------------------------------------------------------------------

    function test_finalize_revertsForEmptyPage() public {
        rollToFinalization(round);
        vm.expectRevert(IScoreConsensus.EmptyPage.selector);
        protocol.finalize(round, new bytes32[](0));
    }

    function test_finalize_revertsForUnknownRound() public {
        bytes32[] memory page = _digests(first, 1);
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.UnknownRound.selector, 0));
        protocol.finalize(0, page);
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.UnknownRound.selector, round + 5));
        protocol.finalize(round + 5, page);
    }

    function test_finalize_revertsBeforeRevealWindowEnds() public {
        bytes32[] memory page = _digests(first, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRounds.WrongPhase.selector, round, RoundPhase.Finalization, RoundPhase.Submission
            )
        );
        protocol.finalize(round, page);
        rollToCommit(round);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRounds.WrongPhase.selector, round, RoundPhase.Finalization, RoundPhase.Commit
            )
        );
        protocol.finalize(round, page);
        vm.roll(roundView(round).revealEndBlock - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRounds.WrongPhase.selector, round, RoundPhase.Finalization, RoundPhase.Reveal
            )
        );
        protocol.finalize(round, page);
    }

    function test_finalize_revertsOnceSettled() public {
        scoreRound(round, trio, hex"5050");
        assertEq(uint8(roundView(round).phase), uint8(RoundPhase.Finalized));
        bytes32[] memory page = _digests(first, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRounds.WrongPhase.selector, round, RoundPhase.Finalization, RoundPhase.Finalized
            )
        );
        protocol.finalize(round, page);
    }

    function test_finalize_revertsWhilePaused() public {
        rollToFinalization(round);
        _pause();
        bytes32[] memory page = _digests(first, 1);
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        protocol.finalize(round, page);
    }

    function test_finalize_revertsForAPageBeyondTheRound() public {
        rollToFinalization(round);
        bytes32[] memory page = new bytes32[](3);
        (page[0], page[1], page[2]) = (digestById[first], digestById[first + 1], digestOf(99));
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.PageBeyondRound.selector, round, 2, 3));
        protocol.finalize(round, page);
        finalizePage(round, 1);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.PageBeyondRound.selector, round, 1, 2));
        protocol.finalize(round, _digests(first, 2));
    }

    /// @dev Digests must be the round's contributions in position order from finalizedCount: a page out of order,
    /// an unknown digest, one of another round or one already settled is refused, and nothing is settled.
    function test_finalize_revertsForADigestNotAtItsPosition() public {
        _rollToRound(round + 1);
        (uint256 other, uint256 otherId) = _submitMany(1);
        rollToFinalization(round);
        bytes32[] memory swapped = new bytes32[](2);
        (swapped[0], swapped[1]) = (digestById[first + 1], digestById[first]);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.NotAtPosition.selector, round, 0, swapped[0]));
        protocol.finalize(round, swapped);

        bytes32[] memory unknown = new bytes32[](1);
        unknown[0] = digestOf(12_345);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.NotAtPosition.selector, round, 0, unknown[0]));
        protocol.finalize(round, unknown);

        bytes32[] memory foreign = _digests(otherId, 1);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.NotAtPosition.selector, round, 0, foreign[0]));
        protocol.finalize(round, foreign);
        assertEq(other, round + 1);

        finalizePage(round, 1);
        bytes32[] memory settled = _digests(first, 1);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.NotAtPosition.selector, round, 1, settled[0]));
        protocol.finalize(round, settled);
        assertEq(roundView(round).finalizedCount, 1);
    }

    // ---- finalize: outcomes ----------------------------------------------------------------------------------

    function test_finalize_settlesContributionsAndPaysValidators() public {
        bytes[] memory scores = _bytesList(hex"5a0a", hex"5514", hex"5f05"); // 90/10, 85/20, 95/5
        _commitAll(round, trio, scores);
        _revealAll(round, trio, scores);
        rollToFinalization(round);

        // medians: 90 and 10; everyone is within 10 of both
        vm.expectEmit(true, true, true, true, address(protocol));
        // 20 tokens x (90 - 50) / (100 - 50) x (0.5 + reputation 0.5)
        emit IScoreConsensus.ContributionFinalized(first, round, 90, ContributionStatus.Accepted, 16 * TOKEN, 0, 5_800);
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IScoreConsensus.ContributionFinalized(
            first + 1, round, 10, ContributionStatus.Rejected, 0, 5 * TOKEN, 4_840
        );
        for (uint256 i = 0; i < 3; ++i) {
            vm.expectEmit(true, true, true, true, address(protocol));
            emit IScoreConsensus.ValidatorScored(round, trio[i], 2, 0, 2 * TOKEN);
        }
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IScoreConsensus.RoundFinalized(round, true, 3);
        assertEq(finalizeAll(round), 2);

        assertEq(contributionOf(first).consensusScore, 90);
        assertEq(uint8(_status(first)), uint8(ContributionStatus.Accepted));
        assertEq(uint8(_status(first + 1)), uint8(ContributionStatus.Rejected));
        assertEq(protocol.claimable(alice), 16 * TOKEN);
        assertEq(protocol.contributorProfile(alice).lockedStake, 0);
        assertEq(protocol.contributorProfile(alice).stake, 995 * TOKEN);
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(protocol.claimable(trio[i]), 2 * TOKEN);
            assertEq(_bondOf(trio[i]), BOND);
        }
        IContributionRounds.RoundView memory info = roundView(round);
        assertTrue(info.quorumReached);
        assertEq(info.finalizedCount, 2);
        assertEq(uint8(info.phase), uint8(RoundPhase.Finalized));
    }

    function test_finalize_paginationMatchesSingleCall() public {
        (uint256 paged, uint256 pagedFirst) = (round, first);
        submit(bob, ContributionType.DATASET, digestOf(9)); // a third contribution, by bob
        bytes[] memory scores = _bytesList(hex"5a0a32", hex"550f2d", hex"5a1437");
        _commitAll(paged, trio, scores);
        _revealAll(paged, trio, scores);
        rollToFinalization(paged);

        uint256 snapshot = vm.snapshotState();
        assertEq(finalizePage(paged, 3), 3);
        uint256[20] memory once = _outcome(pagedFirst);
        vm.revertToState(snapshot);

        assertEq(finalizePage(paged, 1), 1);
        IContributionRounds.RoundView memory info = roundView(paged);
        assertEq(info.finalizedCount, 1);
        assertEq(uint8(info.phase), uint8(RoundPhase.Finalization));
        assertEq(uint8(_status(pagedFirst + 1)), uint8(ContributionStatus.Pending));
        assertEq(finalizePage(paged, 1), 1);
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IScoreConsensus.RoundFinalized(paged, true, 3);
        assertEq(finalizePage(paged, 1), 1);
        uint256[20] memory inPages = _outcome(pagedFirst);

        for (uint256 i = 0; i < 20; ++i) {
            assertEq(inPages[i], once[i]);
        }
        assertEq(once[0], 90);
        assertEq(once[1], 15);
        assertEq(once[2], 50);
    }

    /// @dev Leaves exactly `amount` in the pool (and in the protocol's token balance), as if the rest had been paid
    /// out: the pool's first slot holds `available` and `totalCredited`, still zero here.
    function _drainPoolTo(uint256 amount) internal {
        (uint256 available,,,,) = protocol.poolTotals();
        vm.store(
            address(protocol),
            bytes32(uint256(0x6bb5dda5318d6d0efb6b2e4d6656860fa735c3f3435a859ed9e6291e13b87b00)),
            bytes32(amount)
        );
        deal(address(token), address(protocol), token.balanceOf(address(protocol)) - available + amount);
    }

    function _outcome(uint256 firstId) internal view returns (uint256[20] memory out) {
        for (uint256 i = 0; i < 3; ++i) {
            out[i] = contributionOf(firstId + i).consensusScore;
            out[3 + i] = uint8(_status(firstId + i));
            out[6 + i] = protocol.claimable(trio[i]);
            out[9 + i] = _bondOf(trio[i]);
        }
        out[12] = protocol.claimable(alice);
        out[13] = protocol.claimable(bob);
        out[14] = protocol.contributorProfile(alice).reputation;
        out[15] = protocol.contributorProfile(bob).reputation;
        out[16] = protocol.contributorProfile(alice).stake;
        out[17] = protocol.contributorProfile(bob).stake;
        (out[18],,, out[19],) = protocol.poolTotals();
    }

    function test_finalize_withoutQuorumReleasesEveryContribution() public {
        rollToCommit(round);
        commit(trio[0], round, hex"5a0a");
        commit(trio[1], round, hex"5a0a");
        rollToReveal(round);
        reveal(trio[0], round, hex"5a0a"); // 1 of 3 revealed: below 66.67%
        rollToFinalization(round);
        uint256 stakeBefore = protocol.contributorProfile(alice).stake;

        vm.expectEmit(true, true, true, true, address(protocol));
        emit IScoreConsensus.ContributionFinalized(first, round, 0, ContributionStatus.Released, 0, 0, 5_000);
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IScoreConsensus.RoundFinalized(round, false, 1);
        assertEq(finalizePage(round, 10), 2);

        for (uint256 i = 0; i < 2; ++i) {
            assertEq(uint8(_status(first + i)), uint8(ContributionStatus.Released));
            assertEq(contributionOf(first + i).consensusScore, 0);
        }
        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(alice);
        assertEq(profile.lockedStake, 0);
        assertEq(profile.stake, stakeBefore);
        assertEq(profile.reputation, 5_000);
        assertEq(protocol.claimable(alice), 0);
        assertEq(protocol.claimable(trio[0]), 0); // no validation reward without quorum
        assertEq(_bondOf(trio[0]), BOND);
        assertFalse(roundView(round).quorumReached);
        // absence is still penalised: the round lacked quorum because of them. Withholding a reveal costs as much as
        // not committing: the absence penalty (5% of the stake)
        assertEq(_bondOf(trio[1]), BOND * 95 / 100);
        assertEq(_bondOf(trio[2]), BOND * 95 / 100);
    }

    function test_finalize_withoutQuorumInPages() public {
        rollToFinalization(round);
        assertEq(finalizePage(round, 1), 1);
        assertEq(uint8(_status(first)), uint8(ContributionStatus.Released));
        assertEq(uint8(_status(first + 1)), uint8(ContributionStatus.Pending));
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IScoreConsensus.RoundFinalized(round, false, 0);
        assertEq(finalizePage(round, 1), 1);
        assertEq(uint8(_status(first + 1)), uint8(ContributionStatus.Released));
    }

    function test_finalize_quorumCountsRevealedAgainstExpected() public {
        _setParam(Parameter.QuorumBps, 6_666); // 2 of 3 is 66.67%
        _reopen();
        rollToCommit(round);
        commit(trio[0], round, hex"5a0a");
        commit(trio[1], round, hex"5a0a");
        rollToReveal(round);
        reveal(trio[0], round, hex"5a0a");
        reveal(trio[1], round, hex"5a0a");
        rollToFinalization(round);
        finalizePage(round, 10);
        assertTrue(roundView(round).quorumReached);
        assertEq(uint8(_status(first)), uint8(ContributionStatus.Accepted));
    }

    function test_finalize_noValidatorsMeansNoQuorum() public {
        // a round opened with an empty validator set
        for (uint256 i = 0; i < 3; ++i) {
            vm.prank(trio[i]);
            registry.requestValidatorUnbond(BOND);
        }
        _rollToRound(round + 1);
        (uint256 empty, uint256 id) = _submitMany(1);
        assertEq(roundView(empty).expectedValidators, 0);
        rollToFinalization(empty);
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IScoreConsensus.RoundFinalized(empty, false, 0);
        finalizePage(empty, 1);
        assertEq(uint8(_status(id)), uint8(ContributionStatus.Released));
    }

    /// @dev The attack of the review: a validator bonded ten times the others decided every median. Its weight is
    /// capped at a third of the committed weight (water-filling), so the three others outvote it.
    function test_finalize_heavyValidatorIsCappedToItsShare() public {
        (address heavy, uint256 next, uint256 id) = _heavyRound();

        // capped at 3334 / 6666 of the others' 3000: 1500.45 tokens, a third of the 4500.45 capped total
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorSlashed(
            heavy, next, 10 * BOND / 100, IValidatorRegistry.SlashReason.DeviatingScore, address(protocol)
        );
        finalizePage(next, 1);

        assertEq(contributionOf(id).consensusScore, 30); // 2000 of 4500 scored 20, 1000 scored 30, 1500 scored 90
        assertEq(uint8(_status(id)), uint8(ContributionStatus.Unrewarded)); // 30 <= neutral 50: no value
        assertEq(protocol.claimable(heavy), 0);
        assertEq(_bondOf(heavy), 10 * BOND - 10 * BOND / 100);
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(protocol.claimable(trio[i]), 1 * TOKEN);
            assertEq(_bondOf(trio[i]), BOND);
        }
        assertEq(token.balanceOf(address(registry)), registry.totalBond());
    }

    /// @dev Without a cap (share 100%) the heavy validator's stake decides, as stake-weighting intends.
    function test_finalize_uncappedHeavyValidatorDominatesMedian() public {
        _setParam(Parameter.MaxWeightShareBps, 10_000);
        (address heavy, uint256 next, uint256 id) = _heavyRound();
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IRewardPool.SlashedToPool(3 * BOND / 100);
        finalizePage(next, 1);
        assertEq(contributionOf(id).consensusScore, 90); // 10000 of 13000 weight scored 90
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(_bondOf(trio[i]), BOND - BOND / 100);
        }
    }

    /// @dev A validator bonded ten times the others scores 90 where they score 20, 20 and 30, in a fresh round left at
    /// its finalization.
    function _heavyRound() internal returns (address heavy, uint256 next, uint256 id) {
        heavy = newValidator("heavy", 10 * BOND);
        _rollToRound(round + 1);
        (next, id) = _submitMany(1);
        address[] memory panel = new address[](4);
        (panel[0], panel[1], panel[2], panel[3]) = (trio[0], trio[1], trio[2], heavy);
        bytes[] memory scores = new bytes[](4);
        (scores[0], scores[1], scores[2], scores[3]) = (bytes(hex"14"), bytes(hex"14"), bytes(hex"1e"), bytes(hex"5a"));
        _commitAll(next, panel, scores);
        _revealAll(next, panel, scores);
        rollToFinalization(next);
    }

    /// @dev Two equal validators, neither decides alone: the consensus is their midpoint.
    function test_finalize_twoEqualValidatorsMeetInTheMiddle() public {
        _setParam(Parameter.QuorumBps, 5_000);
        _reopen();
        rollToCommit(round);
        commit(trio[0], round, hex"2850"); // 40, 80
        commit(trio[1], round, hex"5028"); // 80, 40
        rollToReveal(round);
        reveal(trio[0], round, hex"2850");
        reveal(trio[1], round, hex"5028");
        rollToFinalization(round);
        finalizePage(round, 2);
        assertEq(contributionOf(first).consensusScore, 60);
        assertEq(contributionOf(first + 1).consensusScore, 60);
    }

    function test_finalize_toleranceBoundary() public {
        bytes[] memory scores = _bytesList(hex"3232", hex"3c3c", hex"4747"); // 50, 60, 71
        _commitAll(round, trio, scores);
        _revealAll(round, trio, scores);
        rollToFinalization(round);

        vm.expectEmit(true, true, true, true, address(protocol));
        emit IScoreConsensus.ValidatorScored(round, trio[0], 2, 0, 2 * TOKEN);
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IScoreConsensus.ValidatorScored(round, trio[1], 2, 0, 2 * TOKEN);
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IScoreConsensus.ValidatorScored(round, trio[2], 0, 2, 0);
        finalizePage(round, 2);

        assertEq(contributionOf(first).consensusScore, 60);
        assertEq(protocol.claimable(trio[0]), 2 * TOKEN); // 10 away: inside the tolerance
        assertEq(_bondOf(trio[0]), BOND);
        assertEq(protocol.claimable(trio[2]), 0); // 11 away: outside
        assertEq(_bondOf(trio[2]), BOND - BOND * 200 / 10_000); // deviationPenaltyBps per deviating score
    }

    function test_finalize_zeroDeviationPenaltyOnlyWithholdsReward() public {
        _setParam(Parameter.DeviationPenaltyBps, 0);
        _reopen();
        bytes[] memory scores = _bytesList(hex"3c3c", hex"3c3c", hex"6464");
        _commitAll(round, trio, scores);
        _revealAll(round, trio, scores);
        rollToFinalization(round);
        finalizePage(round, 2);
        assertEq(_bondOf(trio[2]), BOND);
        assertEq(protocol.claimable(trio[2]), 0);
        assertEq(protocol.claimable(trio[0]), 2 * TOKEN);
    }

    function test_finalize_penalisesMissingCommitAndMissingReveal() public {
        address fourth = newValidator("fourth", BOND);
        _setParam(Parameter.QuorumBps, 5_000);
        _rollToRound(round + 1);
        (uint256 next, uint256 id) = _submitMany(1);
        rollToCommit(next);
        commit(trio[0], next, hex"50");
        commit(trio[1], next, hex"50");
        commit(trio[2], next, hex"50");
        rollToReveal(next);
        reveal(trio[0], next, hex"50");
        reveal(trio[1], next, hex"50");
        rollToFinalization(next);

        uint256 withheld = BOND * 500 / 10_000; // AbsencePenaltyBps of its stake, as a missing commit
        uint256 absent = BOND * 500 / 10_000; // AbsencePenaltyBps of its stake
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorSlashed(
            trio[2], next, withheld, IValidatorRegistry.SlashReason.MissingReveal, address(protocol)
        );
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorSlashed(
            fourth, next, absent, IValidatorRegistry.SlashReason.MissingCommit, address(protocol)
        );
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IRewardPool.SlashedToPool(withheld + absent);
        finalizePage(next, 1);

        assertEq(_bondOf(trio[2]), BOND - withheld);
        assertEq(_bondOf(fourth), BOND - absent);
        assertEq(_bondOf(trio[0]), BOND);
        assertEq(protocol.claimable(trio[0]), 1 * TOKEN);
        assertEq(protocol.claimable(trio[2]), 0);
        assertEq(uint8(_status(id)), uint8(ContributionStatus.Accepted));
        (,, uint256 totalSlashed,,) = protocol.poolTotals();
        assertEq(totalSlashed, withheld + absent);
    }

    function test_finalize_absencePenaltyOnUnbondingTokens() public {
        _setParam(Parameter.QuorumBps, 5_000);
        _reopen();
        // a validator that unbonds everything after the snapshot is still expected, and still slashable
        vm.prank(trio[2]);
        registry.requestValidatorUnbond(BOND);
        _commitAll(round, _pair(), _repeat(hex"5050", 2));
        _revealAll(round, _pair(), _repeat(hex"5050", 2));
        rollToFinalization(round);
        finalizePage(round, 2);
        assertEq(registry.validatorInfo(trio[2]).unbonding, BOND * 95 / 100);
    }

    function _pair() internal view returns (address[] memory pair) {
        pair = new address[](2);
        (pair[0], pair[1]) = (trio[0], trio[1]);
    }

    function test_finalize_zeroAbsencePenalty() public {
        _setParam(Parameter.DeviationPenaltyBps, 0);
        _setParam(Parameter.MaxRoundPenaltyBps, 0);
        _setParam(Parameter.AbsencePenaltyBps, 0);
        _setParam(Parameter.QuorumBps, 5_000);
        _reopen();
        _commitAll(round, _pair(), _repeat(hex"5050", 2));
        _revealAll(round, _pair(), _repeat(hex"5050", 2));
        rollToFinalization(round);
        finalizePage(round, 2);
        assertEq(_bondOf(trio[2]), BOND);
    }

    /// @dev A pause stops the clock: the commit window resumes after it, so validators lose no time and are
    /// excused nothing.
    function test_finalize_pauseDuringCommitWindowExcusesNoAbsence() public {
        _setParam(Parameter.QuorumBps, 3_000);
        _reopen();
        rollToCommit(round);
        _pause();
        vm.roll(block.number + 3 * COMMIT_BLOCKS);
        _unpause();
        commit(trio[0], round, hex"5050");
        commit(trio[1], round, hex"5050");
        rollToReveal(round);
        reveal(trio[0], round, hex"5050"); // trio[1] committed only, trio[2] did nothing
        rollToFinalization(round);
        finalizePage(round, 2);

        // one of the two that committed revealed: half the committed weight, no quorum
        assertFalse(roundView(round).quorumReached);
        assertEq(_bondOf(trio[0]), BOND);
        assertEq(_bondOf(trio[1]), BOND * 95 / 100);
        assertEq(_bondOf(trio[2]), BOND * 95 / 100);
    }

    /// @dev Quorum needs most of the committed weight revealed: one withheld reveal of three cannot release the round,
    /// two can (and each pays the round's penalty cap).
    function test_finalize_quorumNeedsMostOfTheCommittedWeightRevealed() public {
        uint256 snapshot = vm.snapshotState();
        rollToCommit(round);
        for (uint256 i = 0; i < 3; ++i) {
            commit(trio[i], round, hex"0505");
        }
        rollToReveal(round);
        reveal(trio[0], round, hex"0505");
        reveal(trio[1], round, hex"0505");
        rollToFinalization(round);
        finalizeAll(round);
        assertTrue(roundView(round).quorumReached);
        assertEq(uint8(_status(first)), uint8(ContributionStatus.Rejected));

        vm.revertToState(snapshot);
        rollToCommit(round);
        for (uint256 i = 0; i < 3; ++i) {
            commit(trio[i], round, hex"0505");
        }
        rollToReveal(round);
        reveal(trio[0], round, hex"0505");
        rollToFinalization(round);
        finalizeAll(round);
        assertFalse(roundView(round).quorumReached);
        assertEq(uint8(_status(first)), uint8(ContributionStatus.Released));
    }

    function test_finalize_pauseThroughRevealWindowKeepsTheWindowOpenAfterwards() public {
        rollToCommit(round);
        commit(trio[0], round, hex"5050");
        rollToReveal(round);
        _pause();
        vm.roll(block.number + 10 * REVEAL_BLOCKS);
        _unpause();
        assertEq(uint8(roundView(round).phase), uint8(RoundPhase.Reveal));
        reveal(trio[0], round, hex"5050");
        rollToFinalization(round);
        finalizePage(round, 2);
        assertEq(uint8(_status(first)), uint8(ContributionStatus.Released)); // 1 of 3: no quorum
        assertEq(_bondOf(trio[0]), BOND);
    }

    function test_finalize_pauseBeforeScoringWindowsKeepsAbsencePenalty() public {
        _pause();
        _unpause(); // still in the submission window
        rollToFinalization(round);
        finalizePage(round, 2);
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(_bondOf(trio[i]), BOND * 95 / 100);
        }
    }

    /// @dev The escape of the review: reveal dissent, leave and withdraw before anyone finalizes. The bond waits for
    /// the round to be settled, and the deviation is charged from it.
    function test_finalize_leavingValidatorCannotWithdrawBeforeItsRoundsAreSettled() public {
        bytes[] memory scores = _bytesList(hex"0101", hex"3232", hex"3232"); // trio[0] dissents
        _commitAll(round, trio, scores);
        _revealAll(round, trio, scores);
        vm.prank(admin);
        registry.removeValidator(trio[0]);
        vm.roll(block.number + 100);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.RoundsNotSettled.selector, round, 0));
        vm.prank(trio[0]);
        registry.withdrawValidatorBond();

        finalizePage(round, 2);
        assertEq(contributionOf(first).consensusScore, 50);
        assertEq(_bondOf(trio[0]) + registry.validatorInfo(trio[0]).unbonding, BOND - BOND * 200 / 10_000);
        vm.prank(trio[0]);
        registry.withdrawValidatorBond();
        assertEq(token.balanceOf(trio[0]), BOND - BOND * 200 / 10_000);
        // only then is the index free for a newcomer
        address newcomer = newValidator("newcomer", BOND);
        assertEq(registry.validatorInfo(newcomer).index, 0);
    }

    /// @dev Defence in depth: the registry keeps a validator's index until the rounds expecting it are settled, but
    /// should an index ever have changed hands before finalization (a registry upgraded to other rules), its new holder
    /// is neither paid nor penalised for the old holder's scores, which still count in the median.
    function test_finalize_anIndexThatChangedHandsIsNeitherPaidNorPenalised() public {
        _drainPoolTo(1 * TOKEN); // a short pool: validators are credited contribution by contribution
        bytes[] memory scores = _bytesList(hex"5a01", hex"5a5a", hex"5a5a"); // trio[0] agrees once, deviates once
        _commitAll(round, trio, scores);
        _revealAll(round, trio, scores);
        rollToFinalization(round);
        // the holder of index 0 as the registry would record a newcomer admitted after the round
        bytes32 slot = bytes32(uint256(0xdab42b9710cb504dea0a329d422cc4333d7013fce8bd2f74429eea888e579800) + 3);
        vm.store(address(registry), slot, bytes32(uint256(uint160(trio[0])) | ((round + 1) << 160)));

        finalizeAll(round);
        assertEq(contributionOf(first).consensusScore, 90);
        assertEq(_bondOf(trio[0]), BOND); // its deviation is not charged, its agreement not paid
        assertEq(protocol.claimable(trio[0]), 0);
        assertEq(protocol.claimable(trio[1]) + protocol.claimable(trio[2]) + protocol.claimable(alice), 1 * TOKEN);
    }

    function test_finalize_scoresAcrossWordBoundary() public {
        // 34 contributions: score words hold 32, so positions 32 and 33 live in a second word
        _rollToRound(round + 1);
        (uint256 next, uint256 id) = _submitMany(34);
        bytes memory a = new bytes(34);
        bytes memory b = new bytes(34);
        for (uint256 i = 0; i < 34; ++i) {
            a[i] = bytes1(uint8(1 + i * 2)); // 1, 3, ..., 67
            b[i] = bytes1(uint8(100 - i)); // 100, 99, ..., 67
        }
        bytes[] memory scores = _bytesList(a, b, a);
        _commitAll(next, trio, scores);
        _revealAll(next, trio, scores);
        assertEq(_storedScore(next, trio[1], id + 33), 67);
        assertEq(_storedScore(next, trio[0], id + 32), 65);
        rollToFinalization(next);
        assertEq(finalizePage(next, 20), 20);
        assertEq(finalizePage(next, 20), 14);
        for (uint256 i = 0; i < 34; ++i) {
            assertEq(contributionOf(id + i).consensusScore, 1 + i * 2);
        }
        // trio[1] is within 10 of a's score only at positions 30..33 (|100-i-(1+2i)| <= 10 for i >= 30)
        assertEq(protocol.claimable(trio[1]), 4 * TOKEN);
        assertEq(protocol.claimable(trio[0]), 34 * TOKEN);
    }

    // ---- commitmentHash ----------------------------------------------------------------------------------

    function test_commitmentHash_bindsChainContractRoundAndValidator() public {
        bytes memory scores = hex"5a0a";
        bytes32 salt = keccak256("salt");
        bytes32 expected =
            keccak256(abi.encode(block.chainid, address(protocol), round, trio[0], keccak256(scores), salt));
        assertEq(protocol.commitmentHash(round, trio[0], scores, salt), expected);

        assertNotEq(protocol.commitmentHash(round + 1, trio[0], scores, salt), expected);
        assertNotEq(protocol.commitmentHash(round, trio[1], scores, salt), expected);
        assertNotEq(protocol.commitmentHash(round, trio[0], hex"5a0b", salt), expected);
        assertNotEq(protocol.commitmentHash(round, trio[0], scores, keccak256("other")), expected);
        assertNotEq(
            keccak256(abi.encode(block.chainid, address(registry), round, trio[0], keccak256(scores), salt)), expected
        );
        vm.chainId(block.chainid + 1);
        assertNotEq(protocol.commitmentHash(round, trio[0], scores, salt), expected);
    }

    function test_commitScores_capsWeightOfHugeBonds() public {
        // beyond 2^64 - 1 gwei (~18.4 billion tokens) every bond weighs the same
        address whaleA = makeAddr("whaleA");
        address whaleB = makeAddr("whaleB");
        vm.startPrank(admin);
        registry.addValidator(whaleA);
        registry.addValidator(whaleB);
        vm.stopPrank();
        uint256[2] memory bonds = [uint256(20_000_000_000 * TOKEN), 30_000_000_000 * TOKEN];
        address[2] memory whales = [whaleA, whaleB];
        for (uint256 i = 0; i < 2; ++i) {
            deal(address(token), whales[i], bonds[i]);
            vm.startPrank(whales[i]);
            token.approve(address(registry), bonds[i]);
            registry.bondValidator(bonds[i]);
            vm.stopPrank();
            serveTasks(whales[i]);
        }
        _setParam(Parameter.QuorumBps, 4_000); // 2 of 5
        _setParam(Parameter.MaxWeightShareBps, 10_000); // no share cap: the weight cap alone is tested
        _rollToRound(round + 1);
        (uint256 next, uint256 id) = _submitMany(1);
        rollToCommit(next);
        commit(whaleA, next, hex"28"); // 40
        commit(whaleB, next, hex"50"); // 80: would outweigh 40 with uncapped weights
        rollToReveal(next);
        reveal(whaleA, next, hex"28");
        reveal(whaleB, next, hex"50");
        rollToFinalization(next);
        finalizePage(next, 1);
        assertEq(contributionOf(id).consensusScore, 60); // equal weights: the midpoint
    }

    // ---- fuzz ------------------------------------------------------------------------------------------------

    /// @dev 3..7 validators with fuzzed bonds score two contributions, and one of them may commit and withhold its
    /// reveal: the consensus is the median of the capped weights (in whole gwei) in which the withheld weight votes
    /// for the neutral score, and each validator is paid or slashed by the tolerance rule.
    function testFuzz_finalize_stakeWeightedMedianAndTolerance(
        uint256 seed,
        uint8 sizeSeed,
        uint8 toleranceSeed,
        bool capped,
        uint8 withholderSeed
    ) public {
        uint256 size = bound(sizeSeed, 3, 7);
        uint256 withholder = withholderSeed % (size + 1); // == size: everyone reveals
        _setParam(Parameter.ToleranceScore, bound(toleranceSeed, 0, 99));
        _setParam(Parameter.AbsencePenaltyBps, 10_000);
        _setParam(Parameter.MaxRoundPenaltyBps, 10_000); // every deviation costs its 1%: no cap in the way
        if (!capped) _setParam(Parameter.MaxWeightShareBps, 10_000);
        (address[] memory panel, uint256[] memory bonds) = _fuzzedPanel(seed, size);
        _rollToRound(round + 1);
        (uint256 next, uint256 id) = _submitMany(2);
        bytes[] memory scores = new bytes[](size);
        for (uint256 i = 0; i < size; ++i) {
            scores[i] = new bytes(2);
            for (uint256 p = 0; p < 2; ++p) {
                scores[i][p] = bytes1(uint8(1 + uint256(keccak256(abi.encode(seed, "score", i, p))) % 100));
            }
        }
        _commitAll(next, panel, scores);
        rollToReveal(next);
        for (uint256 i = 0; i < size; ++i) {
            if (i != withholder) reveal(panel[i], next, scores[i]);
        }
        rollToFinalization(next);
        finalizePage(next, 2);

        (uint256[] memory weights, bool quorum) = _referenceWeights(bonds, capped ? 3_334 : 10_000, withholder);
        assertEq(roundView(next).quorumReached, quorum);
        if (withholder < size) assertEq(_bondOf(panel[withholder]), 0); // the absence penalty: all of it here
        if (!quorum) {
            assertEq(uint8(_status(id)), uint8(ContributionStatus.Released));
            return;
        }
        uint256[] memory deviations = new uint256[](size);
        uint256[] memory agreements = new uint256[](size);
        for (uint256 p = 0; p < 2; ++p) {
            uint256 median = _referenceMedian(scores, weights, p, withholder);
            _assertSettledAt(id + p, median);
            bool excused = withholder < size && median == 50; // the withheld vote may have made it: no deviation
            for (uint256 i = 0; i < size; ++i) {
                if (i == withholder) continue;
                uint256 score = uint8(scores[i][p]);
                uint256 distance = score > median ? score - median : median - score;
                if (distance <= protocol.parameter(Parameter.ToleranceScore)) ++agreements[i];
                else if (!excused) ++deviations[i];
            }
        }
        for (uint256 i = 0; i < size; ++i) {
            if (i == withholder) continue;
            assertEq(protocol.claimable(panel[i]), agreements[i] * TOKEN);
            // each deviation costs 1% of the validator's stake
            assertEq(_bondOf(panel[i]), bonds[i] - bonds[i] * deviations[i] * 100 / 10_000);
        }
        assertEq(token.balanceOf(address(registry)), registry.totalBond());
    }

    function _assertSettledAt(uint256 id, uint256 median) internal view {
        uint256 consensus = contributionOf(id).consensusScore;
        assertEq(consensus, median);
        ContributionStatus expected = consensus > 50
            ? ContributionStatus.Accepted
            : consensus >= 30 ? ContributionStatus.Unrewarded : ContributionStatus.Rejected;
        assertEq(uint8(_status(id)), uint8(expected));
    }

    /// @dev The trio topped up and 0..4 newcomers, with fuzzed bonds of at least BOND.
    function _fuzzedPanel(uint256 seed, uint256 size)
        internal
        returns (address[] memory panel, uint256[] memory bonds)
    {
        panel = new address[](size);
        bonds = new uint256[](size);
        for (uint256 i = 0; i < size; ++i) {
            uint256 extra = uint256(keccak256(abi.encode(seed, "bond", i))) % (1_000_000 * TOKEN);
            if (i < 3) {
                panel[i] = trio[i];
                if (extra != 0) {
                    fund(trio[i], extra);
                    vm.startPrank(trio[i]);
                    token.approve(address(registry), extra);
                    registry.bondValidator(extra);
                    vm.stopPrank();
                }
            } else {
                panel[i] = newValidator(string.concat("fuzz", vm.toString(i)), BOND + extra);
            }
            bonds[i] = BOND + extra;
        }
    }

    /// @dev Every committed validator's weight capped at `shareBps` of the total, and whether those that revealed
    /// (all but `withholder`) hold more than half of it.
    function _referenceWeights(uint256[] memory bonds, uint256 shareBps, uint256 withholder)
        internal
        pure
        returns (uint256[] memory weights, bool quorum)
    {
        weights = new uint256[](bonds.length);
        for (uint256 i = 0; i < bonds.length; ++i) {
            weights[i] = bonds[i] / 1 gwei;
        }
        uint256 cap = StakeWeights.shareCap(weights, shareBps);
        uint256 total;
        uint256 revealed;
        for (uint256 i = 0; i < bonds.length; ++i) {
            if (weights[i] > cap) weights[i] = cap;
            total += weights[i];
            if (i != withholder) revealed += weights[i];
        }
        quorum = 2 * revealed > total;
    }

    /// @dev The weighted median, the exact half broken at the midpoint, by a plain sort; the withholder's weight
    /// votes for the neutral score 50.
    function _referenceMedian(bytes[] memory scores, uint256[] memory capped, uint256 position, uint256 withholder)
        internal
        pure
        returns (uint256)
    {
        uint256 size = scores.length;
        uint256[] memory values = new uint256[](size);
        uint256[] memory weights = new uint256[](size);
        uint256 total;
        for (uint256 i = 0; i < size; ++i) {
            values[i] = i == withholder ? 50 : uint8(scores[i][position]);
            weights[i] = capped[i];
            total += weights[i];
        }
        for (uint256 i = 1; i < size; ++i) {
            for (uint256 j = i; j > 0 && values[j - 1] > values[j]; --j) {
                (values[j - 1], values[j]) = (values[j], values[j - 1]);
                (weights[j - 1], weights[j]) = (weights[j], weights[j - 1]);
            }
        }
        uint256 cumulative;
        for (uint256 i = 0; i < size; ++i) {
            cumulative += weights[i];
            if (2 * cumulative == total && i + 1 < size) return (values[i] + values[i + 1] + 1) / 2;
            if (2 * cumulative >= total) return values[i];
        }
        revert("unreachable");
    }

    /// @dev Settling in pages of any size gives the outcome of a single call, deviations, submission fees and a pool
    /// that runs short included: the pool takes fees and pays in contribution order, and deviations are charged on
    /// the last page either way.
    function testFuzz_finalize_pageSizeDoesNotChangeOutcome(uint256 seed, uint8 pageSeed, uint256 poolSeed) public {
        _drainPoolTo(bound(poolSeed, 0, 60 * TOKEN));
        _setParam(Parameter.ToleranceScore, seed % 3 == 0 ? 99 : 10);
        _setParam(Parameter.SubmissionFee, bound(seed >> 128, 0, 5 * TOKEN));
        _reopen();
        submit(bob, ContributionType.DATASET, digestOf(7));
        submit(alice, ContributionType.VALIDATION, digestOf(8));
        bytes[] memory scores = new bytes[](3);
        for (uint256 i = 0; i < 3; ++i) {
            scores[i] = new bytes(4);
            for (uint256 p = 0; p < 4; ++p) {
                scores[i][p] = bytes1(uint8(1 + uint256(keccak256(abi.encode(seed, i, p))) % 100));
            }
        }
        _commitAll(round, trio, scores);
        _revealAll(round, trio, scores);
        rollToFinalization(round);

        uint256 snapshot = vm.snapshotState();
        assertEq(finalizePage(round, 4), 4);
        uint256[20] memory once = _outcome(first);
        uint256 last = contributionOf(first + 3).consensusScore;
        vm.revertToState(snapshot);

        uint256 pageSize = bound(pageSeed, 1, 4);
        uint256 settled;
        while (settled < 4) {
            settled += finalizePage(round, pageSize);
        }
        assertEq(settled, 4);
        uint256[20] memory inPages = _outcome(first);
        for (uint256 i = 0; i < 20; ++i) {
            assertEq(inPages[i], once[i]);
        }
        assertEq(contributionOf(first + 3).consensusScore, last);
    }

    // ---- submission fees -------------------------------------------------------------------------------------

    /// Every scored contribution pays the round's fee out of its stake lock into the pool, whatever its outcome; a
    /// rejected one pays its slash on top.
    function test_finalize_takesTheSubmissionFeeOfEveryScoredContribution() public {
        _setParam(Parameter.SubmissionFee, 2 * TOKEN);
        _rollToRound(round + 1);
        uint256 lockedBefore = protocol.contributorProfile(alice).lockedStake; // the first round's
        (uint256 next, uint256 id) = _submitMany(3);
        uint256 stakeBefore = protocol.contributorProfile(alice).stake;
        (, uint256 fundedBefore, uint256 slashedBefore,,) = protocol.poolTotals();
        _commitAll(next, trio, _repeat(hex"5a320a", 3)); // accepted, unrewarded, rejected
        _revealAll(next, trio, _repeat(hex"5a320a", 3));
        rollToFinalization(next);
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IRewardPool.SubmissionFeesToPool(6 * TOKEN);
        finalizePage(next, 3);

        assertEq(uint8(_status(id)), uint8(ContributionStatus.Accepted));
        assertEq(uint8(_status(id + 1)), uint8(ContributionStatus.Unrewarded));
        assertEq(uint8(_status(id + 2)), uint8(ContributionStatus.Rejected));
        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(alice);
        assertEq(profile.stake, stakeBefore - 3 * 2 * TOKEN - 5 * TOKEN);
        assertEq(profile.lockedStake, lockedBefore);
        (, uint256 fundedAfter, uint256 slashedAfter,,) = protocol.poolTotals();
        assertEq(fundedAfter - fundedBefore, 6 * TOKEN);
        assertEq(slashedAfter - slashedBefore, 5 * TOKEN);
    }

    /// A round the validators could not score costs its contributors nothing: no fee without quorum.
    function test_finalize_takesNoFeeWithoutQuorum() public {
        _setParam(Parameter.SubmissionFee, 2 * TOKEN);
        _reopen();
        uint256 stakeBefore = protocol.contributorProfile(alice).stake;
        rollToFinalization(round);
        finalizePage(round, 2);
        assertEq(uint8(_status(first)), uint8(ContributionStatus.Released));
        assertEq(protocol.contributorProfile(alice).stake, stakeBefore);
    }

    /// The fee is the round's: raising it after the round opened charges the old one.
    function test_finalize_feeIsTheOneTheRoundOpenedWith() public {
        _setParam(Parameter.SubmissionFee, 1 * TOKEN);
        _reopen();
        _setParam(Parameter.SubmissionFee, 5 * TOKEN);
        uint256 stakeBefore = protocol.contributorProfile(alice).stake;
        _commitAll(round, trio, _repeat(hex"5a5a", 3));
        _revealAll(round, trio, _repeat(hex"5a5a", 3));
        rollToFinalization(round);
        finalizePage(round, 2);
        assertEq(protocol.contributorProfile(alice).stake, stakeBefore - 2 * TOKEN);
    }

    // ---- regressions -----------------------------------------------------------------------------------------

    /// A deviation costs a share of the stake, counted over the whole round, so paging finalize cannot shrink the
    /// penalty.
    function test_finalize_deviationPenaltyIsTheSameOverAnyPagination() public {
        _setParam(Parameter.AbsencePenaltyBps, 10_000);
        _setParam(Parameter.MaxRoundPenaltyBps, 10_000);
        _setParam(Parameter.DeviationPenaltyBps, 5_000);
        _reopen();
        address[] memory validators = trio;
        bytes[] memory scores = _bytesList(hex"5050", hex"5050", hex"1010");
        _commitAll(round, validators, scores);
        _revealAll(round, validators, scores);
        rollToFinalization(round);

        uint256 snapshot = vm.snapshotState();
        finalizePage(round, 2);
        uint256 bondAfterOneCall = _bondOf(validators[2]);
        vm.revertToState(snapshot);
        finalizePage(round, 1);
        finalizePage(round, 1);

        assertEq(bondAfterOneCall, 0); // two deviations at 50% each
        assertEq(_bondOf(validators[2]), bondAfterOneCall);
    }

    /// A validator that leaves cannot hand its index to a newcomer before the rounds expecting it are settled, even
    /// after governance shortened the windows and the unbonding delay.
    function test_commitScores_leavingValidatorsIndexStaysHeldUntilItsRoundsAreSettled() public {
        address[] memory validators = trio;
        vm.startPrank(admin);
        protocol.setParameter(Parameter.CommitBlocks, 1);
        protocol.setParameter(Parameter.RevealBlocks, 1);
        protocol.setParameter(Parameter.ValidatorUnbondingBlocks, 22);
        registry.removeValidator(validators[0]);
        vm.stopPrank();

        vm.roll(registry.validatorInfo(validators[0]).unbondingReadyBlock);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.RoundsNotSettled.selector, round, 0));
        vm.prank(validators[0]);
        registry.withdrawValidatorBond();

        address newcomer = newValidator("newcomer", BOND);
        assertEq(registry.validatorInfo(newcomer).index, 3);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.NotExpectedValidator.selector, round, newcomer));
        vm.prank(newcomer);
        protocol.commitScores(round, keccak256("anything"));
    }

    /// A round nobody committed to while its ring slot was free is an absence of every expected validator, even when
    /// it is finalized after a later round took the slot over.
    function test_finalize_lateFinalizeAfterTheSlotMovedOnStillPenalisesAbsence() public {
        _rollToRound(round + 8); // the round before it in the slot, `round`, was never committed to
        (uint256 missed,) = _submitMany(1);
        _rollToRound(round + 16);
        (uint256 later,) = _submitMany(1);
        rollToCommit(later);
        commit(trio[0], later, hex"50"); // takes the slot
        finalizePage(missed, 1);
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(_bondOf(trio[i]), BOND * 95 / 100);
        }
    }

    /// Shortening the windows while a round opened under longer ones still scores can leave a later round's ring
    /// slot held through its whole commit window: nobody could commit, so nobody is penalised for not committing.
    function test_finalize_noAbsencePenaltyWhenTheRingSlotWasHeldThroughTheCommitWindow() public {
        vm.startPrank(admin);
        protocol.setParameter(Parameter.ValidatorUnbondingBlocks, 1_000);
        protocol.setParameter(Parameter.CommitBlocks, 70);
        protocol.setParameter(Parameter.RevealBlocks, 70);
        vm.stopPrank();
        _rollToRound(round + 1);
        (uint256 slow,) = _submitMany(1); // scores during [submissionEnd, submissionEnd + 140)
        _commitAll(slow, trio, _repeat(hex"50", 3));

        vm.startPrank(admin);
        protocol.setParameter(Parameter.CommitBlocks, 1);
        protocol.setParameter(Parameter.RevealBlocks, 1);
        protocol.setParameter(Parameter.SubmissionBlocks, 1);
        vm.stopPrank();
        uint256 blocked = slow + 8; // same ring slot, and it commits long before `slow` can be finalized
        while (protocol.currentRound() < blocked) vm.roll(block.number + 1);
        (uint256 opened,) = _submitMany(1);
        assertEq(opened, blocked);
        rollToCommit(blocked);
        vm.expectRevert(abi.encodeWithSelector(IScoreConsensus.ScoreStorageBusy.selector, blocked, slow));
        vm.prank(trio[0]);
        protocol.commitScores(blocked, keccak256("c"));

        rollToFinalization(blocked);
        finalizePage(blocked, 1);
        for (uint256 i = 0; i < trio.length; ++i) {
            assertEq(_bondOf(trio[i]), BOND);
        }
        (,, uint256 totalSlashed,,) = protocol.poolTotals();
        assertEq(totalSlashed, 0);
    }
}
