// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICotrainErrors} from "./ICotrainErrors.sol";

/// @title The bounded validator set: admission by VALIDATOR_MANAGER_ROLE, bonds, unbonding and slashing
/// @notice Every validator holds an index below MAX_VALIDATORS so that scoring rounds can snapshot and track the set
/// in 32-bit bitmaps. Bond parameters (minimum bond, unbonding delay, maximum set size) are the protocol's.
///
/// Only two contracts may slash, each bound once: the protocol (scores and absences) and the model registry
/// (attestations). Slashed tokens always go to the protocol's reward pool. Unbonding runs on the protocol clock, which
/// stops while the protocol is paused, and unbonding tokens become withdrawable only once every round opened before
/// the request is finalized: a validator cannot leave before the penalties of the rounds it was expected in are
/// charged.
interface IValidatorRegistry is ICotrainErrors {
    /// @notice Why a validator was slashed.
    enum SlashReason {
        DeviatingScore, // a revealed score outside the tolerance around the consensus
        MissingCommit, // expected in a round but committed nothing
        MissingReveal, // committed but never revealed
        DeviatingAttestation // attested a global model other than the one a quorum recorded (ModelRegistry)
    }

    /// @notice A validator as a client reads it.
    struct ValidatorInfo {
        bool admitted;
        bool active; // admitted and bonded at least the minimum: expected to score new rounds
        uint256 index; // position in the set, used by the round bitmaps
        uint256 bond;
        uint256 unbonding; // still slashable until withdrawn
        uint256 unbondingReadyBlock; // the block the unbonding delay ends at, if the protocol is not paused again
        uint256 unbondingRound; // unbonding tokens wait until every round up to this one is finalized
        uint256 admittedRound;
    }

    /// @notice The registry now serves `protocol`, which may slash.
    event ProtocolBound(address indexed protocol);
    /// @notice `modelRegistry`, which judges attestations, may slash from now on.
    event ModelRegistryBound(address indexed modelRegistry);
    /// @notice `validator` was admitted at `index`.
    event ValidatorAdded(address indexed validator, uint256 index);
    /// @notice `validator` was removed; its whole bond started unbonding.
    event ValidatorRemoved(address indexed validator);
    /// @notice `validator` bonded `amount`; its bond is now `newBond`.
    event ValidatorBonded(address indexed validator, uint256 amount, uint256 newBond);
    /// @notice `validator` started unbonding `amount`, withdrawable from `readyBlock`.
    event ValidatorUnbondRequested(address indexed validator, uint256 amount, uint256 readyBlock);
    /// @notice `validator` withdrew `amount` of its unbonded bond.
    event ValidatorBondWithdrawn(address indexed validator, uint256 amount);
    /// @notice `validator` became active (true) or inactive (false).
    event ValidatorActivityChanged(address indexed validator, bool active);
    /// @notice `validator` serves `taskId` (`serving`) or stops serving it, from round `fromRound` on.
    event TaskServingChanged(address indexed validator, uint256 indexed taskId, bool serving, uint256 fromRound);
    /// @notice The secp256k1 public key of `account` is published (see `publishPublicKey`).
    event PublicKeyPublished(address indexed account);
    /// @notice `validator` attested the held-out metrics of task `taskId`'s base model.
    event BaseMetricsAttested(
        uint256 indexed taskId, address indexed validator, uint256 accuracyPpm, uint256 lossMicros
    );
    /// @notice `validator` lost `amount` of its bond in `round`, on `slasher`'s judgement; the tokens went to the
    /// protocol's reward pool.
    event ValidatorSlashed(
        address indexed validator, uint256 indexed round, uint256 amount, SlashReason reason, address slasher
    );

    /// @notice The protocol is already bound.
    error ProtocolAlreadyBound(address protocol);
    /// @notice No protocol is bound yet: bind one with setProtocol.
    error ProtocolNotBound();
    /// @notice The model registry is already bound.
    error ModelRegistryAlreadyBound(address modelRegistry);
    /// @notice `modelRegistry` does not serve the bound protocol.
    error ModelRegistryMismatch(address modelRegistry);
    /// @notice Only the bound protocol and model registry may slash; `caller` is neither.
    error NotSlasher(address caller);
    /// @notice Unbonding tokens wait until round `round` is finalized; rounds are finalized through `settled`.
    error RoundsNotSettled(uint256 round, uint256 settled);
    /// @notice The registry holds no tokens beyond the validators' bonds.
    error NoSurplus();
    /// @notice The account is already admitted.
    error ValidatorAlreadyAdmitted(address validator);
    /// @notice The account is not an admitted validator.
    error ValidatorNotAdmitted(address validator);
    /// @notice The set already holds `maxValidators` validators.
    error ValidatorSetFull(uint256 maxValidators);
    /// @notice The validator has `bond` bonded, less than the `amount` requested.
    error InsufficientBond(uint256 bond, uint256 amount);
    /// @notice `taskId` is not a model of the bound model registry, which holds models 1..`modelCount`.
    error UnknownTask(uint256 taskId, uint256 modelCount);
    /// @notice `validator` already serves `taskId` (`serving`), or already does not (`!serving`).
    error ServingUnchanged(address validator, uint256 taskId, bool serving);
    /// @notice `validator` already serves `max` tasks, the most one validator may: stop serving one first.
    error TooManyServedTasks(address validator, uint256 max);
    /// @notice A public key is the 64 bytes of an uncompressed secp256k1 point without its 0x04 prefix, not `length`.
    error InvalidPublicKey(uint256 length);
    /// @notice `caller` does not serve task `taskId` in the current round, so it does not measure its models.
    error NotServingValidator(uint256 taskId, address caller);
    /// @notice The base model metrics of task `taskId` are recorded already.
    error BaseMetricsAlreadyRecorded(uint256 taskId);
    /// @notice `validator` attested the base model metrics of task `taskId` already.
    error BaseMetricsAlreadyAttested(uint256 taskId, address validator);
    /// @notice The registry has no model registry to record base metrics in yet.
    error ModelRegistryNotBound();

    /// @notice Binds the protocol whose parameters and rounds the registry follows, and lets it slash.
    /// Restricted to DEFAULT_ADMIN_ROLE; once only.
    /// @param newProtocol the CotrainProtocol proxy
    function setProtocol(address newProtocol) external;

    /// @notice Lets the model registry of the bound protocol slash attestations. Restricted to DEFAULT_ADMIN_ROLE;
    /// once only.
    /// @param modelRegistry the ModelRegistry proxy, whose PROTOCOL must be the bound protocol
    function bindModelRegistry(address modelRegistry) external;

    /// @notice Moves tokens held beyond the validators' bonds (sent here by mistake) into the protocol's reward
    /// pool. Permissionless.
    /// @return amount tokens swept
    function sweepSurplus() external returns (uint256 amount);

    /// @notice Admits `validator` to the set. Restricted to VALIDATOR_MANAGER_ROLE.
    /// @param validator the validator's signing address
    function addValidator(address validator) external;

    /// @notice Removes `validator`: it stops being expected in new rounds and its whole bond starts unbonding. Its
    /// index is freed when it withdraws (with nothing bonded, withdrawValidatorBond just frees it after the delay).
    /// Restricted to VALIDATOR_MANAGER_ROLE.
    /// @param validator an admitted validator
    function removeValidator(address validator) external;

    /// @notice Bonds `amount` tokens (approve first). The validator is active once its bond reaches the
    /// protocol's minValidatorStake. Not while the protocol is paused.
    /// @param amount tokens to bond
    function bondValidator(uint256 amount) external;

    /// @notice Starts unbonding `amount` of the caller's bond. Unbonding tokens stay slashable until withdrawn. A new
    /// request restarts the delay of everything unbonding and waits for the rounds opened before it.
    /// @param amount bonded tokens to unbond
    function requestValidatorUnbond(uint256 amount) external;

    /// @notice Withdraws the caller's unbonded tokens once the delay has passed on the protocol clock and every round
    /// opened before the request is finalized, and frees the caller's index once it is removed with nothing left
    /// bonded (even when nothing is left to withdraw).
    function withdrawValidatorBond() external;

    /// @notice Slashes `bps` basis points of a validator's bonded plus unbonding tokens (bond first) into the
    /// protocol's reward pool. Restricted to the protocol and the model registry.
    /// @param validator the validator
    /// @param round the round the penalty is for (for the event)
    /// @param bps basis points to slash, capped at 10000
    /// @param reason why
    /// @return slashed tokens moved to the pool
    function slash(address validator, uint256 round, uint256 bps, SlashReason reason)
        external
        returns (uint256 slashed);

    /// @notice Declares that the caller, an admitted validator, serves task `taskId` (a model of the model registry):
    /// it holds the task's held-out set and scores its contributions. Submissions to a task are accepted only while
    /// a quorum of a round's expected validators serve it; a validator that does not serve a task abstains on its
    /// contributions (no score, no reward, no penalty). Takes effect in the round open now if it has no
    /// contribution yet, else in the next one, so the servers of a round never change once it has contributions.
    /// @param taskId the task, 1..modelCount of the model registry
    function serveTask(uint256 taskId) external;

    /// @notice Stops serving task `taskId`, with effect as for serveTask. The caller still scores the task's
    /// contributions in the rounds that already counted it as a server.
    /// @param taskId a task the caller serves
    function stopServingTask(uint256 taskId) external;

    /// @notice Re-evaluates every validator's activity against the protocol's current minimum bond. Anyone may
    /// call it; the protocol does after changing the minimum.
    function refreshActivity() external;

    /// @notice A validator's record.
    /// @param validator the account
    /// @return info admission, activity, index, bond and unbonding state
    function validatorInfo(address validator) external view returns (ValidatorInfo memory info);

    /// @notice The validators holding an index, in index order (zero address for free indexes).
    /// @return accounts one entry per index up to the highest used one
    function validators() external view returns (address[] memory accounts);

    /// @notice Number of active validators.
    /// @return count active validators
    function activeValidatorCount() external view returns (uint256 count);

    /// @notice Bitmap of active validators by index.
    /// @return mask bit i is set when the validator at index i is active
    function activeMask() external view returns (uint32 mask);

    /// @notice The index of `validator`, if it holds one (admitted, or removed and still unbonding), and its stake at
    /// risk in `round`: its bond, and its unbonding tokens if they were requested after `round` opened (they then
    /// stay slashable until `round` is finalized).
    /// @param validator the account
    /// @param round a round
    /// @return holdsIndex whether it holds an index
    /// @return index its index
    /// @return stake its bonded tokens and the unbonding tokens that answer for `round`
    function validatorSlot(address validator, uint256 round)
        external
        view
        returns (bool holdsIndex, uint256 index, uint256 stake);

    /// @notice The validators that serve `taskId` in `round`, by index. Intersect with a round's expected validators:
    /// a bit of an index that changed hands refers to its current holder only from its admission on.
    /// @param taskId a task
    /// @param round a round
    /// @return mask bit i is set when the validator at index i serves the task in that round
    function servingMask(uint256 taskId, uint256 round) external view returns (uint32 mask);

    /// @notice Attests the held-out metrics of task `taskId`'s base model as the caller measured them, as a commit's
    /// metrics are attested. Restricted to the validators serving the task in the current round; not while paused.
    /// Once a quorum (the QuorumBps, by count) of the task's current servers attested, records the lower medians on
    /// the base commit (`IModelRegistry.recordBaseMetrics`); later attestations revert. Nothing is paid or slashed
    /// for it: no reward depends on the base metrics, which tell owners and contributors where training started.
    /// @param taskId the task (model id)
    /// @param accuracyPpm the base model's held-out accuracy in parts per million, at most 1,000,000
    /// @param lossMicros its held-out loss x 10^6, below 2^64
    function attestBaseMetrics(uint256 taskId, uint256 accuracyPpm, uint256 lossMicros) external;

    /// @notice Where the base metrics of a task stand.
    /// @param taskId a task
    /// @return attestedMask the indexes whose holders attested, by bit
    /// @return recorded whether the metrics are recorded on the base commit
    function baseMetricsState(uint256 taskId) external view returns (uint32 attestedMask, bool recorded);

    /// @notice Publishes an account's secp256k1 public key, so that model owners can encrypt held-out sets to it. The
    /// account is the one the key hashes to: anyone may publish it (a validator node publishes its own), nobody can
    /// publish another key for an account.
    /// @param publicKey the key's 64 bytes (x then y)
    function publishPublicKey(bytes calldata publicKey) external;

    /// @notice The published public key of `account`.
    /// @param account an account
    /// @return publicKey its 64 bytes, or empty if none is published
    function publicKeyOf(address account) external view returns (bytes memory publicKey);

    /// @notice The tasks `validator` serves from the next round on (or from the open round, if it has no
    /// contribution yet).
    /// @param validator the account
    /// @return taskIds the tasks, in the order they were declared, reordered by removals
    function servedTasks(address validator) external view returns (uint256[] memory taskIds);

    /// @notice Who holds `index`, and since which round.
    /// @param index a validator index
    /// @return validator the holder, or zero
    /// @return admittedRound the protocol round in which it was admitted
    function indexHolder(uint256 index) external view returns (address validator, uint256 admittedRound);

    /// @notice The holders of the indexes set in `mask`, in index order: one call for a round's validators.
    /// @param mask a bitmap of indexes
    /// @return accounts the holder of each set index (zero if free)
    /// @return admittedRounds the round each was admitted in
    function indexHolders(uint256 mask)
        external
        view
        returns (address[] memory accounts, uint256[] memory admittedRounds);

    /// @notice Indexes taken (admitted validators plus removed ones still unbonding).
    /// @return count taken indexes
    function occupiedIndexes() external view returns (uint256 count);

    /// @notice Bonded plus unbonding tokens of all validators, all held by this contract.
    /// @return total validator tokens held
    function totalBond() external view returns (uint256 total);
}
