// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICotrainErrors} from "./ICotrainErrors.sol";
import {ICotrainProtocol} from "./ICotrainProtocol.sol";

/// @title The model registry: training tasks as model NFTs, global models as commit NFTs with a version history
/// @notice A model is a training task: its owner registers the base model, the held-out evaluation set, the data
/// schema, the aggregation rule and the reward weights, and receives the model NFT, whose id is the task id that
/// contributions name. Every global model is a commit, minted as an NFT of the CommitToken collection to the model's
/// owner. The base model is the first commit.
///
/// Commits come from validators: after each finalized round, every validator the round expected aggregates the
/// round's model updates that its consensus did not reject onto the head of the default branch and attests the
/// result. A commit is recorded when a quorum of the validators expected for that round (the round's QuorumBps, by
/// count) attests the same content for the same parent(s) and round; an attestation counts while its validator still
/// holds the index it attested with and held it since before the round. Merge commits are attested by the validators
/// that were active when the merge was requested. Any attestation of other content for that proposal is then slashed
/// like a deviating score (the round's DeviationPenaltyBps of the validator's stake), and the slashed tokens go to
/// the protocol's reward pool.
///
/// Branches: a model starts with branch 0 as its default branch. The owner may branch from any commit of the model,
/// move the default branch (rounds then train on it), revert a branch head to an earlier commit of that branch, and
/// request a merge of one branch into another: validators then attest a merge commit whose two parents are both
/// heads and whose weights are their equal-weight average.
interface IModelRegistry is ICotrainErrors {
    /// @notice How validators aggregate a round's accepted model updates. The order is part of the ABI: append,
    /// never reorder.
    enum AggregationRule {
        FedAvg, // weighted by training samples x consensus score; no parameters
        CoordinateMedian, // no parameters
        TrimmedMean, // ruleParameterA: basis points trimmed from each side, below 5,000
        Krum, // ruleParameterA: f, the Byzantine updates tolerated
        MultiKrum // ruleParameterA: f; ruleParameterB: m >= 1, the updates averaged
    }

    /// @notice What an owner registers. Digests are sha256 of documents on IPFS (a raw CIDv1 derives from each), or
    /// of the model file for the base weights.
    struct ModelSpec {
        bytes32 baseWeightsDigest; // sha256 of the base model file
        bytes32 baseWeightsRoot; // the IPFS root hash of that file: its sha256 when it is one raw block
        bytes32 heldOutDigest; // sha256 of the held-out evaluation set, which validators bind their copy to
        bytes32 schemaDigest; // the data schema contributions must follow
        AggregationRule rule;
        uint16 ruleParameterA;
        uint16 ruleParameterB;
        // how the task splits its rewards among contribution kinds; the three sum to 10,000
        uint16 modelUpdateWeightBps;
        uint16 datasetWeightBps;
        uint16 validationWeightBps;
    }

    /// @notice A commit as a client reads it.
    struct CommitView {
        uint256 modelId;
        uint256 branchId; // the branch it was recorded on
        uint256 parent; // 0 for the base commit
        uint256 mergeParent; // the merged branch's head for a merge commit, else 0
        uint256 round; // the protocol round aggregated; 0 for the base and merge commits
        bytes32 weightsDigest; // sha256 of the model file
        bytes32 weightsRoot; // IPFS root hash of the model file (equal to weightsDigest for a raw block)
        bytes32 contributionsDigest; // keccak256(abi.encodePacked(contributionIds)) of the updates aggregated
        uint256 contributionCount;
        uint256 accuracyPpm; // held-out accuracy in parts per million, median of the attesting validators
        uint256 lossMicros; // held-out loss x 10^6, median of the attesting validators
        uint256 recordedBlock;
    }

    /// @notice What a validator attests: the next commit of a branch.
    struct CommitAttestation {
        uint256 modelId;
        uint256 branchId;
        uint256 parent; // must be the branch's head
        uint256 mergeParent; // the requested merge's source head, or 0 for a round commit
        uint256 round; // a finalized round after the model's last aggregated round; for a merge, its request number
        bytes32 weightsDigest;
        bytes32 weightsRoot;
        uint256[] contributionIds; // strictly ascending; empty for a merge commit
        uint256 accuracyPpm; // at most 1,000,000
        uint256 lossMicros; // below 2^64
    }

    /// @notice The base commit `commitId` of model `modelId` got its held-out metrics, as its serving validators
    /// measured them.
    event BaseMetricsRecorded(
        uint256 indexed modelId, uint256 indexed commitId, uint256 accuracyPpm, uint256 lossMicros
    );

    /// @notice `owner` registered model `modelId` with base commit `baseCommit`.
    event ModelRegistered(uint256 indexed modelId, address indexed owner, uint256 baseCommit, ModelSpec spec);
    /// @notice Commit `commitId` became the head of `branchId`.
    event CommitRecorded(
        uint256 indexed modelId,
        uint256 indexed commitId,
        uint256 indexed branchId,
        uint256 parent,
        uint256 mergeParent,
        uint256 round,
        bytes32 weightsDigest,
        uint256 accuracyPpm,
        uint256[] contributionIds
    );
    /// @notice `validator` attested content `contentHash` for proposal `proposal`.
    event CommitAttested(bytes32 indexed proposal, address indexed validator, bytes32 contentHash);
    /// @notice `validator` attested content other than the recorded commit's and lost `slashed` tokens.
    event AttestationPenalised(bytes32 indexed proposal, address indexed validator, uint256 slashed);
    /// @notice The owner created branch `branchId` at commit `fromCommit`.
    event BranchCreated(uint256 indexed modelId, uint256 indexed branchId, uint256 fromCommit, bytes32 name);
    /// @notice Rounds now train on `branchId`.
    event DefaultBranchChanged(uint256 indexed modelId, uint256 indexed branchId);
    /// @notice The owner handed the held-out set of `modelId` to validators: `envelopeDigest` is the sha256 of a
    /// document on IPFS (a raw CIDv1 derives from it) holding the set encrypted to each recipient validator's key.
    event HeldOutShared(uint256 indexed modelId, bytes32 envelopeDigest);
    /// @notice The owner moved the head of `branchId` back from `fromCommit` to `toCommit`.
    event BranchReverted(uint256 indexed modelId, uint256 indexed branchId, uint256 fromCommit, uint256 toCommit);
    /// @notice The owner asked validators to merge `sourceBranch` (at `sourceHead`) into `targetBranch`, as the
    /// branch's merge request number `request` (what merge attestations name as their round).
    event MergeRequested(
        uint256 indexed modelId,
        uint256 indexed targetBranch,
        uint256 sourceBranch,
        uint256 sourceHead,
        uint256 request
    );

    /// @notice The CommitToken given mints for `minter`, not for this registry.
    error CommitTokenNotBound(address minter);
    /// @notice A digest of the spec or the attestation is zero.
    error ZeroDigest();
    /// @notice The rule's parameters are out of range.
    error InvalidRuleParameters(AggregationRule rule, uint256 parameterA, uint256 parameterB);
    /// @notice The reward weights must sum to 10,000 basis points.
    error RewardWeightsNotWhole(uint256 sumBps);
    /// @notice Model ids are task ids, stored in 32 bits on the protocol.
    error ModelIdsExhausted();
    /// @notice No model has this id.
    error UnknownModel(uint256 modelId);
    /// @notice The caller does not own model `modelId`.
    error NotModelOwner(uint256 modelId, address caller);
    /// @notice Model `modelId` has no branch `branchId`.
    error UnknownBranch(uint256 modelId, uint256 branchId);
    /// @notice Commit `commitId` does not belong to model `modelId`.
    error UnknownCommit(uint256 modelId, uint256 commitId);
    /// @notice Commit `commitId` is not an earlier commit on the first-parent history of the branch's head.
    error NotAnAncestor(uint256 branchId, uint256 commitId);
    /// @notice A branch cannot be merged into itself, nor a head into a branch that already has it.
    error NothingToMerge(uint256 sourceBranch, uint256 targetBranch);
    /// @notice The caller was not an active validator when the merge was requested (they attest it).
    error NotActiveValidator(address caller);
    /// @notice The caller was not expected to score `round`, or took its index over after the round opened.
    error NotExpectedAttester(uint256 round, address caller);
    /// @notice The attestation names `parent`, but the branch's head is `head`.
    error StaleParent(uint256 head, uint256 parent);
    /// @notice Round commits go to the model's default branch, which is `defaultBranch`.
    error NotDefaultBranch(uint256 defaultBranch, uint256 branchId);
    /// @notice The round must be finalized and come after the model's last aggregated round `lastRound`.
    error RoundNotAggregatable(uint256 round, uint256 lastRound);
    /// @notice The merge parent and request number do not match the branch's pending merge: source head `requested`
    /// (0: none requested) under request number `request`.
    error NoSuchMerge(uint256 requested, uint256 mergeParent, uint256 request, uint256 attestedRequest);
    /// @notice The registry holds no tokens (any it holds were sent by mistake and go to the reward pool).
    error NoSurplus();
    /// @notice Contribution ids must be strictly ascending: position `position` is not; merges include none.
    error InvalidContributionIds(uint256 position);
    /// @notice The validator already attested this proposal (a validator that took over the index of an earlier
    /// attester may attest: the earlier attestation is then dropped).
    error AlreadyAttested(bytes32 proposal, address validator);
    /// @notice This proposal was recorded as commit `commitId` with the same content.
    error CommitAlreadyRecorded(uint256 commitId);
    /// @notice Only the validator registry records a base model's metrics, once its validators agreed on them.
    error NotValidatorRegistry(address caller);

    /// @notice Registers a training task, mints its model NFT to the caller and records the base commit.
    /// Not while the protocol is paused.
    /// @param spec digests, aggregation rule and reward weights
    /// @return modelId the model NFT id, which is the task id contributions name
    /// @return baseCommit the commit NFT id of the base model
    function registerModel(ModelSpec calldata spec) external returns (uint256 modelId, uint256 baseCommit);

    /// @notice Attests the next commit of a branch. Restricted to the validators expected for the round (for a merge,
    /// those active when it was requested); not while paused. Records the commit once a quorum of them attested the
    /// same content, and slashes attestations of other content made for the same proposal, before or after.
    /// @param attestation the proposal (model, branch, parents, round) and its content (weights, contributions)
    /// @return commitId the recorded commit's id once recorded, else 0
    function attestCommit(CommitAttestation calldata attestation) external returns (uint256 commitId);

    /// @notice Records the held-out metrics of a model's base commit: the lower medians of what a quorum of the
    /// task's serving validators measured (`IValidatorRegistry.attestBaseMetrics`). Restricted to the validator
    /// registry, which calls it once per model.
    /// @param modelId the model
    /// @param accuracyPpm the base model's held-out accuracy in parts per million
    /// @param lossMicros its held-out loss x 10^6
    function recordBaseMetrics(uint256 modelId, uint256 accuracyPpm, uint256 lossMicros) external;

    /// @notice Creates a branch whose head is `fromCommit`. Restricted to the model's owner.
    /// @param modelId the model
    /// @param fromCommit any commit of the model
    /// @param name a label for people
    /// @return branchId the new branch's id
    function createBranch(uint256 modelId, uint256 fromCommit, bytes32 name) external returns (uint256 branchId);

    /// @notice Makes `branchId` the branch rounds train on. Restricted to the model's owner.
    /// @param modelId the model
    /// @param branchId one of its branches
    function setDefaultBranch(uint256 modelId, uint256 branchId) external;

    /// @notice Moves a branch head back to `toCommit`, an earlier commit on its first-parent history. The commits
    /// after it stay recorded (and owned) but leave the branch. A pending merge of `toCommit` itself into the
    /// branch is dropped, since the branch then has it. Restricted to the model's owner.
    /// @param modelId the model
    /// @param branchId the branch
    /// @param toCommit the commit that becomes the head
    function revertBranch(uint256 modelId, uint256 branchId, uint256 toCommit) external;

    /// @notice Asks validators to merge the head of `sourceBranch` into `targetBranch`; replaces an earlier request
    /// for the same target. Restricted to the model's owner.
    /// @param modelId the model
    /// @param sourceBranch the branch whose head is merged
    /// @param targetBranch the branch that receives the merge commit
    function requestMerge(uint256 modelId, uint256 sourceBranch, uint256 targetBranch) external;

    /// @notice Announces an encrypted copy of the model's held-out set for validators (see `HeldOutShared`); the
    /// registry records only the event, validators check the set they decrypt against `heldOutDigest`. Restricted to
    /// the model's owner; may be repeated, e.g. for validators admitted later.
    /// @param modelId the model
    /// @param envelopeDigest sha256 of the envelope document on IPFS
    function shareHeldOut(uint256 modelId, bytes32 envelopeDigest) external;

    /// @notice A model's registration and branch state.
    /// @param modelId the model
    /// @return spec what the owner registered
    /// @return defaultBranch the branch rounds train on
    /// @return branchCount branches (ids 0 .. branchCount - 1)
    /// @return lastRound the last round aggregated into a commit (0 before the first)
    function model(uint256 modelId)
        external
        view
        returns (ModelSpec memory spec, uint256 defaultBranch, uint256 branchCount, uint256 lastRound);

    /// @notice The head commit of a branch.
    /// @param modelId the model
    /// @param branchId the branch
    /// @return commitId its head
    function branchHead(uint256 modelId, uint256 branchId) external view returns (uint256 commitId);

    /// @notice The merge requested into `targetBranch`: the source head, or 0, and its request number.
    /// @param modelId the model
    /// @param targetBranch the branch
    /// @return sourceHead the head to merge (0 when none is pending)
    /// @return request the branch's latest merge request number, which merge attestations name as their round
    function pendingMerge(uint256 modelId, uint256 targetBranch)
        external
        view
        returns (uint256 sourceHead, uint256 request);

    /// @notice The protocol whose rounds are aggregated and whose parameters (quorum, penalty) apply.
    /// @return protocol the CotrainProtocol proxy
    function PROTOCOL() external view returns (ICotrainProtocol protocol);

    /// @notice Moves any tokens this registry holds (it keeps none: they were sent by mistake) into the protocol's
    /// reward pool. Permissionless.
    /// @return amount tokens swept
    function sweepSurplus() external returns (uint256 amount);

    /// @notice A commit.
    /// @param commitId a commit id (commit ids are global and start at 1)
    /// @return info the commit
    function commit(uint256 commitId) external view returns (CommitView memory info);

    /// @notice The parents of a commit: none for a base commit, one, or two for a merge commit.
    /// @param commitId a commit id
    /// @return parentIds its parents, first parent first
    function parents(uint256 commitId) external view returns (uint256[] memory parentIds);

    /// @notice A page of a model's commits in the order they were recorded.
    /// @param modelId the model
    /// @param offset how many to skip
    /// @param limit at most how many to return
    /// @return commitIds the page
    /// @return total the model's commit count
    function commitsOf(uint256 modelId, uint256 offset, uint256 limit)
        external
        view
        returns (uint256[] memory commitIds, uint256 total);

    /// @notice The key attestations for the next commit of a branch are grouped by.
    /// @param modelId the model
    /// @param branchId the branch
    /// @param parent the branch head it extends
    /// @param mergeParent the merged head, or 0
    /// @param round the aggregated round, or the merge request number for a merge
    /// @return proposal keccak256 of the five
    function proposalKey(uint256 modelId, uint256 branchId, uint256 parent, uint256 mergeParent, uint256 round)
        external
        pure
        returns (bytes32 proposal);

    /// @notice Where a proposal stands.
    /// @param proposal its key
    /// @return attestedMask bitmap of the validator indexes that attested it
    /// @return recordedCommit the recorded commit, or 0
    function proposalState(bytes32 proposal) external view returns (uint256 attestedMask, uint256 recordedCommit);

    /// @notice Number of models registered; ids run from 1 to this.
    /// @return count models
    function modelCount() external view returns (uint256 count);
}
