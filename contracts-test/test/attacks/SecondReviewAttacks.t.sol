// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AttackFixture} from "./AttackFixture.sol";
import {CotrainTimelock} from "cotrain/governance/CotrainTimelock.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {ContributionStatus, ContributionType, Parameter} from "cotrain/types/CotrainTypes.sol";

/// @notice The attacks of the second review of issue 10, run against the protocol as the first review's fixes left
/// it. Each worked there (the attacker took funds, escaped a penalty or dictated an outcome) and must fail now. The
/// front-running of an honest contribution (taking its digest or wrapping its artifacts first) is for the sealed
/// artifacts of issue 14: on chain a digest stays first come, first served.
contract SecondReviewAttacksTest is AttackFixture {
    // ---- governance that outruns the exits ----------------------------------------------------------------------

    /// The timelock's delay was exactly the unbonding delay: a validator asking to leave one block after a
    /// confiscating upgrade was scheduled lost its whole bond. Now the validator is out long before it can execute.
    function test_attack_governorOutracesUnbondingByOneBlock() public {
        CotrainTimelock timelock = _timelockedGovernance();
        bytes memory call = _drainCall(admin);
        bytes32 id = _schedule(timelock, address(registry), call);
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
        vm.prank(validators[0]);
        registry.requestValidatorUnbond(BOND);

        // where the attack executed: one block before the unbonding was ready
        vm.roll(registry.validatorInfo(validators[0]).unbondingReadyBlock - 1);
        vm.warp(block.timestamp + timelock.getMinDelay());
        assertFalse(timelock.isOperationReady(id));
        _expectNotReady(id);
        _execute(timelock, address(registry), call);

        vm.roll(block.number + 1);
        vm.prank(validators[0]);
        registry.withdrawValidatorBond();
        assertEq(token.balanceOf(validators[0]), BOND);
        assertFalse(timelock.isOperationReady(id)); // and the upgrade still waits for the rest of the window
    }

    /// The pauser froze the protocol clock that unbonding runs on while the timelock's delay ran on timestamps, and
    /// the upgrade took every bond. The exit window runs on the same protocol clock: a pause stops both.
    function test_attack_pauserFreezesExitsWhileTheTimelockRuns() public {
        CotrainTimelock timelock = _timelockedGovernance();
        bytes memory call = _drainCall(admin);
        bytes32 id = _schedule(timelock, address(registry), call);
        for (uint256 v = 0; v < 3; ++v) {
            vm.prank(validators[v]);
            registry.requestValidatorUnbond(BOND);
        }
        pauseProtocol();
        vm.roll(block.number + 10 * timelock.exitBlocks());
        vm.warp(block.timestamp + 10 * timelock.getMinDelay());
        _expectNotReady(id);
        _execute(timelock, address(registry), call);

        vm.prank(admin);
        protocol.unpause();
        vm.roll(registry.validatorInfo(validators[0]).unbondingReadyBlock);
        assertFalse(timelock.isOperationReady(id));
        for (uint256 v = 0; v < 3; ++v) {
            vm.prank(validators[v]);
            registry.withdrawValidatorBond();
            assertEq(token.balanceOf(validators[v]), BOND);
        }
    }

    /// A contributor's locked stake waits for its round, and its unbonding starts only then: a protocol upgrade
    /// scheduled at submission executed first and took it. The exit window covers the round and the unbonding.
    function test_attack_governorOutracesAContributorWithAPendingContribution() public {
        CotrainTimelock timelock = _timelockedGovernance();
        uint256 id = submit(honest, ContributionType.MODEL_UPDATE, digestOf(1));
        bytes memory call = _drainCall(admin);
        bytes32 operation = _schedule(timelock, address(protocol), call);
        vm.prank(honest);
        protocol.requestUnstake(1_000 * TOKEN - 10 * TOKEN); // everything free, at once
        scoreRound(roundOf(id), validators, hex"5a"); // settled as soon as it can be
        vm.prank(honest);
        protocol.requestUnstake(10 * TOKEN);

        vm.roll(block.number + protocol.parameter(Parameter.ContributorUnbondingBlocks));
        vm.warp(block.timestamp + timelock.getMinDelay());
        assertFalse(timelock.isOperationReady(operation));
        vm.prank(honest);
        protocol.withdrawStake();
        assertEq(token.balanceOf(honest), 1_000 * TOKEN);
        assertGt(protocol.claimable(honest), 0); // its reward is claimable before the upgrade too
    }

    // ---- the median when a committed validator does not reveal ----------------------------------------------------

    /// One of three committed validators missed its reveal; the attacker, bonded one token more than the honest one,
    /// held 50.01% of the revealed weight and set every score to 1. Now the withheld weight votes for the neutral
    /// score: the attacker decides nothing alone, nobody is slashed, and the honest revealer is not penalised.
    function test_attack_oneValidatorDictatesWhenAnotherMissesItsReveal() public {
        address whale = validators[0];
        fund(whale, TOKEN);
        vm.startPrank(whale);
        token.approve(address(registry), TOKEN);
        registry.bondValidator(TOKEN);
        vm.stopPrank();

        uint256 id = submit(honest, ContributionType.MODEL_UPDATE, digestOf(1));
        submit(honest, ContributionType.MODEL_UPDATE, digestOf(2));
        uint256 round = roundOf(id);
        rollToCommit(round);
        commit(whale, round, hex"0101");
        commit(validators[1], round, hex"5a5a");
        commit(validators[2], round, hex"5a5a");
        rollToReveal(round);
        reveal(whale, round, hex"0101");
        reveal(validators[1], round, hex"5a5a"); // validators[2] misses its reveal
        rollToFinalization(round);
        finalizeAll(round);

        assertTrue(protocol.roundInfo(round).quorumReached);
        assertEq(contributionOf(id).consensusScore, 50);
        assertEq(uint8(contributionOf(id).status), uint8(ContributionStatus.Unrewarded));
        assertEq(protocol.contributorProfile(honest).stake, 1_000 * TOKEN); // nobody slashed
        assertEq(registry.validatorInfo(validators[1]).bond, BOND); // the honest revealer is not penalised
        assertEq(protocol.claimable(whale), 0); // nor is the attacker paid for agreeing with itself
        assertEq(registry.validatorInfo(validators[2]).bond, BOND - ABSENCE);
    }

    /// Same setting with equal bonds: the two revealers' midpoint (51) paid garbage the honest validator scored 1.
    function test_attack_midpointOfTwoRevealersRescuesGarbage() public {
        uint256 id = submit(attacker, ContributionType.MODEL_UPDATE, digestOf(1));
        uint256 round = roundOf(id);
        rollToCommit(round);
        commit(validators[0], round, hex"64");
        commit(validators[1], round, hex"01");
        commit(validators[2], round, hex"01");
        rollToReveal(round);
        reveal(validators[0], round, hex"64");
        reveal(validators[1], round, hex"01"); // validators[2] misses its reveal
        rollToFinalization(round);
        finalizeAll(round);

        assertEq(contributionOf(id).consensusScore, 50);
        assertEq(uint8(contributionOf(id).status), uint8(ContributionStatus.Unrewarded));
        assertEq(protocol.claimable(attacker), 0);
        assertEq(registry.validatorInfo(validators[1]).bond, BOND);
    }

    // ---- escaping the price of not taking part --------------------------------------------------------------------

    /// Skipping the commit cost 5% while committing and withholding cost 10%. Both now cost the absence penalty,
    /// and at the deploy default quorum (two of three) one missing commit releases no poisoned round.
    function test_attack_skippingTheCommitReleasesAPoisonedRoundAtHalfPrice() public {
        setParam(Parameter.QuorumBps, 6_666);
        vm.roll(block.number + SUBMISSION_BLOCKS); // a round priced with it
        uint256 first = submit(attacker, ContributionType.MODEL_UPDATE, digestOf(1));
        for (uint256 i = 1; i < 40; ++i) {
            submit(attacker, ContributionType.MODEL_UPDATE, digestOf(1 + i));
        }
        uint256 round = roundOf(first);
        bytes memory honestScores = _scores(40, 5);

        uint256 snapshot = vm.snapshotState();
        rollToCommit(round);
        commit(validators[0], round, honestScores); // commits, then withholds
        commit(validators[1], round, honestScores);
        commit(validators[2], round, honestScores);
        rollToReveal(round);
        reveal(validators[1], round, honestScores);
        reveal(validators[2], round, honestScores);
        rollToFinalization(round);
        finalizeAll(round);
        uint256 costOfWithholding = BOND - registry.validatorInfo(validators[0]).bond;
        vm.revertToState(snapshot);

        rollToCommit(round);
        commit(validators[1], round, honestScores); // validators[0], the accomplice, does not commit
        commit(validators[2], round, honestScores);
        rollToReveal(round);
        reveal(validators[1], round, honestScores);
        reveal(validators[2], round, honestScores);
        rollToFinalization(round);
        finalizeAll(round);

        assertTrue(protocol.roundInfo(round).quorumReached);
        assertEq(uint8(contributionOf(first).status), uint8(ContributionStatus.Rejected));
        assertEq(protocol.contributorProfile(attacker).stake, 2_000 * TOKEN - 40 * 5 * TOKEN);
        assertEq(BOND - registry.validatorInfo(validators[0]).bond, costOfWithholding);
        assertEq(costOfWithholding, ABSENCE);
    }

    /// The missing-reveal penalty was priced on the bond at commit: moving all but 1 gwei to unbonding after the
    /// round opened, then committing a random hash, cost 10% of 1 gwei instead of the absence penalty.
    function test_attack_dustCommitEscapesTheAbsencePenalty() public {
        uint256 id = submit(honest, ContributionType.MODEL_UPDATE, digestOf(1));
        uint256 round = roundOf(id);
        rollToCommit(round);
        vm.prank(validators[0]);
        registry.requestValidatorUnbond(BOND - 1 gwei);
        vm.prank(validators[0]);
        protocol.commitScores(round, keccak256("anything"));
        commit(validators[1], round, hex"5a");
        commit(validators[2], round, hex"5a");
        rollToReveal(round);
        reveal(validators[1], round, hex"5a");
        reveal(validators[2], round, hex"5a");
        rollToFinalization(round);
        finalizeAll(round);

        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(validators[0]);
        assertEq(BOND - (info.bond + info.unbonding), ABSENCE);
        vm.roll(info.unbondingReadyBlock);
        vm.prank(validators[0]);
        registry.withdrawValidatorBond();
        assertEq(token.balanceOf(validators[0]), BOND - ABSENCE);
    }

    // ---- free no-ops ------------------------------------------------------------------------------------------------

    /// No-ops scored at the neutral score had their stake released in full: two sybils filled every round's cap
    /// for nothing but gas. Each scored contribution now pays the submission fee into the pool.
    function test_attack_noOpsFillEveryRoundForFree() public {
        setParam(Parameter.SubmissionFee, 1 * TOKEN);
        setParam(Parameter.MaxContributionsPerContributor, 50);
        setParam(Parameter.MaxContributionsPerRound, 60);
        vm.roll(block.number + SUBMISSION_BLOCKS); // a round under these rules
        address sybil = newContributor("sybil", 2_000 * TOKEN);
        uint256 first = submit(attacker, ContributionType.MODEL_UPDATE, digestOf(10_000));
        for (uint256 i = 1; i < 60; ++i) {
            submit(i < 50 ? attacker : sybil, ContributionType.MODEL_UPDATE, digestOf(10_000 + i));
        }
        (, uint256 fundedBefore,,,) = protocol.poolTotals();
        scoreRound(roundOf(first), validators, _scores(60, 50));

        assertEq(uint8(contributionOf(first).status), uint8(ContributionStatus.Unrewarded));
        assertEq(protocol.contributorProfile(attacker).stake, 2_000 * TOKEN - 50 * TOKEN);
        assertEq(protocol.contributorProfile(sybil).stake, 2_000 * TOKEN - 10 * TOKEN);
        (, uint256 fundedAfter,,,) = protocol.poolTotals();
        assertEq(fundedAfter - fundedBefore, 60 * TOKEN);
    }

    /// A validator that submitted no-ops and scored them was paid a validation reward per no-op at no risk. With
    /// the fee at the validation reward (the deploy default), what its validator earns its contributor pays.
    function test_attack_validatorIsPaidForScoringItsOwnNoOps() public {
        setParam(Parameter.SubmissionFee, protocol.parameter(Parameter.ValidationReward));
        vm.roll(block.number + SUBMISSION_BLOCKS);
        uint256 first = submit(attacker, ContributionType.MODEL_UPDATE, digestOf(5_000));
        for (uint256 i = 1; i < 100; ++i) {
            submit(attacker, ContributionType.MODEL_UPDATE, digestOf(5_000 + i));
        }
        scoreRound(roundOf(first), validators, _scores(100, 50));

        uint256 paidAsContributor = 2_000 * TOKEN - protocol.contributorProfile(attacker).stake;
        uint256 earnedAsValidator = protocol.claimable(validators[0]); // the attacker's validator
        assertEq(earnedAsValidator, 100 * TOKEN);
        assertGe(paidAsContributor, earnedAsValidator);
    }

    // ---- the ring slot exemption --------------------------------------------------------------------------------

    /// Round B could not be committed at all (its ring slot was held by round A, still revealing after governance
    /// shortened the windows). Finalized after a later round C took the slot, B charged every validator the absence
    /// penalty for a commit it could not make.
    function test_attack_lateFinalizeChargesValidatorsForABlockedRingSlot() public {
        _finalizeLateARoundItsSlotBlocked(8);
        for (uint256 v = 0; v < 3; ++v) {
            assertEq(registry.validatorInfo(validators[v]).bond, BOND);
        }
    }
}
