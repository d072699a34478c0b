// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IContributionRounds} from "cotrain/interfaces/IContributionRounds.sol";
import {IScoreConsensus} from "cotrain/interfaces/IScoreConsensus.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {ContributionStatus, ContributionType, Parameter} from "cotrain/types/CotrainTypes.sol";

import {RegistryFixture} from "../utils/RegistryFixture.sol";

/// @notice Tasks go live on chain: validators declare the tasks they serve, a task too few of them serve takes no
/// submissions, and each contribution is judged by its task's servers alone (median, quorum, rewards, penalties).
contract TaskServingTest is RegistryFixture {
    address[] internal trio;
    uint256 internal taskA; // served by the whole trio
    uint256 internal taskB; // served by trio[0] and trio[1] only

    function setUp() public override {
        super.setUp();
        setParam(Parameter.QuorumBps, 6_000); // 2 of 3
        fundPool(1_000 * TOKEN);
        trio = bondValidators(3);
        (taskA,) = registerModel(owner);
        (taskB,) = registerModel(owner);
        vm.prank(trio[2]);
        registry.stopServingTask(taskB);
    }

    // ---- declarations --------------------------------------------------------------------------------------

    function test_serveTask_recordsTheTaskAndEmits() public {
        (uint256 taskC,) = registerModel(owner);
        vm.prank(trio[2]);
        registry.stopServingTask(taskC);
        uint256 round = protocol.currentRound();
        vm.expectEmit(address(registry));
        emit IValidatorRegistry.TaskServingChanged(trio[2], taskC, true, round);
        vm.prank(trio[2]);
        registry.serveTask(taskC);
        assertEq(registry.servingMask(taskC, round), 0x7);
        uint256[] memory tasks = registry.servedTasks(trio[2]);
        assertEq(tasks[tasks.length - 1], taskC);
    }

    function test_serveTask_revertsForATaskTheModelRegistryDoesNotHold() public {
        uint256 count = models.modelCount();
        vm.startPrank(trio[0]);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.UnknownTask.selector, 0, count));
        registry.serveTask(0);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.UnknownTask.selector, count + 1, count));
        registry.serveTask(count + 1);
        vm.stopPrank();
    }

    function test_serveTask_revertsForAnAccountThatIsNotAValidator() public {
        address stranger = makeAddr("stranger");
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ValidatorNotAdmitted.selector, stranger));
        vm.prank(stranger);
        registry.serveTask(taskA);
    }

    function test_serveTask_revertsWhenAlreadyServing() public {
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ServingUnchanged.selector, trio[0], taskA, true));
        vm.prank(trio[0]);
        registry.serveTask(taskA);
    }

    function test_stopServingTask_revertsWhenNotServing() public {
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ServingUnchanged.selector, trio[2], taskB, false));
        vm.prank(trio[2]);
        registry.stopServingTask(taskB);
    }

    function test_serveTask_revertsBeyondTheMostTasksOneValidatorMayServe() public {
        uint256 max = registry.MAX_SERVED_TASKS();
        while (models.modelCount() <= max) {
            registerModel(owner); // every admitted validator with room serves each new model
        }
        uint256 last = models.modelCount();
        assertEq(registry.servedTasks(trio[0]).length, max);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.TooManyServedTasks.selector, trio[0], max));
        vm.prank(trio[0]);
        registry.serveTask(last);
        vm.prank(trio[0]);
        registry.stopServingTask(taskA);
        vm.prank(trio[0]);
        registry.serveTask(last);
        assertEq(registry.servedTasks(trio[0]).length, max);
    }

    /// @dev The attack: stop serving a task after seeing its contributions, to dodge judging them (or to leave a
    /// contribution without quorum). The round's servers are fixed from its first submission.
    function test_stopServingTask_duringARoundWithContributionsAppliesFromTheNextRound() public {
        (uint256 round, uint256[] memory ids) = submitUpdates(taskB, 1);
        vm.expectEmit(address(registry));
        emit IValidatorRegistry.TaskServingChanged(trio[1], taskB, false, round + 1);
        vm.prank(trio[1]);
        registry.stopServingTask(taskB);
        assertEq(registry.servingMask(taskB, round), 0x3);
        assertEq(registry.servingMask(taskB, round + 1), 0x1);

        _score(round, hex"46", hex"46", hex"00"); // trio[1] still judges taskB in this round
        assertEq(uint8(contributionOf(ids[0]).status), uint8(ContributionStatus.Accepted));
        assertEq(contributionOf(ids[0]).consensusScore, 70);
    }

    /// @dev A new holder of a freed index must not inherit its previous holder's tasks.
    function test_withdrawValidatorBond_fullExitStopsServingItsTasks() public {
        address leaving = trio[2];
        vm.prank(admin);
        registry.removeValidator(leaving);
        vm.roll(registry.validatorInfo(leaving).unbondingReadyBlock);
        vm.prank(leaving);
        registry.withdrawValidatorBond();
        assertEq(registry.servingMask(taskA, protocol.currentRound()), 0x3);

        address newcomer = newValidator("newcomer", VALIDATOR_BOND); // serves every model, declared by itself
        assertEq(registry.validatorInfo(newcomer).index, 2);
        vm.prank(newcomer);
        registry.stopServingTask(taskA);
        assertEq(registry.servingMask(taskA, protocol.currentRound()), 0x3);
    }

    // ---- submissions ---------------------------------------------------------------------------------------

    /// @dev The attack: register a model nobody serves and draw contributors into it, whose every contribution would
    /// be floored by validators that do not hold the task's held-out set.
    function test_submitContribution_revertsForATaskTooFewValidatorsServe() public {
        (uint256 taskC,) = registerModel(owner);
        vm.prank(trio[1]);
        registry.stopServingTask(taskC);
        vm.prank(trio[2]);
        registry.stopServingTask(taskC);
        _expectUnderserved(taskC, 1);
    }

    function test_submitContribution_revertsForATaskNoModelBacks() public {
        uint256 unknown = models.modelCount() + 1;
        _expectUnderserved(unknown, 0);
    }

    /// @dev Servers that are not expected in the round (inactive) do not count towards its quorum.
    function test_submitContribution_countsOnlyTheRoundsExpectedServers() public {
        vm.prank(trio[1]);
        registry.requestValidatorUnbond(VALIDATOR_BOND); // inactive: rounds opened from now on do not expect it
        _expectUnderserved(taskB, 1);
    }

    // ---- judging -------------------------------------------------------------------------------------------

    /// @dev trio[2] does not serve taskB: whatever it reveals there counts for nothing, and costs it nothing.
    function test_finalize_aNonServerAbstainsWithoutRewardOrPenalty() public {
        (uint256 round, uint256[] memory ids) = _submitOneEach();
        uint256 bondBefore = bondOf(trio[2]);
        _commitAndReveal(round, hex"5050", hex"5050", hex"500a"); // 80 on both; trio[2] reveals 10 on taskB
        bytes32[] memory page = pageOf(round, 2);
        _expectScored(round, trio[2], 1, 0);
        protocol.finalize(round, page);
        assertEq(contributionOf(ids[1]).consensusScore, 80); // not pulled by trio[2]'s 10
        assertEq(bondOf(trio[2]), bondBefore); // no deviation charged
        assertEq(uint8(contributionOf(ids[0]).status), uint8(ContributionStatus.Accepted));
    }

    /// @dev The median of a task's contribution is over its servers: two servers at 60 and 90 give their midpoint,
    /// even when a non-server's score would have been the median of three.
    function test_finalize_theMedianIsOverTheTasksServers() public {
        (uint256 round, uint256[] memory ids) = _submitOneEach();
        _score(round, hex"503c", hex"505a", hex"5046"); // taskB: 60, 90 by servers, 70 by trio[2]
        assertEq(contributionOf(ids[1]).consensusScore, 75);
    }

    /// @dev One of taskB's two servers withholds its reveal: taskB lacks quorum among its servers and is released,
    /// while taskA, judged by the two that revealed, settles.
    function test_finalize_aTaskWithoutQuorumOfItsServersIsReleased() public {
        (uint256 round, uint256[] memory ids) = _submitOneEach();
        rollToCommit(round);
        commit(trio[0], round, hex"5050");
        commit(trio[1], round, hex"5050");
        commit(trio[2], round, hex"5000");
        rollToReveal(round);
        reveal(trio[0], round, hex"5050");
        reveal(trio[2], round, hex"5000");
        rollToFinalization(round);
        finalizeAll(round);
        assertEq(uint8(contributionOf(ids[1]).status), uint8(ContributionStatus.Released));
        assertEq(contributionOf(ids[1]).consensusScore, 0);
        assertEq(uint8(contributionOf(ids[0]).status), uint8(ContributionStatus.Accepted));
    }

    /// @dev The attack: a server reveals 0 on a contribution of its own task to avoid judging it. Its weight votes
    /// for the neutral score, as a withheld reveal does, and the 0 counts as a deviation.
    function test_finalize_aServersZeroVotesNeutralAndDeviates() public {
        (uint256 round, uint256[] memory ids) = _submitOneEach();
        _commitAndReveal(round, hex"5050", hex"5000", hex"5000"); // taskB: 80 by trio[0], 0 by trio[1]
        bytes32[] memory page = pageOf(round, 2);
        _expectScored(round, trio[1], 1, 1);
        protocol.finalize(round, page);
        assertEq(contributionOf(ids[1]).consensusScore, 65); // midpoint of 50 (neutral) and 80
        assertLt(bondOf(trio[1]), VALIDATOR_BOND);
    }

    /// @dev Random scores of two servers and a non-server: the consensus of a taskB contribution is exactly the
    /// weighted median of the two servers' scores (equal bonds: their midpoint, rounded up).
    function testFuzz_finalize_matchesTheServersMidpoint(uint8 a, uint8 b, uint8 other) public {
        a = uint8(bound(a, 1, 100));
        b = uint8(bound(b, 1, 100));
        other = uint8(bound(other, 0, 100));
        (uint256 round, uint256[] memory ids) = submitUpdates(taskB, 1);
        _score(round, abi.encodePacked(a), abi.encodePacked(b), abi.encodePacked(other));
        uint256 low = a < b ? a : b;
        uint256 high = a < b ? b : a;
        assertEq(contributionOf(ids[0]).consensusScore, low == high ? low : (low + high + 1) / 2);
    }

    function _submitOneEach() private returns (uint256 round, uint256[] memory ids) {
        ids = new uint256[](2);
        uint256[] memory first;
        (round, first) = submitUpdates(taskA, 1);
        ids[0] = first[0];
        (, first) = submitUpdates(taskB, 1);
        ids[1] = first[0];
    }

    function _score(uint256 round, bytes memory first, bytes memory second, bytes memory third) private {
        _commitAndReveal(round, first, second, third);
        finalizeAll(round);
    }

    /// @dev The trio commits and reveals these scores, and the round reaches its finalization window.
    function _commitAndReveal(uint256 round, bytes memory first, bytes memory second, bytes memory third) private {
        bytes[3] memory scores = [first, second, third];
        rollToCommit(round);
        for (uint256 i = 0; i < 3; ++i) {
            commit(trio[i], round, scores[i]);
        }
        rollToReveal(round);
        for (uint256 i = 0; i < 3; ++i) {
            reveal(trio[i], round, scores[i]);
        }
        rollToFinalization(round);
    }

    /// @dev The finalize call that follows credits `validator` with these agreements and deviations.
    function _expectScored(uint256 round, address validator, uint256 agreements, uint256 deviations) private {
        uint256 reward = agreements * protocol.parameter(Parameter.ValidationReward);
        vm.expectEmit(address(protocol));
        emit IScoreConsensus.ValidatorScored(round, validator, agreements, deviations, reward);
    }

    function _expectUnderserved(uint256 task, uint256 servers) private {
        bytes32 digest = digestOf(task);
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.TaskUnderserved.selector, task, servers, 2));
        vm.prank(contributor);
        protocol.submitContribution(uint8(ContributionType.MODEL_UPDATE), digest, task);
    }
}
