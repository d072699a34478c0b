// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";

import {CotrainDeployment} from "../../../deployment/script/CotrainDeployment.sol";
import {CotrainProtocolExtension} from "cotrain/CotrainProtocolExtension.sol";
import {IContributionRounds} from "cotrain/interfaces/IContributionRounds.sol";
import {ICotrainProtocol} from "cotrain/interfaces/ICotrainProtocol.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {CotrainToken} from "cotrain/token/CotrainToken.sol";
import {ContributionType, ProtocolConfig} from "cotrain/types/CotrainTypes.sol";
import {ValidatorRegistry} from "cotrain/validators/ValidatorRegistry.sol";

/// @notice Deploys token, validator registry and protocol (with its extension) behind their proxies with the deploy
/// script's own wiring (CotrainDeployment.deployProtocol), every role left with the admin, and offers the steps of a
/// round as helpers. Every test contract of the protocol builds on it.
/// Contributions are addressed by content digest on chain; the fixture remembers the digest of every id it submitted
/// so that tests can speak of ids and finalize rounds page by page.
abstract contract CotrainFixture is Test {
    uint256 internal constant TOKEN = 1e18;
    uint256 internal constant SUPPLY = 1_000_000_000 * TOKEN;
    bytes32 internal constant DEFAULT_ADMIN_ROLE = 0x00;

    uint256 internal constant SUBMISSION_BLOCKS = 20;
    uint256 internal constant COMMIT_BLOCKS = 10;
    uint256 internal constant REVEAL_BLOCKS = 10;

    /// @dev Everything deployed; the fields below name its parts.
    CotrainDeployment.Contracts internal deployment;
    CotrainToken internal token;
    ValidatorRegistry internal registry;
    ICotrainProtocol internal protocol;
    CotrainProtocolExtension internal extension;

    address internal admin = makeAddr("admin");
    address internal funder = makeAddr("funder");

    mapping(uint256 id => bytes32) internal digestById;
    mapping(uint256 round => bytes32[]) internal roundDigests;

    function setUp() public virtual {
        vm.startPrank(admin);
        deployment = CotrainDeployment.deployProtocol(
            CotrainDeployment.Config({admin: admin, supply: SUPPLY, parameters: defaultConfig()})
        );
        token = deployment.token;
        registry = deployment.registry;
        protocol = deployment.protocol;
        extension = deployment.extension;
        token.transfer(funder, 10_000_000 * TOKEN);
        vm.stopPrank();
    }

    /// @dev A new protocol proxy on the fixture's implementation (token, registry and extension), initialized with
    /// `config`: one call, so that expectRevert sees the initialization.
    function deployProtocol(ProtocolConfig memory config) internal returns (ICotrainProtocol) {
        return CotrainDeployment.protocolProxy(deployment.protocolImplementation, admin, config);
    }

    function defaultConfig() internal pure returns (ProtocolConfig memory) {
        return ProtocolConfig({
            minContributorStake: 100 * TOKEN,
            stakePerContribution: 10 * TOKEN,
            contributorUnbondingBlocks: 50,
            contributorSlashBps: 5_000,
            slashThresholdScore: 30,
            reputationAlphaBps: 2_000,
            initialReputation: 5_000,
            minValidatorStake: 1_000 * TOKEN,
            validatorUnbondingBlocks: 100,
            maxValidators: 16,
            validationReward: 1 * TOKEN,
            deviationPenaltyBps: 100,
            absencePenaltyBps: 500,
            toleranceScore: 10,
            quorumBps: 6_667,
            submissionBlocks: SUBMISSION_BLOCKS,
            commitBlocks: COMMIT_BLOCKS,
            revealBlocks: REVEAL_BLOCKS,
            modelUpdateReward: 20 * TOKEN,
            datasetReward: 15 * TOKEN,
            validationWorkReward: 10 * TOKEN,
            neutralScore: 50,
            maxContributionsPerRound: 1_000,
            maxContributionsPerContributor: 100,
            maxWeightShareBps: 3_334,
            maxRoundPenaltyBps: 500,
            submissionFee: 0
        });
    }

    // ---- actors ----------------------------------------------------------------------------------------------

    function fund(address account, uint256 amount) internal {
        vm.prank(admin);
        token.transfer(account, amount);
    }

    function fundPool(uint256 amount) internal {
        vm.startPrank(funder);
        token.approve(address(protocol), amount);
        protocol.fundRewards(amount);
        vm.stopPrank();
    }

    function newContributor(string memory name, uint256 stake) internal returns (address contributor) {
        contributor = makeAddr(name);
        fund(contributor, stake);
        vm.startPrank(contributor);
        token.approve(address(protocol), stake);
        protocol.registerContributor(stake);
        vm.stopPrank();
    }

    function newValidator(string memory name, uint256 bond) internal returns (address validator) {
        validator = makeAddr(name);
        vm.prank(admin);
        registry.addValidator(validator);
        fund(validator, bond);
        vm.startPrank(validator);
        token.approve(address(registry), bond);
        registry.bondValidator(bond);
        vm.stopPrank();
        serveTasks(validator);
    }

    /// @dev The tasks a new validator serves: task 1, which `submit` uses (no model registry binds task ids here).
    function serveTasks(address validator) internal virtual {
        vm.prank(validator);
        registry.serveTask(1);
    }

    function newValidators(uint256 count, uint256 bond) internal returns (address[] memory validators) {
        validators = new address[](count);
        for (uint256 i = 0; i < count; ++i) {
            validators[i] = newValidator(string.concat("validator", vm.toString(i)), bond);
        }
    }

    // ---- contributions ---------------------------------------------------------------------------------------

    function submit(address contributor, ContributionType kind, bytes32 digest) internal returns (uint256 id) {
        return submitFor(contributor, kind, digest, 1);
    }

    function submitFor(address contributor, ContributionType kind, bytes32 digest, uint256 taskId)
        internal
        returns (uint256 id)
    {
        vm.prank(contributor);
        id = protocol.submitContribution(uint8(kind), digest, taskId);
        track(id, digest);
    }

    /// @dev Remembers a contribution submitted outside `submit`, so that ids and pages resolve.
    function track(uint256 id, bytes32 digest) internal {
        digestById[id] = digest;
        roundDigests[protocol.contribution(digest).round].push(digest);
    }

    function contributionOf(uint256 id) internal view returns (IContributionRounds.ContributionView memory) {
        return protocol.contribution(digestById[id]);
    }

    function roundOf(uint256 contributionId) internal view returns (uint256) {
        return contributionOf(contributionId).round;
    }

    function digestOf(uint256 seed) internal pure returns (bytes32) {
        return sha256(abi.encode("manifest", seed));
    }

    // ---- round steps -----------------------------------------------------------------------------------------

    function rollToCommit(uint256 round) internal {
        vm.roll(protocol.roundInfo(round).submissionEndBlock);
    }

    function rollToReveal(uint256 round) internal {
        vm.roll(protocol.roundInfo(round).commitEndBlock);
    }

    function rollToFinalization(uint256 round) internal {
        vm.roll(protocol.roundInfo(round).revealEndBlock);
    }

    function saltOf(address validator, uint256 round) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", validator, round));
    }

    function commit(address validator, uint256 round, bytes memory scores) internal {
        bytes32 commitment = protocol.commitmentHash(round, validator, scores, saltOf(validator, round));
        vm.prank(validator);
        protocol.commitScores(round, commitment);
    }

    function reveal(address validator, uint256 round, bytes memory scores) internal {
        vm.prank(validator);
        protocol.revealScores(round, scores, saltOf(validator, round));
    }

    /// @dev The digests of the next `count` contributions of `round` to settle (at most those left).
    function pageOf(uint256 round, uint256 count) internal view returns (bytes32[] memory page) {
        IContributionRounds.RoundView memory info = protocol.roundInfo(round);
        uint256 left = info.contributionCount - info.finalizedCount;
        page = new bytes32[](count < left ? count : left);
        for (uint256 i = 0; i < page.length; ++i) {
            page[i] = roundDigests[round][info.finalizedCount + i];
        }
    }

    /// @dev Settles up to `maxCount` more contributions of `round`.
    function finalizePage(uint256 round, uint256 maxCount) internal returns (uint256) {
        return protocol.finalize(round, pageOf(round, maxCount));
    }

    /// @dev Settles every contribution of `round` left.
    function finalizeAll(uint256 round) internal returns (uint256) {
        return finalizePage(round, type(uint256).max);
    }

    /// @dev Every validator commits and reveals the same scores, then the round is finalized in one call.
    function scoreRound(uint256 round, address[] memory validators, bytes memory scores) internal {
        rollToCommit(round);
        for (uint256 i = 0; i < validators.length; ++i) {
            commit(validators[i], round, scores);
        }
        rollToReveal(round);
        for (uint256 i = 0; i < validators.length; ++i) {
            reveal(validators[i], round, scores);
        }
        rollToFinalization(round);
        finalizeAll(round);
    }

    function roundView(uint256 round) internal view returns (IContributionRounds.RoundView memory) {
        return protocol.roundInfo(round);
    }

    function validatorInfo(address validator) internal view returns (IValidatorRegistry.ValidatorInfo memory) {
        return registry.validatorInfo(validator);
    }
}
