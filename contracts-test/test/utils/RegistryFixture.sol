// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CoreTestHelpers} from "./CoreTestHelpers.sol";
import {CotrainDeployment} from "../../../deployment/script/CotrainDeployment.sol";
import {IModelRegistry} from "cotrain/interfaces/IModelRegistry.sol";
import {CommitToken} from "cotrain/registry/CommitToken.sol";
import {ModelRegistry} from "cotrain/registry/ModelRegistry.sol";
import {ContributionType} from "cotrain/types/CotrainTypes.sol";

/// @notice The protocol of CotrainFixture plus the model registry and its commit collection, deployed by the deploy
/// script's own wiring (CotrainDeployment.deployModelRegistry): the registry's implementation, then the CommitToken
/// naming the proxy that comes next (its address predicted from the deployer's nonce), then the proxy, which the
/// validator registry then binds (`bindModelRegistry`) so that its penalties can slash bonds into the protocol's reward
/// pool.
/// Helpers register models, bond validators, run protocol rounds of model updates and attest commits.
/// Build specs and attestations before `vm.prank`: sha256 is a precompile call and would take the prank.
abstract contract RegistryFixture is CoreTestHelpers {
    uint256 internal constant BPS = 10_000;
    /// @dev Twice the minimum: headroom for penalties, as the deploy script bonds. A validator slashed by
    /// DeviationPenaltyBps (1%), or even by a whole round's MaxRoundPenaltyBps (10%), stays active.
    uint256 internal constant VALIDATOR_BOND = 2_000 * TOKEN;
    uint256 internal constant SCORE = 80; // above the slash threshold: every update is accepted

    ModelRegistry internal models;
    CommitToken internal commitToken;
    address internal modelRegistryImplementation;

    address internal owner = makeAddr("owner");
    address internal contributor;
    address[] internal validatorSet;
    uint256 internal updateCount; // makes every submitted update's digest unique

    function setUp() public virtual override {
        super.setUp();
        CotrainDeployment.Contracts memory contracts = deployment;
        vm.startPrank(admin);
        CotrainDeployment.deployModelRegistry(contracts, admin);
        vm.stopPrank();
        deployment = contracts;
        models = contracts.modelRegistry;
        commitToken = contracts.commitToken;
        modelRegistryImplementation = contracts.modelRegistryImplementation;
        contributor = newContributor("contributor", 10_000 * TOKEN);
    }

    // ---- models ----------------------------------------------------------------------------------------------

    function defaultSpec() internal pure returns (IModelRegistry.ModelSpec memory) {
        return IModelRegistry.ModelSpec({
            baseWeightsDigest: sha256("base weights"),
            baseWeightsRoot: sha256("base weights"), // one raw block
            heldOutDigest: sha256("held-out set"),
            schemaDigest: sha256("schema"),
            rule: IModelRegistry.AggregationRule.FedAvg,
            ruleParameterA: 0,
            ruleParameterB: 0,
            modelUpdateWeightBps: 6_000,
            datasetWeightBps: 3_000,
            validationWeightBps: 1_000
        });
    }

    function registerModel(address by) internal returns (uint256 modelId, uint256 baseCommit) {
        return registerModel(by, defaultSpec());
    }

    function registerModel(address by, IModelRegistry.ModelSpec memory spec)
        internal
        returns (uint256 modelId, uint256 baseCommit)
    {
        vm.prank(by);
        (modelId, baseCommit) = models.registerModel(spec);
        // every admitted validator serves the new task, as a validator node holding its held-out set would
        address[] memory holders = registry.validators();
        for (uint256 i = 0; i < holders.length; ++i) {
            if (holders[i] == address(0) || !registry.validatorInfo(holders[i]).admitted) continue;
            if (registry.servedTasks(holders[i]).length == registry.MAX_SERVED_TASKS()) continue;
            vm.prank(holders[i]);
            registry.serveTask(modelId);
        }
    }

    /// @dev A new validator serves every registered model.
    function serveTasks(address validator) internal override {
        uint256 count = models.modelCount();
        for (uint256 modelId = 1; modelId <= count; ++modelId) {
            vm.prank(validator);
            registry.serveTask(modelId);
        }
    }

    /// @dev The source head of the merge pending into `branchId`, or 0.
    function pendingHeadOf(uint256 modelId, uint256 branchId) internal view returns (uint256 sourceHead) {
        (sourceHead,) = models.pendingMerge(modelId, branchId);
    }

    /// @dev The latest merge request number of `branchId` (0 before any request).
    function mergeRequestOf(uint256 modelId, uint256 branchId) internal view returns (uint256 request) {
        (, request) = models.pendingMerge(modelId, branchId);
    }

    function headOf(uint256 modelId, uint256 branchId) internal view returns (uint256) {
        return models.branchHead(modelId, branchId);
    }

    function defaultBranchOf(uint256 modelId) internal view returns (uint256 branchId) {
        (, branchId,,) = models.model(modelId);
    }

    function lastRoundOf(uint256 modelId) internal view returns (uint256 round) {
        (,,, round) = models.model(modelId);
    }

    function branchCountOf(uint256 modelId) internal view returns (uint256 count) {
        (,, count,) = models.model(modelId);
    }

    // ---- validators ------------------------------------------------------------------------------------------

    /// @dev Admits and bonds `count` validators (indexes 0 .. count - 1); they become the set rounds expect.
    function bondValidators(uint256 count) internal returns (address[] memory validators) {
        validators = new address[](count);
        for (uint256 i = 0; i < count; ++i) {
            validators[i] = newValidator(string.concat("validator", vm.toString(validatorSet.length)), VALIDATOR_BOND);
            validatorSet.push(validators[i]);
        }
    }

    function bondOf(address validator) internal view returns (uint256) {
        return registry.validatorInfo(validator).bond;
    }

    // ---- rounds ----------------------------------------------------------------------------------------------

    /// @dev `count` model updates for task `modelId` in the current round, scored SCORE by every validator the
    /// round expects and finalized.
    function runRound(uint256 modelId, uint256 count) internal returns (uint256 round, uint256[] memory ids) {
        (round, ids) = submitUpdates(modelId, count);
        bytes memory scores = new bytes(count);
        for (uint256 i = 0; i < count; ++i) {
            scores[i] = bytes1(uint8(SCORE));
        }
        (address[] memory expected,) = registry.indexHolders(roundView(round).expectedValidators);
        scoreRound(round, expected, scores);
    }

    /// @dev `count` model updates for task `modelId` in the current round, each with a digest of its own (a digest
    /// can be submitted once), tracked by the fixture so that finalizeAll can settle them.
    function submitUpdates(uint256 modelId, uint256 count) internal returns (uint256 round, uint256[] memory ids) {
        ids = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            bytes32 digest = sha256(abi.encode("update", ++updateCount));
            ids[i] = submitFor(contributor, ContributionType.MODEL_UPDATE, digest, modelId);
        }
        round = roundOf(ids[0]);
    }

    // ---- attestations ----------------------------------------------------------------------------------------

    function weightsOf(uint256 seed) internal pure returns (bytes32) {
        return sha256(abi.encode("weights", seed));
    }

    /// @dev A round commit of the model's default branch on its head: content from `seed`, fixed metrics.
    function roundAttestation(uint256 modelId, uint256 round, uint256[] memory ids, uint256 seed)
        internal
        view
        returns (IModelRegistry.CommitAttestation memory)
    {
        uint256 branchId = defaultBranchOf(modelId);
        return IModelRegistry.CommitAttestation({
            modelId: modelId,
            branchId: branchId,
            parent: headOf(modelId, branchId),
            mergeParent: 0,
            round: round,
            weightsDigest: weightsOf(seed),
            weightsRoot: weightsOf(seed),
            contributionIds: ids,
            accuracyPpm: 900_000,
            lossMicros: 250_000
        });
    }

    /// @dev The merge commit of the merge requested into `targetBranch`, on its head, naming the request number.
    function mergeAttestation(uint256 modelId, uint256 targetBranch, uint256 seed)
        internal
        view
        returns (IModelRegistry.CommitAttestation memory)
    {
        (uint256 sourceHead, uint256 request) = models.pendingMerge(modelId, targetBranch);
        return IModelRegistry.CommitAttestation({
            modelId: modelId,
            branchId: targetBranch,
            parent: headOf(modelId, targetBranch),
            mergeParent: sourceHead,
            round: request,
            weightsDigest: weightsOf(seed),
            weightsRoot: weightsOf(seed),
            contributionIds: new uint256[](0),
            accuracyPpm: 910_000,
            lossMicros: 240_000
        });
    }

    function attest(address validator, IModelRegistry.CommitAttestation memory attestation)
        internal
        returns (uint256 commitId)
    {
        vm.prank(validator);
        return models.attestCommit(attestation);
    }

    /// @dev The first `count` validators of validatorSet attest `attestation`; returns what the last call returned.
    function attestBy(uint256 count, IModelRegistry.CommitAttestation memory attestation)
        internal
        returns (uint256 commitId)
    {
        for (uint256 i = 0; i < count; ++i) {
            commitId = attest(validatorSet[i], attestation);
        }
    }

    function keyOf(IModelRegistry.CommitAttestation memory attestation) internal view returns (bytes32) {
        return models.proposalKey(
            attestation.modelId, attestation.branchId, attestation.parent, attestation.mergeParent, attestation.round
        );
    }

    function contentOf(IModelRegistry.CommitAttestation memory attestation) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                attestation.weightsDigest,
                attestation.weightsRoot,
                keccak256(abi.encodePacked(attestation.contributionIds))
            )
        );
    }

    function single(uint256 value) internal pure returns (uint256[] memory list) {
        list = new uint256[](1);
        list[0] = value;
    }
}
