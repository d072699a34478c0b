// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {CoreTestHelpers} from "../utils/CoreTestHelpers.sol";
import {IContributorStaking} from "cotrain/interfaces/IContributorStaking.sol";
import {ICotrainErrors} from "cotrain/interfaces/ICotrainErrors.sol";
import {ContributionType, Parameter} from "cotrain/types/CotrainTypes.sol";

contract ContributorStakingTest is CoreTestHelpers {
    uint256 internal constant MIN_STAKE = 100 * TOKEN;
    uint256 internal constant PER_CONTRIBUTION = 10 * TOKEN;
    uint256 internal constant UNBONDING = 50;

    address internal alice = makeAddr("alice");

    // ---- registerContributor ---------------------------------------------------------------------------------

    function test_registerContributor_pullsStakeAndEmits() public {
        fundAndApprove(alice, 150 * TOKEN);

        vm.expectEmit(address(protocol));
        emit IContributorStaking.ContributorRegistered(alice, 150 * TOKEN, 5_000);
        vm.prank(alice);
        protocol.registerContributor(150 * TOKEN);

        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(alice);
        assertTrue(profile.registered);
        assertEq(profile.stake, 150 * TOKEN);
        assertEq(profile.lockedStake, 0);
        assertEq(profile.reputation, 5_000);
        assertEq(token.balanceOf(alice), 0);
        assertEq(token.balanceOf(address(protocol)), 150 * TOKEN);
        assertEq(protocol.totalContributorStake(), 150 * TOKEN);
    }

    function test_registerContributor_acceptsExactMinimum() public {
        fundAndApprove(alice, MIN_STAKE);
        vm.prank(alice);
        protocol.registerContributor(MIN_STAKE);
        assertEq(protocol.contributorProfile(alice).stake, MIN_STAKE);
    }

    function test_registerContributor_startsAtCurrentInitialReputation() public {
        setParam(Parameter.InitialReputation, 7_500);
        fundAndApprove(alice, MIN_STAKE);
        vm.prank(alice);
        protocol.registerContributor(MIN_STAKE);
        assertEq(protocol.contributorProfile(alice).reputation, 7_500);
    }

    function test_registerContributor_revertsWhenAlreadyRegistered() public {
        newContributor("alice", MIN_STAKE);
        fundAndApprove(alice, MIN_STAKE);
        vm.expectRevert(abi.encodeWithSelector(IContributorStaking.AlreadyRegistered.selector, alice));
        vm.prank(alice);
        protocol.registerContributor(MIN_STAKE);
    }

    function test_registerContributor_revertsBelowMinimumStake() public {
        fundAndApprove(alice, MIN_STAKE);
        vm.expectRevert(
            abi.encodeWithSelector(IContributorStaking.InsufficientStake.selector, MIN_STAKE - 1, MIN_STAKE)
        );
        vm.prank(alice);
        protocol.registerContributor(MIN_STAKE - 1);
    }

    function test_registerContributor_revertsAbove96Bits() public {
        uint256 tooLarge = uint256(type(uint96).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(ICotrainErrors.AmountTooLarge.selector, tooLarge));
        vm.prank(alice);
        protocol.registerContributor(tooLarge);
    }

    function test_registerContributor_revertsWithoutAllowance() public {
        fund(alice, MIN_STAKE);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(protocol), 0, MIN_STAKE)
        );
        vm.prank(alice);
        protocol.registerContributor(MIN_STAKE);
    }

    function test_registerContributor_revertsWhenPaused() public {
        fundAndApprove(alice, MIN_STAKE);
        pauseProtocol();
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        vm.prank(alice);
        protocol.registerContributor(MIN_STAKE);
        assertFalse(protocol.contributorProfile(alice).registered);
    }

    // ---- registerContributorWithPermit -----------------------------------------------------------------------

    function test_registerContributorWithPermit_registersWithoutPriorApproval() public {
        (address owner, uint256 key) = makeAddrAndKey("permitter");
        fund(owner, MIN_STAKE);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = signPermit(key, owner, MIN_STAKE, deadline);

        vm.expectEmit(address(protocol));
        emit IContributorStaking.ContributorRegistered(owner, MIN_STAKE, 5_000);
        vm.prank(owner);
        protocol.registerContributorWithPermit(MIN_STAKE, deadline, v, r, s);

        assertEq(protocol.contributorProfile(owner).stake, MIN_STAKE);
        assertEq(token.balanceOf(owner), 0);
        assertEq(token.nonces(owner), 1);
        assertEq(token.allowance(owner, address(protocol)), 0);
    }

    function test_registerContributorWithPermit_succeedsWhenPermitWasFrontRun() public {
        (address owner, uint256 key) = makeAddrAndKey("permitter");
        fund(owner, MIN_STAKE);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = signPermit(key, owner, MIN_STAKE, deadline);
        // someone else submits the permit first: the nonce is used, but the allowance is in place
        token.permit(owner, address(protocol), MIN_STAKE, deadline, v, r, s);

        vm.prank(owner);
        protocol.registerContributorWithPermit(MIN_STAKE, deadline, v, r, s);
        assertEq(protocol.contributorProfile(owner).stake, MIN_STAKE);
    }

    function test_registerContributorWithPermit_revertsWithBadSignatureAndNoAllowance() public {
        (address owner, uint256 key) = makeAddrAndKey("permitter");
        fund(owner, MIN_STAKE);
        uint256 deadline = block.timestamp + 1 hours;
        // signed for a smaller amount than the one registered: the permit fails and no allowance exists
        (uint8 v, bytes32 r, bytes32 s) = signPermit(key, owner, MIN_STAKE - 1, deadline);

        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(protocol), 0, MIN_STAKE)
        );
        vm.prank(owner);
        protocol.registerContributorWithPermit(MIN_STAKE, deadline, v, r, s);
    }

    function test_registerContributorWithPermit_revertsBelowMinimumStake() public {
        (address owner, uint256 key) = makeAddrAndKey("permitter");
        fund(owner, MIN_STAKE);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = signPermit(key, owner, 1, deadline);
        vm.expectRevert(abi.encodeWithSelector(IContributorStaking.InsufficientStake.selector, 1, MIN_STAKE));
        vm.prank(owner);
        protocol.registerContributorWithPermit(1, deadline, v, r, s);
    }

    function test_registerContributorWithPermit_revertsWhenPaused() public {
        (address owner, uint256 key) = makeAddrAndKey("permitter");
        fund(owner, MIN_STAKE);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = signPermit(key, owner, MIN_STAKE, deadline);
        pauseProtocol();
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        vm.prank(owner);
        protocol.registerContributorWithPermit(MIN_STAKE, deadline, v, r, s);
        assertEq(token.nonces(owner), 0);
    }

    // ---- increaseStake ---------------------------------------------------------------------------------------

    function test_increaseStake_addsToStakeAndEmits() public {
        newContributor("alice", MIN_STAKE);
        fundAndApprove(alice, 25 * TOKEN);

        vm.expectEmit(address(protocol));
        emit IContributorStaking.StakeIncreased(alice, 25 * TOKEN, 125 * TOKEN);
        vm.prank(alice);
        protocol.increaseStake(25 * TOKEN);

        assertEq(protocol.contributorProfile(alice).stake, 125 * TOKEN);
        assertEq(protocol.totalContributorStake(), 125 * TOKEN);
        assertEq(token.balanceOf(address(protocol)), 125 * TOKEN);
        assertEq(token.balanceOf(alice), 0);
    }

    function test_increaseStake_revertsWhenNotRegistered() public {
        fundAndApprove(alice, MIN_STAKE);
        vm.expectRevert(abi.encodeWithSelector(IContributorStaking.NotRegistered.selector, alice));
        vm.prank(alice);
        protocol.increaseStake(MIN_STAKE);
    }

    function test_increaseStake_revertsOnZeroAmount() public {
        newContributor("alice", MIN_STAKE);
        vm.expectRevert(ICotrainErrors.ZeroAmount.selector);
        vm.prank(alice);
        protocol.increaseStake(0);
    }

    function test_increaseStake_revertsWhenStakeExceeds96Bits() public {
        newContributor("alice", MIN_STAKE);
        uint256 amount = uint256(type(uint96).max) - MIN_STAKE + 1;
        vm.expectRevert(abi.encodeWithSelector(ICotrainErrors.AmountTooLarge.selector, MIN_STAKE + amount));
        vm.prank(alice);
        protocol.increaseStake(amount);
    }

    function test_increaseStake_revertsWhenPaused() public {
        newContributor("alice", MIN_STAKE);
        fundAndApprove(alice, TOKEN);
        pauseProtocol();
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        vm.prank(alice);
        protocol.increaseStake(TOKEN);
    }

    // ---- requestUnstake --------------------------------------------------------------------------------------

    function test_requestUnstake_movesFreeStakeToUnbondingAndEmits() public {
        newContributor("alice", MIN_STAKE);
        uint256 readyBlock = block.number + UNBONDING;

        vm.expectEmit(address(protocol));
        emit IContributorStaking.UnstakeRequested(alice, 40 * TOKEN, 40 * TOKEN, readyBlock);
        vm.prank(alice);
        protocol.requestUnstake(40 * TOKEN);

        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(alice);
        assertEq(profile.stake, 60 * TOKEN);
        assertEq(profile.unbondingStake, 40 * TOKEN);
        assertEq(profile.unbondingReadyBlock, readyBlock);
        // unbonding stake is still held and still counted until withdrawn
        assertEq(protocol.totalContributorStake(), MIN_STAKE);
        assertEq(token.balanceOf(address(protocol)), MIN_STAKE);
    }

    function test_requestUnstake_canUnstakeAllFreeStake() public {
        newContributor("alice", MIN_STAKE);
        vm.prank(alice);
        protocol.requestUnstake(MIN_STAKE);
        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(alice);
        assertEq(profile.stake, 0);
        assertTrue(profile.registered);
    }

    function test_requestUnstake_revertsWhenNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IContributorStaking.NotRegistered.selector, alice));
        vm.prank(alice);
        protocol.requestUnstake(1);
    }

    function test_requestUnstake_revertsOnZeroAmount() public {
        newContributor("alice", MIN_STAKE);
        vm.expectRevert(ICotrainErrors.ZeroAmount.selector);
        vm.prank(alice);
        protocol.requestUnstake(0);
    }

    function test_requestUnstake_revertsBeyondFreeStakeWhenStakeIsLocked() public {
        newContributor("alice", MIN_STAKE);
        submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        uint256 free = MIN_STAKE - PER_CONTRIBUTION;

        vm.expectRevert(abi.encodeWithSelector(IContributorStaking.InsufficientFreeStake.selector, free, free + 1));
        vm.prank(alice);
        protocol.requestUnstake(free + 1);

        vm.prank(alice);
        protocol.requestUnstake(free);
        assertEq(protocol.contributorProfile(alice).stake, PER_CONTRIBUTION);
        assertEq(protocol.contributorProfile(alice).lockedStake, PER_CONTRIBUTION);
    }

    /// @dev Found by review: a second request used to restart the delay of stake already unbonding. Each request
    /// now keeps its own ready block.
    function test_requestUnstake_secondRequestKeepsTheFirstOnesReadyBlock() public {
        newContributor("alice", MIN_STAKE);
        vm.prank(alice);
        protocol.requestUnstake(10 * TOKEN);
        uint256 firstReady = block.number + UNBONDING;

        vm.roll(block.number + 30);
        uint256 secondReady = block.number + UNBONDING;
        vm.expectEmit(address(protocol));
        emit IContributorStaking.UnstakeRequested(alice, 5 * TOKEN, 15 * TOKEN, secondReady);
        vm.prank(alice);
        protocol.requestUnstake(5 * TOKEN);

        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(alice);
        assertEq(profile.unbondingStake, 15 * TOKEN);
        assertEq(profile.withdrawableStake, 0);
        assertEq(profile.unbondingReadyBlock, secondReady);

        vm.roll(firstReady);
        assertEq(protocol.contributorProfile(alice).withdrawableStake, 10 * TOKEN);
        vm.prank(alice);
        assertEq(protocol.withdrawStake(), 10 * TOKEN);
        assertEq(protocol.contributorProfile(alice).unbondingStake, 5 * TOKEN);
        vm.expectRevert(abi.encodeWithSelector(ICotrainErrors.UnbondingNotReady.selector, secondReady, firstReady));
        vm.prank(alice);
        protocol.withdrawStake();

        vm.roll(secondReady);
        vm.prank(alice);
        assertEq(protocol.withdrawStake(), 5 * TOKEN);
        assertEq(token.balanceOf(alice), 15 * TOKEN);
        assertEq(protocol.contributorProfile(alice).unbondingReadyBlock, 0);
    }

    function test_requestUnstake_revertsBeyondTheRequestLimitUntilOnesAreWithdrawn() public {
        newContributor("alice", MIN_STAKE);
        for (uint256 i = 0; i < 16; ++i) {
            vm.prank(alice);
            protocol.requestUnstake(TOKEN);
            vm.roll(block.number + 1);
        }
        vm.expectRevert(abi.encodeWithSelector(IContributorStaking.TooManyUnbondingRequests.selector, 16));
        vm.prank(alice);
        protocol.requestUnstake(TOKEN);

        vm.roll(block.number + UNBONDING - 10); // the first 6 or so are ready
        vm.prank(alice);
        uint256 withdrawn = protocol.withdrawStake();
        assertGt(withdrawn, 0);
        assertLt(withdrawn, 16 * TOKEN);
        vm.prank(alice);
        protocol.requestUnstake(TOKEN);
        assertEq(protocol.contributorProfile(alice).unbondingStake, 17 * TOKEN - withdrawn);
    }

    function test_requestUnstake_worksWhilePaused() public {
        newContributor("alice", MIN_STAKE);
        pauseProtocol();
        vm.prank(alice);
        protocol.requestUnstake(MIN_STAKE);
        assertEq(protocol.contributorProfile(alice).unbondingStake, MIN_STAKE);
    }

    // ---- withdrawStake ---------------------------------------------------------------------------------------

    function test_withdrawStake_paysUnbondedStakeAndEmits() public {
        newContributor("alice", MIN_STAKE);
        vm.prank(alice);
        protocol.requestUnstake(40 * TOKEN);
        vm.roll(block.number + UNBONDING); // exactly the ready block

        vm.expectEmit(address(protocol));
        emit IContributorStaking.StakeWithdrawn(alice, 40 * TOKEN);
        vm.prank(alice);
        protocol.withdrawStake();

        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(alice);
        assertEq(profile.unbondingStake, 0);
        assertEq(profile.unbondingReadyBlock, 0);
        assertEq(profile.stake, 60 * TOKEN);
        assertEq(token.balanceOf(alice), 40 * TOKEN);
        assertEq(protocol.totalContributorStake(), 60 * TOKEN);
        assertEq(token.balanceOf(address(protocol)), 60 * TOKEN);
    }

    function test_withdrawStake_revertsBeforeReadyBlock() public {
        newContributor("alice", MIN_STAKE);
        vm.prank(alice);
        protocol.requestUnstake(MIN_STAKE);
        uint256 readyBlock = block.number + UNBONDING;
        vm.roll(readyBlock - 1);

        vm.expectRevert(abi.encodeWithSelector(ICotrainErrors.UnbondingNotReady.selector, readyBlock, readyBlock - 1));
        vm.prank(alice);
        protocol.withdrawStake();
    }

    function test_withdrawStake_revertsWithNothingUnbonding() public {
        newContributor("alice", MIN_STAKE);
        vm.expectRevert(ICotrainErrors.NothingToWithdraw.selector);
        vm.prank(alice);
        protocol.withdrawStake();

        // and again once everything was withdrawn
        vm.prank(alice);
        protocol.requestUnstake(TOKEN);
        vm.roll(block.number + UNBONDING);
        vm.prank(alice);
        protocol.withdrawStake();
        vm.expectRevert(ICotrainErrors.NothingToWithdraw.selector);
        vm.prank(alice);
        protocol.withdrawStake();
    }

    function test_withdrawStake_revertsForUnregisteredAccount() public {
        vm.expectRevert(ICotrainErrors.NothingToWithdraw.selector);
        vm.prank(alice);
        protocol.withdrawStake();
    }

    function test_withdrawStake_worksWhilePaused() public {
        newContributor("alice", MIN_STAKE);
        vm.prank(alice);
        protocol.requestUnstake(MIN_STAKE);
        pauseProtocol();
        vm.roll(block.number + UNBONDING);
        vm.prank(alice);
        protocol.withdrawStake();
        assertEq(token.balanceOf(alice), MIN_STAKE);
        assertEq(protocol.totalContributorStake(), 0);
    }

    // ---- contributorProfile ----------------------------------------------------------------------------------

    function test_contributorProfile_isEmptyForUnknownAccount() public view {
        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(alice);
        assertFalse(profile.registered);
        assertEq(profile.stake, 0);
        assertEq(profile.reputation, 0);
        assertEq(profile.lastRound, 0);
        assertEq(profile.lastRoundSubmissions, 0);
        assertEq(profile.unbondingStake, 0);
        assertEq(profile.withdrawableStake, 0);
        assertEq(profile.unbondingReadyBlock, 0);
    }

    function test_contributorProfile_tracksContributionsAndSettlement() public {
        address validator = newValidator("validator", 2_000 * TOKEN);
        newContributor("alice", MIN_STAKE);
        uint256 first = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        submit(alice, ContributionType.DATASET, digestOf(2));

        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(alice);
        assertEq(profile.lockedStake, 2 * PER_CONTRIBUTION);
        assertEq(profile.lastRound, 1);
        assertEq(profile.lastRoundSubmissions, 2);

        uint256 round = roundOf(first);
        rollToCommit(round);
        commit(validator, round, hex"6405"); // 100 and 5: the second is slashed
        rollToReveal(round);
        reveal(validator, round, hex"6405");
        rollToFinalization(round);
        vm.expectEmit(address(protocol));
        emit IContributorStaking.ContributorSlashed(alice, first + 1, PER_CONTRIBUTION / 2);
        finalizeAll(round);

        profile = protocol.contributorProfile(alice);
        assertEq(profile.lockedStake, 0);
        assertEq(profile.stake, MIN_STAKE - PER_CONTRIBUTION / 2);
        // 5000 -> 5000*0.8 + 10000*0.2 = 6000 -> 6000*0.8 + 500*0.2 = 4900
        assertEq(profile.reputation, 4_900);
        assertEq(protocol.totalContributorStake(), MIN_STAKE - PER_CONTRIBUTION / 2);
    }

    /// @dev Found by review: with locks averaged over pending contributions, a StakePerContribution change let a bad
    /// contribution carry a smaller lock. A contribution's lock is its round's StakePerContribution, released (or
    /// slashed) exactly, whatever changes in between.
    function test_contributorProfile_eachContributionKeepsItsRoundsLock() public {
        address validator = newValidator("validator", 2_000 * TOKEN);
        newContributor("alice", MIN_STAKE);
        uint256 first = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        setParam(Parameter.StakePerContribution, 30 * TOKEN);
        vm.roll(block.number + SUBMISSION_BLOCKS);
        uint256 second = submit(alice, ContributionType.MODEL_UPDATE, digestOf(2));
        assertEq(protocol.contributorProfile(alice).lockedStake, 40 * TOKEN);
        setParam(Parameter.StakePerContribution, 1);

        scoreWith(validator, roundOf(first), hex"01"); // slashed: half of its 10-token lock
        assertEq(protocol.contributorProfile(alice).lockedStake, 30 * TOKEN);
        assertEq(protocol.contributorProfile(alice).stake, MIN_STAKE - 5 * TOKEN);
        scoreWith(validator, roundOf(second), hex"01"); // slashed: half of its 30-token lock
        assertEq(protocol.contributorProfile(alice).lockedStake, 0);
        assertEq(protocol.contributorProfile(alice).stake, MIN_STAKE - 20 * TOKEN);
    }

    // ---- fuzz ------------------------------------------------------------------------------------------------

    /// @dev Register, add, unstake and withdraw fuzzed amounts: every token is either back with the contributor
    /// or held by the protocol as stake, and the totals agree.
    function testFuzz_stakeLifecycle_conservesTokens(uint256 stake, uint256 added, uint256 unstaked) public {
        stake = bound(stake, MIN_STAKE, 400_000_000 * TOKEN);
        added = bound(added, 1, 400_000_000 * TOKEN);
        unstaked = bound(unstaked, 1, stake + added);
        uint256 funded = stake + added;
        vm.prank(admin);
        token.transfer(alice, funded);
        vm.startPrank(alice);
        token.approve(address(protocol), funded);
        protocol.registerContributor(stake);
        protocol.increaseStake(added);
        protocol.requestUnstake(unstaked);
        vm.stopPrank();

        assertEq(token.balanceOf(address(protocol)), funded);
        assertEq(protocol.totalContributorStake(), funded);
        assertEq(protocol.contributorProfile(alice).stake, funded - unstaked);
        assertEq(protocol.contributorProfile(alice).unbondingStake, unstaked);

        vm.roll(block.number + UNBONDING);
        vm.prank(alice);
        protocol.withdrawStake();
        assertEq(token.balanceOf(alice), unstaked);
        assertEq(token.balanceOf(address(protocol)), funded - unstaked);
        assertEq(protocol.totalContributorStake(), funded - unstaked);
        assertEq(token.balanceOf(alice) + token.balanceOf(address(protocol)), funded);
    }

    /// @dev Settlement moves the reputation by the exponential moving average and keeps it within [100, 10000]
    /// (0 would read as unregistered).
    function testFuzz_settlement_reputationFollowsMovingAverage(uint256 score, uint256 alpha, uint256 initial) public {
        score = bound(score, 1, 100);
        alpha = bound(alpha, 1, 10_000);
        initial = bound(initial, 100, 10_000);
        setParam(Parameter.ReputationAlphaBps, alpha);
        setParam(Parameter.InitialReputation, initial);
        address validator = newValidator("validator", 2_000 * TOKEN);
        newContributor("alice", MIN_STAKE);
        uint256 id = submit(alice, ContributionType.DATASET, digestOf(1));
        scoreWith(validator, roundOf(id), abi.encodePacked(uint8(score)));

        uint256 expected = (initial * (10_000 - alpha) + score * 100 * alpha) / 10_000;
        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(alice);
        assertEq(profile.reputation, expected);
        assertGe(profile.reputation, 100);
        assertLe(profile.reputation, 10_000);
        assertTrue(profile.registered);
        uint256 slashed = score < 30 ? PER_CONTRIBUTION / 2 : 0; // below the slash threshold
        assertEq(profile.stake, MIN_STAKE - slashed);
        assertEq(profile.lockedStake, 0);
    }

    /// @dev With `submissions` contributions pending, exactly the unlocked part can be unstaked.
    function testFuzz_requestUnstake_neverTouchesLockedStake(uint256 stake, uint8 submissions, uint256 amount) public {
        stake = bound(stake, MIN_STAKE, 10_000 * TOKEN);
        uint256 count = bound(submissions, 0, stake / PER_CONTRIBUTION);
        count = count > 20 ? 20 : count;
        fundAndApprove(alice, stake);
        vm.prank(alice);
        protocol.registerContributor(stake);
        for (uint256 i = 0; i < count; ++i) {
            submit(alice, ContributionType.VALIDATION, digestOf(i + 1));
        }
        uint256 free = stake - count * PER_CONTRIBUTION;
        amount = bound(amount, 1, stake);

        if (amount > free) {
            vm.expectRevert(abi.encodeWithSelector(IContributorStaking.InsufficientFreeStake.selector, free, amount));
            vm.prank(alice);
            protocol.requestUnstake(amount);
        } else {
            vm.prank(alice);
            protocol.requestUnstake(amount);
            assertEq(protocol.contributorProfile(alice).stake, stake - amount);
            assertGe(protocol.contributorProfile(alice).stake, protocol.contributorProfile(alice).lockedStake);
        }
    }
}
