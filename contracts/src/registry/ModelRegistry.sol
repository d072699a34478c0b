// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {ERC721Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC721/ERC721Upgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ICotrainProtocol} from "../interfaces/ICotrainProtocol.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IValidatorRegistry} from "../interfaces/IValidatorRegistry.sol";
import {Bitmaps32} from "../libraries/Bitmaps32.sol";
import {LowerMedian} from "../libraries/LowerMedian.sol";
import {Parameter, RoundPhase} from "../types/CotrainTypes.sol";
import {CommitToken} from "./CommitToken.sol";

/// @title Model registry: model NFTs, validator-attested commits and branches
/// @notice See IModelRegistry. The model NFTs are this contract's ERC-721 collection ("Cotrain Model"); commits are
/// minted in the CommitToken collection. Behind a UUPS proxy.
/// @dev Roles: DEFAULT_ADMIN_ROLE grants roles; UPGRADER_ROLE upgrades (both held by the governance timelock).
/// Everything else is either permissionless (registerModel), the model owner's (branches) or the validators'
/// (attestCommit). The ValidatorRegistry must have bound this registry (bindModelRegistry) for its penalties.
contract ModelRegistry is
    IModelRegistry,
    ERC721Upgradeable,
    AccessControlUpgradeable,
    UUPSUpgradeable,
    ReentrancyGuardTransient
{
    using SafeERC20 for IERC20;

    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");

    uint256 private constant BPS = 10_000;
    uint256 private constant MAX_ACCURACY_PPM = 1_000_000;
    uint256 private constant MAX_MODEL_ID = (1 << 32) - 1; // the protocol stores task ids in 32 bits

    /// @inheritdoc IModelRegistry
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ICotrainProtocol public immutable override PROTOCOL;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IValidatorRegistry internal immutable VALIDATORS;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IERC20 internal immutable TOKEN;

    struct Model {
        ModelSpec spec; // 4 digest slots + 1 packed slot (rule and five uint16s), written once
        // one slot: what recording a commit or moving the default branch touches
        uint32 defaultBranch;
        uint32 branchCount;
        uint48 lastRound;
    }

    struct Branch {
        // one slot: an attestation reads all three
        uint48 head;
        uint48 pendingMergeHead; // 0 when no merge is requested
        uint32 mergeRequest; // requests made so far: a re-requested merge is a new proposal
        uint32 mergeElectorate; // the validators active when the pending merge was requested: they attest it
    }

    struct Commit {
        bytes32 weightsDigest;
        bytes32 weightsRoot;
        bytes32 contributionsDigest;
        // one slot: the history links, which revertBranch walks
        uint40 modelId;
        uint48 parent;
        uint48 mergeParent;
        uint32 branchId;
        uint48 round;
        uint16 contributionCount;
        // one slot: metrics, read only by clients
        uint32 accuracyPpm;
        uint64 lossMicros;
        uint48 recordedBlock;
    }

    struct Proposal {
        // one slot: every attestation reads and writes it
        uint32 attestedMask;
        uint48 recordedCommit;
    }

    struct Attestation {
        bytes32 content;
        // one slot: the attester is kept by address, since its index can pass to another validator later
        address validator;
        uint32 accuracyPpm;
        uint64 lossMicros;
    }

    /// @custom:storage-location erc7201:cotrain.storage.ModelRegistry
    struct RegistryStorage {
        CommitToken commitToken;
        uint40 modelCount;
        uint48 commitCount;
        mapping(uint256 modelId => Model) models;
        mapping(uint256 modelId => mapping(uint256 branchId => Branch)) branches;
        mapping(uint256 modelId => uint48[]) modelCommits; // six ids a slot
        mapping(uint256 commitId => Commit) commits;
        mapping(bytes32 proposal => Proposal) proposals;
        mapping(bytes32 proposal => mapping(bytes32 content => uint32 mask)) votes;
        mapping(bytes32 proposal => mapping(uint256 index => Attestation)) attestations;
    }

    // keccak256(abi.encode(uint256(keccak256("cotrain.storage.ModelRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REGISTRY_STORAGE = 0xf7f784881d2030de01d8fdc8457412ef35fb5c06c0bc92810549ff2998961b00;

    function _registry() private pure returns (RegistryStorage storage $) {
        assembly {
            $.slot := REGISTRY_STORAGE
        }
    }

    /// @param protocol the CotrainProtocol proxy; its token and validator registry are read once here
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(ICotrainProtocol protocol) {
        PROTOCOL = protocol;
        VALIDATORS = IValidatorRegistry(protocol.validatorRegistry());
        TOKEN = IERC20(protocol.stakingToken());
        _disableInitializers();
    }

    /// @notice Initializes the proxy, binds the commit collection and grants every role to `admin`.
    /// @param admin receives DEFAULT_ADMIN_ROLE and UPGRADER_ROLE
    /// @param commits a CommitToken whose minter is this proxy
    function initialize(address admin, CommitToken commits) external initializer {
        if (admin == address(0)) revert ZeroAddress();
        if (commits.MINTER() != address(this)) revert CommitTokenNotBound(commits.MINTER());
        __ERC721_init("Cotrain Model", "COTM");
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
        _registry().commitToken = commits;
    }

    /// @notice The commit NFT collection.
    /// @return token the CommitToken this registry mints
    function commitToken() external view returns (address) {
        return address(_registry().commitToken);
    }

    /// @inheritdoc IModelRegistry
    function registerModel(ModelSpec calldata spec)
        external
        nonReentrant
        returns (uint256 modelId, uint256 baseCommit)
    {
        if (PROTOCOL.paused()) revert ProtocolPaused();
        _checkSpec(spec);
        RegistryStorage storage $ = _registry();
        if ($.modelCount == MAX_MODEL_ID) revert ModelIdsExhausted();
        modelId = ++$.modelCount;
        Model storage registered = $.models[modelId];
        registered.spec = spec;
        registered.branchCount = 1;
        baseCommit = ++$.commitCount;
        $.commits[baseCommit] = Commit({
            weightsDigest: spec.baseWeightsDigest,
            weightsRoot: spec.baseWeightsRoot,
            contributionsDigest: bytes32(0),
            modelId: uint40(modelId),
            parent: 0,
            mergeParent: 0,
            branchId: 0,
            round: 0,
            contributionCount: 0,
            accuracyPpm: 0,
            lossMicros: 0,
            recordedBlock: uint48(block.number)
        });
        $.branches[modelId][0].head = uint48(baseCommit);
        $.modelCommits[modelId].push(uint48(baseCommit));
        emit ModelRegistered(modelId, msg.sender, baseCommit, spec);
        emit BranchCreated(modelId, 0, baseCommit, "main");
        $.commitToken.mint(msg.sender, baseCommit);
        _safeMint(msg.sender, modelId); // last: the receiver hook sees a complete registration
    }

    /// @inheritdoc IModelRegistry
    function attestCommit(CommitAttestation calldata attestation) external nonReentrant returns (uint256) {
        if (PROTOCOL.paused()) revert ProtocolPaused();
        _checkAttestation(attestation);
        (uint256 index, uint256 electorate, uint256 quorumBps) = _attester(attestation);

        RegistryStorage storage $ = _registry();
        bytes32 key = proposalKey(
            attestation.modelId, attestation.branchId, attestation.parent, attestation.mergeParent, attestation.round
        );
        Proposal storage proposal = $.proposals[key];
        if ((proposal.attestedMask >> index) & 1 != 0) {
            Attestation storage earlier = $.attestations[key][index];
            if (earlier.validator == msg.sender) revert AlreadyAttested(key, msg.sender);
            // The index changed hands since: its former holder's attestation no longer speaks for it.
            uint32 bit = uint32(1 << index);
            proposal.attestedMask &= ~bit;
            $.votes[key][earlier.content] &= ~bit;
        }
        bytes32 content = _contentHash(
            attestation.weightsDigest,
            attestation.weightsRoot,
            keccak256(abi.encodePacked(attestation.contributionIds))
        );

        uint256 recorded = proposal.recordedCommit;
        if (recorded != 0) {
            // Late: the head has moved on to the recorded commit, so only the content can be judged.
            Commit storage existing = $.commits[recorded];
            if (content == _contentHash(existing.weightsDigest, existing.weightsRoot, existing.contributionsDigest)) {
                revert CommitAlreadyRecorded(recorded);
            }
            _remember(key, proposal, index, content, attestation);
            _penalise(key, msg.sender, attestation);
            return 0;
        }

        _checkProposal(attestation);
        _remember(key, proposal, index, content, attestation);
        uint32 standing = _quorum(key, $.votes[key][content], electorate, quorumBps, attestation);
        if (standing == 0) return 0;
        return _record(key, proposal, content, standing, attestation);
    }

    /// @inheritdoc IModelRegistry
    function recordBaseMetrics(uint256 modelId, uint256 accuracyPpm, uint256 lossMicros) external {
        if (msg.sender != address(VALIDATORS)) revert NotValidatorRegistry(msg.sender);
        _model(modelId);
        RegistryStorage storage $ = _registry();
        uint256 baseCommit = $.modelCommits[modelId][0];
        Commit storage base = $.commits[baseCommit];
        base.accuracyPpm = uint32(accuracyPpm);
        base.lossMicros = uint64(lossMicros);
        emit BaseMetricsRecorded(modelId, baseCommit, accuracyPpm, lossMicros);
    }

    /// @inheritdoc IModelRegistry
    function createBranch(uint256 modelId, uint256 fromCommit, bytes32 name) external returns (uint256 branchId) {
        Model storage owned = _ownedModel(modelId);
        _modelCommit(modelId, fromCommit);
        branchId = owned.branchCount;
        owned.branchCount = uint32(branchId + 1);
        _registry().branches[modelId][branchId].head = uint48(fromCommit);
        emit BranchCreated(modelId, branchId, fromCommit, name);
    }

    /// @inheritdoc IModelRegistry
    function setDefaultBranch(uint256 modelId, uint256 branchId) external {
        Model storage owned = _ownedModel(modelId);
        _branch(modelId, branchId);
        owned.defaultBranch = uint32(branchId);
        emit DefaultBranchChanged(modelId, branchId);
    }

    /// @inheritdoc IModelRegistry
    function revertBranch(uint256 modelId, uint256 branchId, uint256 toCommit) external {
        _ownedModel(modelId);
        Branch storage branch = _branch(modelId, branchId);
        _modelCommit(modelId, toCommit);
        uint256 head = branch.head;
        RegistryStorage storage $ = _registry();
        // Walks first parents: O(commits since toCommit), paid by the owner who asks for it.
        uint256 cursor = $.commits[head].parent;
        while (cursor != toCommit) {
            if (cursor == 0) revert NotAnAncestor(branchId, toCommit);
            cursor = $.commits[cursor].parent;
        }
        branch.head = uint48(toCommit);
        // The branch now is the head a pending merge would bring in: nothing is left to merge. A later request for
        // it again is a new proposal (its own request number), whatever this one recorded.
        if (branch.pendingMergeHead == toCommit) branch.pendingMergeHead = 0;
        emit BranchReverted(modelId, branchId, head, toCommit);
    }

    /// @inheritdoc IModelRegistry
    function requestMerge(uint256 modelId, uint256 sourceBranch, uint256 targetBranch) external {
        _ownedModel(modelId);
        uint256 sourceHead = _branch(modelId, sourceBranch).head;
        Branch storage target = _branch(modelId, targetBranch);
        if (sourceBranch == targetBranch || sourceHead == target.head) {
            revert NothingToMerge(sourceBranch, targetBranch);
        }
        uint256 request = target.mergeRequest + 1;
        target.pendingMergeHead = uint48(sourceHead);
        target.mergeRequest = uint32(request);
        target.mergeElectorate = VALIDATORS.activeMask();
        emit MergeRequested(modelId, targetBranch, sourceBranch, sourceHead, request);
    }

    /// @inheritdoc IModelRegistry
    function shareHeldOut(uint256 modelId, bytes32 envelopeDigest) external {
        _ownedModel(modelId);
        if (envelopeDigest == 0) revert ZeroDigest();
        emit HeldOutShared(modelId, envelopeDigest);
    }

    /// @inheritdoc IModelRegistry
    function model(uint256 modelId)
        external
        view
        returns (ModelSpec memory spec, uint256 defaultBranch, uint256 branchCount, uint256 lastRound)
    {
        Model storage registered = _model(modelId);
        return (registered.spec, registered.defaultBranch, registered.branchCount, registered.lastRound);
    }

    /// @inheritdoc IModelRegistry
    function branchHead(uint256 modelId, uint256 branchId) external view returns (uint256) {
        return _branch(modelId, branchId).head;
    }

    /// @inheritdoc IModelRegistry
    function pendingMerge(uint256 modelId, uint256 targetBranch) external view returns (uint256, uint256) {
        Branch storage branch = _branch(modelId, targetBranch);
        return (branch.pendingMergeHead, branch.mergeRequest);
    }

    /// @inheritdoc IModelRegistry
    function sweepSurplus() external nonReentrant returns (uint256 amount) {
        amount = TOKEN.balanceOf(address(this));
        if (amount == 0) revert NoSurplus();
        TOKEN.forceApprove(address(PROTOCOL), amount);
        PROTOCOL.fundRewards(amount);
    }

    /// @inheritdoc IModelRegistry
    function commit(uint256 commitId) external view returns (CommitView memory) {
        Commit storage c = _registry().commits[commitId];
        if (c.modelId == 0) revert UnknownCommit(0, commitId);
        return CommitView({
            modelId: c.modelId,
            branchId: c.branchId,
            parent: c.parent,
            mergeParent: c.mergeParent,
            round: c.round,
            weightsDigest: c.weightsDigest,
            weightsRoot: c.weightsRoot,
            contributionsDigest: c.contributionsDigest,
            contributionCount: c.contributionCount,
            accuracyPpm: c.accuracyPpm,
            lossMicros: c.lossMicros,
            recordedBlock: c.recordedBlock
        });
    }

    /// @inheritdoc IModelRegistry
    function parents(uint256 commitId) external view returns (uint256[] memory parentIds) {
        Commit storage c = _registry().commits[commitId];
        if (c.modelId == 0) revert UnknownCommit(0, commitId);
        parentIds = new uint256[](c.parent == 0 ? 0 : c.mergeParent == 0 ? 1 : 2);
        if (parentIds.length > 0) parentIds[0] = c.parent;
        if (parentIds.length > 1) parentIds[1] = c.mergeParent;
    }

    /// @inheritdoc IModelRegistry
    function commitsOf(uint256 modelId, uint256 offset, uint256 limit)
        external
        view
        returns (uint256[] memory commitIds, uint256 total)
    {
        _model(modelId);
        uint48[] storage all = _registry().modelCommits[modelId];
        total = all.length;
        uint256 end = offset >= total ? offset : (total - offset > limit ? offset + limit : total);
        commitIds = new uint256[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            commitIds[i - offset] = all[i];
        }
    }

    /// @inheritdoc IModelRegistry
    function proposalKey(uint256 modelId, uint256 branchId, uint256 parent, uint256 mergeParent, uint256 round)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(modelId, branchId, parent, mergeParent, round));
    }

    /// @inheritdoc IModelRegistry
    function proposalState(bytes32 proposal) external view returns (uint256 attestedMask, uint256 recordedCommit) {
        Proposal storage p = _registry().proposals[proposal];
        return (p.attestedMask, p.recordedCommit);
    }

    /// @inheritdoc IModelRegistry
    function modelCount() external view returns (uint256) {
        return _registry().modelCount;
    }

    /// @inheritdoc ERC721Upgradeable
    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(ERC721Upgradeable, AccessControlUpgradeable)
        returns (bool)
    {
        return super.supportsInterface(interfaceId);
    }

    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    function _checkSpec(ModelSpec calldata spec) private pure {
        if (
            spec.baseWeightsDigest == 0 || spec.baseWeightsRoot == 0 || spec.heldOutDigest == 0
                || spec.schemaDigest == 0
        ) revert ZeroDigest();
        uint256 a = spec.ruleParameterA;
        uint256 b = spec.ruleParameterB;
        AggregationRule rule = spec.rule;
        bool valid = rule == AggregationRule.TrimmedMean
            ? a < BPS / 2 && b == 0
            : rule == AggregationRule.Krum ? b == 0 : rule == AggregationRule.MultiKrum ? b >= 1 : a == 0 && b == 0;
        if (!valid) revert InvalidRuleParameters(rule, a, b);
        uint256 sum = uint256(spec.modelUpdateWeightBps) + spec.datasetWeightBps + spec.validationWeightBps;
        if (sum != BPS) revert RewardWeightsNotWhole(sum);
    }

    function _checkAttestation(CommitAttestation calldata attestation) private pure {
        if (attestation.weightsDigest == 0 || attestation.weightsRoot == 0) revert ZeroDigest();
        if (attestation.accuracyPpm > MAX_ACCURACY_PPM || attestation.lossMicros > type(uint64).max) {
            revert MetricsOutOfRange(attestation.accuracyPpm, attestation.lossMicros);
        }
        uint256[] calldata ids = attestation.contributionIds;
        // A round commit aggregates at least one update, a merge none; ascending ids make the digest canonical.
        if ((attestation.mergeParent == 0) == (ids.length == 0) || ids.length > type(uint16).max) {
            revert InvalidContributionIds(0);
        }
        for (uint256 i = 1; i < ids.length; ++i) {
            if (ids[i] <= ids[i - 1]) revert InvalidContributionIds(i);
        }
    }

    /// @dev Whether the proposal extends the branch as it stands now.
    function _checkProposal(CommitAttestation calldata attestation) private view {
        Model storage target = _model(attestation.modelId);
        Branch storage branch = _branch(attestation.modelId, attestation.branchId);
        if (attestation.parent != branch.head) revert StaleParent(branch.head, attestation.parent);
        if (attestation.mergeParent != 0) {
            if (attestation.mergeParent != branch.pendingMergeHead || attestation.round != branch.mergeRequest) {
                revert NoSuchMerge(
                    branch.pendingMergeHead, attestation.mergeParent, branch.mergeRequest, attestation.round
                );
            }
            return;
        }
        if (attestation.branchId != target.defaultBranch) {
            revert NotDefaultBranch(target.defaultBranch, attestation.branchId);
        }
        if (
            attestation.round <= target.lastRound
                || PROTOCOL.roundInfo(attestation.round).phase != RoundPhase.Finalized
        ) revert RoundNotAggregatable(attestation.round, target.lastRound);
    }

    function _remember(
        bytes32 key,
        Proposal storage proposal,
        uint256 index,
        bytes32 content,
        CommitAttestation calldata attestation
    ) private {
        RegistryStorage storage $ = _registry();
        uint32 bit = uint32(1 << index);
        proposal.attestedMask |= bit;
        $.votes[key][content] |= bit;
        $.attestations[key][index] = Attestation({
            content: content,
            validator: msg.sender,
            accuracyPpm: uint32(attestation.accuracyPpm),
            lossMicros: uint64(attestation.lossMicros)
        });
        emit CommitAttested(key, msg.sender, content);
    }

    /// @dev Quorum reached: the commit becomes the head, its NFT goes to the model's owner, and the attesters of
    /// other content are penalised. State first, then the calls out (mint, slashes, pool funding).
    /// @param content the recorded content; every other content attested for the proposal is penalised
    /// @param standing the attesters of `content` that made the quorum: their metrics give the medians
    function _record(
        bytes32 key,
        Proposal storage proposal,
        bytes32 content,
        uint32 standing,
        CommitAttestation calldata attestation
    ) private returns (uint256 commitId) {
        RegistryStorage storage $ = _registry();
        commitId = ++$.commitCount;
        (uint32 accuracyPpm, uint64 lossMicros) = _medianMetrics(key, standing);
        $.commits[commitId] = Commit({
            weightsDigest: attestation.weightsDigest,
            weightsRoot: attestation.weightsRoot,
            contributionsDigest: keccak256(abi.encodePacked(attestation.contributionIds)),
            modelId: uint40(attestation.modelId),
            parent: uint48(attestation.parent),
            mergeParent: uint48(attestation.mergeParent),
            branchId: uint32(attestation.branchId),
            round: uint48(attestation.mergeParent == 0 ? attestation.round : 0),
            contributionCount: uint16(attestation.contributionIds.length),
            accuracyPpm: accuracyPpm,
            lossMicros: lossMicros,
            recordedBlock: uint48(block.number)
        });
        proposal.recordedCommit = uint48(commitId);
        Branch storage branch = $.branches[attestation.modelId][attestation.branchId];
        branch.head = uint48(commitId);
        if (attestation.mergeParent != 0) branch.pendingMergeHead = 0;
        else $.models[attestation.modelId].lastRound = uint48(attestation.round);
        $.modelCommits[attestation.modelId].push(uint48(commitId));
        emit CommitRecorded(
            attestation.modelId,
            commitId,
            attestation.branchId,
            attestation.parent,
            attestation.mergeParent,
            attestation.round,
            attestation.weightsDigest,
            accuracyPpm,
            attestation.contributionIds
        );

        $.commitToken.mint(_ownerOf(attestation.modelId), commitId);
        uint256 dissenting = proposal.attestedMask & ~uint256($.votes[key][content]);
        while (dissenting != 0) {
            uint256 index = Bitmaps32.lowestIndex(dissenting);
            dissenting &= dissenting - 1;
            _penalise(key, $.attestations[key][index].validator, attestation);
        }
    }

    /// @dev The caller's index, the validators whose attestations count for this proposal (the round's expected
    /// validators, or the active ones for a merge) and the quorum that applies, or a revert if the caller is not one
    /// of them. Round commits read the round from the protocol (its phase is checked in _checkProposal).
    function _attester(CommitAttestation calldata attestation)
        private
        view
        returns (uint256 index, uint256 electorate, uint256 quorumBps)
    {
        bool holdsIndex;
        (holdsIndex, index,) = VALIDATORS.validatorSlot(msg.sender, attestation.round); // its stake is not used
        if (attestation.mergeParent != 0) {
            Branch storage branch = _branch(attestation.modelId, attestation.branchId);
            electorate = branch.mergeElectorate;
            if (branch.mergeRequest == 0) revert NoSuchMerge(0, attestation.mergeParent, 0, attestation.round);
            if (!holdsIndex || (electorate >> index) & 1 == 0) revert NotActiveValidator(msg.sender);
            return (index, electorate, PROTOCOL.parameter(Parameter.QuorumBps));
        }
        uint256 round = attestation.round;
        electorate = PROTOCOL.roundInfo(round).expectedValidators;
        (, uint256 admittedRound) = VALIDATORS.indexHolder(index);
        if (!holdsIndex || (electorate >> index) & 1 == 0 || admittedRound > round) {
            revert NotExpectedAttester(round, msg.sender);
        }
        quorumBps = PROTOCOL.roundParameter(round, Parameter.QuorumBps);
    }

    /// @dev The attesters of `agreeing` that make a quorum of `electorate`, or 0 when they fall short: only a
    /// validator that still holds the index it attested with counts, and for a round commit only one that held it
    /// since before the round.
    function _quorum(
        bytes32 key,
        uint32 agreeing,
        uint256 electorate,
        uint256 quorumBps,
        CommitAttestation calldata attestation
    ) private view returns (uint32 standing) {
        uint256 needed = quorumBps * Bitmaps32.popCount(electorate);
        if (Bitmaps32.popCount(agreeing) * BPS < needed) return 0; // short even before the checks below
        uint32 mask = agreeing & uint32(electorate);
        (address[] memory holders, uint256[] memory admittedRounds) = VALIDATORS.indexHolders(mask);
        mapping(uint256 => Attestation) storage byIndex = _registry().attestations[key];
        bool isRound = attestation.mergeParent == 0;
        standing = mask;
        uint256 rest = mask;
        for (uint256 k = 0; k < holders.length; ++k) {
            uint256 index = Bitmaps32.lowestIndex(rest);
            rest &= rest - 1;
            if (holders[k] != byIndex[index].validator || (isRound && admittedRounds[k] > attestation.round)) {
                standing &= ~uint32(1 << index);
            }
        }
        if (Bitmaps32.popCount(standing) * BPS < needed) return 0;
    }

    /// @dev Slashes like a deviating score of the round (at its DeviationPenaltyBps; a merge at the current one);
    /// the validator registry moves the tokens into the reward pool.
    function _penalise(bytes32 key, address validator, CommitAttestation calldata attestation) private {
        uint256 bps = attestation.mergeParent == 0
            ? PROTOCOL.roundParameter(attestation.round, Parameter.DeviationPenaltyBps)
            : PROTOCOL.parameter(Parameter.DeviationPenaltyBps);
        uint256 slashed =
            VALIDATORS.slash(validator, attestation.round, bps, IValidatorRegistry.SlashReason.DeviatingAttestation);
        emit AttestationPenalised(key, validator, slashed);
    }

    /// @dev Lower medians of the agreeing attesters' metrics: what most of them measured, whatever one reports.
    function _medianMetrics(bytes32 key, uint32 agreeing) private view returns (uint32, uint64) {
        uint256 count = Bitmaps32.popCount(agreeing);
        uint256[] memory accuracies = new uint256[](count);
        uint256[] memory losses = new uint256[](count);
        mapping(uint256 => Attestation) storage byIndex = _registry().attestations[key];
        uint256 mask = agreeing;
        for (uint256 k = 0; k < count; ++k) {
            Attestation storage attestation = byIndex[Bitmaps32.lowestIndex(mask)];
            mask &= mask - 1;
            accuracies[k] = attestation.accuracyPpm;
            losses[k] = attestation.lossMicros;
        }
        return (uint32(LowerMedian.compute(accuracies)), uint64(LowerMedian.compute(losses)));
    }

    function _contentHash(bytes32 weightsDigest, bytes32 weightsRoot, bytes32 contributionsDigest)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(weightsDigest, weightsRoot, contributionsDigest));
    }

    function _model(uint256 modelId) private view returns (Model storage registered) {
        registered = _registry().models[modelId];
        if (registered.branchCount == 0) revert UnknownModel(modelId);
    }

    function _ownedModel(uint256 modelId) private view returns (Model storage owned) {
        owned = _model(modelId);
        if (_ownerOf(modelId) != msg.sender) revert NotModelOwner(modelId, msg.sender);
    }

    function _branch(uint256 modelId, uint256 branchId) private view returns (Branch storage) {
        if (branchId >= _model(modelId).branchCount) revert UnknownBranch(modelId, branchId);
        return _registry().branches[modelId][branchId];
    }

    function _modelCommit(uint256 modelId, uint256 commitId) private view {
        if (commitId == 0 || _registry().commits[commitId].modelId != modelId) {
            revert UnknownCommit(modelId, commitId);
        }
    }
}
