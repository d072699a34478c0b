// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {RegistryFixture} from "../utils/RegistryFixture.sol";
import {IContributionRounds} from "cotrain/interfaces/IContributionRounds.sol";
import {ICotrainErrors} from "cotrain/interfaces/ICotrainErrors.sol";
import {ICotrainProtocol} from "cotrain/interfaces/ICotrainProtocol.sol";
import {IModelRegistry} from "cotrain/interfaces/IModelRegistry.sol";
import {IRewardPool} from "cotrain/interfaces/IRewardPool.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {Bitmaps32} from "cotrain/libraries/Bitmaps32.sol";
import {CommitToken} from "cotrain/registry/CommitToken.sol";
import {ModelRegistry} from "cotrain/registry/ModelRegistry.sol";
import {ContributionType, Parameter} from "cotrain/types/CotrainTypes.sol";

/// @dev A later implementation: same storage, one more function.
contract ModelRegistryV2 is ModelRegistry {
    constructor(ICotrainProtocol protocol) ModelRegistry(protocol) {}

    function version() external pure returns (uint256) {
        return 2;
    }
}

/// @dev A contract that holds no ERC-721 receiver hook.
contract NoReceiver {}

/// @dev Registers from a contract and looks at the registry from inside the model NFT's receiver hook.
contract HookedOwner is IERC721Receiver {
    ModelRegistry internal immutable MODELS;
    CommitToken internal immutable COMMITS;
    bool internal reenter;

    uint256 public seenBranchCount;
    uint256 public seenHead;
    address public seenCommitOwner;
    uint256 public seenModelCount;

    constructor(ModelRegistry models, CommitToken commits) {
        MODELS = models;
        COMMITS = commits;
    }

    function register(IModelRegistry.ModelSpec calldata spec, bool reenterOnReceipt) external returns (uint256 id) {
        reenter = reenterOnReceipt;
        (id,) = MODELS.registerModel(spec);
    }

    function onERC721Received(address, address, uint256 tokenId, bytes calldata) external returns (bytes4) {
        (IModelRegistry.ModelSpec memory spec,, uint256 branchCount,) = MODELS.model(tokenId);
        if (reenter) MODELS.registerModel(spec);
        seenBranchCount = branchCount;
        seenHead = MODELS.branchHead(tokenId, 0);
        seenCommitOwner = COMMITS.ownerOf(seenHead);
        seenModelCount = MODELS.modelCount();
        return IERC721Receiver.onERC721Received.selector;
    }
}

contract ModelRegistryTest is RegistryFixture {
    // keccak256(abi.encode(uint256(keccak256("cotrain.storage.ModelRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant REGISTRY_STORAGE = 0xf7f784881d2030de01d8fdc8457412ef35fb5c06c0bc92810549ff2998961b00;
    uint256 internal constant QUORUM_TWO_OF_THREE = 6_666; // the deploy script's value: 2 x 10000 >= 3 x 6666
    uint256 internal constant PENALTY_BPS = 100; // defaultConfig().deviationPenaltyBps

    address internal stranger = makeAddr("stranger");
    address internal buyer = makeAddr("buyer");

    address[] internal trio;
    uint256 internal modelId;
    uint256 internal base;
    uint256 internal protocolBalanceBefore;
    uint256 internal totalBondBefore;

    function setUp() public override {
        super.setUp();
        trio = bondValidators(3);
        setParam(Parameter.QuorumBps, QUORUM_TWO_OF_THREE);
        (modelId, base) = registerModel(owner);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /// @dev A round of `count` updates aggregated into a commit by two of the three validators.
    function _recordRound(uint256 count) internal returns (uint256 commitId, uint256 round, uint256[] memory ids) {
        (round, ids) = runRound(modelId, count);
        commitId = attestBy(2, roundAttestation(modelId, round, ids, round));
        assertGt(commitId, 0, "recorded");
    }

    function _expectUnauthorized(address account, bytes32 role) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role)
        );
    }

    function _expectNotOwner(address caller) internal {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotModelOwner.selector, modelId, caller));
    }

    function _createBranch(uint256 fromCommit) internal returns (uint256 branchId) {
        vm.prank(owner);
        branchId = models.createBranch(modelId, fromCommit, "branch");
    }

    function _setDefault(uint256 branchId) internal {
        vm.prank(owner);
        models.setDefaultBranch(modelId, branchId);
    }

    function _revert(uint256 branchId, uint256 toCommit) internal {
        vm.prank(owner);
        models.revertBranch(modelId, branchId, toCommit);
    }

    function _requestMerge(uint256 sourceBranch, uint256 targetBranch) internal {
        vm.prank(owner);
        models.requestMerge(modelId, sourceBranch, targetBranch);
    }

    /// @dev Branch 1 from the base with one round commit; branch 0 with one round commit; default branch 0.
    function _divergedBranches() internal returns (uint256 mainHead, uint256 sideHead) {
        uint256 side = _createBranch(base);
        _setDefault(side);
        (sideHead,,) = _recordRound(1);
        _setDefault(0);
        (mainHead,,) = _recordRound(2);
    }

    function _modelCount() internal view returns (uint256) {
        return uint40(uint256(vm.load(address(models), REGISTRY_STORAGE)) >> 160);
    }

    function _setModelCount(uint256 count) internal {
        uint256 word = uint256(vm.load(address(models), REGISTRY_STORAGE));
        word = (word & ~(uint256(type(uint40).max) << 160)) | (count << 160);
        vm.store(address(models), REGISTRY_STORAGE, bytes32(word));
    }

    function _assertSpec(IModelRegistry.ModelSpec memory actual, IModelRegistry.ModelSpec memory expected)
        internal
        pure
    {
        assertEq(keccak256(abi.encode(actual)), keccak256(abi.encode(expected)), "spec");
    }

    function _ruleSpec(IModelRegistry.AggregationRule rule, uint16 a, uint16 b)
        internal
        pure
        returns (IModelRegistry.ModelSpec memory spec)
    {
        spec = defaultSpec();
        spec.rule = rule;
        spec.ruleParameterA = a;
        spec.ruleParameterB = b;
    }

    function _expectInvalidRule(IModelRegistry.AggregationRule rule, uint16 a, uint16 b) internal {
        IModelRegistry.ModelSpec memory spec = _ruleSpec(rule, a, b);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.InvalidRuleParameters.selector, rule, a, b));
        vm.prank(owner);
        models.registerModel(spec);
    }

    /// @dev The reward pool's available tokens and what entered it by funding (fundRewards, sweeps) and by slashing.
    function _pool() internal view returns (uint256 available, uint256 funded, uint256 slashed) {
        (available, funded, slashed,,) = protocol.poolTotals();
    }

    function _assertPool(uint256 available, uint256 funded, uint256 slashed) internal view {
        (uint256 actualAvailable, uint256 actualFunded, uint256 actualSlashed) = _pool();
        assertEq(actualAvailable, available, "pool available");
        assertEq(actualFunded, funded, "pool funded");
        assertEq(actualSlashed, slashed, "pool slashed");
    }

    /// @dev The penalty of one deviating attestation on a validator holding `stake` (bond plus unbonding).
    function _penaltyOn(uint256 stake) internal pure returns (uint256) {
        return stake * PENALTY_BPS / BPS;
    }

    // ---- initialize ------------------------------------------------------------------------------------------

    function test_initialize_bindsCommitTokenAndGrantsRoles() public view {
        assertEq(models.commitToken(), address(commitToken));
        assertEq(commitToken.MINTER(), address(models));
        assertEq(address(models.PROTOCOL()), address(protocol));
        assertTrue(models.hasRole(models.DEFAULT_ADMIN_ROLE(), admin));
        assertTrue(models.hasRole(models.UPGRADER_ROLE(), admin));
        assertEq(models.UPGRADER_ROLE(), keccak256("UPGRADER_ROLE"));
        assertFalse(models.hasRole(models.UPGRADER_ROLE(), owner));
        assertEq(registry.modelRegistry(), address(models)); // bound as the deploy script binds it
        assertEq(registry.protocol(), address(protocol));
        assertEq(models.name(), "Cotrain Model");
        assertEq(models.symbol(), "COTM");
    }

    function test_initialize_storageLocationIsTheErc7201Slot() public view {
        bytes32 slot =
            keccak256(abi.encode(uint256(keccak256("cotrain.storage.ModelRegistry")) - 1)) & ~bytes32(uint256(0xff));
        assertEq(slot, REGISTRY_STORAGE);
        assertEq(address(uint160(uint256(vm.load(address(models), slot)))), address(commitToken));
        assertEq(_modelCount(), 1);
    }

    function test_initialize_revertsForZeroAdmin() public {
        address implementation = address(new ModelRegistry(protocol));
        address predicted = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        CommitToken commits = new CommitToken(predicted);
        vm.expectRevert(ICotrainErrors.ZeroAddress.selector);
        new ERC1967Proxy(implementation, abi.encodeCall(ModelRegistry.initialize, (address(0), commits)));
    }

    function test_initialize_revertsForCommitTokenOfAnotherMinter() public {
        address implementation = address(new ModelRegistry(protocol));
        CommitToken commits = new CommitToken(stranger);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.CommitTokenNotBound.selector, stranger));
        new ERC1967Proxy(implementation, abi.encodeCall(ModelRegistry.initialize, (admin, commits)));
    }

    function test_initialize_revertsWhenCalledTwice() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        models.initialize(stranger, commitToken);
    }

    function test_initialize_revertsOnImplementation() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        ModelRegistry(modelRegistryImplementation).initialize(admin, commitToken);
    }

    // ---- registerModel ---------------------------------------------------------------------------------------

    function test_registerModel_mintsModelAndBaseCommitAndEmits() public {
        address alice = makeAddr("alice");
        IModelRegistry.ModelSpec memory spec = _ruleSpec(IModelRegistry.AggregationRule.MultiKrum, 1, 3);
        spec.baseWeightsRoot = keccak256("dag-pb root"); // a file of several blocks
        spec.modelUpdateWeightBps = 10_000;
        spec.datasetWeightBps = 0;
        spec.validationWeightBps = 0;
        vm.roll(77);

        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.ModelRegistered(2, alice, 2, spec);
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.BranchCreated(2, 0, 2, "main");
        vm.expectEmit(true, true, true, true, address(commitToken));
        emit IERC721.Transfer(address(0), alice, 2);
        vm.expectEmit(true, true, true, true, address(models));
        emit IERC721.Transfer(address(0), alice, 2);
        vm.prank(alice);
        (uint256 id, uint256 baseCommit) = models.registerModel(spec);

        assertEq(id, 2);
        assertEq(baseCommit, 2);
        assertEq(models.modelCount(), 2);
        assertEq(models.ownerOf(2), alice);
        assertEq(models.balanceOf(alice), 1);
        assertEq(commitToken.ownerOf(2), alice);
        assertEq(commitToken.balanceOf(alice), 1);
        (IModelRegistry.ModelSpec memory stored, uint256 defaultBranch, uint256 branchCount, uint256 lastRound) =
            models.model(2);
        _assertSpec(stored, spec);
        assertEq(defaultBranch, 0);
        assertEq(branchCount, 1);
        assertEq(lastRound, 0);
        assertEq(models.branchHead(2, 0), 2);
        (uint256 pendingHead, uint256 request) = models.pendingMerge(2, 0);
        assertEq(pendingHead, 0);
        assertEq(request, 0);
        (uint256[] memory ids, uint256 total) = models.commitsOf(2, 0, 10);
        assertEq(total, 1);
        assertEq(ids.length, 1);
        assertEq(ids[0], 2);

        IModelRegistry.CommitView memory info = models.commit(2);
        assertEq(info.modelId, 2);
        assertEq(info.branchId, 0);
        assertEq(info.parent, 0);
        assertEq(info.mergeParent, 0);
        assertEq(info.round, 0);
        assertEq(info.weightsDigest, spec.baseWeightsDigest);
        assertEq(info.weightsRoot, keccak256("dag-pb root"));
        assertEq(info.contributionsDigest, bytes32(0));
        assertEq(info.contributionCount, 0);
        assertEq(info.accuracyPpm, 0);
        assertEq(info.lossMicros, 0);
        assertEq(info.recordedBlock, 77);
        assertEq(models.parents(2).length, 0);
        // the first model is untouched
        assertEq(models.ownerOf(modelId), owner);
        assertEq(models.branchHead(modelId, 0), base);
    }

    function test_registerModel_baseCommitOfTheFirstModel() public view {
        assertEq(modelId, 1);
        assertEq(base, 1);
        assertEq(models.modelCount(), 1);
        assertEq(commitToken.ownerOf(base), owner);
        IModelRegistry.CommitView memory info = models.commit(base);
        assertEq(info.modelId, modelId);
        assertEq(info.weightsDigest, sha256("base weights"));
        assertEq(info.weightsRoot, sha256("base weights"));
        assertEq(info.recordedBlock, 1);
        (IModelRegistry.ModelSpec memory stored,,,) = models.model(modelId);
        _assertSpec(stored, defaultSpec());
    }

    function test_registerModel_acceptsEveryRuleInRange() public {
        IModelRegistry.AggregationRule[5] memory rules = [
            IModelRegistry.AggregationRule.FedAvg,
            IModelRegistry.AggregationRule.CoordinateMedian,
            IModelRegistry.AggregationRule.TrimmedMean,
            IModelRegistry.AggregationRule.Krum,
            IModelRegistry.AggregationRule.MultiKrum
        ];
        uint16[5] memory a = [uint16(0), 0, 4_999, 65_535, 0];
        uint16[5] memory b = [uint16(0), 0, 0, 0, 1];
        for (uint256 i = 0; i < rules.length; ++i) {
            (uint256 id,) = registerModel(owner, _ruleSpec(rules[i], a[i], b[i]));
            (IModelRegistry.ModelSpec memory stored,,,) = models.model(id);
            assertEq(uint8(stored.rule), uint8(rules[i]));
            assertEq(stored.ruleParameterA, a[i]);
            assertEq(stored.ruleParameterB, b[i]);
        }
        assertEq(models.modelCount(), 6);
        assertEq(models.balanceOf(owner), 6);
    }

    function test_registerModel_revertsForInvalidRuleParameters() public {
        _expectInvalidRule(IModelRegistry.AggregationRule.FedAvg, 1, 0);
        _expectInvalidRule(IModelRegistry.AggregationRule.FedAvg, 0, 1);
        _expectInvalidRule(IModelRegistry.AggregationRule.CoordinateMedian, 1, 0);
        _expectInvalidRule(IModelRegistry.AggregationRule.CoordinateMedian, 0, 1);
        _expectInvalidRule(IModelRegistry.AggregationRule.TrimmedMean, 5_000, 0);
        _expectInvalidRule(IModelRegistry.AggregationRule.TrimmedMean, 1_000, 1);
        _expectInvalidRule(IModelRegistry.AggregationRule.Krum, 1, 1);
        _expectInvalidRule(IModelRegistry.AggregationRule.MultiKrum, 1, 0);
    }

    function test_registerModel_revertsForZeroDigest() public {
        for (uint256 i = 0; i < 4; ++i) {
            IModelRegistry.ModelSpec memory spec = defaultSpec();
            if (i == 0) spec.baseWeightsDigest = 0;
            if (i == 1) spec.baseWeightsRoot = 0;
            if (i == 2) spec.heldOutDigest = 0;
            if (i == 3) spec.schemaDigest = 0;
            vm.expectRevert(IModelRegistry.ZeroDigest.selector);
            vm.prank(owner);
            models.registerModel(spec);
        }
    }

    function test_registerModel_revertsWhenRewardWeightsNotWhole() public {
        IModelRegistry.ModelSpec memory spec = defaultSpec();
        spec.validationWeightBps = 999;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RewardWeightsNotWhole.selector, 9_999));
        vm.prank(owner);
        models.registerModel(spec);

        spec.modelUpdateWeightBps = type(uint16).max;
        spec.datasetWeightBps = type(uint16).max;
        spec.validationWeightBps = type(uint16).max;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RewardWeightsNotWhole.selector, 3 * 65_535));
        vm.prank(owner);
        models.registerModel(spec);
    }

    function test_registerModel_revertsWhilePaused() public {
        pauseProtocol();
        IModelRegistry.ModelSpec memory spec = defaultSpec();
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        vm.prank(owner);
        models.registerModel(spec);

        vm.prank(admin);
        protocol.unpause();
        registerModel(owner);
        assertEq(models.modelCount(), 2);
    }

    function test_registerModel_lastIdFitsTheProtocolsTaskIds() public {
        uint256 maxId = type(uint32).max; // the protocol stores task ids in 32 bits
        _setModelCount(maxId - 1);
        (uint256 id,) = registerModel(owner);
        assertEq(id, maxId);
        assertEq(models.ownerOf(maxId), owner);
        assertEq(models.modelCount(), maxId);
        // contributions can name it
        uint256 contributionId = submitFor(contributor, ContributionType.MODEL_UPDATE, digestOf(1), id);
        assertEq(contributionOf(contributionId).taskId, maxId);
        // and the protocol takes no larger task id, so the registry mints none
        bytes32 digest = digestOf(2);
        vm.expectRevert(abi.encodeWithSelector(IContributionRounds.TaskIdTooLarge.selector, maxId + 1));
        vm.prank(contributor);
        protocol.submitContribution(uint8(ContributionType.MODEL_UPDATE), digest, maxId + 1);

        IModelRegistry.ModelSpec memory spec = defaultSpec();
        vm.expectRevert(IModelRegistry.ModelIdsExhausted.selector);
        vm.prank(owner);
        models.registerModel(spec);
        assertEq(models.modelCount(), maxId);
    }

    function test_registerModel_revertsForContractWithoutReceiverHook() public {
        address holder = address(new NoReceiver());
        IModelRegistry.ModelSpec memory spec = defaultSpec();
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721InvalidReceiver.selector, holder));
        vm.prank(holder);
        models.registerModel(spec);
    }

    function test_registerModel_receiverHookSeesACompleteRegistration() public {
        HookedOwner holder = new HookedOwner(models, commitToken);
        uint256 id = holder.register(defaultSpec(), false);
        assertEq(id, 2);
        assertEq(holder.seenBranchCount(), 1);
        assertEq(holder.seenHead(), 2);
        assertEq(holder.seenCommitOwner(), address(holder));
        assertEq(holder.seenModelCount(), 2);
        assertEq(models.ownerOf(2), address(holder));
    }

    function test_registerModel_receiverHookCannotReenter() public {
        HookedOwner holder = new HookedOwner(models, commitToken);
        IModelRegistry.ModelSpec memory spec = defaultSpec();
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        holder.register(spec, true);
    }

    function testFuzz_registerModel_ruleParameters(uint8 ruleIndex, uint16 a, uint16 b) public {
        IModelRegistry.AggregationRule rule = IModelRegistry.AggregationRule(bound(ruleIndex, 0, 4));
        bool valid;
        if (rule == IModelRegistry.AggregationRule.TrimmedMean) valid = a < 5_000 && b == 0;
        else if (rule == IModelRegistry.AggregationRule.Krum) valid = b == 0;
        else if (rule == IModelRegistry.AggregationRule.MultiKrum) valid = b >= 1;
        else valid = a == 0 && b == 0;
        if (!valid) {
            _expectInvalidRule(rule, a, b);
            return;
        }
        (uint256 id,) = registerModel(owner, _ruleSpec(rule, a, b));
        (IModelRegistry.ModelSpec memory stored,,,) = models.model(id);
        _assertSpec(stored, _ruleSpec(rule, a, b));
    }

    function testFuzz_registerModel_rewardWeightsSumToWhole(uint16 model, uint16 dataset, uint16 validation) public {
        IModelRegistry.ModelSpec memory spec = defaultSpec();
        (spec.modelUpdateWeightBps, spec.datasetWeightBps, spec.validationWeightBps) = (model, dataset, validation);
        uint256 sum = uint256(model) + dataset + validation;
        if (sum != BPS) {
            vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RewardWeightsNotWhole.selector, sum));
            vm.prank(owner);
            models.registerModel(spec);
            return;
        }
        (uint256 id,) = registerModel(owner, spec);
        assertEq(id, 2);
    }

    function testFuzz_registerModel_wholeWeightsAnySplit(uint16 model, uint16 dataset) public {
        model = uint16(bound(model, 0, BPS));
        dataset = uint16(bound(dataset, 0, BPS - model));
        IModelRegistry.ModelSpec memory spec = defaultSpec();
        (spec.modelUpdateWeightBps, spec.datasetWeightBps, spec.validationWeightBps) =
        (model, dataset, uint16(BPS - model - dataset));
        (uint256 id,) = registerModel(owner, spec);
        (IModelRegistry.ModelSpec memory stored,,,) = models.model(id);
        _assertSpec(stored, spec);
    }

    // ---- attestCommit: who may attest ------------------------------------------------------------------------

    function test_attestCommit_revertsForNonValidator() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotExpectedAttester.selector, round, stranger));
        attest(stranger, attestation);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotExpectedAttester.selector, round, owner));
        attest(owner, attestation);
    }

    function test_attestCommit_mergeRevertsForNonValidator() public {
        _divergedBranches();
        _requestMerge(1, 0);
        IModelRegistry.CommitAttestation memory attestation = mergeAttestation(modelId, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotActiveValidator.selector, stranger));
        attest(stranger, attestation);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotActiveValidator.selector, owner));
        attest(owner, attestation);
    }

    function test_attestCommit_revertsForAdmittedButUnbondedValidator() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        vm.prank(admin);
        registry.addValidator(stranger); // index 3, not bonded, admitted after the round opened
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotExpectedAttester.selector, round, stranger));
        attest(stranger, attestation);

        (, uint256 sideHead) = _divergedBranches();
        _requestMerge(1, 0);
        IModelRegistry.CommitAttestation memory merge = mergeAttestation(modelId, 0, 1);
        assertEq(merge.mergeParent, sideHead);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotActiveValidator.selector, stranger));
        attest(stranger, merge);
    }

    /// Round commits are attested by the validators the round expected, whether still active or not; merges by the
    /// active validators only.
    function test_attestCommit_inactiveExpectedValidatorMayAttestARoundButNotAMerge() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        vm.prank(admin);
        registry.removeValidator(trio[2]); // keeps its index while unbonding, inactive
        (bool holdsIndex,,) = registry.validatorSlot(trio[2], 0);
        assertTrue(holdsIndex);
        assertFalse(registry.validatorInfo(trio[2]).active);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        assertEq(attest(trio[2], attestation), 0); // counted: it was expected in the round
        (uint256 mask,) = models.proposalState(keyOf(attestation));
        assertEq(mask, 4);

        // below the minimum bond after a parameter change: nobody is active, the round's validators still attest
        setParam(Parameter.MinValidatorStake, VALIDATOR_BOND + 1);
        assertEq(registry.activeMask(), 0);
        assertEq(attest(trio[0], attestation), 2); // 2 of the 3 expected

        // merges are the active set's
        uint256 side = _createBranch(base);
        _requestMerge(side, 0);
        IModelRegistry.CommitAttestation memory merge = mergeAttestation(modelId, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotActiveValidator.selector, trio[0]));
        attest(trio[0], merge);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotActiveValidator.selector, trio[2]));
        attest(trio[2], merge);
    }

    function test_attestCommit_revertsWhilePaused() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        attest(trio[0], attestation);
        pauseProtocol();
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        attest(trio[1], attestation);

        vm.prank(admin);
        protocol.unpause();
        assertGt(attest(trio[1], attestation), 0);
    }

    // ---- attestCommit: what an attestation must hold ---------------------------------------------------------

    function test_attestCommit_revertsForZeroDigests() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        attestation.weightsDigest = 0;
        vm.expectRevert(IModelRegistry.ZeroDigest.selector);
        attest(trio[0], attestation);
        attestation = roundAttestation(modelId, round, ids, 1);
        attestation.weightsRoot = 0;
        vm.expectRevert(IModelRegistry.ZeroDigest.selector);
        attest(trio[0], attestation);
    }

    function test_attestCommit_revertsForMetricsOutOfRange() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        attestation.accuracyPpm = 1_000_001;
        vm.expectRevert(
            abi.encodeWithSelector(ICotrainErrors.MetricsOutOfRange.selector, 1_000_001, attestation.lossMicros)
        );
        attest(trio[0], attestation);

        attestation.accuracyPpm = 1_000_000;
        attestation.lossMicros = uint256(type(uint64).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ICotrainErrors.MetricsOutOfRange.selector, 1_000_000, uint256(type(uint64).max) + 1)
        );
        attest(trio[0], attestation);

        // the bounds themselves are accepted and recorded
        attestation.lossMicros = type(uint64).max;
        attestBy(2, attestation);
        IModelRegistry.CommitView memory info = models.commit(headOf(modelId, 0));
        assertEq(info.accuracyPpm, 1_000_000);
        assertEq(info.lossMicros, type(uint64).max);
    }

    function test_attestCommit_revertsForRoundCommitWithoutContributions() public {
        (uint256 round,) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory empty = roundAttestation(modelId, round, new uint256[](0), 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.InvalidContributionIds.selector, 0));
        attest(trio[0], empty);
    }

    function test_attestCommit_revertsForMergeWithContributions() public {
        _divergedBranches();
        _requestMerge(1, 0);
        IModelRegistry.CommitAttestation memory attestation = mergeAttestation(modelId, 0, 1);
        attestation.contributionIds = single(1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.InvalidContributionIds.selector, 0));
        attest(trio[0], attestation);
    }

    function test_attestCommit_revertsForUnorderedContributionIds() public {
        (uint256 round,) = runRound(modelId, 1);
        uint256[] memory ids = new uint256[](3);
        (ids[0], ids[1], ids[2]) = (1, 2, 2);
        IModelRegistry.CommitAttestation memory repeated = roundAttestation(modelId, round, ids, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.InvalidContributionIds.selector, 2));
        attest(trio[0], repeated);
        (ids[0], ids[1], ids[2]) = (5, 4, 6);
        IModelRegistry.CommitAttestation memory descending = roundAttestation(modelId, round, ids, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.InvalidContributionIds.selector, 1));
        attest(trio[0], descending);
    }

    function test_attestCommit_revertsForMoreThan65535Contributions() public {
        (uint256 round,) = runRound(modelId, 1);
        uint256[] memory ids = new uint256[](uint256(type(uint16).max) + 1);
        for (uint256 i = 0; i < ids.length; ++i) {
            ids[i] = i + 1;
        }
        IModelRegistry.CommitAttestation memory tooMany = roundAttestation(modelId, round, ids, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.InvalidContributionIds.selector, 0));
        attest(trio[0], tooMany);
    }

    function testFuzz_attestCommit_contributionIdsStrictlyAscending(uint256[5] memory raw, uint8 length) public {
        (uint256 round,) = runRound(modelId, 1);
        uint256[] memory ids = new uint256[](bound(length, 1, 5));
        // a small range: repeats and descents are common
        for (uint256 i = 0; i < ids.length; ++i) {
            ids[i] = bound(raw[i], 0, 8);
        }
        uint256 firstBad;
        for (uint256 i = 1; i < ids.length && firstBad == 0; ++i) {
            if (ids[i] <= ids[i - 1]) firstBad = i;
        }
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        if (firstBad != 0) {
            vm.expectRevert(abi.encodeWithSelector(IModelRegistry.InvalidContributionIds.selector, firstBad));
            attest(trio[0], attestation);
            return;
        }
        attestBy(2, attestation);
        IModelRegistry.CommitView memory info = models.commit(headOf(modelId, 0));
        assertEq(info.contributionCount, ids.length);
        assertEq(info.contributionsDigest, keccak256(abi.encodePacked(ids)));
    }

    function test_attestCommit_revertsWhenAlreadyAttested() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        attest(trio[0], attestation);
        bytes32 key = keyOf(attestation);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.AlreadyAttested.selector, key, trio[0]));
        attest(trio[0], attestation);
        // other content for the same proposal is the same vote slot
        IModelRegistry.CommitAttestation memory otherAttestation = roundAttestation(modelId, round, ids, 2);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.AlreadyAttested.selector, key, trio[0]));
        attest(trio[0], otherAttestation);
    }

    function test_attestCommit_revertsForUnknownModelAndBranch() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        attestation.modelId = 2;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownModel.selector, 2));
        attest(trio[0], attestation);
        attestation.modelId = modelId;
        attestation.branchId = 1;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownBranch.selector, modelId, 1));
        attest(trio[0], attestation);
    }

    // ---- attestCommit: which proposals extend a branch ---------------------------------------------------------

    function test_attestCommit_revertsForStaleParentAfterAnotherCommit() public {
        (uint256 first,,) = _recordRound(1);
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        attestation.parent = base;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.StaleParent.selector, first, base));
        attest(trio[0], attestation);
        attestation.parent = 0;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.StaleParent.selector, first, 0));
        attest(trio[0], attestation);
    }

    function test_attestCommit_revertsForStaleParentAfterRevert() public {
        (uint256 first,,) = _recordRound(1);
        (uint256 second,,) = _recordRound(1);
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        assertEq(attestation.parent, second);
        attest(trio[0], attestation); // pending on the old head

        _revert(0, first);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.StaleParent.selector, first, second));
        attest(trio[1], attestation);

        // the same round on the new head starts a proposal of its own
        IModelRegistry.CommitAttestation memory again = roundAttestation(modelId, round, ids, 1);
        assertEq(again.parent, first);
        assertEq(attestBy(1, again), 0);
        uint256 commitId = attest(trio[1], again);
        assertEq(models.commit(commitId).parent, first);
        (uint256 mask, uint256 recorded) = models.proposalState(keyOf(attestation));
        assertEq(mask, 1); // the abandoned proposal keeps its one attestation
        assertEq(recorded, 0);
    }

    function test_attestCommit_revertsForNonDefaultBranch() public {
        uint256 side = _createBranch(base);
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        attestation.branchId = side;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotDefaultBranch.selector, 0, side));
        attest(trio[0], attestation);
    }

    function test_attestCommit_revertsForRoundNotFinalized() public {
        (uint256 round, uint256[] memory ids) = submitUpdates(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        bytes memory expected = abi.encodeWithSelector(IModelRegistry.RoundNotAggregatable.selector, round, 0);
        vm.expectRevert(expected); // submission
        attest(trio[0], attestation);
        rollToReveal(round);
        vm.expectRevert(expected); // reveal
        attest(trio[0], attestation);
        rollToFinalization(round);
        vm.expectRevert(expected); // finalization not done yet
        attest(trio[0], attestation);

        attestation.round = round + 100; // a round that has not come yet expects nobody
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotExpectedAttester.selector, round + 100, trio[0]));
        attest(trio[0], attestation);

        finalizeAll(round);
        attestation.round = round;
        assertEq(attest(trio[0], attestation), 0); // accepted now
    }

    function test_attestCommit_revertsForRoundNotAfterLastRound() public {
        // round 0 never opens: it expects nobody
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, 0, single(1), 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotExpectedAttester.selector, 0, trio[0]));
        attest(trio[0], attestation);

        (uint256 skipped,) = runRound(modelId, 1); // never aggregated
        (, uint256 round, uint256[] memory ids) = _recordRound(1);
        assertGt(round, skipped + 1);
        assertEq(lastRoundOf(modelId), round);
        attestation = roundAttestation(modelId, round, ids, 2); // the same round on the new head
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RoundNotAggregatable.selector, round, round));
        attest(trio[0], attestation);
        attestation.round = skipped; // an earlier finalized round, skipped
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RoundNotAggregatable.selector, skipped, round));
        attest(trio[0], attestation);
        attestation.round = round - 1; // an earlier round without contributions expects nobody
        assertFalse(roundView(round - 1).exists);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotExpectedAttester.selector, round - 1, trio[0]));
        attest(trio[0], attestation);
    }

    function test_attestCommit_laterRoundMaySkipRounds() public {
        (, uint256 first,) = _recordRound(1);
        runRound(modelId, 1); // never aggregated
        (uint256 commitId, uint256 third,) = _recordRound(1);
        assertGt(third, first + 1);
        assertEq(lastRoundOf(modelId), third);
        assertEq(models.commit(commitId).round, third);
    }

    function test_attestCommit_revertsForMergeNotRequested() public {
        (uint256 mainHead, uint256 sideHead) = _divergedBranches();
        IModelRegistry.CommitAttestation memory attestation = mergeAttestation(modelId, 0, 1);
        assertEq(attestation.round, 0); // no request yet
        attestation.mergeParent = sideHead;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NoSuchMerge.selector, 0, sideHead, 0, 0));
        attest(trio[0], attestation);

        _requestMerge(1, 0); // request 1
        attestation.round = 1;
        attestation.mergeParent = base; // not the requested source head
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NoSuchMerge.selector, sideHead, base, 1, 1));
        attest(trio[0], attestation);

        attestation.mergeParent = sideHead;
        attestation.round = 0; // the request number is the merge's round
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NoSuchMerge.selector, sideHead, sideHead, 1, 0));
        attest(trio[0], attestation);
        attestation.round = lastRoundOf(modelId) + 1; // merges aggregate no round
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.NoSuchMerge.selector, sideHead, sideHead, 1, attestation.round)
        );
        attest(trio[0], attestation);
        assertEq(attestation.parent, mainHead);
        attestation.round = 1;
        assertEq(attest(trio[0], attestation), 0); // accepted
    }

    function testFuzz_attestCommit_mergeRevertsForAnyOtherRequestNumber(uint8 requests, uint256 attested) public {
        (, uint256 sideHead) = _divergedBranches();
        requests = uint8(bound(requests, 1, 6));
        for (uint256 i = 0; i < requests; ++i) {
            _requestMerge(1, 0); // the same merge, requested again: a new request number each time
        }
        (uint256 pendingHead, uint256 request) = models.pendingMerge(modelId, 0);
        assertEq(pendingHead, sideHead);
        assertEq(request, requests);
        IModelRegistry.CommitAttestation memory attestation = mergeAttestation(modelId, 0, 1);
        assertEq(attestation.round, requests);
        if (attested == requests) {
            assertEq(attest(trio[0], attestation), 0);
            return;
        }
        attestation.round = attested;
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.NoSuchMerge.selector, sideHead, sideHead, requests, attested)
        );
        attest(trio[0], attestation);
    }

    // ---- attestCommit: quorum and recording ------------------------------------------------------------------

    function test_attestCommit_firstAttestationDoesNotRecord() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 2);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        bytes32 key = keyOf(attestation);
        assertEq(key, keccak256(abi.encode(modelId, 0, base, 0, round)));

        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.CommitAttested(key, trio[1], contentOf(attestation));
        assertEq(attest(trio[1], attestation), 0);

        (uint256 mask, uint256 recorded) = models.proposalState(key);
        assertEq(mask, 2); // index 1
        assertEq(recorded, 0);
        assertEq(headOf(modelId, 0), base);
        assertEq(lastRoundOf(modelId), 0);
        (, uint256 total) = models.commitsOf(modelId, 0, 10);
        assertEq(total, 1);
    }

    function test_attestCommit_secondAgreeingAttestationRecords() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 3);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 7);
        bytes32 key = keyOf(attestation);
        attest(trio[0], attestation);
        vm.roll(block.number + 5);

        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.CommitAttested(key, trio[2], contentOf(attestation));
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.CommitRecorded(modelId, 2, 0, base, 0, round, weightsOf(7), 900_000, ids);
        vm.expectEmit(true, true, true, true, address(commitToken));
        emit IERC721.Transfer(address(0), owner, 2);
        uint256 commitId = attest(trio[2], attestation);

        assertEq(commitId, 2);
        assertEq(headOf(modelId, 0), 2);
        assertEq(lastRoundOf(modelId), round);
        assertEq(commitToken.ownerOf(2), owner);
        (uint256 mask, uint256 recorded) = models.proposalState(key);
        assertEq(mask, 5);
        assertEq(recorded, 2);

        IModelRegistry.CommitView memory info = models.commit(2);
        assertEq(info.modelId, modelId);
        assertEq(info.branchId, 0);
        assertEq(info.parent, base);
        assertEq(info.mergeParent, 0);
        assertEq(info.round, round);
        assertEq(info.weightsDigest, weightsOf(7));
        assertEq(info.weightsRoot, weightsOf(7));
        assertEq(info.contributionsDigest, keccak256(abi.encodePacked(ids)));
        assertEq(info.contributionCount, 3);
        assertEq(info.accuracyPpm, 900_000);
        assertEq(info.lossMicros, 250_000);
        assertEq(info.recordedBlock, block.number);

        uint256[] memory parentIds = models.parents(2);
        assertEq(parentIds.length, 1);
        assertEq(parentIds[0], base);
        (uint256[] memory commitIds, uint256 total) = models.commitsOf(modelId, 0, 10);
        assertEq(total, 2);
        assertEq(commitIds[0], base);
        assertEq(commitIds[1], 2);
        // nobody was penalised
        assertEq(bondOf(trio[0]), VALIDATOR_BOND);
        assertEq(bondOf(trio[1]), VALIDATOR_BOND);
        assertEq(bondOf(trio[2]), VALIDATOR_BOND);
    }

    function test_attestCommit_defaultQuorumOf6667NeedsAllThree() public {
        // 2 x 10000 < 3 x 6667: two of three are 66.66%, below the protocol's default quorum (as in finalize)
        setParam(Parameter.QuorumBps, 6_667);
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        assertEq(attest(trio[0], attestation), 0);
        assertEq(attest(trio[1], attestation), 0);
        assertEq(headOf(modelId, 0), base);
        assertEq(attest(trio[2], attestation), 2);
        assertEq(headOf(modelId, 0), 2);
    }

    function test_attestCommit_quorumCountsTheValidatorsExpectedForTheRound() public {
        setParam(Parameter.QuorumBps, BPS); // every expected validator
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        assertEq(attest(trio[0], attestation), 0); // 1 of 3
        vm.prank(admin);
        registry.removeValidator(trio[2]);
        assertEq(registry.activeValidatorCount(), 2);
        assertEq(attest(trio[1], attestation), 0); // 2 of the 3 expected, though 2 of 2 active
        assertEq(headOf(modelId, 0), base);
        assertEq(attest(trio[2], attestation), 2); // removed, but expected in the round
        assertEq(headOf(modelId, 0), 2);

        // a validator admitted after the round opened is not one of its validators
        address late = newValidator("late", VALIDATOR_BOND); // index 3
        (round, ids) = runRound(modelId, 1); // expects trio[0], trio[1] and late
        assertEq(roundView(round).expectedValidators, 0xb);
        attestation = roundAttestation(modelId, round, ids, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotExpectedAttester.selector, round, trio[2]));
        attest(trio[2], attestation); // not expected in this round: it was removed before it opened
        attest(trio[0], attestation);
        assertEq(attest(trio[1], attestation), 0); // 2 of 3
        assertEq(attest(late, attestation), 3);
    }

    /// A round that expected one validator is that validator's to aggregate.
    function test_attestCommit_soleExpectedValidatorRecordsAlone() public {
        vm.startPrank(admin);
        registry.removeValidator(trio[1]);
        registry.removeValidator(trio[2]);
        vm.stopPrank();
        (uint256 round, uint256[] memory ids) = submitUpdates(modelId, 1);
        assertEq(roundView(round).expectedValidators, 1);
        address[] memory one = new address[](1);
        one[0] = trio[0];
        scoreRound(round, one, hex"50");
        assertEq(attest(trio[0], roundAttestation(modelId, round, ids, 1)), 2);
    }

    function test_attestCommit_dissenterBeforeQuorumIsSlashedWhenRecorded() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 2);
        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        IModelRegistry.CommitAttestation memory other = roundAttestation(modelId, round, ids, 2);
        bytes32 key = keyOf(honest);
        (uint256 available, uint256 funded,) = _pool();
        assertEq(available, 0); // the fixture funds no rewards
        assertEq(funded, 0);
        protocolBalanceBefore = token.balanceOf(address(protocol));

        assertEq(attest(trio[1], other), 0); // different content, same proposal: one vote for it
        assertEq(attest(trio[0], honest), 0);
        assertEq(bondOf(trio[1]), VALIDATOR_BOND); // nothing happens before quorum

        uint256 penalty = _penaltyOn(VALIDATOR_BOND);
        totalBondBefore = registry.totalBond();
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.CommitRecorded(modelId, 2, 0, base, 0, round, weightsOf(1), 900_000, ids);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorSlashed(
            trio[1], round, penalty, IValidatorRegistry.SlashReason.DeviatingAttestation, address(models)
        );
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(address(registry), address(protocol), penalty);
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IRewardPool.SlashedToPool(penalty);
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.AttestationPenalised(key, trio[1], penalty);
        assertEq(attest(trio[2], honest), 2);

        assertEq(bondOf(trio[1]), VALIDATOR_BOND - penalty);
        assertEq(bondOf(trio[0]), VALIDATOR_BOND);
        assertEq(bondOf(trio[2]), VALIDATOR_BOND);
        assertTrue(registry.validatorInfo(trio[1]).active); // 1,980 still above the minimum
        assertEq(registry.totalBond(), totalBondBefore - penalty);
        _assertPool(penalty, 0, penalty); // straight into the pool, through the validator registry: not a funding
        assertEq(token.balanceOf(address(protocol)), protocolBalanceBefore + penalty);
        assertEq(token.balanceOf(address(models)), 0);
        assertEq(token.allowance(address(models), address(protocol)), 0);
        (uint256 mask, uint256 recorded) = models.proposalState(key);
        assertEq(mask, 7);
        assertEq(recorded, 2);
        assertEq(models.commit(2).weightsDigest, weightsOf(1));
    }

    function test_attestCommit_everyDissenterIsSlashed() public {
        address[] memory more = bondValidators(2); // five validators
        setParam(Parameter.QuorumBps, 6_000); // three agreeing of five: 30000 >= 5 x 6000
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        attest(trio[0], roundAttestation(modelId, round, ids, 2));
        attest(trio[1], honest);
        attest(more[0], roundAttestation(modelId, round, ids, 3));
        assertEq(attest(trio[2], honest), 0); // 2 of 5
        assertEq(headOf(modelId, 0), base);
        assertEq(attest(more[1], honest), 2);
        uint256 penalty = _penaltyOn(VALIDATOR_BOND);
        assertEq(bondOf(trio[0]), VALIDATOR_BOND - penalty);
        assertEq(bondOf(more[0]), VALIDATOR_BOND - penalty);
        assertEq(bondOf(trio[1]), VALIDATOR_BOND);
        assertEq(bondOf(more[1]), VALIDATOR_BOND);
        (uint256 available,, uint256 slashed) = _pool();
        assertEq(available, 2 * penalty);
        assertEq(slashed, 2 * penalty);
    }

    function test_attestCommit_lateDisagreeingAttestationIsSlashedAtOnce() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        attestBy(2, honest);
        IModelRegistry.CommitAttestation memory late = roundAttestation(modelId, round, ids, 9);
        late.parent = base; // the proposal as it stood: the head has moved to the recorded commit
        bytes32 key = keyOf(late);
        uint256 penalty = _penaltyOn(VALIDATOR_BOND);

        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.CommitAttested(key, trio[2], contentOf(late));
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.AttestationPenalised(key, trio[2], penalty);
        assertEq(attest(trio[2], late), 0);

        assertEq(bondOf(trio[2]), VALIDATOR_BOND - penalty);
        (uint256 available, uint256 funded, uint256 slashed) = _pool();
        assertEq(available, penalty);
        assertEq(funded, 0);
        assertEq(slashed, penalty);
        assertEq(token.balanceOf(address(models)), 0);
        (uint256 mask, uint256 recorded) = models.proposalState(key);
        assertEq(mask, 7);
        assertEq(recorded, 2);
        assertEq(headOf(modelId, 0), 2);
        // once is enough
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.AlreadyAttested.selector, key, trio[2]));
        attest(trio[2], late);
    }

    function test_attestCommit_lateDisagreeingMetricsOnlyIsNotADisagreement() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        attestBy(2, honest);
        honest.accuracyPpm = 1; // metrics are medians, not content
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.CommitAlreadyRecorded.selector, 2));
        attest(trio[2], honest);
    }

    function test_attestCommit_lateAgreeingAttestationReverts() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        attestBy(2, honest);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.CommitAlreadyRecorded.selector, 2));
        attest(trio[2], honest);
        assertEq(bondOf(trio[2]), VALIDATOR_BOND);
    }

    function test_attestCommit_penaltyOfAValidatorThatLeftIsZero() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        attest(trio[0], roundAttestation(modelId, round, ids, 2));
        vm.prank(admin);
        registry.removeValidator(trio[0]);
        vm.roll(registry.validatorInfo(trio[0]).unbondingReadyBlock);
        vm.prank(trio[0]);
        registry.withdrawValidatorBond();

        assertEq(attest(trio[1], honest), 0); // 1 of the 3 expected
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.AttestationPenalised(keyOf(honest), trio[0], 0);
        assertEq(attest(trio[2], honest), 2);
        (uint256 available, uint256 funded, uint256 slashed) = _pool();
        assertEq(available, 0);
        assertEq(funded, 0);
        assertEq(slashed, 0);
    }

    function test_attestCommit_dissenterSlashedBelowMinimumIsDeactivated() public {
        setParam(Parameter.MinValidatorStake, VALIDATOR_BOND);
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        attest(trio[0], roundAttestation(modelId, round, ids, 2));
        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        attest(trio[1], honest);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorActivityChanged(trio[0], false);
        attest(trio[2], honest);
        assertFalse(registry.validatorInfo(trio[0]).active);
        assertEq(registry.activeMask(), 6);
        // and is not expected in the next round, nor part of the set that attests merges
        (uint256 next, uint256[] memory nextIds) = runRound(modelId, 1);
        assertEq(roundView(next).expectedValidators, 6);
        IModelRegistry.CommitAttestation memory nextAttestation = roundAttestation(modelId, next, nextIds, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotExpectedAttester.selector, next, trio[0]));
        attest(trio[0], nextAttestation);
        uint256 side = _createBranch(base);
        _requestMerge(side, 0);
        IModelRegistry.CommitAttestation memory merge = mergeAttestation(modelId, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotActiveValidator.selector, trio[0]));
        attest(trio[0], merge);
    }

    function test_attestCommit_recordsTheMedianMetricsOfTheAgreeingAttesters() public {
        setParam(Parameter.QuorumBps, BPS);
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        uint256[3] memory accuracies = [uint256(900_000), 700_000, 800_000];
        uint256[3] memory losses = [uint256(3), 1, 2];
        for (uint256 i = 0; i < 3; ++i) {
            attestation.accuracyPpm = accuracies[i];
            attestation.lossMicros = losses[i];
            attest(trio[i], attestation);
        }
        IModelRegistry.CommitView memory info = models.commit(2);
        assertEq(info.accuracyPpm, 800_000);
        assertEq(info.lossMicros, 2);
    }

    function test_attestCommit_medianIgnoresDissentersAndTakesTheLowerOfAnEvenCount() public {
        address[] memory more = bondValidators(1); // four validators
        setParam(Parameter.QuorumBps, 5_000); // two agreeing of four
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory dissent = roundAttestation(modelId, round, ids, 2);
        dissent.accuracyPpm = 1;
        dissent.lossMicros = 1;
        attest(more[0], dissent);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        attestation.accuracyPpm = 600_000;
        attestation.lossMicros = 40;
        attest(trio[2], attestation);
        attestation.accuracyPpm = 500_000;
        attestation.lossMicros = 50;
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.CommitRecorded(modelId, 2, 0, base, 0, round, weightsOf(1), 500_000, ids);
        attest(trio[0], attestation);
        IModelRegistry.CommitView memory info = models.commit(2);
        assertEq(info.accuracyPpm, 500_000); // lower of 500,000 and 600,000
        assertEq(info.lossMicros, 40); // lower of 40 and 50
    }

    function testFuzz_attestCommit_medianOfThree(uint32[3] memory accuracy, uint64[3] memory loss) public {
        setParam(Parameter.QuorumBps, BPS);
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        uint256[3] memory a;
        uint256[3] memory l;
        for (uint256 i = 0; i < 3; ++i) {
            a[i] = bound(accuracy[i], 0, 1_000_000);
            l[i] = loss[i];
            attestation.accuracyPpm = a[i];
            attestation.lossMicros = l[i];
            attest(trio[i], attestation);
        }
        IModelRegistry.CommitView memory info = models.commit(2);
        assertEq(info.accuracyPpm, _middle(a));
        assertEq(info.lossMicros, _middle(l));
    }

    function _middle(uint256[3] memory v) internal pure returns (uint256) {
        uint256 lo = v[0] < v[1] ? v[0] : v[1];
        uint256 hi = v[0] < v[1] ? v[1] : v[0];
        return v[2] < lo ? lo : v[2] > hi ? hi : v[2];
    }

    function test_attestCommit_commitGoesToTheModelsOwnerAtRecordingTime() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        attest(trio[0], attestation);
        vm.prank(owner);
        models.transferFrom(owner, buyer, modelId);
        assertEq(attest(trio[1], attestation), 2);
        assertEq(commitToken.ownerOf(2), buyer);
        assertEq(commitToken.ownerOf(base), owner); // minted earlier, stays
    }

    function test_attestCommit_mintsToAnOwnerContractWithoutReceiverHook() public {
        address holder = address(new NoReceiver());
        vm.prank(owner);
        models.transferFrom(owner, holder, modelId); // not a safe transfer: the holder has no hook
        (uint256 commitId,,) = _recordRound(1);
        assertEq(commitToken.ownerOf(commitId), holder);
    }

    // ---- attestCommit: index turnover (regressions) -----------------------------------------------------------

    /// @dev `validator` leaves the set and withdraws: its index is free for the next validator admitted.
    function _leave(address validator) internal {
        vm.prank(admin);
        registry.removeValidator(validator);
        vm.roll(registry.validatorInfo(validator).unbondingReadyBlock);
        vm.prank(validator);
        registry.withdrawValidatorBond();
        (bool holdsIndex,,) = registry.validatorSlot(validator, 0);
        assertFalse(holdsIndex);
    }

    /// @dev Admits `validator` again and bonds it.
    function _readmit(address validator) internal {
        vm.prank(admin);
        registry.addValidator(validator);
        fund(validator, VALIDATOR_BOND);
        vm.startPrank(validator);
        token.approve(address(registry), VALIDATOR_BOND);
        registry.bondValidator(VALIDATOR_BOND);
        vm.stopPrank();
    }

    /// Regression: the new holder of an index that had attested was refused with AlreadyAttested. Merges are the
    /// active set's, so a newcomer at that index attests in its own name.
    function test_attestCommit_newHolderOfAnIndexMayAttestAMerge() public {
        _divergedBranches();
        _requestMerge(1, 0);
        IModelRegistry.CommitAttestation memory attestation = mergeAttestation(modelId, 0, 1);
        bytes32 key = keyOf(attestation);
        attest(trio[0], mergeAttestation(modelId, 0, 2)); // index 0, other content
        _leave(trio[0]);
        address successor = newValidator("successor", VALIDATOR_BOND);
        assertEq(registry.validatorInfo(successor).index, 0);

        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.CommitAttested(key, successor, contentOf(attestation));
        assertEq(attest(successor, attestation), 0); // 1 of 3
        (uint256 mask,) = models.proposalState(key);
        assertEq(mask, 1);
        // the predecessor's attestation is gone with its index: nobody is penalised for it
        uint256 commitId = attest(trio[1], attestation);
        assertGt(commitId, 0);
        assertEq(registry.validatorInfo(successor).bond, VALIDATOR_BOND);
        (,, uint256 slashed) = _pool();
        assertEq(slashed, 0);
        // and the successor cannot attest twice
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.CommitAlreadyRecorded.selector, commitId));
        attest(trio[2], attestation);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.AlreadyAttested.selector, key, successor));
        attest(successor, attestation);
    }

    /// A newcomer taking over an index after a round opened is not one of the round's validators, though the
    /// index is in its expected set; the predecessor's attestation still answers for its content.
    function test_attestCommit_newHolderOfAnIndexIsNotExpectedInAnEarlierRound() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        bytes32 key = keyOf(attestation);
        attest(trio[0], roundAttestation(modelId, round, ids, 2)); // index 0, other content
        _leave(trio[0]);
        address successor = newValidator("successor", VALIDATOR_BOND);
        assertEq(registry.validatorInfo(successor).index, 0);
        assertEq(roundView(round).expectedValidators & 1, 1);
        (, uint256 admittedRound) = registry.indexHolder(0);
        assertGt(admittedRound, round);

        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotExpectedAttester.selector, round, successor));
        attest(successor, attestation);
        assertEq(attest(trio[1], attestation), 0);
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.AttestationPenalised(key, trio[0], 0); // it left with nothing to slash
        assertEq(attest(trio[2], attestation), 2);
        assertEq(bondOf(successor), VALIDATOR_BOND); // the successor answers for nothing
    }

    /// Regression: a departed validator's attestation counted towards the quorum.
    function test_attestCommit_departedValidatorsDoNotMakeTheQuorum() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        attest(trio[0], attestation);
        _leave(trio[0]);
        newValidator("successor", VALIDATOR_BOND); // index 0, active, not expected in the round
        assertEq(attest(trio[1], attestation), 0); // one standing vote of the three expected
        assertEq(headOf(modelId, 0), base);
        // the third expected validator completes it, with the metrics of the two standing attesters
        attestation.accuracyPpm = 100_000;
        assertEq(attest(trio[2], attestation), 2);
        assertEq(models.commit(2).accuracyPpm, 100_000); // lower median of 100,000 and 900,000
    }

    /// Regression: a departed validator's merge attestation counted towards the quorum of the active validators.
    function test_attestCommit_departedValidatorsDoNotMakeAMergeQuorum() public {
        _divergedBranches();
        _requestMerge(1, 0);
        IModelRegistry.CommitAttestation memory attestation = mergeAttestation(modelId, 0, 1);
        attest(trio[0], attestation);
        _leave(trio[0]);
        address successor = newValidator("successor", VALIDATOR_BOND); // index 0, active, has not attested
        assertEq(attest(trio[1], attestation), 0); // one standing vote of three active
        attestation.accuracyPpm = 100_000;
        uint256 commitId = attest(successor, attestation);
        assertGt(commitId, 0);
        assertEq(models.commit(commitId).accuracyPpm, 100_000); // lower median of 100,000 and 910,000
    }

    /// A validator that left and came back at the same index is admitted after the round: its attestation made
    /// before it left no longer counts, and it cannot attest the round again.
    function test_attestCommit_readmittedAtTheSameIndexNoLongerSpeaksForTheRound() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        attestation.accuracyPpm = 1;
        attest(trio[0], attestation);
        _leave(trio[0]);
        _readmit(trio[0]);
        assertEq(registry.validatorInfo(trio[0]).index, 0); // the lowest free index: its old one
        assertEq(registry.validatorInfo(trio[0]).admittedRound, protocol.currentRound());

        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotExpectedAttester.selector, round, trio[0]));
        attest(trio[0], attestation);
        attestation.accuracyPpm = 500_000;
        assertEq(attest(trio[1], attestation), 0); // index 0's vote does not stand: 1 of 3
        attestation.accuracyPpm = 700_000;
        assertEq(attest(trio[2], attestation), 2);
        assertEq(models.commit(2).accuracyPpm, 500_000); // trio[0]'s 1 takes no part
    }

    /// Regression: an attestation kept counting after its validator became inactive. Merges are the active set's.
    function test_attestCommit_inactiveAttestersDoNotMakeAMergeQuorum() public {
        _divergedBranches();
        setParam(Parameter.QuorumBps, BPS);
        address[] memory more = bondValidators(1); // four active
        _requestMerge(1, 0);
        IModelRegistry.CommitAttestation memory attestation = mergeAttestation(modelId, 0, 1);
        attestation.accuracyPpm = 1;
        attest(trio[0], attestation);
        vm.prank(admin);
        registry.removeValidator(trio[0]); // inactive, still holds index 0
        attestation.accuracyPpm = 500_000;
        attest(trio[1], attestation);
        assertEq(attest(trio[2], attestation), 0); // 2 standing of 3 active
        attestation.accuracyPpm = 700_000;
        uint256 commitId = attest(more[0], attestation); // 3 of 3; trio[0]'s metrics take no part
        assertGt(commitId, 0);
        assertEq(models.commit(commitId).accuracyPpm, 500_000);
        assertEq(bondOf(trio[0]), 0); // agreeing, so not penalised (its bond is all unbonding)
        assertEq(registry.validatorInfo(trio[0]).unbonding, VALIDATOR_BOND);
    }

    /// An expected validator that became inactive after the round opened still speaks for the round.
    function test_attestCommit_inactiveExpectedAttestersMakeARoundQuorum() public {
        setParam(Parameter.QuorumBps, BPS);
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        attestation.accuracyPpm = 1;
        attest(trio[0], attestation);
        vm.prank(admin);
        registry.removeValidator(trio[0]); // inactive, still holds index 0
        attestation.accuracyPpm = 500_000;
        assertEq(attest(trio[1], attestation), 0); // 2 of 3 expected
        attestation.accuracyPpm = 700_000;
        assertEq(attest(trio[2], attestation), 2); // 3 of 3, trio[0] included
        assertEq(models.commit(2).accuracyPpm, 500_000); // median of 1, 500,000 and 700,000
    }

    /// A validator re-admitted at another index cannot vote twice: its first attestation went with its old index, and
    /// its new index was not in the set active when the merge was requested.
    function test_attestCommit_readmittedValidatorVotesOnce() public {
        _divergedBranches();
        _requestMerge(1, 0);
        IModelRegistry.CommitAttestation memory attestation = mergeAttestation(modelId, 0, 1);
        attest(trio[0], attestation);
        _leave(trio[0]);
        newValidator("successor", VALIDATOR_BOND); // takes index 0
        _readmit(trio[0]); // index 3
        assertEq(registry.validatorInfo(trio[0]).index, 3);

        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotActiveValidator.selector, trio[0]));
        attest(trio[0], attestation);
        assertEq(attest(trio[1], attestation), 0); // one standing vote of three: index 0 changed hands
        assertGt(attest(trio[2], attestation), 0);
        (uint256 mask,) = models.proposalState(keyOf(attestation));
        assertEq(mask, 0x7); // index 0 still marks trio[0]'s first attestation
    }

    /// ... and at another index it is not one of the round's validators at all.
    function test_attestCommit_readmittedAtAnotherIndexIsNotExpected() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        attest(trio[0], attestation);
        _leave(trio[0]);
        newValidator("successor", VALIDATOR_BOND); // takes index 0
        _readmit(trio[0]); // index 3
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotExpectedAttester.selector, round, trio[0]));
        attest(trio[0], attestation);
    }

    // ---- attack: one validator dictating the model --------------------------------------------------------------

    /// Attack 5 of issue 10: with the others deactivated, the only active validator recorded any model as head alone
    /// (quorum was computed over the validators active now). Quorum is over the validators the round expected.
    function test_attestCommit_oneValidatorDictating_cannotRecordARoundAlone() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        vm.startPrank(admin);
        registry.removeValidator(trio[1]);
        registry.removeValidator(trio[2]);
        vm.stopPrank();
        assertEq(registry.activeMask(), 1); // the attacker is the only active validator left

        IModelRegistry.CommitAttestation memory poisoned = roundAttestation(modelId, round, ids, 666);
        assertEq(attest(trio[0], poisoned), 0); // 1 of the 3 expected
        assertEq(headOf(modelId, 0), base);
        assertEq(lastRoundOf(modelId), 0);

        // the deactivated validators were expected: they record the honest aggregate and the attacker pays
        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        assertEq(attest(trio[1], honest), 0);
        uint256 penalty = _penaltyOn(VALIDATOR_BOND);
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.AttestationPenalised(keyOf(honest), trio[0], penalty);
        assertEq(attest(trio[2], honest), 2);
        assertEq(models.commit(2).weightsDigest, weightsOf(1));
        assertEq(bondOf(trio[0]), VALIDATOR_BOND - penalty);
    }

    /// The same when the others were deactivated by a raised minimum bond that only the attacker topped up.
    function test_attestCommit_oneValidatorDictating_deactivatedByTheMinimumBond() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        fund(trio[0], VALIDATOR_BOND);
        vm.startPrank(trio[0]);
        token.approve(address(registry), VALIDATOR_BOND);
        registry.bondValidator(VALIDATOR_BOND);
        vm.stopPrank();
        setParam(Parameter.MinValidatorStake, 2 * VALIDATOR_BOND);
        assertEq(registry.activeMask(), 1);
        assertEq(attest(trio[0], roundAttestation(modelId, round, ids, 666)), 0);
        assertEq(headOf(modelId, 0), base);
        // a later round expects the attacker alone: that one is its to aggregate
        (uint256 next, uint256[] memory nextIds) = runRound(modelId, 1);
        assertEq(roundView(next).expectedValidators, 1);
        assertEq(attest(trio[0], roundAttestation(modelId, next, nextIds, 666)), 2);
    }

    function testFuzz_attestCommit_oneValidatorDictating_neverRecordsAlone(uint8 setSize, uint8 attackerIndex) public {
        uint256 size = bound(setSize, 2, 8);
        if (size > 3) {
            bondValidators(size - 3);
        } else if (size == 2) {
            vm.prank(admin);
            registry.removeValidator(trio[2]);
        }
        uint256 attacker = bound(attackerIndex, 0, size - 1);
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        assertEq(Bitmaps32.popCount(roundView(round).expectedValidators), size);
        vm.startPrank(admin);
        for (uint256 i = 0; i < size; ++i) {
            if (i != attacker) registry.removeValidator(validatorSet[i]);
        }
        vm.stopPrank();
        assertEq(registry.activeValidatorCount(), 1);
        assertEq(attest(validatorSet[attacker], roundAttestation(modelId, round, ids, 666)), 0);
        assertEq(headOf(modelId, 0), base);
        // the quorum of the expected set still records: ceil(size x 6666 / 10000) of them
        uint256 needed = (size * QUORUM_TWO_OF_THREE + BPS - 1) / BPS;
        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        uint256 agreeing;
        for (uint256 i = 0; i < size; ++i) {
            if (i == attacker) continue;
            uint256 commitId = attest(validatorSet[i], honest);
            ++agreeing;
            assertEq(commitId != 0, agreeing == needed, "recorded exactly at the quorum");
            if (commitId != 0) break;
        }
    }

    /// A validator admitted after the round opened cannot help an attacker reach the round's quorum.
    function test_attestCommit_oneValidatorDictating_newcomersAreNotExpected() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        address accomplice = newValidator("accomplice", VALIDATOR_BOND);
        IModelRegistry.CommitAttestation memory poisoned = roundAttestation(modelId, round, ids, 666);
        attest(trio[0], poisoned);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotExpectedAttester.selector, round, accomplice));
        attest(accomplice, poisoned);
        assertEq(headOf(modelId, 0), base);
    }

    function testFuzz_attestCommit_notExpectedAttesterForAnyRound(uint64 round, address caller) public {
        vm.assume(caller != trio[0] && caller != trio[1] && caller != trio[2] && caller != address(vm));
        (, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotExpectedAttester.selector, round, caller));
        attest(caller, attestation);
    }

    /// Round commits use the quorum the round opened with; merges the quorum in force.
    function test_attestCommit_roundCommitUsesTheRoundsQuorum() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1); // opened under 6,666
        setParam(Parameter.QuorumBps, BPS); // raising it afterwards does not block the round's commit
        assertEq(protocol.roundParameter(round, Parameter.QuorumBps), QUORUM_TWO_OF_THREE);
        assertEq(attestBy(2, roundAttestation(modelId, round, ids, 1)), 2);

        (round, ids) = runRound(modelId, 1); // opened under 10,000
        setParam(Parameter.QuorumBps, 3_000); // lowering it afterwards does not let one validator record it
        IModelRegistry.CommitAttestation memory attestation = roundAttestation(modelId, round, ids, 1);
        assertEq(attest(trio[0], attestation), 0); // 10000 >= 3 x 3000, but the round needs 3 x 10000
        assertEq(attest(trio[1], attestation), 0);
        assertEq(attest(trio[2], attestation), 3);
    }

    function test_mergeFlow_usesTheQuorumInForce() public {
        (uint256 mainHead, uint256 sideHead) = _divergedBranches();
        _requestMerge(1, 0);
        setParam(Parameter.QuorumBps, 3_000);
        uint256 merged = attest(trio[0], mergeAttestation(modelId, 0, 1)); // 10000 >= 3 x 3000
        assertGt(merged, 0);
        assertEq(models.commit(merged).parent, mainHead);
        assertEq(models.commit(merged).mergeParent, sideHead);

        _requestMerge(0, 1); // main into side
        setParam(Parameter.QuorumBps, BPS);
        IModelRegistry.CommitAttestation memory attestation = mergeAttestation(modelId, 1, 1);
        assertEq(attest(trio[0], attestation), 0);
        assertEq(attest(trio[1], attestation), 0);
        assertEq(attest(trio[2], attestation), merged + 1);
    }

    // ---- merges ----------------------------------------------------------------------------------------------

    function test_requestMerge_recordsTheSourceHeadAndARequestNumber() public {
        (, uint256 sideHead) = _divergedBranches();
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.MergeRequested(modelId, 0, 1, sideHead, 1);
        _requestMerge(1, 0);
        (uint256 pendingHead, uint256 request) = models.pendingMerge(modelId, 0);
        assertEq(pendingHead, sideHead);
        assertEq(request, 1);
        (pendingHead, request) = models.pendingMerge(modelId, 1);
        assertEq(pendingHead, 0);
        assertEq(request, 0);
    }

    function test_requestMerge_numbersRequestsPerTargetBranch() public {
        (uint256 mainHead, uint256 sideHead) = _divergedBranches();
        _requestMerge(1, 0);
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.MergeRequested(modelId, 0, 1, sideHead, 2);
        _requestMerge(1, 0); // the same merge again: a new request
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.MergeRequested(modelId, 1, 0, mainHead, 1);
        _requestMerge(0, 1); // the other branch counts its own
        assertEq(mergeRequestOf(modelId, 0), 2);
        assertEq(mergeRequestOf(modelId, 1), 1);
        // a recorded merge clears the pending head and keeps the number
        uint256 commitId = attestBy(2, mergeAttestation(modelId, 0, 1));
        (uint256 pendingHead, uint256 request) = models.pendingMerge(modelId, 0);
        assertEq(pendingHead, 0);
        assertEq(request, 2);
        (, uint256 otherModelBase) = registerModel(buyer);
        assertGt(otherModelBase, commitId);
        assertEq(mergeRequestOf(2, 0), 0); // and other models count their own
    }

    function test_requestMerge_replacesAnEarlierRequest() public {
        (uint256 mainHead, uint256 sideHead) = _divergedBranches();
        uint256 third = _createBranch(base);
        _requestMerge(1, third);
        assertEq(pendingHeadOf(modelId, third), sideHead);
        IModelRegistry.CommitAttestation memory first = mergeAttestation(modelId, third, 1);
        assertEq(first.round, 1);
        attest(trio[0], first); // pending under request 1
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.MergeRequested(modelId, third, 0, mainHead, 2);
        _requestMerge(0, third);
        (uint256 pendingHead, uint256 request) = models.pendingMerge(modelId, third);
        assertEq(pendingHead, mainHead);
        assertEq(request, 2);
        // the replaced request can no longer be attested, by its head or its number
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NoSuchMerge.selector, mainHead, sideHead, 2, 1));
        attest(trio[1], first);
        IModelRegistry.CommitAttestation memory attestation = mergeAttestation(modelId, third, 1);
        attestation.mergeParent = sideHead;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NoSuchMerge.selector, mainHead, sideHead, 2, 2));
        attest(trio[1], attestation);
        attestation.mergeParent = mainHead;
        attestation.round = 1;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NoSuchMerge.selector, mainHead, mainHead, 2, 1));
        attest(trio[1], attestation);
    }

    function test_requestMerge_revertsWithNothingToMerge() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NothingToMerge.selector, 0, 0));
        _requestMerge(0, 0);
        uint256 side = _createBranch(base); // same head as branch 0
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NothingToMerge.selector, side, 0));
        _requestMerge(side, 0);
    }

    function test_requestMerge_revertsForUnknownBranchOrModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownBranch.selector, modelId, 1));
        _requestMerge(1, 0);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownBranch.selector, modelId, 1));
        _requestMerge(0, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownModel.selector, 9));
        vm.prank(owner);
        models.requestMerge(9, 0, 1);
    }

    function test_requestMerge_revertsForNonOwner() public {
        _divergedBranches();
        _expectNotOwner(stranger);
        vm.prank(stranger);
        models.requestMerge(modelId, 1, 0);
    }

    function test_mergeFlow_recordsAMergeCommitWithTwoParents() public {
        (uint256 mainHead, uint256 sideHead) = _divergedBranches();
        uint256 lastRound = lastRoundOf(modelId);
        _requestMerge(1, 0);
        IModelRegistry.CommitAttestation memory attestation = mergeAttestation(modelId, 0, 42);
        bytes32 key = keyOf(attestation);
        assertEq(key, keccak256(abi.encode(modelId, 0, mainHead, sideHead, 1))); // request 1
        assertEq(attest(trio[0], attestation), 0);
        uint256 commitId = sideHead > mainHead ? sideHead + 1 : mainHead + 1;

        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.CommitRecorded(
            modelId, commitId, 0, mainHead, sideHead, 1, weightsOf(42), 910_000, new uint256[](0)
        ); // the event names the request number as the round
        assertEq(attest(trio[1], attestation), commitId);

        uint256[] memory parentIds = models.parents(commitId);
        assertEq(parentIds.length, 2);
        assertEq(parentIds[0], mainHead);
        assertEq(parentIds[1], sideHead);
        IModelRegistry.CommitView memory info = models.commit(commitId);
        assertEq(info.branchId, 0);
        assertEq(info.parent, mainHead);
        assertEq(info.mergeParent, sideHead);
        assertEq(info.round, 0);
        assertEq(info.contributionCount, 0);
        assertEq(info.contributionsDigest, keccak256(""));
        assertEq(info.accuracyPpm, 910_000);
        assertEq(info.lossMicros, 240_000);
        assertEq(headOf(modelId, 0), commitId);
        assertEq(headOf(modelId, 1), sideHead); // the source branch stays
        assertEq(pendingHeadOf(modelId, 0), 0);
        assertEq(mergeRequestOf(modelId, 0), 1);
        assertEq(lastRoundOf(modelId), lastRound); // a merge aggregates no round
        assertEq(commitToken.ownerOf(commitId), owner);

        // rounds go on from the merge commit
        (uint256 next,,) = _recordRound(1);
        assertEq(models.commit(next).parent, commitId);
    }

    function test_mergeFlow_intoANonDefaultBranch() public {
        (uint256 mainHead, uint256 sideHead) = _divergedBranches();
        _requestMerge(0, 1);
        uint256 commitId = attestBy(2, mergeAttestation(modelId, 1, 5));
        assertEq(headOf(modelId, 1), commitId);
        assertEq(models.commit(commitId).parent, sideHead);
        assertEq(models.commit(commitId).mergeParent, mainHead);
        assertEq(models.commit(commitId).branchId, 1);
    }

    function test_mergeFlow_dissentingMergeIsSlashed() public {
        _divergedBranches();
        _requestMerge(1, 0);
        attest(trio[0], mergeAttestation(modelId, 0, 6));
        attest(trio[1], mergeAttestation(modelId, 0, 5));
        uint256 penalty = _penaltyOn(VALIDATOR_BOND);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorSlashed(
            trio[0], 1, penalty, IValidatorRegistry.SlashReason.DeviatingAttestation, address(models)
        ); // the slash names the request number as its round
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IRewardPool.SlashedToPool(penalty);
        uint256 commitId = attest(trio[2], mergeAttestation(modelId, 0, 5));
        assertEq(models.commit(commitId).weightsDigest, weightsOf(5));
        assertEq(bondOf(trio[0]), VALIDATOR_BOND - penalty);
        (uint256 available, uint256 funded, uint256 slashed) = _pool();
        assertEq(available, penalty);
        assertEq(funded, 0);
        assertEq(slashed, penalty);
        assertEq(token.balanceOf(address(models)), 0);
    }

    /// Issue 10, attack 8: a merge re-requested after revertBranch undid it could never be recorded, its proposal
    /// key being the recorded one. The request number tells the proposals apart.
    function test_mergeFlow_reRequestedAfterRevertIsANewCommit() public {
        (uint256 mainHead, uint256 sideHead) = _divergedBranches();
        _requestMerge(1, 0);
        IModelRegistry.CommitAttestation memory first = mergeAttestation(modelId, 0, 5);
        uint256 firstMerge = attestBy(2, first);
        assertGt(firstMerge, 0);
        _revert(0, mainHead); // undo the merge
        assertEq(headOf(modelId, 0), mainHead);
        (uint256 pendingHead, uint256 request) = models.pendingMerge(modelId, 0);
        assertEq(pendingHead, 0);
        assertEq(request, 1);

        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.MergeRequested(modelId, 0, 1, sideHead, 2);
        _requestMerge(1, 0);
        IModelRegistry.CommitAttestation memory again = mergeAttestation(modelId, 0, 5);
        // the same parents and content as the first merge, under a new request number
        assertEq(again.parent, first.parent);
        assertEq(again.mergeParent, first.mergeParent);
        assertEq(contentOf(again), contentOf(first));
        assertEq(again.round, 2);
        assertTrue(keyOf(again) != keyOf(first));
        (, uint256 recorded) = models.proposalState(keyOf(again));
        assertEq(recorded, 0);

        assertEq(attest(trio[0], again), 0);
        uint256 secondMerge = attest(trio[1], again);
        assertEq(secondMerge, firstMerge + 1);
        assertEq(headOf(modelId, 0), secondMerge);
        uint256[] memory parentIds = models.parents(secondMerge);
        assertEq(parentIds[0], mainHead);
        assertEq(parentIds[1], sideHead);
        assertEq(models.commit(secondMerge).weightsDigest, weightsOf(5));
        assertEq(pendingHeadOf(modelId, 0), 0);
        (, recorded) = models.proposalState(keyOf(first));
        assertEq(recorded, firstMerge); // the first proposal keeps its commit
        // the first request is settled: agreeing with it again is late, disagreeing with it is a penalty
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.CommitAlreadyRecorded.selector, firstMerge));
        attest(trio[2], first);
        IModelRegistry.CommitAttestation memory dissent = mergeAttestation(modelId, 0, 6);
        (dissent.parent, dissent.mergeParent, dissent.round) = (mainHead, sideHead, 1);
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.AttestationPenalised(keyOf(first), trio[2], _penaltyOn(VALIDATOR_BOND));
        assertEq(attest(trio[2], dissent), 0);
    }

    /// A stale request number is no merge, even with the right heads.
    function test_mergeFlow_staleRequestNumberRevertsNoSuchMerge() public {
        (uint256 mainHead, uint256 sideHead) = _divergedBranches();
        _requestMerge(1, 0);
        IModelRegistry.CommitAttestation memory stale = mergeAttestation(modelId, 0, 5);
        _requestMerge(1, 0); // asked again before anything was recorded: request 2 replaces request 1
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NoSuchMerge.selector, sideHead, sideHead, 2, 1));
        attest(trio[0], stale);
        stale.round = 3; // nor a number not given yet
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NoSuchMerge.selector, sideHead, sideHead, 2, 3));
        attest(trio[0], stale);
        uint256 commitId = attestBy(2, mergeAttestation(modelId, 0, 5));
        assertEq(models.commit(commitId).parent, mainHead);
        // once recorded, no merge is pending: any number is no merge
        stale = mergeAttestation(modelId, 0, 5);
        assertEq(stale.mergeParent, 0);
        stale.mergeParent = sideHead;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NoSuchMerge.selector, 0, sideHead, 2, 2));
        attest(trio[0], stale);
    }

    function test_mergeFlow_targetHeadMovedMeansANewProposal() public {
        (uint256 mainHead,) = _divergedBranches();
        _requestMerge(1, 0);
        IModelRegistry.CommitAttestation memory early = mergeAttestation(modelId, 0, 5);
        attest(trio[0], early);
        (uint256 roundCommit,,) = _recordRound(1); // the target moves on before the merge is recorded
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.StaleParent.selector, roundCommit, mainHead));
        attest(trio[1], early);
        uint256 commitId = attestBy(2, mergeAttestation(modelId, 0, 5));
        assertEq(models.commit(commitId).parent, roundCommit);
    }

    /// Found by review: merges were attested by the validators active now, so with the others deactivated the one
    /// active validator left recorded a requested merge alone, whatever weights it named. The electorate is the set
    /// active when the merge was requested: the deactivated validators still attest it, and one alone records nothing.
    function test_mergeFlow_soleActiveValidatorCannotRecordARequestedMerge() public {
        (uint256 mainHead, uint256 sideHead) = _divergedBranches();
        _requestMerge(1, 0);
        vm.startPrank(admin);
        registry.removeValidator(trio[1]);
        registry.removeValidator(trio[2]);
        vm.stopPrank();
        assertEq(registry.activeMask(), 1);
        assertEq(attest(trio[0], mergeAttestation(modelId, 0, 666)), 0);
        assertEq(headOf(modelId, 0), mainHead);

        IModelRegistry.CommitAttestation memory honest = mergeAttestation(modelId, 0, 1);
        assertEq(attest(trio[1], honest), 0);
        uint256 merged = attest(trio[2], honest);
        assertGt(merged, 0);
        assertEq(headOf(modelId, 0), merged);
        assertEq(models.commit(merged).weightsDigest, weightsOf(1));
        assertEq(models.commit(merged).mergeParent, sideHead);
    }

    /// Found by review: attestation penalties followed the DeviationPenaltyBps in force, so raising it after a round
    /// repriced that round's dissent. A round commit's dissent costs the round's own rate.
    function test_attestCommit_penaltyUsesTheRoundsDeviationPenalty() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1); // priced with 100 bps
        setParam(Parameter.DeviationPenaltyBps, 500);
        assertEq(protocol.roundParameter(round, Parameter.DeviationPenaltyBps), PENALTY_BPS);
        attest(trio[0], roundAttestation(modelId, round, ids, 2));
        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        attest(trio[1], honest);
        attest(trio[2], honest);
        assertEq(bondOf(trio[0]), VALIDATOR_BOND - _penaltyOn(VALIDATOR_BOND), "the round's 1%");
    }

    /// A validator admitted after the merge request is not in its electorate.
    function test_attestCommit_validatorAdmittedAfterTheMergeRequestCannotAttestIt() public {
        _divergedBranches();
        _requestMerge(1, 0);
        address late = newValidator("late", VALIDATOR_BOND);
        IModelRegistry.CommitAttestation memory attestation = mergeAttestation(modelId, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotActiveValidator.selector, late));
        attest(late, attestation);
    }

    // ---- penalties go to the protocol's reward pool -------------------------------------------------------------

    /// The penalty of a validator that is unbonding comes out of its unbonding tokens, straight into the pool.
    function test_attestCommit_penaltyOfAnUnbondingExpectedValidatorLandsInThePool() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        vm.prank(admin);
        registry.removeValidator(trio[0]); // its whole bond unbonding, still slashable
        attest(trio[0], roundAttestation(modelId, round, ids, 2));
        uint256 registryBalance = token.balanceOf(address(registry));
        uint256 protocolBalance = token.balanceOf(address(protocol));
        (uint256 availableBefore, uint256 fundedBefore, uint256 slashedBefore) = _pool();

        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        attest(trio[1], honest);
        uint256 penalty = _penaltyOn(VALIDATOR_BOND);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorSlashed(
            trio[0], round, penalty, IValidatorRegistry.SlashReason.DeviatingAttestation, address(models)
        );
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IRewardPool.SlashedToPool(penalty);
        assertEq(attest(trio[2], honest), 2);

        assertEq(registry.validatorInfo(trio[0]).unbonding, VALIDATOR_BOND - penalty);
        assertEq(token.balanceOf(address(registry)), registryBalance - penalty);
        assertEq(token.balanceOf(address(protocol)), protocolBalance + penalty);
        assertEq(token.balanceOf(address(models)), 0);
        (uint256 available, uint256 funded, uint256 slashed) = _pool();
        assertEq(available, availableBefore + penalty);
        assertEq(funded, fundedBefore);
        assertEq(slashed, slashedBefore + penalty);
    }

    /// What the registry's penalties put in the pool pays the rewards of later rounds.
    function test_attestCommit_penaltiesFundLaterRewards() public {
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        assertEq(protocol.claimable(contributor), 0); // nothing in the pool: the update went unpaid
        attest(trio[0], roundAttestation(modelId, round, ids, 2));
        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        attest(trio[1], honest);
        attest(trio[2], honest);
        (uint256 available,,) = _pool();
        assertEq(available, _penaltyOn(VALIDATOR_BOND));
        runRound(modelId, 1);
        assertGt(protocol.claimable(contributor), 0);
        (uint256 left,,) = _pool();
        assertLt(left, available);
    }

    /// A ModelRegistry the validator registry did not bind cannot slash: recording a commit with dissent reverts.
    function test_attestCommit_unboundRegistryCannotPenalise() public {
        ModelRegistry implementation = new ModelRegistry(protocol);
        address predicted = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        CommitToken commits = new CommitToken(predicted);
        ModelRegistry unbound = ModelRegistry(
            address(
                new ERC1967Proxy(address(implementation), abi.encodeCall(ModelRegistry.initialize, (admin, commits)))
            )
        );
        IModelRegistry.ModelSpec memory spec = defaultSpec();
        vm.prank(owner);
        (uint256 otherModel, uint256 otherBase) = unbound.registerModel(spec);
        (uint256 round, uint256[] memory ids) = runRound(otherModel, 1);
        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        (honest.modelId, honest.parent) = (otherModel, otherBase);
        IModelRegistry.CommitAttestation memory dissent = roundAttestation(modelId, round, ids, 2);
        (dissent.modelId, dissent.parent) = (otherModel, otherBase);
        vm.prank(trio[0]);
        unbound.attestCommit(dissent);
        vm.prank(trio[1]);
        unbound.attestCommit(honest);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.NotSlasher.selector, address(unbound)));
        vm.prank(trio[2]);
        unbound.attestCommit(honest);
        // and the validator registry binds one model registry only
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ModelRegistryAlreadyBound.selector, address(models)));
        vm.prank(admin);
        registry.bindModelRegistry(address(unbound));
    }

    // ---- sweepSurplus ----------------------------------------------------------------------------------------

    function test_sweepSurplus_movesStrayTokensIntoThePool() public {
        fund(address(models), 7 * TOKEN); // sent by mistake
        (uint256 availableBefore, uint256 fundedBefore, uint256 slashedBefore) = _pool();
        uint256 protocolBalance = token.balanceOf(address(protocol));

        vm.expectEmit(true, true, true, true, address(protocol));
        emit IRewardPool.RewardsFunded(address(models), 7 * TOKEN);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(address(models), address(protocol), 7 * TOKEN);
        vm.prank(stranger); // permissionless
        assertEq(models.sweepSurplus(), 7 * TOKEN);

        assertEq(token.balanceOf(address(models)), 0);
        assertEq(token.balanceOf(address(protocol)), protocolBalance + 7 * TOKEN);
        assertEq(token.allowance(address(models), address(protocol)), 0);
        (uint256 available, uint256 funded, uint256 slashed) = _pool();
        assertEq(available, availableBefore + 7 * TOKEN);
        assertEq(funded, fundedBefore + 7 * TOKEN);
        assertEq(slashed, slashedBefore);

        vm.expectRevert(IModelRegistry.NoSurplus.selector); // nothing left
        models.sweepSurplus();
    }

    function test_sweepSurplus_revertsWithNoSurplus() public {
        vm.expectRevert(IModelRegistry.NoSurplus.selector);
        models.sweepSurplus();
        // penalties leave nothing behind to sweep
        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        attest(trio[0], roundAttestation(modelId, round, ids, 2));
        IModelRegistry.CommitAttestation memory honest = roundAttestation(modelId, round, ids, 1);
        attest(trio[1], honest);
        attest(trio[2], honest);
        (,, uint256 slashed) = _pool();
        assertGt(slashed, 0);
        vm.expectRevert(IModelRegistry.NoSurplus.selector);
        models.sweepSurplus();
    }

    function test_sweepSurplus_worksWhilePaused() public {
        fund(address(models), 3 * TOKEN);
        pauseProtocol();
        assertEq(models.sweepSurplus(), 3 * TOKEN);
        assertEq(token.balanceOf(address(models)), 0);
    }

    function testFuzz_sweepSurplus_anyAmount(uint256 amount, address caller) public {
        amount = bound(amount, 1, 1_000_000 * TOKEN);
        vm.assume(caller != address(0) && caller != address(vm));
        fund(address(models), amount);
        (uint256 availableBefore, uint256 fundedBefore,) = _pool();
        vm.prank(caller);
        assertEq(models.sweepSurplus(), amount);
        (uint256 available, uint256 funded,) = _pool();
        assertEq(available, availableBefore + amount);
        assertEq(funded, fundedBefore + amount);
        assertEq(token.balanceOf(address(models)), 0);
    }

    // ---- createBranch ----------------------------------------------------------------------------------------

    function test_createBranch_fromAnyCommit() public {
        (uint256 first,,) = _recordRound(1);
        (uint256 second,,) = _recordRound(1);

        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.BranchCreated(modelId, 1, base, "experiment");
        vm.prank(owner);
        assertEq(models.createBranch(modelId, base, "experiment"), 1);
        assertEq(_createBranch(first), 2);
        assertEq(_createBranch(second), 3); // the head itself

        assertEq(branchCountOf(modelId), 4);
        assertEq(headOf(modelId, 1), base);
        assertEq(headOf(modelId, 2), first);
        assertEq(headOf(modelId, 3), second);
        assertEq(headOf(modelId, 0), second);
        assertEq(defaultBranchOf(modelId), 0);
        assertEq(pendingHeadOf(modelId, 1), 0);
        assertEq(mergeRequestOf(modelId, 1), 0);
        (, uint256 total) = models.commitsOf(modelId, 0, 0);
        assertEq(total, 3); // branches add no commits
    }

    function test_createBranch_fromACommitOfAnotherBranch() public {
        (, uint256 sideHead) = _divergedBranches();
        uint256 branchId = _createBranch(sideHead);
        assertEq(headOf(modelId, branchId), sideHead);
        assertEq(models.commit(sideHead).branchId, 1);
    }

    function test_createBranch_revertsForUnknownCommit() public {
        (, uint256 otherBase) = registerModel(buyer);
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownCommit.selector, modelId, 0));
        models.createBranch(modelId, 0, "x");
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownCommit.selector, modelId, otherBase));
        models.createBranch(modelId, otherBase, "x");
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownCommit.selector, modelId, 99));
        models.createBranch(modelId, 99, "x");
        vm.stopPrank();
    }

    function test_createBranch_revertsForNonOwnerAndUnknownModel() public {
        _expectNotOwner(stranger);
        vm.prank(stranger);
        models.createBranch(modelId, base, "x");
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownModel.selector, 2));
        vm.prank(owner);
        models.createBranch(2, base, "x");
    }

    // ---- setDefaultBranch ------------------------------------------------------------------------------------

    function test_setDefaultBranch_movesWhereRoundsGo() public {
        (uint256 first,,) = _recordRound(1);
        uint256 side = _createBranch(base);

        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.DefaultBranchChanged(modelId, side);
        _setDefault(side);
        assertEq(defaultBranchOf(modelId), side);

        (uint256 round, uint256[] memory ids) = runRound(modelId, 1);
        IModelRegistry.CommitAttestation memory onMain = roundAttestation(modelId, round, ids, 1);
        onMain.branchId = 0;
        onMain.parent = first;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotDefaultBranch.selector, side, 0));
        attest(trio[0], onMain);

        uint256 commitId = attestBy(2, roundAttestation(modelId, round, ids, 1));
        assertEq(headOf(modelId, side), commitId);
        assertEq(headOf(modelId, 0), first);
        assertEq(models.commit(commitId).branchId, side);
        assertEq(models.commit(commitId).parent, base);
        assertEq(lastRoundOf(modelId), round); // one round counter per model
    }

    function test_setDefaultBranch_revertsForUnknownBranchAndNonOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownBranch.selector, modelId, 1));
        _setDefault(1);
        _expectNotOwner(stranger);
        vm.prank(stranger);
        models.setDefaultBranch(modelId, 0);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownModel.selector, 3));
        vm.prank(owner);
        models.setDefaultBranch(3, 0);
    }

    // ---- revertBranch ----------------------------------------------------------------------------------------

    function test_revertBranch_movesTheHeadBackAndKeepsTheCommits() public {
        (uint256 first,,) = _recordRound(1);
        (uint256 second,,) = _recordRound(1);
        (uint256 third,,) = _recordRound(1);

        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.BranchReverted(modelId, 0, third, first);
        _revert(0, first);
        assertEq(headOf(modelId, 0), first);
        // the commits after it stay recorded and owned
        assertEq(models.commit(second).parent, first);
        assertEq(commitToken.ownerOf(third), owner);
        (uint256[] memory ids, uint256 total) = models.commitsOf(modelId, 0, 10);
        assertEq(total, 4);
        assertEq(ids[3], third);

        _revert(0, base); // and further back
        assertEq(headOf(modelId, 0), base);
        // the next round extends the new head
        (uint256 next,,) = _recordRound(1);
        assertEq(models.commit(next).parent, base);
    }

    function test_revertBranch_revertsForTheHeadItself() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotAnAncestor.selector, 0, base));
        _revert(0, base);
        (uint256 first,,) = _recordRound(1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotAnAncestor.selector, 0, first));
        _revert(0, first);
    }

    function test_revertBranch_revertsForACommitOfAnotherBranch() public {
        (uint256 mainHead, uint256 sideHead) = _divergedBranches();
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotAnAncestor.selector, 0, sideHead));
        _revert(0, sideHead);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotAnAncestor.selector, 1, mainHead));
        _revert(1, mainHead);
    }

    function test_revertBranch_revertsForALaterCommit() public {
        (uint256 first,,) = _recordRound(1);
        _recordRound(1);
        _revert(0, first);
        uint256 second = first + 1;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotAnAncestor.selector, 0, second));
        _revert(0, second); // once left behind, a commit is no ancestor: branch from it instead
    }

    function test_revertBranch_toAnAncestorTheBranchWasCreatedFrom() public {
        (uint256 first,,) = _recordRound(1);
        uint256 side = _createBranch(first);
        _setDefault(side);
        (uint256 sideCommit,,) = _recordRound(1);
        assertEq(models.commit(sideCommit).parent, first);
        _revert(side, base); // walks sideCommit -> first -> base
        assertEq(headOf(modelId, side), base);
        assertEq(headOf(modelId, 0), first);
    }

    function test_revertBranch_followsFirstParentsOnly() public {
        (uint256 mainHead, uint256 sideHead) = _divergedBranches();
        _requestMerge(1, 0);
        uint256 mergeCommit = attestBy(2, mergeAttestation(modelId, 0, 1));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotAnAncestor.selector, 0, sideHead));
        _revert(0, sideHead); // a second parent
        _revert(0, mainHead);
        assertEq(headOf(modelId, 0), mainHead);
        assertEq(models.commit(mergeCommit).mergeParent, sideHead);
    }

    /// Regression: reverting a branch to the head of its pending merge let validators record a merge commit
    /// whose two parents were the same commit.
    function test_revertBranch_toThePendingMergeHeadDropsTheMerge() public {
        uint256 side = _createBranch(base);
        _recordRound(1); // main moves on, side stays at the base
        _requestMerge(side, 0); // allowed: the base is not main's head
        assertEq(pendingHeadOf(modelId, 0), base);
        _revert(0, base);
        (uint256 pendingHead, uint256 request) = models.pendingMerge(modelId, 0);
        assertEq(pendingHead, 0);
        assertEq(request, 1); // the number stays: a new request gets the next one
        IModelRegistry.CommitAttestation memory attestation = mergeAttestation(modelId, 0, 1);
        attestation.mergeParent = base;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NoSuchMerge.selector, 0, base, 1, 1));
        attest(trio[0], attestation);

        // a revert to another commit keeps the request
        (uint256 second,,) = _recordRound(1);
        _setDefault(side);
        (uint256 onSide,,) = _recordRound(1);
        _requestMerge(side, 0);
        _setDefault(0);
        (uint256 fourth,,) = _recordRound(1);
        assertEq(models.commit(fourth).parent, second);
        _revert(0, second);
        (pendingHead, request) = models.pendingMerge(modelId, 0);
        assertEq(pendingHead, onSide);
        assertEq(request, 2);
        assertEq(attestBy(2, mergeAttestation(modelId, 0, 1)), fourth + 1);
        assertEq(models.parents(fourth + 1)[1], onSide);
    }

    function test_revertBranch_revertsForUnknownCommitBranchAndModel() public {
        (, uint256 otherBase) = registerModel(buyer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownCommit.selector, modelId, 0));
        _revert(0, 0);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownCommit.selector, modelId, otherBase));
        _revert(0, otherBase);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownBranch.selector, modelId, 1));
        _revert(1, base);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownModel.selector, 7));
        vm.prank(owner);
        models.revertBranch(7, 0, base);
    }

    function test_revertBranch_revertsForNonOwner() public {
        _recordRound(1);
        _expectNotOwner(stranger);
        vm.prank(stranger);
        models.revertBranch(modelId, 0, base);
    }

    // ---- the model NFT carries the model --------------------------------------------------------------------

    function test_transferModel_movesBranchRightsAndFutureCommits() public {
        (uint256 first,,) = _recordRound(1);
        vm.prank(owner);
        models.safeTransferFrom(owner, buyer, modelId);
        assertEq(models.ownerOf(modelId), buyer);

        _expectNotOwner(owner);
        vm.prank(owner);
        models.createBranch(modelId, base, "x");
        _expectNotOwner(owner);
        vm.prank(owner);
        models.revertBranch(modelId, 0, base);
        _expectNotOwner(owner);
        vm.prank(owner);
        models.setDefaultBranch(modelId, 0);

        vm.startPrank(buyer);
        uint256 side = models.createBranch(modelId, base, "buyer's");
        models.setDefaultBranch(modelId, side);
        vm.stopPrank();
        (uint256 second,,) = _recordRound(1);
        assertEq(commitToken.ownerOf(second), buyer);
        assertEq(commitToken.ownerOf(first), owner);
        vm.prank(buyer);
        models.requestMerge(modelId, side, 0);
        vm.prank(buyer);
        models.revertBranch(modelId, side, base);
        assertEq(headOf(modelId, side), base);
    }

    function test_approvedOperatorIsNotTheOwner() public {
        vm.prank(owner);
        models.setApprovalForAll(stranger, true);
        _expectNotOwner(stranger);
        vm.prank(stranger);
        models.createBranch(modelId, base, "x");
    }

    // ---- views -----------------------------------------------------------------------------------------------

    function test_views_revertForUnknownIds() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownModel.selector, 0));
        models.model(0);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownModel.selector, 2));
        models.model(2);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownModel.selector, 2));
        models.branchHead(2, 0);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownBranch.selector, modelId, 1));
        models.branchHead(modelId, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownBranch.selector, modelId, 1));
        models.pendingMerge(modelId, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownCommit.selector, 0, 0));
        models.commit(0);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownCommit.selector, 0, 2));
        models.commit(2);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownCommit.selector, 0, 2));
        models.parents(2);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownModel.selector, 2));
        models.commitsOf(2, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 2));
        models.ownerOf(2);
    }

    function test_commitsOf_pagesInRecordingOrder() public {
        (, uint256 otherBase) = registerModel(buyer); // commit 2 belongs to another model
        uint256[] memory recorded = new uint256[](4);
        recorded[0] = base;
        for (uint256 i = 1; i < 4; ++i) {
            (recorded[i],,) = _recordRound(1);
        }
        assertEq(recorded[1], otherBase + 1);

        for (uint256 offset = 0; offset <= 6; ++offset) {
            for (uint256 limit = 0; limit <= 6; ++limit) {
                (uint256[] memory page, uint256 total) = models.commitsOf(modelId, offset, limit);
                assertEq(total, 4);
                uint256 expectedLength = offset >= 4 ? 0 : (4 - offset < limit ? 4 - offset : limit);
                assertEq(page.length, expectedLength);
                for (uint256 k = 0; k < page.length; ++k) {
                    assertEq(page[k], recorded[offset + k]);
                }
            }
        }
        (uint256[] memory all,) = models.commitsOf(modelId, 0, type(uint256).max);
        assertEq(all.length, 4);
        (uint256[] memory none, uint256 count) = models.commitsOf(modelId, type(uint256).max, type(uint256).max);
        assertEq(none.length, 0);
        assertEq(count, 4);
    }

    function testFuzz_commitsOf_anyOffsetAndLimit(uint256 offset, uint256 limit, bool small) public {
        _recordRound(1);
        _recordRound(1);
        if (small) {
            offset = bound(offset, 0, 5);
            limit = bound(limit, 0, 5);
        }
        (uint256[] memory page, uint256 total) = models.commitsOf(modelId, offset, limit);
        assertEq(total, 3);
        uint256 expectedLength = offset >= total ? 0 : (total - offset < limit ? total - offset : limit);
        assertEq(page.length, expectedLength);
        for (uint256 k = 0; k < page.length; ++k) {
            assertEq(page[k], offset + k + 1); // commits 1, 2, 3
        }
    }

    function testFuzz_proposalKey_isTheHashOfItsFiveParts(
        uint256 model,
        uint256 branch,
        uint256 parent,
        uint256 mergeParent,
        uint256 round
    ) public view {
        assertEq(
            models.proposalKey(model, branch, parent, mergeParent, round),
            keccak256(abi.encode(model, branch, parent, mergeParent, round))
        );
    }

    function test_proposalState_unknownProposalIsEmpty() public view {
        (uint256 mask, uint256 recorded) = models.proposalState(keccak256("nothing"));
        assertEq(mask, 0);
        assertEq(recorded, 0);
    }

    function test_modelCount_countsRegistrations() public {
        assertEq(models.modelCount(), 1);
        registerModel(owner);
        registerModel(buyer);
        assertEq(models.modelCount(), 3);
        assertEq(models.ownerOf(3), buyer);
    }

    function test_supportsInterface() public view {
        assertTrue(models.supportsInterface(type(IERC721).interfaceId));
        assertTrue(models.supportsInterface(type(IERC721Metadata).interfaceId));
        assertTrue(models.supportsInterface(type(IAccessControl).interfaceId));
        assertTrue(models.supportsInterface(type(IERC165).interfaceId));
        assertFalse(models.supportsInterface(0xffffffff));
        assertFalse(models.supportsInterface(type(IERC20).interfaceId));
    }

    function test_tokenURI_isEmpty() public view {
        assertEq(models.tokenURI(modelId), "");
    }

    // ---- upgrades --------------------------------------------------------------------------------------------

    function test_upgrade_keepsState() public {
        (uint256 first, uint256 round,) = _recordRound(2);
        uint256 side = _createBranch(base);
        _requestMerge(0, side);
        ModelRegistryV2 next = new ModelRegistryV2(protocol);
        vm.prank(admin);
        models.upgradeToAndCall(address(next), "");

        assertEq(ModelRegistryV2(address(models)).version(), 2);
        assertEq(models.modelCount(), 1);
        assertEq(models.ownerOf(modelId), owner);
        assertEq(models.commitToken(), address(commitToken));
        assertEq(headOf(modelId, 0), first);
        assertEq(headOf(modelId, side), base);
        (uint256 pendingHead, uint256 request) = models.pendingMerge(modelId, side);
        assertEq(pendingHead, first);
        assertEq(request, 1);
        assertEq(lastRoundOf(modelId), round);
        assertEq(models.commit(first).contributionCount, 2);
        assertTrue(models.hasRole(models.UPGRADER_ROLE(), admin));
        (, uint256 recorded) = models.proposalState(keccak256(abi.encode(modelId, 0, base, 0, round)));
        assertEq(recorded, first);
        // and keeps working
        (uint256 second,,) = _recordRound(1);
        assertEq(models.commit(second).parent, first);
        assertEq(commitToken.ownerOf(second), owner);
    }

    function test_upgrade_revertsWithoutUpgraderRole() public {
        ModelRegistryV2 next = new ModelRegistryV2(protocol);
        _expectUnauthorized(owner, models.UPGRADER_ROLE());
        vm.prank(owner);
        models.upgradeToAndCall(address(next), "");

        bytes32 upgraderRole = models.UPGRADER_ROLE();
        vm.prank(admin);
        models.revokeRole(upgraderRole, admin);
        _expectUnauthorized(admin, upgraderRole);
        vm.prank(admin);
        models.upgradeToAndCall(address(next), "");
    }
}
