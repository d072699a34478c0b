// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

import {ICotrainProtocol} from "../interfaces/ICotrainProtocol.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IValidatorRegistry} from "../interfaces/IValidatorRegistry.sol";
import {Bitmaps32} from "../libraries/Bitmaps32.sol";
import {LowerMedian} from "../libraries/LowerMedian.sol";
import {TokenCustody} from "../protocol/TokenCustody.sol";
import {Parameter} from "../types/CotrainTypes.sol";

/// @title Validator registry: a bounded set of bonded, slashable validators
/// @notice Holds the validators' bonds. The protocol it is bound to supplies the bond parameters, the round clock
/// and the settlement frontier, and may slash; so may the model registry bound to that protocol. Nothing else can.
/// @dev A separate contract from the protocol: one concern, its own custody of bonds, and room under the 24 KiB
/// code-size limit for both. An index stays taken after removal until the bond is withdrawn, which waits for the
/// unbonding delay and for every round opened before the request to be finalized, so a validator stays slashable
/// for every round it was expected in.
contract ValidatorRegistry is
    IValidatorRegistry,
    TokenCustody,
    AccessControlUpgradeable,
    UUPSUpgradeable,
    ReentrancyGuardTransient
{
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace224;

    bytes32 public constant VALIDATOR_MANAGER_ROLE = keccak256("VALIDATOR_MANAGER_ROLE");
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");

    /// @dev Round bitmaps are uint32.
    uint256 public constant MAX_VALIDATORS = 32;
    /// @dev Bounds the loops over a validator's tasks (serve, stop, exit).
    uint256 public constant MAX_SERVED_TASKS = 32;
    uint256 private constant BPS = 10_000;
    uint256 private constant MAX_ACCURACY_PPM = 1_000_000;

    struct Validator {
        // slot 0: everything a bond change or a slash touches
        uint96 bond;
        uint96 unbonding;
        uint48 unbondingReadyClock; // on the protocol clock
        uint8 index;
        bool admitted;
        // slot 1
        uint32 unbondingRound; // the newest round opened when unbonding was last requested
    }

    struct IndexHolder {
        address account;
        uint32 admittedRound; // rounds opened before it expected a previous holder of this index
    }

    /// @custom:storage-location erc7201:cotrain.storage.ValidatorRegistry
    struct RegistryStorage {
        ICotrainProtocol protocol;
        address modelRegistry;
        mapping(address validator => Validator) validators;
        IndexHolder[32] holders; // MAX_VALIDATORS
        // one slot: the bitmap read when a round opens, and the counters written with it
        uint32 activeMask;
        uint8 occupied; // indexes taken
        uint128 totalBond; // bonded + unbonding of all validators
        // by task: the serving mask (bit = validator index) from each round a change applied on
        mapping(uint256 taskId => Checkpoints.Trace224) serving;
        // the tasks the holder of each index serves; cleared when the index is freed
        mapping(uint256 index => uint32[]) servedTasks;
        mapping(address account => bytes) publicKeys;
        mapping(uint256 taskId => BaseMetricsVotes) baseMetrics;
    }

    struct BaseMetricsVotes {
        uint32 attestedMask;
        bool recorded;
        mapping(uint256 index => BaseMeasurement) byIndex;
    }

    struct BaseMeasurement {
        // one slot; the attester is kept by address, since its index can pass to another validator later
        address validator;
        uint32 accuracyPpm;
        uint64 lossMicros;
    }

    // keccak256(abi.encode(uint256(keccak256("cotrain.storage.ValidatorRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REGISTRY_STORAGE = 0xdab42b9710cb504dea0a329d422cc4333d7013fce8bd2f74429eea888e579800;

    function _registry() private pure returns (RegistryStorage storage $) {
        assembly {
            $.slot := REGISTRY_STORAGE
        }
    }

    /// @param token the staking token bonds are made in
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IERC20 token) TokenCustody(token) {
        _disableInitializers();
    }

    /// @notice Initializes the proxy and grants every role to `admin`.
    /// @param admin receives DEFAULT_ADMIN_ROLE, VALIDATOR_MANAGER_ROLE and UPGRADER_ROLE
    function initialize(address admin) external initializer {
        if (admin == address(0)) revert ZeroAddress();
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(VALIDATOR_MANAGER_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
    }

    /// @inheritdoc IValidatorRegistry
    function setProtocol(address newProtocol) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newProtocol == address(0)) revert ZeroAddress();
        RegistryStorage storage $ = _registry();
        if (address($.protocol) != address(0)) revert ProtocolAlreadyBound(address($.protocol));
        $.protocol = ICotrainProtocol(newProtocol);
        emit ProtocolBound(newProtocol);
    }

    /// @inheritdoc IValidatorRegistry
    function bindModelRegistry(address modelRegistry_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        RegistryStorage storage $ = _registry();
        if ($.modelRegistry != address(0)) revert ModelRegistryAlreadyBound($.modelRegistry);
        if (modelRegistry_ == address(0)) revert ZeroAddress();
        if (address(IModelRegistry(modelRegistry_).PROTOCOL()) != address(_boundProtocol())) {
            revert ModelRegistryMismatch(modelRegistry_);
        }
        $.modelRegistry = modelRegistry_;
        emit ModelRegistryBound(modelRegistry_);
    }

    /// @notice The protocol this registry serves.
    /// @return protocol the bound CotrainProtocol, or zero before setProtocol
    function protocol() external view returns (address) {
        return address(_registry().protocol);
    }

    /// @notice The model registry that may slash attestations.
    /// @return modelRegistry the bound ModelRegistry, or zero before bindModelRegistry
    function modelRegistry() external view returns (address) {
        return _registry().modelRegistry;
    }

    /// @inheritdoc IValidatorRegistry
    function addValidator(address account) external onlyRole(VALIDATOR_MANAGER_ROLE) {
        if (account == address(0)) revert ZeroAddress();
        RegistryStorage storage $ = _registry();
        ICotrainProtocol bound = _boundProtocol();
        Validator storage validator = $.validators[account];
        if (validator.admitted) revert ValidatorAlreadyAdmitted(account);

        uint256 index = validator.index;
        if ($.holders[index].account != account) {
            uint256 maxValidators = bound.parameter(Parameter.MaxValidators);
            if ($.occupied >= maxValidators) revert ValidatorSetFull(maxValidators);
            index = 0;
            while ($.holders[index].account != address(0)) ++index; // occupied < max <= 32: one is free
            $.holders[index] = IndexHolder({account: account, admittedRound: uint32(bound.currentRound())});
            $.occupied += 1;
        } // else: removed earlier and still unbonding, so it kept its index
        validator.admitted = true;
        validator.index = uint8(index);
        emit ValidatorAdded(account, index);
        _refreshActivity(account, validator, bound.parameter(Parameter.MinValidatorStake));
    }

    /// @inheritdoc IValidatorRegistry
    function removeValidator(address account) external onlyRole(VALIDATOR_MANAGER_ROLE) {
        Validator storage validator = _registry().validators[account];
        if (!validator.admitted) revert ValidatorNotAdmitted(account);
        ICotrainProtocol bound = _boundProtocol();
        validator.admitted = false;
        emit ValidatorRemoved(account);
        // Even with nothing bonded: the delay keeps its index from changing hands while rounds may still expect it.
        _startUnbond(bound, account, validator, validator.bond);
        _refreshActivity(account, validator, bound.parameter(Parameter.MinValidatorStake));
    }

    /// @inheritdoc IValidatorRegistry
    function bondValidator(uint256 amount) external nonReentrant {
        Validator storage validator = _registry().validators[msg.sender];
        if (!validator.admitted) revert ValidatorNotAdmitted(msg.sender);
        if (amount == 0) revert ZeroAmount();
        ICotrainProtocol bound = _boundProtocol();
        if (bound.paused()) revert ProtocolPaused();
        uint256 newBond = validator.bond + amount;
        validator.bond = _toUint96(newBond);
        _registry().totalBond += uint128(amount);
        emit ValidatorBonded(msg.sender, amount, newBond);
        _refreshActivity(msg.sender, validator, bound.parameter(Parameter.MinValidatorStake));
        _pullTokens(msg.sender, amount);
    }

    /// @inheritdoc IValidatorRegistry
    function requestValidatorUnbond(uint256 amount) external nonReentrant {
        Validator storage validator = _registry().validators[msg.sender];
        if (amount == 0) revert ZeroAmount();
        if (amount > validator.bond) revert InsufficientBond(validator.bond, amount);
        ICotrainProtocol bound = _boundProtocol();
        _startUnbond(bound, msg.sender, validator, amount);
        _refreshActivity(msg.sender, validator, bound.parameter(Parameter.MinValidatorStake));
    }

    /// @inheritdoc IValidatorRegistry
    function withdrawValidatorBond() external nonReentrant {
        RegistryStorage storage $ = _registry();
        Validator storage validator = $.validators[msg.sender];
        uint256 amount = validator.unbonding;
        uint256 readyClock = validator.unbondingReadyClock;
        bool exiting = !validator.admitted && validator.bond == 0 && readyClock != 0;
        if (amount == 0 && !exiting) revert NothingToWithdraw();
        ICotrainProtocol bound = $.protocol;
        uint256 clock = bound.protocolClock();
        if (clock < readyClock) revert UnbondingNotReady(_toBlock(readyClock, clock), block.number);
        uint256 settled = bound.settledThrough();
        if (settled < validator.unbondingRound) revert RoundsNotSettled(validator.unbondingRound, settled);
        validator.unbonding = 0;
        validator.unbondingReadyClock = 0;
        $.totalBond -= uint128(amount);
        if (!validator.admitted && validator.bond == 0) {
            // fully exited: free the index, and the tasks it served, for a new validator
            _stopServingAll($, msg.sender, validator.index, _servingFrom(bound));
            delete $.holders[validator.index];
            $.occupied -= 1;
            delete $.validators[msg.sender];
        }
        emit ValidatorBondWithdrawn(msg.sender, amount);
        if (amount != 0) _pushTokens(msg.sender, amount);
    }

    /// @inheritdoc IValidatorRegistry
    function serveTask(uint256 taskId) external {
        RegistryStorage storage $ = _registry();
        Validator storage validator = $.validators[msg.sender];
        if (!validator.admitted) revert ValidatorNotAdmitted(msg.sender);
        _requireTask($, taskId);
        uint32[] storage tasks = $.servedTasks[validator.index];
        uint256 count = tasks.length;
        for (uint256 i = 0; i < count; ++i) {
            if (tasks[i] == taskId) revert ServingUnchanged(msg.sender, taskId, true);
        }
        if (count >= MAX_SERVED_TASKS) revert TooManyServedTasks(msg.sender, MAX_SERVED_TASKS);
        tasks.push(uint32(taskId));
        _setServing($, msg.sender, validator.index, taskId, true, _servingFrom(_boundProtocol()));
    }

    /// @inheritdoc IValidatorRegistry
    function stopServingTask(uint256 taskId) external {
        RegistryStorage storage $ = _registry();
        Validator storage validator = $.validators[msg.sender];
        uint256 index = validator.index;
        uint32[] storage tasks = $.servedTasks[index];
        uint256 count = $.holders[index].account == msg.sender ? tasks.length : 0;
        for (uint256 i = 0; i < count; ++i) {
            if (tasks[i] != taskId) continue;
            tasks[i] = tasks[count - 1];
            tasks.pop();
            _setServing($, msg.sender, index, taskId, false, _servingFrom(_boundProtocol()));
            return;
        }
        revert ServingUnchanged(msg.sender, taskId, false);
    }

    /// @inheritdoc IValidatorRegistry
    function slash(address account, uint256 round, uint256 bps, SlashReason reason)
        external
        onlySlasher
        nonReentrant
        returns (uint256)
    {
        RegistryStorage storage $ = _registry();
        Validator storage validator = $.validators[account];
        uint256 bond = validator.bond;
        uint256 unbonding = validator.unbonding;
        uint256 slashed = (bond + unbonding) * (bps > BPS ? BPS : bps) / BPS;
        if (slashed == 0) return 0;
        uint256 fromBond = slashed <= bond ? slashed : bond;
        validator.bond = uint96(bond - fromBond);
        validator.unbonding = uint96(unbonding - (slashed - fromBond));
        $.totalBond -= uint128(slashed);
        emit ValidatorSlashed(account, round, slashed, reason, msg.sender);
        ICotrainProtocol bound = $.protocol; // a slasher exists only once the protocol is bound
        _refreshActivity(account, validator, bound.parameter(Parameter.MinValidatorStake));
        _pushTokens(address(bound), slashed);
        if (msg.sender != address(bound)) bound.depositSlashedBond(slashed);
        return slashed;
    }

    /// @inheritdoc IValidatorRegistry
    function sweepSurplus() external nonReentrant returns (uint256 amount) {
        RegistryStorage storage $ = _registry();
        ICotrainProtocol bound = _boundProtocol();
        uint256 held = TOKEN.balanceOf(address(this));
        if (held <= $.totalBond) revert NoSurplus();
        amount = held - $.totalBond;
        TOKEN.forceApprove(address(bound), amount);
        bound.fundRewards(amount);
    }

    /// @inheritdoc IValidatorRegistry
    function refreshActivity() external {
        RegistryStorage storage $ = _registry();
        uint256 minStake = _boundProtocol().parameter(Parameter.MinValidatorStake);
        for (uint256 i = 0; i < MAX_VALIDATORS; ++i) {
            address account = $.holders[i].account;
            if (account != address(0)) _refreshActivity(account, $.validators[account], minStake);
        }
    }

    /// @inheritdoc IValidatorRegistry
    function validatorInfo(address account) external view returns (ValidatorInfo memory) {
        RegistryStorage storage $ = _registry();
        Validator storage validator = $.validators[account];
        IndexHolder storage holder = $.holders[validator.index];
        bool holdsIndex = holder.account == account && account != address(0);
        uint256 readyClock = validator.unbondingReadyClock;
        return ValidatorInfo({
            admitted: validator.admitted,
            active: holdsIndex && ($.activeMask >> validator.index) & 1 == 1,
            index: validator.index,
            bond: validator.bond,
            unbonding: validator.unbonding,
            unbondingReadyBlock: readyClock == 0 ? 0 : _toBlock(readyClock, _boundProtocol().protocolClock()),
            unbondingRound: validator.unbondingRound,
            admittedRound: holdsIndex ? holder.admittedRound : 0
        });
    }

    /// @inheritdoc IValidatorRegistry
    function validators() external view returns (address[] memory accounts) {
        RegistryStorage storage $ = _registry();
        uint256 length = MAX_VALIDATORS;
        while (length != 0 && $.holders[length - 1].account == address(0)) --length;
        accounts = new address[](length);
        for (uint256 i = 0; i < length; ++i) {
            accounts[i] = $.holders[i].account;
        }
    }

    /// @inheritdoc IValidatorRegistry
    function activeValidatorCount() external view returns (uint256) {
        return Bitmaps32.popCount(_registry().activeMask);
    }

    /// @inheritdoc IValidatorRegistry
    function activeMask() external view returns (uint32) {
        return _registry().activeMask;
    }

    /// @inheritdoc IValidatorRegistry
    function validatorSlot(address account, uint256 round)
        external
        view
        returns (bool holdsIndex, uint256 index, uint256 stake)
    {
        RegistryStorage storage $ = _registry();
        Validator storage validator = $.validators[account];
        index = validator.index;
        holdsIndex = account != address(0) && $.holders[index].account == account;
        stake = validator.bond;
        uint256 unbonding = validator.unbonding;
        if (unbonding != 0 && validator.unbondingRound >= round) stake += unbonding;
    }

    /// @inheritdoc IValidatorRegistry
    function servingMask(uint256 taskId, uint256 round) external view returns (uint32) {
        return _servingMask(_registry(), taskId, round);
    }

    function _servingMask(RegistryStorage storage $, uint256 taskId, uint256 round) private view returns (uint32) {
        if (round > type(uint32).max) round = type(uint32).max;
        return uint32($.serving[taskId].upperLookupRecent(uint32(round)));
    }

    /// @inheritdoc IValidatorRegistry
    function attestBaseMetrics(uint256 taskId, uint256 accuracyPpm, uint256 lossMicros) external nonReentrant {
        ICotrainProtocol bound = _boundProtocol();
        if (bound.paused()) revert ProtocolPaused();
        if (accuracyPpm > MAX_ACCURACY_PPM || lossMicros > type(uint64).max) {
            revert MetricsOutOfRange(accuracyPpm, lossMicros);
        }
        RegistryStorage storage $ = _registry();
        if ($.modelRegistry == address(0)) revert ModelRegistryNotBound();
        BaseMetricsVotes storage votes = $.baseMetrics[taskId];
        if (votes.recorded) revert BaseMetricsAlreadyRecorded(taskId);
        uint32 servers = _servingMask($, taskId, bound.currentRound()) & $.activeMask;
        uint256 index = $.validators[msg.sender].index;
        if ($.holders[index].account != msg.sender || (servers >> index) & 1 == 0) {
            revert NotServingValidator(taskId, msg.sender);
        }
        if ((votes.attestedMask >> index) & 1 != 0 && votes.byIndex[index].validator == msg.sender) {
            revert BaseMetricsAlreadyAttested(taskId, msg.sender);
        }
        votes.byIndex[index] =
            BaseMeasurement({validator: msg.sender, accuracyPpm: uint32(accuracyPpm), lossMicros: uint64(lossMicros)});
        votes.attestedMask |= uint32(1 << index);
        emit BaseMetricsAttested(taskId, msg.sender, accuracyPpm, lossMicros);
        uint32 standing = _standingAttesters($, votes, servers);
        if (Bitmaps32.popCount(standing) * BPS >= bound.parameter(Parameter.QuorumBps) * Bitmaps32.popCount(servers)) {
            _recordBaseMetrics($, taskId, votes, standing);
        }
    }

    /// @dev The attesters that still hold the index they attested with and serve the task now.
    function _standingAttesters(RegistryStorage storage $, BaseMetricsVotes storage votes, uint32 servers)
        private
        view
        returns (uint32 standing)
    {
        standing = votes.attestedMask & servers;
        for (uint256 rest = standing; rest != 0; rest &= rest - 1) {
            uint256 i = Bitmaps32.lowestIndex(rest);
            if ($.holders[i].account != votes.byIndex[i].validator) standing &= ~uint32(1 << i);
        }
    }

    /// @dev Records the lower medians of the standing attesters' measurements on the base commit.
    function _recordBaseMetrics(
        RegistryStorage storage $,
        uint256 taskId,
        BaseMetricsVotes storage votes,
        uint32 standing
    ) private {
        uint256 count = Bitmaps32.popCount(standing);
        uint256[] memory accuracies = new uint256[](count);
        uint256[] memory losses = new uint256[](count);
        for (uint256 k = 0; k < count; ++k) {
            BaseMeasurement storage measurement = votes.byIndex[Bitmaps32.lowestIndex(standing)];
            standing &= standing - 1;
            accuracies[k] = measurement.accuracyPpm;
            losses[k] = measurement.lossMicros;
        }
        votes.recorded = true;
        IModelRegistry($.modelRegistry)
            .recordBaseMetrics(taskId, LowerMedian.compute(accuracies), LowerMedian.compute(losses));
    }

    /// @inheritdoc IValidatorRegistry
    function baseMetricsState(uint256 taskId) external view returns (uint32 attestedMask, bool recorded) {
        BaseMetricsVotes storage votes = _registry().baseMetrics[taskId];
        return (votes.attestedMask, votes.recorded);
    }

    /// @inheritdoc IValidatorRegistry
    function publishPublicKey(bytes calldata publicKey) external {
        if (publicKey.length != 64) revert InvalidPublicKey(publicKey.length);
        address account = address(uint160(uint256(keccak256(publicKey))));
        _registry().publicKeys[account] = publicKey;
        emit PublicKeyPublished(account);
    }

    /// @inheritdoc IValidatorRegistry
    function publicKeyOf(address account) external view returns (bytes memory) {
        return _registry().publicKeys[account];
    }

    /// @inheritdoc IValidatorRegistry
    function servedTasks(address account) external view returns (uint256[] memory taskIds) {
        RegistryStorage storage $ = _registry();
        uint256 index = $.validators[account].index;
        if (account == address(0) || $.holders[index].account != account) return taskIds;
        uint32[] storage tasks = $.servedTasks[index];
        taskIds = new uint256[](tasks.length);
        for (uint256 i = 0; i < taskIds.length; ++i) {
            taskIds[i] = tasks[i];
        }
    }

    /// @inheritdoc IValidatorRegistry
    function indexHolder(uint256 index) external view returns (address, uint256) {
        IndexHolder storage holder = _registry().holders[index];
        return (holder.account, holder.admittedRound);
    }

    /// @inheritdoc IValidatorRegistry
    function indexHolders(uint256 mask)
        external
        view
        returns (address[] memory accounts, uint256[] memory admittedRounds)
    {
        uint256 count = Bitmaps32.popCount(mask);
        accounts = new address[](count);
        admittedRounds = new uint256[](count);
        IndexHolder[32] storage holders = _registry().holders;
        uint256 k;
        for (uint256 index = 0; index < MAX_VALIDATORS && k < count; ++index) {
            if ((mask >> index) & 1 == 0) continue;
            accounts[k] = holders[index].account;
            admittedRounds[k] = holders[index].admittedRound;
            ++k;
        }
    }

    /// @inheritdoc IValidatorRegistry
    function occupiedIndexes() external view returns (uint256) {
        return _registry().occupied;
    }

    /// @inheritdoc IValidatorRegistry
    function totalBond() external view returns (uint256) {
        return _registry().totalBond;
    }

    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    /// @dev The protocol and the model registry bound to it: the only contracts that judge validators.
    modifier onlySlasher() {
        RegistryStorage storage $ = _registry();
        if (msg.sender != address($.protocol) || msg.sender == address(0)) {
            if (msg.sender != $.modelRegistry || msg.sender == address(0)) revert NotSlasher(msg.sender);
        }
        _;
    }

    /// @dev The block at which the protocol clock, now at `clock`, reaches `clockValue` if it is not paused again.
    function _toBlock(uint256 clockValue, uint256 clock) private view returns (uint256) {
        return clockValue + block.number - clock;
    }

    function _boundProtocol() private view returns (ICotrainProtocol bound) {
        bound = _registry().protocol;
        if (address(bound) == address(0)) revert ProtocolNotBound();
    }

    function _startUnbond(ICotrainProtocol bound, address account, Validator storage validator, uint256 amount)
        private
    {
        // The delay runs on the protocol clock (not while paused), and the tokens also wait for every round opened so
        // far to be finalized: each may expect this validator and charge its penalties from them.
        uint256 clock = bound.protocolClock();
        uint256 readyClock = clock + bound.parameter(Parameter.ValidatorUnbondingBlocks);
        validator.bond -= uint96(amount);
        validator.unbonding += uint96(amount);
        validator.unbondingReadyClock = uint48(readyClock);
        validator.unbondingRound = uint32(bound.latestRound());
        emit ValidatorUnbondRequested(account, amount, _toBlock(readyClock, clock));
    }

    /// @dev Takes up to `amount` from the bond first, then from unbonding tokens, into the protocol's reward pool: the
    /// protocol accounts what it slashes itself, the model registry's slashes are deposited here.
    /// @dev Tasks are the model registry's models, 1..modelCount (any id below 2^32 until a model registry is bound).
    function _requireTask(RegistryStorage storage $, uint256 taskId) private view {
        address models = $.modelRegistry;
        uint256 modelCount = models == address(0) ? type(uint32).max : IModelRegistry(models).modelCount();
        if (taskId == 0 || taskId > modelCount) revert UnknownTask(taskId, modelCount);
    }

    /// @dev The first round a serving change may apply to: the round open now while it has no contribution (nobody
    /// has judged under the old set yet), else the next. So a round's servers are fixed from its first submission.
    function _servingFrom(ICotrainProtocol bound) private view returns (uint256) {
        uint256 current = bound.currentRound();
        return bound.latestRound() >= current ? current + 1 : current;
    }

    function _setServing(
        RegistryStorage storage $,
        address account,
        uint256 index,
        uint256 taskId,
        bool serving,
        uint256 fromRound
    ) private {
        Checkpoints.Trace224 storage trace = $.serving[taskId];
        uint224 mask = trace.latest();
        uint224 bit = uint224(1 << index);
        trace.push(uint32(fromRound), serving ? mask | bit : mask & ~bit);
        emit TaskServingChanged(account, taskId, serving, fromRound);
    }

    function _stopServingAll(RegistryStorage storage $, address account, uint256 index, uint256 fromRound) private {
        uint32[] storage tasks = $.servedTasks[index];
        for (uint256 i = 0; i < tasks.length; ++i) {
            _setServing($, account, index, tasks[i], false, fromRound);
        }
        delete $.servedTasks[index];
    }

    /// @dev Active means admitted and bonded at least the minimum; keeps the bitmap in step.
    function _refreshActivity(address account, Validator storage validator, uint256 minStake) private {
        RegistryStorage storage $ = _registry();
        uint32 bit = uint32(1 << validator.index);
        bool wasActive = $.activeMask & bit != 0;
        bool isActive = validator.admitted && validator.bond >= minStake;
        if (wasActive == isActive) return;
        $.activeMask = isActive ? $.activeMask | bit : $.activeMask & ~bit;
        emit ValidatorActivityChanged(account, isActive);
    }
}
