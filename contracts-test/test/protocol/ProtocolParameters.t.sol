// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Vm} from "forge-std/Vm.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {CoreTestHelpers} from "../utils/CoreTestHelpers.sol";
import {ICotrainProtocol} from "cotrain/interfaces/ICotrainProtocol.sol";
import {IProtocolParameters} from "cotrain/interfaces/IProtocolParameters.sol";
import {ProtocolParameters} from "cotrain/protocol/ProtocolParameters.sol";
import {ContributionType, Parameter, ProtocolConfig} from "cotrain/types/CotrainTypes.sol";

/// @dev The parameters module on its own, with the default (empty) update hook that the protocol overrides and its
/// latest version in a plain variable.
contract StandaloneParameters is ProtocolParameters {
    uint256 private latest;

    function initialize(ProtocolConfig memory config) external {
        _initializeParameters(config);
    }

    function setParameter(Parameter which, uint256 value) external {
        _setParameter(which, value);
    }

    function parameter(Parameter which) external view returns (uint256) {
        return _param(which);
    }

    function parameterAt(uint256 version, Parameter which) external view returns (uint256) {
        return _paramAt(version, which);
    }

    function _latestVersion() internal view override returns (uint256) {
        return latest;
    }

    function _setLatestVersion(uint256 version) internal override {
        latest = version;
    }
}

contract ProtocolParametersTest is CoreTestHelpers {
    uint256 internal constant PARAMETER_COUNT = 27;
    uint256 internal constant BPS = 10_000;
    uint256 internal constant MAX_TOKEN_AMOUNT = 1e27;
    uint256 internal constant MAX_BLOCKS = 10_000_000;

    /// @dev The bounds as documented in ProtocolParameters' table, written out independently of the encoding.
    function documentedBounds(Parameter which) internal pure returns (uint256 min, uint256 max) {
        if (which == Parameter.MinContributorStake) return (1, MAX_TOKEN_AMOUNT);
        if (which == Parameter.StakePerContribution) return (1, MAX_TOKEN_AMOUNT);
        if (which == Parameter.ContributorUnbondingBlocks) return (1, MAX_BLOCKS);
        if (which == Parameter.ContributorSlashBps) return (0, BPS);
        if (which == Parameter.SlashThresholdScore) return (1, 100);
        if (which == Parameter.ReputationAlphaBps) return (1, BPS);
        if (which == Parameter.InitialReputation) return (100, BPS);
        if (which == Parameter.MinValidatorStake) return (1, MAX_TOKEN_AMOUNT);
        if (which == Parameter.ValidatorUnbondingBlocks) return (1, MAX_BLOCKS);
        if (which == Parameter.MaxValidators) return (1, 32);
        if (which == Parameter.ValidationReward) return (0, MAX_TOKEN_AMOUNT);
        if (which == Parameter.DeviationPenaltyBps) return (0, BPS);
        if (which == Parameter.AbsencePenaltyBps) return (0, BPS);
        if (which == Parameter.ToleranceScore) return (0, 99);
        if (which == Parameter.QuorumBps) return (1, BPS);
        if (which == Parameter.SubmissionBlocks) return (1, MAX_BLOCKS);
        if (which == Parameter.CommitBlocks) return (1, MAX_BLOCKS);
        if (which == Parameter.RevealBlocks) return (1, MAX_BLOCKS);
        if (which == Parameter.NeutralScore) return (1, 99);
        if (which == Parameter.MaxContributionsPerRound) return (1, 65_535);
        if (which == Parameter.MaxContributionsPerContributor) return (1, 65_535);
        if (which == Parameter.MaxWeightShareBps) return (1, BPS);
        if (which == Parameter.MaxRoundPenaltyBps) return (0, BPS);
        return (0, MAX_TOKEN_AMOUNT); // the three base rewards
    }

    /// @dev Parameters that no other parameter constrains (given an empty validator set).
    function isUnconstrained(Parameter which) internal pure returns (bool) {
        return which != Parameter.SubmissionBlocks && which != Parameter.CommitBlocks
            && which != Parameter.RevealBlocks && which != Parameter.ValidatorUnbondingBlocks
            && which != Parameter.SlashThresholdScore && which != Parameter.NeutralScore
            && which != Parameter.DeviationPenaltyBps && which != Parameter.AbsencePenaltyBps
            && which != Parameter.MaxRoundPenaltyBps && which != Parameter.SubmissionFee;
    }

    /// @dev The widest value a constrained parameter accepts next to the defaults.
    function widestConsistentValue(Parameter which) internal pure returns (uint256) {
        if (which == Parameter.ValidatorUnbondingBlocks) return MAX_BLOCKS;
        if (which == Parameter.SlashThresholdScore) return 50; // the default neutral score
        if (which == Parameter.NeutralScore) return 99;
        if (which == Parameter.DeviationPenaltyBps || which == Parameter.MaxRoundPenaltyBps) return 500; // absence
        if (which == Parameter.AbsencePenaltyBps) return BPS;
        if (which == Parameter.SubmissionFee) return 5 * TOKEN; // what the default slash leaves of the stake lock
        return 70; // the longest submission, commit or reveal window the default unbonding (100) allows
    }

    function configValue(ProtocolConfig memory config, uint256 i) internal pure returns (uint256 value) {
        assembly {
            value := mload(add(config, mul(i, 32)))
        }
    }

    function configWith(uint256 i, uint256 value) internal pure returns (ProtocolConfig memory config) {
        config = defaultConfig();
        assembly {
            mstore(add(config, mul(i, 32)), value)
        }
    }

    function allValues() internal view returns (uint256[] memory values) {
        values = new uint256[](PARAMETER_COUNT);
        for (uint256 i = 0; i < PARAMETER_COUNT; ++i) {
            values[i] = protocol.parameter(Parameter(i));
        }
    }

    function expectOutOfRange(Parameter which, uint256 value) internal {
        (uint256 min, uint256 max) = documentedBounds(which);
        vm.expectRevert(
            abi.encodeWithSelector(IProtocolParameters.ParameterOutOfRange.selector, which, value, min, max)
        );
        vm.prank(admin);
        protocol.setParameter(which, value);
    }

    // ---- parameterBounds / parameter -------------------------------------------------------------------------

    function test_parameterBounds_matchDocumentedTable() public view {
        for (uint256 i = 0; i < PARAMETER_COUNT; ++i) {
            (uint256 min, uint256 max) = protocol.parameterBounds(Parameter(i));
            (uint256 expectedMin, uint256 expectedMax) = documentedBounds(Parameter(i));
            assertEq(min, expectedMin, vm.toString(i));
            assertEq(max, expectedMax, vm.toString(i));
        }
    }

    function test_parameter_returnsInitialConfig() public view {
        assertInitialConfig();
    }

    function assertInitialConfig() internal view {
        ProtocolConfig memory config = defaultConfig();
        for (uint256 i = 0; i < PARAMETER_COUNT; ++i) {
            assertEq(protocol.parameter(Parameter(i)), configValue(config, i), vm.toString(i));
        }
    }

    // ---- setParameter: bounds --------------------------------------------------------------------------------

    function test_setParameter_acceptsBothBoundsOfUnconstrainedParameters() public {
        for (uint256 i = 0; i < PARAMETER_COUNT; ++i) {
            Parameter which = Parameter(i);
            if (!isUnconstrained(which)) continue;
            (uint256 min, uint256 max) = documentedBounds(which);
            setParam(which, min);
            assertEq(protocol.parameter(which), min, vm.toString(i));
            setParam(which, max);
            assertEq(protocol.parameter(which), max, vm.toString(i));
            setParam(which, (min + max) / 2);
            assertEq(protocol.parameter(which), (min + max) / 2, vm.toString(i));
        }
    }

    function test_setParameter_revertsJustOutsideEveryBound() public {
        for (uint256 i = 0; i < PARAMETER_COUNT; ++i) {
            Parameter which = Parameter(i);
            (uint256 min, uint256 max) = documentedBounds(which);
            if (min != 0) expectOutOfRange(which, min - 1);
            expectOutOfRange(which, max + 1);
            expectOutOfRange(which, type(uint256).max);
        }
        assertInitialConfig();
    }

    function test_setParameter_roundWindowsAtTheirLowerBound() public {
        setParam(Parameter.CommitBlocks, 1);
        setParam(Parameter.RevealBlocks, 1);
        setParam(Parameter.SubmissionBlocks, 1);
        // a round is now 3 blocks long: the smallest validator unbonding that covers it
        setParam(Parameter.ValidatorUnbondingBlocks, 3);
        assertEq(protocol.parameter(Parameter.SubmissionBlocks), 1);
        assertEq(protocol.parameter(Parameter.CommitBlocks), 1);
        assertEq(protocol.parameter(Parameter.RevealBlocks), 1);
        assertEq(protocol.parameter(Parameter.ValidatorUnbondingBlocks), 3);

        // the advertised minimum of 1 can never hold: every round lasts at least 3 blocks
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.UnbondingShorterThanRound.selector, 1, 3, Parameter.SubmissionBlocks
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.ValidatorUnbondingBlocks, 1);
    }

    function test_setParameter_roundWindowsAtTheirUpperBound() public {
        setParam(Parameter.ValidatorUnbondingBlocks, MAX_BLOCKS);
        setParam(Parameter.CommitBlocks, 1);
        setParam(Parameter.RevealBlocks, 1);
        // the longest submission window that still leaves a round within the longest unbonding
        setParam(Parameter.SubmissionBlocks, MAX_BLOCKS - 2);
        assertEq(protocol.parameter(Parameter.SubmissionBlocks), MAX_BLOCKS - 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.UnbondingShorterThanRound.selector,
                MAX_BLOCKS,
                MAX_BLOCKS + 2,
                Parameter.ValidatorUnbondingBlocks
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.SubmissionBlocks, MAX_BLOCKS);

        // commit and reveal at the maximum would not fit any round within the longest unbonding either
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.UnbondingShorterThanRound.selector,
                MAX_BLOCKS,
                2 * MAX_BLOCKS - 1,
                Parameter.ValidatorUnbondingBlocks
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.CommitBlocks, MAX_BLOCKS);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.UnbondingShorterThanRound.selector,
                MAX_BLOCKS,
                2 * MAX_BLOCKS - 1,
                Parameter.ValidatorUnbondingBlocks
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.RevealBlocks, MAX_BLOCKS);
    }

    // ---- setParameter: consistency rules ---------------------------------------------------------------------

    function test_setParameter_revertsWhenValidatorUnbondingShorterThanRound() public {
        uint256 roundBlocks = SUBMISSION_BLOCKS + COMMIT_BLOCKS + REVEAL_BLOCKS;
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.UnbondingShorterThanRound.selector,
                roundBlocks - 1,
                roundBlocks,
                Parameter.SubmissionBlocks
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.ValidatorUnbondingBlocks, roundBlocks - 1);

        setParam(Parameter.ValidatorUnbondingBlocks, roundBlocks);
        assertEq(protocol.parameter(Parameter.ValidatorUnbondingBlocks), roundBlocks);

        // a longer round is checked against the unbonding too
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.UnbondingShorterThanRound.selector,
                roundBlocks,
                roundBlocks + 1,
                Parameter.ValidatorUnbondingBlocks
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.SubmissionBlocks, SUBMISSION_BLOCKS + 1);
    }

    function test_setParameter_revertsWhenScoringWindowsTooLong() public {
        // 20 blocks of commit + reveal need at least ceil(20 / 7) = 3 blocks of submission
        vm.expectRevert(
            abi.encodeWithSelector(IProtocolParameters.ScoringWindowsTooLong.selector, 20, 14, Parameter.CommitBlocks)
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.SubmissionBlocks, 2);
        setParam(Parameter.SubmissionBlocks, 3);

        setParam(Parameter.SubmissionBlocks, SUBMISSION_BLOCKS);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.ScoringWindowsTooLong.selector, 141, 140, Parameter.SubmissionBlocks
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.CommitBlocks, 131);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.ScoringWindowsTooLong.selector, 141, 140, Parameter.SubmissionBlocks
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.RevealBlocks, 131);

        setParam(Parameter.ValidatorUnbondingBlocks, 1_000);
        setParam(Parameter.CommitBlocks, 130);
        assertEq(protocol.parameter(Parameter.CommitBlocks), 130);
    }

    function test_setParameter_revertsWhenMaxValidatorsBelowCurrentSet() public {
        vm.startPrank(admin);
        registry.addValidator(makeAddr("v0"));
        registry.addValidator(makeAddr("v1"));
        registry.addValidator(makeAddr("v2"));
        vm.stopPrank();

        vm.expectRevert(abi.encodeWithSelector(IProtocolParameters.MaxValidatorsBelowCurrent.selector, 2, 3));
        vm.prank(admin);
        protocol.setParameter(Parameter.MaxValidators, 2);

        setParam(Parameter.MaxValidators, 3);
        assertEq(protocol.parameter(Parameter.MaxValidators), 3);
    }

    function test_setParameter_revertsWhenSlashThresholdAboveNeutral() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.SlashThresholdAboveNeutral.selector, 51, 50, Parameter.NeutralScore
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.SlashThresholdScore, 51);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.SlashThresholdAboveNeutral.selector, 30, 29, Parameter.SlashThresholdScore
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.NeutralScore, 29);

        setParam(Parameter.SlashThresholdScore, 50);
        assertEq(protocol.parameter(Parameter.SlashThresholdScore), 50);
    }

    function test_setParameter_revertsWhenADeviationExceedsTheRoundCap() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.DeviationPenaltyAboveRoundCap.selector, 501, 500, Parameter.MaxRoundPenaltyBps
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.DeviationPenaltyBps, 501);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.DeviationPenaltyAboveRoundCap.selector, 100, 99, Parameter.DeviationPenaltyBps
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.MaxRoundPenaltyBps, 99);
    }

    /// Withholding (a missing commit or reveal costs AbsencePenaltyBps) must never be cheaper than the worst reveal.
    function test_setParameter_revertsWhenTheRoundCapExceedsTheAbsencePenalty() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.RoundCapAboveAbsencePenalty.selector, 501, 500, Parameter.AbsencePenaltyBps
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.MaxRoundPenaltyBps, 501);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.RoundCapAboveAbsencePenalty.selector, 500, 499, Parameter.MaxRoundPenaltyBps
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.AbsencePenaltyBps, 499);

        setParam(Parameter.AbsencePenaltyBps, 1_000);
        setParam(Parameter.MaxRoundPenaltyBps, 1_000);
        assertEq(protocol.parameter(Parameter.MaxRoundPenaltyBps), 1_000);
    }

    /// The fee and a slash come out of one stake lock: together they may not exceed it.
    function test_setParameter_revertsWhenTheFeeExceedsWhatASlashLeaves() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.SubmissionFeeAboveUnslashedStake.selector,
                5 * TOKEN + 1,
                5 * TOKEN,
                Parameter.StakePerContribution
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.SubmissionFee, 5 * TOKEN + 1);
        setParam(Parameter.SubmissionFee, 5 * TOKEN);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.SubmissionFeeAboveUnslashedStake.selector,
                5 * TOKEN,
                4 * TOKEN,
                Parameter.SubmissionFee
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.ContributorSlashBps, 6_000);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.SubmissionFeeAboveUnslashedStake.selector,
                5 * TOKEN,
                4 * TOKEN,
                Parameter.SubmissionFee
            )
        );
        vm.prank(admin);
        protocol.setParameter(Parameter.StakePerContribution, 8 * TOKEN);
    }

    // ---- setParameter: events, roles, storage layout, hooks --------------------------------------------------

    function test_setParameter_emitsParameterUpdatedWithTheNewVersion() public {
        vm.expectEmit(address(protocol));
        emit IProtocolParameters.ParameterUpdated(Parameter.QuorumBps, 6_667, 5_000, 2);
        setParam(Parameter.QuorumBps, 5_000);

        // setting the same value again is still evented, as a version of its own
        vm.expectEmit(address(protocol));
        emit IProtocolParameters.ParameterUpdated(Parameter.QuorumBps, 5_000, 5_000, 3);
        setParam(Parameter.QuorumBps, 5_000);
    }

    /// @dev An open round keeps the version it opened with; rounds opened after the change get the new one.
    function test_roundParameter_pricesEachRoundByTheVersionItOpenedWith() public {
        address contributor = newContributor("contributor", 1_000 * TOKEN);
        uint256 id = submit(contributor, ContributionType.MODEL_UPDATE, digestOf(1));
        uint256 round = roundOf(id);
        assertEq(roundView(round).parameterVersion, 1);
        setParam(Parameter.ModelUpdateReward, 99 * TOKEN);

        assertEq(protocol.roundParameter(round, Parameter.ModelUpdateReward), 20 * TOKEN);
        assertEq(protocol.parameter(Parameter.ModelUpdateReward), 99 * TOKEN);
        assertEq(protocol.roundParameter(round + 1, Parameter.ModelUpdateReward), 99 * TOKEN); // not opened yet
        assertEq(roundView(round + 1).parameterVersion, 2);

        vm.roll(block.number + SUBMISSION_BLOCKS);
        uint256 later = roundOf(submit(contributor, ContributionType.MODEL_UPDATE, digestOf(2)));
        assertEq(roundView(later).parameterVersion, 2);
        assertEq(protocol.roundParameter(later, Parameter.ModelUpdateReward), 99 * TOKEN);
        assertEq(protocol.roundParameter(round, Parameter.ModelUpdateReward), 20 * TOKEN);
    }

    function test_setParameter_revertsWithoutParameterRole() public {
        address stranger = makeAddr("stranger");
        bytes32 role = protocol.PARAMETER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        vm.prank(stranger);
        protocol.setParameter(Parameter.QuorumBps, 5_000);

        // the other roles do not include it either
        vm.startPrank(admin);
        protocol.grantRole(protocol.PAUSER_ROLE(), stranger);
        protocol.grantRole(protocol.UPGRADER_ROLE(), stranger);
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        vm.prank(stranger);
        protocol.setParameter(Parameter.QuorumBps, 5_000);
    }

    function test_setParameter_worksForGrantedAccountAndStopsAfterRevoke() public {
        address governor = makeAddr("governor");
        bytes32 role = protocol.PARAMETER_ROLE();
        vm.prank(admin);
        protocol.grantRole(role, governor);
        vm.prank(governor);
        protocol.setParameter(Parameter.ToleranceScore, 5);
        assertEq(protocol.parameter(Parameter.ToleranceScore), 5);

        vm.prank(admin);
        protocol.revokeRole(role, governor);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, governor, role)
        );
        vm.prank(governor);
        protocol.setParameter(Parameter.ToleranceScore, 6);
    }

    /// @dev Parameters share packed storage words: writing one at its widest value must leave all others alone.
    function test_setParameter_neverTouchesAnotherParameter() public {
        for (uint256 i = 0; i < PARAMETER_COUNT; ++i) {
            Parameter which = Parameter(i);
            uint256 value;
            if (isUnconstrained(which)) (, value) = documentedBounds(which);
            else value = widestConsistentValue(which);
            uint256[] memory before = allValues();
            setParam(which, value);
            uint256[] memory afterwards = allValues();
            for (uint256 j = 0; j < PARAMETER_COUNT; ++j) {
                string memory label = string.concat(vm.toString(i), "->", vm.toString(j));
                assertEq(afterwards[j], j == i ? value : before[j], label);
            }
            vm.prank(admin);
            protocol.setParameter(which, before[i]); // back, so that the next one starts from the defaults
        }
    }

    function test_setMinValidatorStake_refreshesValidatorActivity() public {
        address validator = newValidator("validator", 2_000 * TOKEN);
        assertTrue(registry.validatorInfo(validator).active);

        setParam(Parameter.MinValidatorStake, 2_000 * TOKEN + 1);
        assertFalse(registry.validatorInfo(validator).active);
        assertEq(registry.activeMask(), 0);

        setParam(Parameter.MinValidatorStake, 2_000 * TOKEN);
        assertTrue(registry.validatorInfo(validator).active);
        assertEq(registry.activeMask(), 1);
    }

    function test_setParameter_worksInModuleWithoutHooks_keepingEveryVersion() public {
        StandaloneParameters standalone = new StandaloneParameters();
        standalone.initialize(defaultConfig());
        standalone.setParameter(Parameter.SubmissionBlocks, 30);
        standalone.setParameter(Parameter.MinValidatorStake, 5);
        assertEq(standalone.parameter(Parameter.SubmissionBlocks), 30);
        assertEq(standalone.parameter(Parameter.MinValidatorStake), 5);
        assertEq(standalone.parameter(Parameter.QuorumBps), 6_667);
        assertEq(standalone.parameterAt(1, Parameter.SubmissionBlocks), SUBMISSION_BLOCKS);
        assertEq(standalone.parameterAt(2, Parameter.SubmissionBlocks), 30);
        assertEq(standalone.parameterAt(2, Parameter.MinValidatorStake), 1_000 * TOKEN);
        assertEq(standalone.parameterAt(3, Parameter.MinValidatorStake), 5);
    }

    // ---- initialize ------------------------------------------------------------------------------------------

    function test_initialize_appliesAndEventsEveryParameter() public {
        ProtocolConfig memory config = defaultConfig();
        vm.recordLogs();
        ICotrainProtocol fresh = deployProtocol(config);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 updates;
        for (uint256 k = 0; k < logs.length; ++k) {
            if (logs[k].topics[0] != IProtocolParameters.ParameterUpdated.selector) continue;
            assertEq(uint256(logs[k].topics[1]), updates); // in Parameter order
            (uint256 oldValue, uint256 newValue, uint256 version) =
                abi.decode(logs[k].data, (uint256, uint256, uint256));
            assertEq(oldValue, 0);
            assertEq(newValue, configValue(config, updates));
            assertEq(version, 1);
            ++updates;
        }
        assertEq(updates, PARAMETER_COUNT);
        assertEq(fresh.parameter(Parameter.RevealBlocks), REVEAL_BLOCKS);
    }

    function test_initialize_revertsOnOutOfRangeValue() public {
        uint256 quorum = uint256(Parameter.QuorumBps);
        vm.expectRevert(
            abi.encodeWithSelector(IProtocolParameters.ParameterOutOfRange.selector, Parameter.QuorumBps, 0, 1, BPS)
        );
        deployProtocol(configWith(quorum, 0));

        uint256 initialReputation = uint256(Parameter.InitialReputation);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.ParameterOutOfRange.selector, Parameter.InitialReputation, 99, 100, BPS
            )
        );
        deployProtocol(configWith(initialReputation, 99));

        uint256 stake = uint256(Parameter.MinContributorStake);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.ParameterOutOfRange.selector,
                Parameter.MinContributorStake,
                MAX_TOKEN_AMOUNT + 1,
                1,
                MAX_TOKEN_AMOUNT
            )
        );
        deployProtocol(configWith(stake, MAX_TOKEN_AMOUNT + 1));
    }

    function test_initialize_revertsOnInconsistentConfig() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.UnbondingShorterThanRound.selector, 39, 40, Parameter.ValidatorUnbondingBlocks
            )
        );
        deployProtocol(configWith(uint256(Parameter.ValidatorUnbondingBlocks), 39));

        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolParameters.ScoringWindowsTooLong.selector, 210, 140, Parameter.SubmissionBlocks
            )
        );
        deployProtocol(configWith(uint256(Parameter.CommitBlocks), 200));
    }

    // ---- fuzz ------------------------------------------------------------------------------------------------

    /// @dev Any in-bounds value of an unconstrained parameter is stored exactly; any value beyond is rejected.
    function testFuzz_setParameter_storesInBoundsRejectsOthers(uint8 index, uint256 value) public {
        Parameter which = Parameter(bound(index, 0, PARAMETER_COUNT - 1));
        vm.assume(isUnconstrained(which));
        (uint256 min, uint256 max) = documentedBounds(which);
        uint256 before = protocol.parameter(which);
        if (value < min || value > max) {
            expectOutOfRange(which, value);
            assertEq(protocol.parameter(which), before);
        } else {
            vm.expectEmit(address(protocol));
            emit IProtocolParameters.ParameterUpdated(which, before, value, 2);
            setParam(which, value);
            assertEq(protocol.parameter(which), value);
        }
    }

    /// @dev A sequence of writes to unconstrained parameters against a plain model of all 26 values: packing many
    /// parameters into one word must behave like 26 separate variables.
    function testFuzz_setParameter_packedWordsBehaveLikeSeparateVariables(uint256[8] memory seeds) public {
        uint256[] memory model = allValues();
        for (uint256 step = 0; step < seeds.length; ++step) {
            Parameter which = Parameter(seeds[step] % PARAMETER_COUNT);
            if (!isUnconstrained(which)) continue;
            (uint256 min, uint256 max) = documentedBounds(which);
            uint256 value = bound(uint256(keccak256(abi.encode(seeds[step]))), min, max);
            setParam(which, value);
            model[uint256(which)] = value;
            assertEq(allValues(), model);
        }
    }

    /// @dev Round window lengths are accepted exactly when both consistency rules hold.
    function testFuzz_setParameter_roundWindowsFollowConsistencyRules(uint256 submission, uint256 commitBlocks)
        public
    {
        submission = bound(submission, 1, 200);
        commitBlocks = bound(commitBlocks, 1, 200);
        setParam(Parameter.ValidatorUnbondingBlocks, 1_000);
        setParam(Parameter.RevealBlocks, 1);
        setParam(Parameter.CommitBlocks, 1);
        setParam(Parameter.SubmissionBlocks, submission);

        uint256 scoring = commitBlocks + 1;
        if (scoring > 7 * submission) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IProtocolParameters.ScoringWindowsTooLong.selector,
                    scoring,
                    7 * submission,
                    Parameter.SubmissionBlocks
                )
            );
        }
        vm.prank(admin);
        protocol.setParameter(Parameter.CommitBlocks, commitBlocks);
        assertEq(protocol.parameter(Parameter.CommitBlocks), scoring > 7 * submission ? 1 : commitBlocks);
    }
}
