// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICotrainErrors} from "cotrain/interfaces/ICotrainErrors.sol";
import {IModelRegistry} from "cotrain/interfaces/IModelRegistry.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {Parameter} from "cotrain/types/CotrainTypes.sol";

import {RegistryFixture} from "../utils/RegistryFixture.sol";

/// @notice A base model's held-out metrics are measured by the validators that serve its task and recorded on its base
/// commit, as a commit's are: the lower medians once a quorum of the servers attested, never one validator's word.
contract BaseMetricsTest is RegistryFixture {
    address[] internal trio;
    uint256 internal task;
    uint256 internal baseCommit;

    function setUp() public override {
        super.setUp();
        setParam(Parameter.QuorumBps, 6_000); // 2 of 3
        trio = bondValidators(3);
        (task, baseCommit) = registerModel(owner);
    }

    function _attest(address validator, uint256 accuracyPpm, uint256 lossMicros) internal {
        vm.prank(validator);
        registry.attestBaseMetrics(task, accuracyPpm, lossMicros);
    }

    function _baseAccuracy() internal view returns (uint256) {
        return models.commit(baseCommit).accuracyPpm;
    }

    function test_attestBaseMetrics_recordsTheLowerMediansOnceAQuorumOfServersAttested() public {
        vm.expectEmit(address(registry));
        emit IValidatorRegistry.BaseMetricsAttested(task, trio[0], 900_000, 400_000);
        _attest(trio[0], 900_000, 400_000);
        assertEq(_baseAccuracy(), 0, "one validator's word is not recorded");
        (uint32 attested, bool recorded) = registry.baseMetricsState(task);
        assertEq(attested, 1 << _indexOf(trio[0]));
        assertFalse(recorded);

        vm.expectEmit(address(models));
        emit IModelRegistry.BaseMetricsRecorded(task, baseCommit, 800_000, 400_000);
        _attest(trio[1], 800_000, 700_000);

        IModelRegistry.CommitView memory base = models.commit(baseCommit);
        assertEq(base.accuracyPpm, 800_000);
        assertEq(base.lossMicros, 400_000);
        assertEq(base.parent, 0, "still the base commit");
        (, recorded) = registry.baseMetricsState(task);
        assertTrue(recorded);
    }

    function test_attestBaseMetrics_revertsOnceRecorded() public {
        _attest(trio[0], 900_000, 1);
        _attest(trio[1], 900_000, 1);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.BaseMetricsAlreadyRecorded.selector, task));
        _attest(trio[2], 100_000, 1);
        assertEq(_baseAccuracy(), 900_000);
    }

    function test_attestBaseMetrics_revertsTheSameValidatorsSecondAttestation() public {
        _attest(trio[0], 900_000, 1);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.BaseMetricsAlreadyAttested.selector, task, trio[0]));
        _attest(trio[0], 800_000, 1);
    }

    /// @dev A validator that does not serve the task has not measured it on the owner's held-out set.
    function test_attestBaseMetrics_revertsForAnyoneNotServingTheTask() public {
        vm.prank(trio[2]);
        registry.stopServingTask(task);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.NotServingValidator.selector, task, trio[2]));
        _attest(trio[2], 900_000, 1);
        address stranger = makeAddr("stranger");
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.NotServingValidator.selector, task, stranger));
        _attest(stranger, 900_000, 1);
    }

    /// @dev An attester that stopped serving no longer counts towards the quorum of the task's servers.
    function test_attestBaseMetrics_countsOnlyCurrentServers() public {
        _attest(trio[0], 1_000_000, 1);
        vm.prank(trio[0]);
        registry.stopServingTask(task);
        _attest(trio[1], 500_000, 1);
        assertEq(_baseAccuracy(), 0, "1 of the 2 servers left is short of the quorum");
        _attest(trio[2], 600_000, 1);
        assertEq(_baseAccuracy(), 500_000);
    }

    function test_attestBaseMetrics_revertsOutOfRangeMetricsAnUnknownModelAndWhilePaused() public {
        vm.startPrank(trio[0]);
        vm.expectRevert(abi.encodeWithSelector(ICotrainErrors.MetricsOutOfRange.selector, 1_000_001, 0));
        registry.attestBaseMetrics(task, 1_000_001, 0);
        uint256 tooLarge = uint256(type(uint64).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(ICotrainErrors.MetricsOutOfRange.selector, 0, tooLarge));
        registry.attestBaseMetrics(task, 0, tooLarge);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.NotServingValidator.selector, task + 1, trio[0]));
        registry.attestBaseMetrics(task + 1, 0, 0);
        vm.stopPrank();
        pauseProtocol();
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        _attest(trio[0], 900_000, 1);
    }

    /// @dev Fuzzed against a reference: with five servers and a 3-of-5 quorum, the recorded accuracy is the middle
    /// of the first three attested values and the loss the middle of theirs, whatever the order.
    function testFuzz_attestBaseMetrics_recordsTheMedianOfTheQuorum(
        uint32[3] memory accuracies,
        uint64[3] memory losses
    ) public {
        bondValidators(2); // five validators serve the task now
        uint256[] memory a = new uint256[](3);
        uint256[] memory l = new uint256[](3);
        for (uint256 i = 0; i < 3; ++i) {
            a[i] = bound(accuracies[i], 0, 1_000_000);
            l[i] = losses[i];
            _attest(trio[i], a[i], l[i]);
        }
        assertEq(_baseAccuracy(), _middle(a));
        assertEq(models.commit(baseCommit).lossMicros, _middle(l));
    }

    /// @dev Only the validator registry records base metrics, after its quorum: not the owner, not a validator.
    function test_recordBaseMetrics_revertsForAnyoneButTheValidatorRegistry() public {
        for (uint256 i = 0; i < 2; ++i) {
            address caller = i == 0 ? owner : trio[0];
            vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotValidatorRegistry.selector, caller));
            vm.prank(caller);
            models.recordBaseMetrics(task, 1_000_000, 0);
        }
    }

    function _indexOf(address validator) internal view returns (uint256 index) {
        (, index,) = registry.validatorSlot(validator, protocol.currentRound());
    }

    function _middle(uint256[] memory v) internal pure returns (uint256) {
        (uint256 x, uint256 y, uint256 z) = (v[0], v[1], v[2]);
        if (x > y) (x, y) = (y, x);
        if (y > z) (y, z) = (z, y);
        if (x > y) (x, y) = (y, x);
        return y;
    }
}
