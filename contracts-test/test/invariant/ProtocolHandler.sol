// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";

import {CotrainTimelock} from "cotrain/governance/CotrainTimelock.sol";
import {IContributionRounds} from "cotrain/interfaces/IContributionRounds.sol";
import {IContributorStaking} from "cotrain/interfaces/IContributorStaking.sol";
import {ICotrainProtocol} from "cotrain/interfaces/ICotrainProtocol.sol";
import {IProtocolParameters} from "cotrain/interfaces/IProtocolParameters.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {CotrainToken} from "cotrain/token/CotrainToken.sol";
import {Parameter, RoundPhase} from "cotrain/types/CotrainTypes.sol";
import {ValidatorRegistry} from "cotrain/validators/ValidatorRegistry.sol";

/// @notice Drives the protocol through random but valid sequences: registrations, stake changes, submissions,
/// commits (some validators deviate or stay away), reveals (some never reveal), paginated finalization, funding,
/// claims and validator unbonding, and the attacker's moves: resubmitting a digest, withdrawing a bond before the
/// rounds it scored are finalized, parameter changes through the governance timelock while rounds are open, and a
/// whale topping up its bond after a round opened. Keeps ghost totals and records what the invariants check.
contract ProtocolHandler is Test {
    uint256 public constant TIMELOCK_DELAY = 1 days;
    /// @dev Tasks 1..TASKS, which validators start and stop serving at random.
    uint256 public constant TASKS = 3;

    ICotrainProtocol internal protocol;
    ValidatorRegistry internal registry;
    CotrainToken internal token;
    CotrainTimelock internal timelock;
    address internal treasury;

    address[] public contributors;
    address[] public validators;

    uint256 public ghostSettled; // sum of what finalize reported settling
    uint256 public ghostFunded;
    uint256 public ghostFees; // submission fees of settled contributions
    uint256 public ghostDuplicatesAccepted; // resubmitted digests that got through: must stay 0
    uint256 public ghostEarlyWithdrawals; // bonds withdrawn before their rounds were settled: must stay 0
    uint256 public ghostUnderserved; // submissions refused because too few validators served their task

    bytes32[] public digests; // every digest submitted, in id order
    mapping(uint256 round => bytes32[]) internal roundDigests;
    mapping(uint256 round => uint256) public versionAtOpen; // the parameter version each round opened with
    uint256[] public openedRounds;
    mapping(uint256 round => mapping(address validator => bytes)) internal scoresOf;
    bytes[] internal scheduled; // calls scheduled on the timelock, salted with their index

    constructor(
        ICotrainProtocol protocol_,
        ValidatorRegistry registry_,
        CotrainToken token_,
        CotrainTimelock timelock_,
        address treasury_,
        address[] memory contributors_,
        address[] memory validators_
    ) {
        protocol = protocol_;
        registry = registry_;
        token = token_;
        timelock = timelock_;
        treasury = treasury_;
        contributors = contributors_;
        validators = validators_;
    }

    function contributorCount() external view returns (uint256) {
        return contributors.length;
    }

    function digestCount() external view returns (uint256) {
        return digests.length;
    }

    function openedRoundCount() external view returns (uint256) {
        return openedRounds.length;
    }

    // ---- contributors -----------------------------------------------------------------------------------------

    function increaseStake(uint256 actorSeed, uint256 amount) external {
        if (protocol.paused()) return;
        address contributor = contributors[actorSeed % contributors.length];
        amount = bound(amount, 1, 50e18);
        _give(contributor, amount);
        vm.startPrank(contributor);
        token.approve(address(protocol), amount);
        protocol.increaseStake(amount);
        vm.stopPrank();
    }

    function requestUnstake(uint256 actorSeed, uint256 amount) external {
        address contributor = contributors[actorSeed % contributors.length];
        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(contributor);
        uint256 free = profile.stake - profile.lockedStake;
        if (free == 0) return;
        amount = bound(amount, 1, free);
        vm.prank(contributor);
        try protocol.requestUnstake(amount) {} catch {} // at most 16 requests pending
    }

    function withdrawStake(uint256 actorSeed) external {
        address contributor = contributors[actorSeed % contributors.length];
        if (protocol.contributorProfile(contributor).withdrawableStake == 0) return;
        vm.prank(contributor);
        protocol.withdrawStake();
    }

    function submit(uint256 actorSeed, uint8 kind, bytes32 seed) external {
        address contributor = contributors[actorSeed % contributors.length];
        if (protocol.paused()) return;
        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(contributor);
        uint256 round = protocol.currentRound();
        if (profile.stake - profile.lockedStake < protocol.roundParameter(round, Parameter.StakePerContribution)) {
            return;
        }
        bytes32 digest = keccak256(abi.encode(seed, digests.length));
        uint256 task = 1 + actorSeed % TASKS;
        vm.prank(contributor);
        try protocol.submitContribution(kind % 3, digest, task) returns (uint256 id) {
            assertEq(id, digests.length + 1);
        } catch (bytes memory reason) {
            // the only refusal a staked contributor meets here: too few validators serve the task
            assertEq(bytes4(reason), IContributionRounds.TaskUnderserved.selector);
            ++ghostUnderserved;
            return;
        }
        digests.push(digest);
        roundDigests[round].push(digest);
        if (roundDigests[round].length == 1) {
            openedRounds.push(round);
            versionAtOpen[round] = protocol.roundInfo(round).parameterVersion;
        }
    }

    /// @dev The attack: the same digest again, by anyone, in any later round. It must never be accepted.
    function resubmit(uint256 actorSeed, uint256 digestSeed) external {
        if (digests.length == 0 || protocol.paused()) return;
        address contributor = contributors[actorSeed % contributors.length];
        bytes32 digest = digests[digestSeed % digests.length];
        vm.prank(contributor);
        try protocol.submitContribution(0, digest, 1) {
            ++ghostDuplicatesAccepted;
        } catch {}
    }

    function claim(uint256 actorSeed) external {
        address account = actorSeed % 2 == 0
            ? contributors[actorSeed % contributors.length]
            : validators[actorSeed % validators.length];
        if (protocol.claimable(account) == 0) return;
        vm.prank(account);
        protocol.claimRewards();
    }

    function fund(uint256 amount) external {
        amount = bound(amount, 1, 1_000e18);
        vm.startPrank(treasury);
        token.approve(address(protocol), amount);
        protocol.fundRewards(amount);
        vm.stopPrank();
        ghostFunded += amount;
    }

    // ---- governance -------------------------------------------------------------------------------------------

    /// @dev Schedules a parameter change through the timelock: rewards, thresholds, quorum, tolerance, stakes.
    function scheduleParameter(uint256 which, uint256 value) external {
        (Parameter parameter, uint256 bounded) = _pricing(which, value);
        bytes memory call = abi.encodeCall(IProtocolParameters.setParameter, (parameter, bounded));
        vm.prank(treasury); // the governor
        timelock.schedule(address(protocol), 0, call, bytes32(0), bytes32(scheduled.length), TIMELOCK_DELAY);
        scheduled.push(call);
    }

    /// @dev Executes a scheduled change once its delay and exit window have passed (letting that time pass if the
    /// protocol runs), in the middle of whatever rounds run.
    function executeParameter(uint256 index) external {
        if (scheduled.length == 0) return;
        index = index % scheduled.length;
        bytes memory call = scheduled[index];
        bytes32 id = timelock.hashOperation(address(protocol), 0, call, bytes32(0), bytes32(index));
        if (timelock.isOperationDone(id)) return;
        if (!timelock.isOperationReady(id)) {
            if (protocol.paused()) return; // the exit window does not run
            vm.warp(block.timestamp + TIMELOCK_DELAY);
            uint256 clock = protocol.protocolClock();
            uint256 ready = timelock.readyClock(id);
            if (clock < ready) vm.roll(block.number + ready - clock);
        }
        vm.prank(treasury);
        timelock.execute(address(protocol), 0, call, bytes32(0), bytes32(index));
    }

    /// @dev Pauses now and then (a pause stops the protocol clock); unpauses otherwise.
    function pauseOrUnpause(uint256 seed) external {
        bool paused = protocol.paused();
        if (!paused && seed % 8 != 0) return;
        vm.prank(treasury); // holds PAUSER_ROLE directly: pausing stays immediate
        if (paused) protocol.unpause();
        else protocol.pause();
    }

    // ---- validators and rounds -------------------------------------------------------------------------------

    function advance(uint256 blocks) external {
        vm.roll(block.number + bound(blocks, 1, 15));
    }

    /// @dev Every validator whose turn it is commits for the oldest round in its commit window. Validator 0 scores
    /// from the seed, the others mostly agree with it, sometimes deviate, and the last one sometimes stays away.
    function commitAll(uint256 seed) external {
        uint256 round = _roundIn(RoundPhase.Commit);
        if (round == 0 || protocol.paused()) return;
        IContributionRounds.RoundView memory info = protocol.roundInfo(round);
        for (uint256 v = 0; v < validators.length; ++v) {
            address validator = validators[v];
            IValidatorRegistry.ValidatorInfo memory slot = registry.validatorInfo(validator);
            if ((info.committedValidators >> slot.index) & 1 == 1) continue;
            if ((info.expectedValidators >> slot.index) & 1 == 0 || slot.bond < 1 gwei) continue;
            if (v == validators.length - 1 && seed % 4 == 0) continue; // absent
            bytes memory scores = new bytes(info.contributionCount);
            for (uint256 i = 0; i < scores.length; ++i) {
                uint256 base = uint256(keccak256(abi.encode(seed, round, i))) % 100 + 1;
                uint256 noise = uint256(keccak256(abi.encode(seed, round, i, v))) % 100;
                // 10 % of scores deviate, 3 % abstain whether or not the validator serves the task
                scores[i] = bytes1(uint8(noise < 3 ? 0 : noise < 10 ? (base % 100) + 1 : base));
            }
            bytes32 commitment = protocol.commitmentHash(round, validator, scores, bytes32(seed));
            vm.prank(validator);
            protocol.commitScores(round, commitment);
            scoresOf[round][validator] = abi.encode(scores, bytes32(seed));
        }
    }

    function revealAll(uint256 seed) external {
        uint256 round = _roundIn(RoundPhase.Reveal);
        if (round == 0 || protocol.paused()) return;
        IContributionRounds.RoundView memory info = protocol.roundInfo(round);
        for (uint256 v = 0; v < validators.length; ++v) {
            address validator = validators[v];
            uint256 bit = 1 << registry.validatorInfo(validator).index;
            if (info.committedValidators & bit == 0 || info.revealedValidators & bit != 0) continue;
            if (v == 0 && seed % 5 == 0) continue; // committed, never reveals
            (bytes memory scores, bytes32 salt) = abi.decode(scoresOf[round][validator], (bytes, bytes32));
            vm.prank(validator);
            protocol.revealScores(round, scores, salt);
        }
    }

    function finalize(uint256 page) external {
        uint256 round = _roundIn(RoundPhase.Finalization);
        if (round == 0 || protocol.paused()) return;
        IContributionRounds.RoundView memory info = protocol.roundInfo(round);
        uint256 left = info.contributionCount - info.finalizedCount;
        uint256 size = bound(page, 1, 8);
        bytes32[] memory pageDigests = new bytes32[](size < left ? size : left);
        for (uint256 i = 0; i < pageDigests.length; ++i) {
            pageDigests[i] = roundDigests[round][info.finalizedCount + i];
        }
        uint256 settled = protocol.finalize(round, pageDigests);
        ghostSettled += settled;
        // a round with quorum takes its submission fee from each contribution it settles
        if (protocol.roundInfo(round).quorumReached) {
            ghostFees += settled * protocol.roundParameter(round, Parameter.SubmissionFee);
        }
    }

    /// @dev A validator starts or stops serving a task while rounds are open.
    function toggleServing(uint256 actorSeed, uint256 taskSeed) external {
        address validator = validators[actorSeed % validators.length];
        uint256 task = 1 + taskSeed % TASKS;
        uint256[] memory served = registry.servedTasks(validator);
        bool serving;
        for (uint256 i = 0; i < served.length; ++i) {
            serving = serving || served[i] == task;
        }
        if (!serving && !registry.validatorInfo(validator).admitted) return;
        vm.prank(validator);
        if (serving) registry.stopServingTask(task);
        else registry.serveTask(task);
    }

    /// @dev The whale's move: top up a bond after a round opened, to weigh more in it.
    function topUpBond(uint256 actorSeed, uint256 amount) external {
        if (protocol.paused()) return;
        address validator = validators[actorSeed % validators.length];
        if (!registry.validatorInfo(validator).admitted) return;
        amount = bound(amount, 1, 50_000e18);
        _give(validator, amount);
        vm.startPrank(validator);
        token.approve(address(registry), amount);
        registry.bondValidator(amount);
        vm.stopPrank();
    }

    function unbondValidator(uint256 actorSeed, uint256 amount) external {
        address validator = validators[actorSeed % validators.length];
        uint256 bond = registry.validatorInfo(validator).bond;
        if (bond == 0) return;
        amount = bound(amount, 1, bond);
        vm.prank(validator);
        registry.requestValidatorUnbond(amount);
    }

    /// @dev The attack: try to withdraw whenever there is something unbonding. A withdrawal that goes through while
    /// a round up to the one recorded at the request is not finalized is an escape.
    function withdrawValidatorBond(uint256 actorSeed) external {
        address validator = validators[actorSeed % validators.length];
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(validator);
        if (info.unbonding == 0) return;
        uint256 mustBeSettled = info.unbondingRound;
        vm.prank(validator);
        try registry.withdrawValidatorBond() {
            if (!_finalizedThrough(mustBeSettled)) ++ghostEarlyWithdrawals;
        } catch {}
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /// @dev Whether every round up to `round` that received contributions is finalized.
    function _finalizedThrough(uint256 round) internal view returns (bool) {
        for (uint256 i = 0; i < openedRounds.length; ++i) {
            uint256 opened = openedRounds[i];
            if (opened > round) continue;
            if (protocol.roundInfo(opened).phase != RoundPhase.Finalized) return false;
        }
        return true;
    }

    /// @dev A parameter that prices rounds and a value for it that keeps every consistency rule.
    function _pricing(uint256 which, uint256 value) internal pure returns (Parameter, uint256) {
        uint256 pick = which % 7;
        if (pick == 0) return (Parameter.ModelUpdateReward, bound(value, 0, 100e18));
        if (pick == 1) return (Parameter.QuorumBps, bound(value, 3_000, 10_000));
        if (pick == 2) return (Parameter.ToleranceScore, bound(value, 0, 30));
        if (pick == 3) return (Parameter.NeutralScore, bound(value, 30, 99));
        if (pick == 4) return (Parameter.StakePerContribution, bound(value, 10e18, 30e18));
        if (pick == 5) return (Parameter.SubmissionFee, bound(value, 0, 5e18)); // what a slash leaves of 10 tokens
        return (Parameter.MaxWeightShareBps, bound(value, 2_000, 10_000));
    }

    /// @dev The oldest round with contributions in `phase`, or 0.
    function _roundIn(RoundPhase phase) internal view returns (uint256) {
        for (uint256 i = 0; i < openedRounds.length; ++i) {
            uint256 round = openedRounds[i];
            if (protocol.roundInfo(round).phase == phase) return round;
        }
        return 0;
    }

    function _give(address account, uint256 amount) internal {
        vm.prank(treasury);
        token.transfer(account, amount);
    }
}
