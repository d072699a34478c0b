// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CoreTestHelpers} from "../utils/CoreTestHelpers.sol";
import {ICotrainErrors} from "cotrain/interfaces/ICotrainErrors.sol";
import {IRewardPool} from "cotrain/interfaces/IRewardPool.sol";
import {IScoreConsensus} from "cotrain/interfaces/IScoreConsensus.sol";
import {ContributionStatus, ContributionType, Parameter} from "cotrain/types/CotrainTypes.sol";

contract RewardPoolTest is CoreTestHelpers {
    uint256 internal constant STAKE = 100 * TOKEN;
    uint256 internal constant VALIDATION_REWARD = 1 * TOKEN;

    address internal validator;
    address internal alice;
    address internal bob;

    function setUp() public override {
        super.setUp();
        validator = newValidator("validator", 2_000 * TOKEN);
        alice = newContributor("alice", STAKE);
        bob = newContributor("bob", STAKE);
    }

    /// @dev The single validator commits and reveals `scores` for `round`; leaves the chain at its finalization.
    function scoreUntilFinalization(uint256 round, bytes memory scores) internal {
        rollToCommit(round);
        commit(validator, round, scores);
        rollToReveal(round);
        reveal(validator, round, scores);
        rollToFinalization(round);
    }

    function totals()
        internal
        view
        returns (uint256 available, uint256 funded, uint256 slashed, uint256 credited, uint256 claimed)
    {
        return protocol.poolTotals();
    }

    // ---- fundRewards -----------------------------------------------------------------------------------------

    function test_fundRewards_pullsTokensAndEmits() public {
        vm.startPrank(funder);
        token.approve(address(protocol), 500 * TOKEN);
        vm.expectEmit(address(protocol));
        emit IRewardPool.RewardsFunded(funder, 500 * TOKEN);
        protocol.fundRewards(500 * TOKEN);
        vm.stopPrank();

        (uint256 available, uint256 funded, uint256 slashed, uint256 credited, uint256 claimed) = totals();
        assertEq(available, 500 * TOKEN);
        assertEq(funded, 500 * TOKEN);
        assertEq(slashed, 0);
        assertEq(credited, 0);
        assertEq(claimed, 0);
        assertEq(token.balanceOf(address(protocol)), 2 * STAKE + 500 * TOKEN);
    }

    function test_fundRewards_accumulatesAcrossFunders() public {
        fundPool(100 * TOKEN);
        fundAndApprove(alice, 50 * TOKEN);
        vm.prank(alice);
        protocol.fundRewards(50 * TOKEN);
        (uint256 available, uint256 funded,,,) = totals();
        assertEq(available, 150 * TOKEN);
        assertEq(funded, 150 * TOKEN);
    }

    function test_fundRewards_revertsOnZeroAmount() public {
        vm.expectRevert(ICotrainErrors.ZeroAmount.selector);
        vm.prank(funder);
        protocol.fundRewards(0);
    }

    function test_fundRewards_revertsAbove96Bits() public {
        uint256 tooLarge = uint256(type(uint96).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(ICotrainErrors.AmountTooLarge.selector, tooLarge));
        vm.prank(funder);
        protocol.fundRewards(tooLarge);
    }

    // ---- claimRewards / claimable ----------------------------------------------------------------------------

    function test_claimRewards_revertsWithNothingCredited() public {
        vm.expectRevert(abi.encodeWithSelector(IRewardPool.NothingToClaim.selector, alice));
        vm.prank(alice);
        protocol.claimRewards();
    }

    function test_claimRewards_paysExactlyTheCreditOnceAndEmits() public {
        fundPool(1_000 * TOKEN);
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        scoreWith(validator, roundOf(id), hex"5a"); // 90: 20 x (90 - 50) / 50 x 1.0
        assertEq(protocol.claimable(alice), 16 * TOKEN);

        vm.expectEmit(address(protocol));
        emit IRewardPool.RewardsClaimed(alice, 16 * TOKEN);
        vm.prank(alice);
        uint256 paid = protocol.claimRewards();

        assertEq(paid, 16 * TOKEN);
        assertEq(token.balanceOf(alice), 16 * TOKEN);
        assertEq(protocol.claimable(alice), 0);
        (uint256 available,,, uint256 credited, uint256 claimed) = totals();
        assertEq(credited, 16 * TOKEN + VALIDATION_REWARD);
        assertEq(claimed, 16 * TOKEN);
        assertEq(available, 1_000 * TOKEN - credited);

        vm.expectRevert(abi.encodeWithSelector(IRewardPool.NothingToClaim.selector, alice));
        vm.prank(alice);
        protocol.claimRewards();
    }

    function test_claimRewards_paysEachLaterCredit() public {
        fundPool(1_000 * TOKEN);
        uint256 first = submit(alice, ContributionType.DATASET, digestOf(1));
        scoreWith(validator, roundOf(first), hex"64"); // 15 x 1.0 x 1.0
        vm.prank(alice);
        protocol.claimRewards();
        uint256 second = submit(alice, ContributionType.DATASET, digestOf(2));
        scoreWith(validator, roundOf(second), hex"64"); // reputation 6000: 15 x 1.0 x 1.1
        assertEq(protocol.claimable(alice), 16.5e18);
        vm.prank(alice);
        assertEq(protocol.claimRewards(), 16.5e18);
        assertEq(token.balanceOf(alice), 31.5e18);
        assertEq(protocol.claimable(validator), 2 * VALIDATION_REWARD);
    }

    function test_claimRewards_worksWhilePaused() public {
        fundPool(1_000 * TOKEN);
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        scoreWith(validator, roundOf(id), hex"5a");
        pauseProtocol();
        vm.prank(alice);
        protocol.claimRewards();
        vm.prank(validator);
        protocol.claimRewards();
        assertEq(token.balanceOf(alice), 16 * TOKEN);
        assertEq(token.balanceOf(validator), VALIDATION_REWARD);
    }

    function test_claimable_isZeroForUnknownAccount() public {
        assertEq(protocol.claimable(makeAddr("nobody")), 0);
    }

    // ---- crediting from what the pool holds ------------------------------------------------------------------

    function test_finalize_creditsUpToWhatIsLeftAndReportsShortfall() public {
        fundPool(5 * TOKEN);
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        uint256 round = roundOf(id);
        scoreUntilFinalization(round, hex"5a");

        vm.expectEmit(address(protocol));
        emit IRewardPool.RewardShortfall(alice, 16 * TOKEN, 5 * TOKEN);
        vm.expectEmit(address(protocol));
        emit IScoreConsensus.ContributionFinalized(id, round, 90, ContributionStatus.Accepted, 5 * TOKEN, 0, 5_800);
        vm.expectEmit(address(protocol));
        emit IRewardPool.RewardShortfall(validator, VALIDATION_REWARD, 0);
        finalizeAll(round);

        assertEq(protocol.claimable(alice), 5 * TOKEN);
        assertEq(protocol.claimable(validator), 0);
        (uint256 available, uint256 funded,, uint256 credited,) = totals();
        assertEq(available, 0);
        assertEq(credited, funded);
        vm.prank(alice);
        protocol.claimRewards();
        assertEq(token.balanceOf(alice), 5 * TOKEN);
    }

    function test_finalize_slashedStakeFundsLaterRewardsOfTheSameBatch() public {
        // no funding at all: bob's slash (half of 10 locked) is the only money in the pool
        uint256 bad = submit(bob, ContributionType.DATASET, digestOf(1));
        uint256 good = submit(alice, ContributionType.MODEL_UPDATE, digestOf(2));
        uint256 round = roundOf(good);
        scoreUntilFinalization(round, hex"0a5a");

        // in contribution order: bob's slash, the validator's reward for scoring it, then alice's reward
        vm.expectEmit(address(protocol));
        emit IRewardPool.RewardShortfall(alice, 16 * TOKEN, 4 * TOKEN);
        vm.expectEmit(address(protocol));
        emit IRewardPool.RewardShortfall(validator, 2 * VALIDATION_REWARD, VALIDATION_REWARD);
        vm.expectEmit(address(protocol));
        emit IRewardPool.SlashedToPool(5 * TOKEN); // the page's slashes, reported once the page is settled
        finalizeAll(round);

        assertEq(uint8(contributionOf(bad).status), uint8(ContributionStatus.Rejected));
        assertEq(protocol.claimable(alice), 4 * TOKEN);
        assertEq(protocol.claimable(validator), VALIDATION_REWARD);
        (uint256 available, uint256 funded, uint256 slashed, uint256 credited,) = totals();
        assertEq(funded, 0);
        assertEq(slashed, 5 * TOKEN);
        assertEq(credited, 5 * TOKEN);
        assertEq(available, 0);
    }

    function test_finalize_drainedPoolCreditsNothingAndClaimsStayBacked() public {
        fundPool(30 * TOKEN);
        // round A: 16 to alice, 1 to the validator; 13 left
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        scoreWith(validator, roundOf(id), hex"5a");
        // round B: alice is owed 20 x 0.8 x 1.08 = 17.28 but only 13 is left; the validator gets nothing
        id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(2));
        uint256 round = roundOf(id);
        scoreUntilFinalization(round, hex"5a");
        vm.expectEmit(address(protocol));
        emit IRewardPool.RewardShortfall(alice, 17.28e18, 13 * TOKEN);
        vm.expectEmit(address(protocol));
        emit IRewardPool.RewardShortfall(validator, VALIDATION_REWARD, 0);
        finalizeAll(round);
        // round C: the pool is dry, nothing is credited and finalize still succeeds
        id = submit(alice, ContributionType.VALIDATION, digestOf(3));
        round = roundOf(id);
        scoreUntilFinalization(round, hex"64");
        vm.expectEmit(address(protocol));
        emit IScoreConsensus.ContributionFinalized(id, round, 100, ContributionStatus.Accepted, 0, 0, 7_152);
        finalizeAll(round);

        assertEq(protocol.claimable(alice), 29 * TOKEN);
        assertEq(protocol.claimable(validator), VALIDATION_REWARD);
        vm.prank(alice);
        protocol.claimRewards();
        vm.prank(validator);
        protocol.claimRewards();

        (uint256 available, uint256 funded, uint256 slashed, uint256 credited, uint256 claimed) = totals();
        assertEq(available, 0);
        assertEq(credited, 30 * TOKEN);
        assertEq(claimed, funded + slashed);
        // what is left in the protocol is exactly the contributors' stake
        assertEq(token.balanceOf(address(protocol)), protocol.totalContributorStake());
    }

    /// @dev The attack of the review: 150 no-op updates (the global model with one weight changed) scored 50 and were
    /// paid half the base reward each, leaving an honest update short. A score at or below the neutral score now
    /// earns nothing, however many there are, and the honest update is paid in full.
    function test_finalize_neutralScoresEarnNothing_andLeaveThePoolToUsefulWork() public {
        fundPool(20 * TOKEN);
        for (uint256 i = 0; i < 10; ++i) {
            submit(bob, ContributionType.MODEL_UPDATE, digestOf(100 + i));
        }
        uint256 honest = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        bytes memory scores = new bytes(11);
        for (uint256 i = 0; i < 10; ++i) {
            scores[i] = bytes1(uint8(50));
        }
        scores[10] = bytes1(uint8(75)); // a measurable improvement
        scoreWith(validator, roundOf(honest), scores);

        assertEq(protocol.claimable(bob), 0);
        assertEq(uint8(contributionOf(honest - 1).status), uint8(ContributionStatus.Unrewarded));
        assertEq(protocol.contributorProfile(bob).stake, STAKE); // no slash either: 50 is above the threshold
        assertEq(protocol.contributorProfile(bob).lockedStake, 0);
        assertEq(protocol.claimable(alice), 10 * TOKEN); // 20 x (75 - 50) / 50 x 1.0
    }

    /// @dev Found by review: under a shortfall, validators were credited per finalize page, so the page size decided
    /// who was paid. Credits now follow contribution order: one page or three, the same split.
    function test_finalize_shortfallSplitDoesNotDependOnPageSize() public {
        address second = newValidator("second", 2_000 * TOKEN);
        fundPool(20 * TOKEN);
        uint256 first = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        submit(bob, ContributionType.MODEL_UPDATE, digestOf(2));
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(3));
        uint256 round = roundOf(first);
        rollToCommit(round);
        commit(validator, round, hex"4b4b4b");
        commit(second, round, hex"4b4b4b");
        rollToReveal(round);
        reveal(validator, round, hex"4b4b4b");
        reveal(second, round, hex"4b4b4b");
        rollToFinalization(round);

        uint256 snapshot = vm.snapshotState();
        finalizeAll(round);
        uint256[4] memory once = [
            protocol.claimable(alice),
            protocol.claimable(bob),
            protocol.claimable(validator),
            protocol.claimable(second)
        ];
        vm.revertToState(snapshot);
        finalizePage(round, 1);
        finalizePage(round, 1);
        finalizePage(round, 1);
        uint256[4] memory paged = [
            protocol.claimable(alice),
            protocol.claimable(bob),
            protocol.claimable(validator),
            protocol.claimable(second)
        ];
        for (uint256 i = 0; i < 4; ++i) {
            assertEq(paged[i], once[i]);
        }
        // 10 to alice's first, 1 + 1 to the validators, 8 of bob's 10 (the second reputation is 0.5 still)
        assertEq(once[0], 10 * TOKEN);
        assertEq(once[1], 8 * TOKEN);
        assertEq(once[2], VALIDATION_REWARD);
        assertEq(once[3], VALIDATION_REWARD);
    }

    // ---- sweepSurplus / depositSlashedBond -------------------------------------------------------------------

    function test_sweepSurplus_movesTokensSentByMistakeIntoThePool() public {
        fundPool(100 * TOKEN);
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        scoreWith(validator, roundOf(id), hex"5a");
        fund(address(protocol), 7 * TOKEN); // a plain transfer: no function accounts it
        (uint256 availableBefore, uint256 fundedBefore,,,) = totals();

        vm.expectEmit(address(protocol));
        emit IRewardPool.SurplusSwept(7 * TOKEN);
        vm.prank(makeAddr("anyone"));
        assertEq(protocol.sweepSurplus(), 7 * TOKEN);
        (uint256 available, uint256 funded,,,) = totals();
        assertEq(available, availableBefore + 7 * TOKEN);
        assertEq(funded, fundedBefore + 7 * TOKEN);

        vm.expectRevert(IRewardPool.NoSurplus.selector);
        protocol.sweepSurplus();
    }

    function test_depositSlashedBond_revertsForAnyoneButTheValidatorRegistry() public {
        vm.expectRevert(abi.encodeWithSelector(IRewardPool.NotValidatorRegistry.selector, admin));
        vm.prank(admin);
        protocol.depositSlashedBond(1);
        vm.expectRevert(abi.encodeWithSelector(IRewardPool.NotValidatorRegistry.selector, validator));
        vm.prank(validator);
        protocol.depositSlashedBond(1);
    }

    // ---- fuzz ------------------------------------------------------------------------------------------------

    /// @dev reward = baseReward[kind] x (score - neutral) / (100 - neutral) x (0.5 + reputation/10000), as the README
    /// states, for fuzzed kinds, base rewards, neutral scores, scores at or above the threshold and reputations;
    /// nothing at or below the neutral score.
    function testFuzz_finalize_rewardMatchesReadmeFormula(uint8 kind, uint256 base, uint256 score, uint256 reputation)
        public
    {
        kind = uint8(bound(kind, 0, 2));
        base = bound(base, 0, 1e24);
        score = bound(score, 30, 100);
        reputation = bound(reputation, 100, 10_000);
        uint256 neutral = 30 + uint256(keccak256(abi.encode(base, score))) % 70; // 30..99
        setParam(Parameter.NeutralScore, neutral);
        setParam(Parameter(uint8(Parameter.ModelUpdateReward) + kind), base);
        setParam(Parameter.InitialReputation, reputation);
        address carol = newContributor("carol", STAKE);
        fundPool(2e24);

        uint256 id = submit(carol, ContributionType(kind), digestOf(score));
        scoreWith(validator, roundOf(id), abi.encodePacked(uint8(score)));

        uint256 expected =
            score > neutral ? base * (score - neutral) * (5_000 + reputation) / ((100 - neutral) * 10_000) : 0;
        assertEq(protocol.claimable(carol), expected);
        assertLe(expected, base * 3 / 2); // at most 1.5 x base
        assertEq(
            uint8(contributionOf(id).status),
            uint8(score > neutral ? ContributionStatus.Accepted : ContributionStatus.Unrewarded)
        );
        assertEq(contributionOf(id).consensusScore, score);
    }

    /// @dev A below-threshold score slashes contributorSlashBps of the locked stake into the pool, nothing else.
    function testFuzz_finalize_slashMovesLockedShareToPool(uint256 score, uint256 slashBps) public {
        score = bound(score, 1, 29);
        slashBps = bound(slashBps, 0, 10_000);
        setParam(Parameter.ContributorSlashBps, slashBps);
        uint256 id = submit(bob, ContributionType.DATASET, digestOf(1));
        scoreWith(validator, roundOf(id), abi.encodePacked(uint8(score)));

        uint256 slash = 10 * TOKEN * slashBps / 10_000;
        (uint256 available,, uint256 slashed,,) = totals();
        assertEq(slashed, slash);
        assertEq(protocol.contributorProfile(bob).stake, STAKE - slash);
        assertEq(protocol.claimable(bob), 0);
        // the validator's reward could only come from the slash
        assertEq(protocol.claimable(validator), slash < VALIDATION_REWARD ? slash : VALIDATION_REWARD);
        assertEq(available + protocol.claimable(validator), slash);
    }

    /// @dev Whatever the funding, the credit is min(requested, available) and never more than funded + slashed.
    function testFuzz_finalize_neverCreditsMoreThanThePoolHolds(uint256 funding, uint256 score) public {
        funding = bound(funding, 1, 40 * TOKEN);
        score = bound(score, 30, 100);
        fundPool(funding);
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        scoreWith(validator, roundOf(id), abi.encodePacked(uint8(score)));

        uint256 requested = score > 50 ? 20 * TOKEN * (score - 50) / 50 : 0; // reputation 0.5: factor 1.0
        uint256 toAlice = requested < funding ? requested : funding;
        uint256 toValidator = funding - toAlice < VALIDATION_REWARD ? funding - toAlice : VALIDATION_REWARD;
        assertEq(protocol.claimable(alice), toAlice);
        assertEq(protocol.claimable(validator), toValidator);
        (uint256 available, uint256 funded, uint256 slashed, uint256 credited,) = totals();
        assertEq(credited, toAlice + toValidator);
        assertEq(available + credited, funded + slashed);
        assertLe(credited, funded + slashed);
    }
}
