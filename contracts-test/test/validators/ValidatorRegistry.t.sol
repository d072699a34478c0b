// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {CotrainFixture} from "../utils/CotrainFixture.sol";
import {ICotrainErrors} from "cotrain/interfaces/ICotrainErrors.sol";
import {IRewardPool} from "cotrain/interfaces/IRewardPool.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {ModelRegistry} from "cotrain/registry/ModelRegistry.sol";
import {ContributionType, Parameter} from "cotrain/types/CotrainTypes.sol";
import {ValidatorRegistry} from "cotrain/validators/ValidatorRegistry.sol";

/// @dev A later implementation: same storage, one more function.
contract ValidatorRegistryV2 is ValidatorRegistry {
    constructor(IERC20 token) ValidatorRegistry(token) {}

    function version() external pure returns (uint256) {
        return 2;
    }
}

/// @dev Answers `PROTOCOL()` like a model registry, with whatever protocol it was built with.
contract ModelRegistryStub {
    address public immutable PROTOCOL;

    constructor(address protocol_) {
        PROTOCOL = protocol_;
    }
}

/// @dev A model registry stand-in that slashes on request, to be bound with bindModelRegistry.
contract SlasherStub is ModelRegistryStub {
    ValidatorRegistry internal immutable VALIDATORS;

    constructor(address protocol_, ValidatorRegistry validators_) ModelRegistryStub(protocol_) {
        VALIDATORS = validators_;
    }

    function slash(address validator, uint256 round, uint256 bps, IValidatorRegistry.SlashReason reason)
        external
        returns (uint256)
    {
        return VALIDATORS.slash(validator, round, bps, reason);
    }
}

contract ValidatorRegistryTest is CotrainFixture {
    uint256 internal constant MIN_BOND = 1_000 * TOKEN;
    uint256 internal constant UNBONDING = 100;
    uint256 internal constant BPS = 10_000;
    uint256 internal constant ABSENCE_BPS = 500; // the fixture's AbsencePenaltyBps
    uint256 internal constant DEVIATION_BPS = 100; // the fixture's DeviationPenaltyBps

    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal stranger = makeAddr("stranger");

    struct PoolSnapshot {
        uint256 available;
        uint256 totalFunded;
        uint256 totalSlashed;
        uint256 totalCredited;
        uint256 protocolBalance;
        uint256 registryTotalBond;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    function _add(address account) internal {
        vm.prank(admin);
        registry.addValidator(account);
    }

    function _bond(address account, uint256 amount) internal {
        fund(account, amount);
        vm.startPrank(account);
        token.approve(address(registry), amount);
        registry.bondValidator(amount);
        vm.stopPrank();
    }

    function _unbond(address account, uint256 amount) internal {
        vm.prank(account);
        registry.requestValidatorUnbond(amount);
    }

    function _withdraw(address account) internal {
        vm.prank(account);
        registry.withdrawValidatorBond();
    }

    function _pause() internal {
        vm.prank(admin);
        protocol.pause();
    }

    function _unpause() internal {
        vm.prank(admin);
        protocol.unpause();
    }

    function _unboundRegistry() internal returns (ValidatorRegistry fresh) {
        ValidatorRegistry implementation = new ValidatorRegistry(token);
        fresh = ValidatorRegistry(
            address(new ERC1967Proxy(address(implementation), abi.encodeCall(ValidatorRegistry.initialize, (admin))))
        );
    }

    function _bindSlasher() internal returns (SlasherStub slasher) {
        slasher = new SlasherStub(address(protocol), registry);
        vm.prank(admin);
        registry.bindModelRegistry(address(slasher));
    }

    function _expectUnauthorized(address account, bytes32 role) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role)
        );
    }

    function _expectNotSlasher(address caller) internal {
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.NotSlasher.selector, caller));
    }

    function _expectRoundsNotSettled(uint256 round, uint256 settled) internal {
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.RoundsNotSettled.selector, round, settled));
    }

    function _expectNotReady(uint256 readyBlock) internal {
        vm.expectRevert(abi.encodeWithSelector(ICotrainErrors.UnbondingNotReady.selector, readyBlock, block.number));
    }

    function _assertConserved() internal view {
        assertEq(token.balanceOf(address(registry)), registry.totalBond());
    }

    function _snapshot() internal view returns (PoolSnapshot memory snap) {
        (snap.available, snap.totalFunded, snap.totalSlashed, snap.totalCredited,) = protocol.poolTotals();
        snap.protocolBalance = token.balanceOf(address(protocol));
        snap.registryTotalBond = registry.totalBond();
    }

    /// @dev Opens a round with one contribution and returns its number.
    /// @dev Opens a round with one contribution to task 1, which every admitted validator serves first.
    function _openRound(string memory contributorName, uint256 seed) internal returns (uint256 round) {
        address[] memory holders = registry.validators();
        for (uint256 i = 0; i < holders.length; ++i) {
            bool admitted = holders[i] != address(0) && registry.validatorInfo(holders[i]).admitted;
            if (admitted && registry.servedTasks(holders[i]).length == 0) serveTasks(holders[i]);
        }
        address contributor = newContributor(contributorName, 100 * TOKEN);
        uint256 id = submit(contributor, ContributionType.MODEL_UPDATE, digestOf(seed));
        round = roundOf(id);
    }

    /// @dev Finalizes every contribution of `round` left, as `caller`.
    function _finalizeAs(address caller, uint256 round) internal {
        bytes32[] memory page = pageOf(round, type(uint256).max);
        vm.prank(caller);
        protocol.finalize(round, page);
    }

    /// @dev `set[from:]` commit to `scores` in `round`.
    function _commitFrom(address[] memory set, uint256 from, uint256 round, bytes memory scores) internal {
        for (uint256 i = from; i < set.length; ++i) {
            commit(set[i], round, scores);
        }
    }

    /// @dev `set[from:]` reveal `scores` in `round`.
    function _revealFrom(address[] memory set, uint256 from, uint256 round, bytes memory scores) internal {
        for (uint256 i = from; i < set.length; ++i) {
            reveal(set[i], round, scores);
        }
    }

    // ---- initialize ------------------------------------------------------------------------------------------

    function test_initialize_grantsAdminRoles() public view {
        assertTrue(registry.hasRole(DEFAULT_ADMIN_ROLE, admin));
        assertTrue(registry.hasRole(registry.VALIDATOR_MANAGER_ROLE(), admin));
        assertTrue(registry.hasRole(registry.UPGRADER_ROLE(), admin));
        // slashing is no role any more: nobody holds the old one
        assertFalse(registry.hasRole(keccak256("SLASHER_ROLE"), admin));
        assertFalse(registry.hasRole(keccak256("SLASHER_ROLE"), address(protocol)));
        assertEq(registry.MAX_VALIDATORS(), 32);
        assertEq(registry.protocol(), address(protocol));
        assertEq(registry.modelRegistry(), address(0));
    }

    function test_initialize_revertsForZeroAdmin() public {
        ValidatorRegistry implementation = new ValidatorRegistry(token);
        vm.expectRevert(ICotrainErrors.ZeroAddress.selector);
        new ERC1967Proxy(address(implementation), abi.encodeCall(ValidatorRegistry.initialize, (address(0))));
    }

    function test_initialize_revertsWhenCalledTwice() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        registry.initialize(stranger);
    }

    function test_initialize_revertsOnImplementation() public {
        ValidatorRegistry implementation = new ValidatorRegistry(token);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        implementation.initialize(admin);
    }

    // ---- setProtocol -----------------------------------------------------------------------------------------

    function test_setProtocol_bindsTheProtocolAsSlasher() public {
        ValidatorRegistry fresh = _unboundRegistry();
        assertEq(fresh.protocol(), address(0));
        // before it is bound, the protocol cannot slash
        _expectNotSlasher(address(protocol));
        vm.prank(address(protocol));
        fresh.slash(alice, 1, 100, IValidatorRegistry.SlashReason.MissingCommit);

        vm.expectEmit(true, true, true, true, address(fresh));
        emit IValidatorRegistry.ProtocolBound(address(protocol));
        vm.prank(admin);
        fresh.setProtocol(address(protocol));
        assertEq(fresh.protocol(), address(protocol));

        // now it can (nothing to take from an unknown account)
        vm.prank(address(protocol));
        assertEq(fresh.slash(alice, 1, 100, IValidatorRegistry.SlashReason.MissingCommit), 0);
    }

    function test_setProtocol_revertsWhenAlreadyBound() public {
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ProtocolAlreadyBound.selector, address(protocol)));
        vm.prank(admin);
        registry.setProtocol(stranger);
    }

    function test_setProtocol_revertsForZeroAddress() public {
        ValidatorRegistry fresh = _unboundRegistry();
        vm.expectRevert(ICotrainErrors.ZeroAddress.selector);
        vm.prank(admin);
        fresh.setProtocol(address(0));
    }

    function test_setProtocol_revertsWithoutAdminRole() public {
        ValidatorRegistry fresh = _unboundRegistry();
        _expectUnauthorized(stranger, DEFAULT_ADMIN_ROLE);
        vm.prank(stranger);
        fresh.setProtocol(address(protocol));
    }

    function test_protocolNotBound_revertsAddValidatorRefreshActivityAndSweep() public {
        ValidatorRegistry fresh = _unboundRegistry();
        vm.expectRevert(IValidatorRegistry.ProtocolNotBound.selector);
        vm.prank(admin);
        fresh.addValidator(alice);
        vm.expectRevert(IValidatorRegistry.ProtocolNotBound.selector);
        fresh.refreshActivity();
        vm.expectRevert(IValidatorRegistry.ProtocolNotBound.selector);
        fresh.sweepSurplus();
        // views of accounts with nothing unbonding need no protocol
        assertFalse(fresh.validatorInfo(alice).admitted);
        assertEq(fresh.validatorInfo(alice).unbondingReadyBlock, 0);
    }

    // ---- bindModelRegistry -----------------------------------------------------------------------------------

    function test_bindModelRegistry_bindsAModelRegistryOfTheProtocol() public {
        ModelRegistry models = new ModelRegistry(protocol); // PROTOCOL is immutable: the implementation answers it
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ModelRegistryBound(address(models));
        vm.prank(admin);
        registry.bindModelRegistry(address(models));
        assertEq(registry.modelRegistry(), address(models));
        assertEq(registry.protocol(), address(protocol)); // unchanged
    }

    function test_bindModelRegistry_revertsWhenAlreadyBound() public {
        SlasherStub first = _bindSlasher();
        ModelRegistryStub second = new ModelRegistryStub(address(protocol));
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ModelRegistryAlreadyBound.selector, address(first)));
        vm.prank(admin);
        registry.bindModelRegistry(address(second));
        // not even the same one twice, nor zero
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ModelRegistryAlreadyBound.selector, address(first)));
        vm.prank(admin);
        registry.bindModelRegistry(address(first));
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ModelRegistryAlreadyBound.selector, address(first)));
        vm.prank(admin);
        registry.bindModelRegistry(address(0));
        assertEq(registry.modelRegistry(), address(first));
    }

    function test_bindModelRegistry_revertsForZeroAddress() public {
        vm.expectRevert(ICotrainErrors.ZeroAddress.selector);
        vm.prank(admin);
        registry.bindModelRegistry(address(0));
    }

    function test_bindModelRegistry_revertsForAnotherProtocolsRegistry() public {
        ModelRegistryStub foreign = new ModelRegistryStub(makeAddr("another protocol"));
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ModelRegistryMismatch.selector, address(foreign)));
        vm.prank(admin);
        registry.bindModelRegistry(address(foreign));
        assertEq(registry.modelRegistry(), address(0));
    }

    function testFuzz_bindModelRegistry_revertsForAnyOtherProtocol(address otherProtocol) public {
        vm.assume(otherProtocol != address(protocol));
        ModelRegistryStub foreign = new ModelRegistryStub(otherProtocol);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ModelRegistryMismatch.selector, address(foreign)));
        vm.prank(admin);
        registry.bindModelRegistry(address(foreign));
    }

    function test_bindModelRegistry_revertsForAnAccountWithoutCode() public {
        // an EOA answers no PROTOCOL(): the call's empty return data cannot be decoded
        vm.expectRevert();
        vm.prank(admin);
        registry.bindModelRegistry(stranger);
        assertEq(registry.modelRegistry(), address(0));
    }

    function test_bindModelRegistry_revertsBeforeTheProtocolIsBound() public {
        ValidatorRegistry fresh = _unboundRegistry();
        ModelRegistryStub models = new ModelRegistryStub(address(protocol));
        vm.expectRevert(IValidatorRegistry.ProtocolNotBound.selector);
        vm.prank(admin);
        fresh.bindModelRegistry(address(models));
    }

    function test_bindModelRegistry_revertsWithoutAdminRole() public {
        ModelRegistryStub models = new ModelRegistryStub(address(protocol));
        _expectUnauthorized(stranger, DEFAULT_ADMIN_ROLE);
        vm.prank(stranger);
        registry.bindModelRegistry(address(models));

        // VALIDATOR_MANAGER_ROLE and UPGRADER_ROLE are not enough
        address manager = makeAddr("manager");
        vm.startPrank(admin);
        registry.grantRole(registry.VALIDATOR_MANAGER_ROLE(), manager);
        registry.grantRole(registry.UPGRADER_ROLE(), manager);
        vm.stopPrank();
        _expectUnauthorized(manager, DEFAULT_ADMIN_ROLE);
        vm.prank(manager);
        registry.bindModelRegistry(address(models));
    }

    function testFuzz_bindModelRegistry_revertsForAnyoneButTheAdmin(address caller) public {
        vm.assume(caller != admin);
        ModelRegistryStub models = new ModelRegistryStub(address(protocol));
        _expectUnauthorized(caller, DEFAULT_ADMIN_ROLE);
        vm.prank(caller);
        registry.bindModelRegistry(address(models));
    }

    // ---- addValidator ----------------------------------------------------------------------------------------

    function test_addValidator_admitsAtFirstFreeIndex() public {
        vm.roll(block.number + 3 * 20); // round 4
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorAdded(alice, 0);
        _add(alice);
        _add(bob);

        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(bob);
        assertTrue(info.admitted);
        assertFalse(info.active); // not bonded yet
        assertEq(info.index, 1);
        assertEq(info.admittedRound, 4);
        assertEq(registry.occupiedIndexes(), 2);
        (address holder, uint256 admittedRound) = registry.indexHolder(0);
        assertEq(holder, alice);
        assertEq(admittedRound, 4);
        address[] memory accounts = registry.validators();
        assertEq(accounts.length, 2);
        assertEq(accounts[0], alice);
        assertEq(accounts[1], bob);
    }

    function test_addValidator_readmittedWhileUnbondingKeepsIndex() public {
        _add(alice);
        _add(bob);
        _bond(bob, MIN_BOND);
        vm.prank(admin);
        registry.removeValidator(bob);
        _add(stranger); // takes index 2: index 1 is still bob's
        assertEq(registry.validatorInfo(stranger).index, 2);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorAdded(bob, 1);
        _add(bob);
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(bob);
        assertEq(info.index, 1);
        assertFalse(info.active); // its bond is all unbonding
        assertEq(info.unbonding, MIN_BOND);
        assertEq(registry.occupiedIndexes(), 3);
        _bond(bob, MIN_BOND);
        assertTrue(registry.validatorInfo(bob).active);
    }

    function test_addValidator_revertsWhenAlreadyAdmitted() public {
        _add(alice);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ValidatorAlreadyAdmitted.selector, alice));
        _add(alice);
    }

    function test_addValidator_revertsForZeroAddress() public {
        vm.expectRevert(ICotrainErrors.ZeroAddress.selector);
        _add(address(0));
    }

    function test_addValidator_revertsWhenSetFull() public {
        vm.prank(admin);
        protocol.setParameter(Parameter.MaxValidators, 2);
        _add(alice);
        _add(bob);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ValidatorSetFull.selector, 2));
        _add(stranger);
    }

    function test_addValidator_fillsAllThirtyTwoIndexes() public {
        vm.prank(admin);
        protocol.setParameter(Parameter.MaxValidators, 32);
        for (uint256 i = 0; i < 32; ++i) {
            _add(address(uint160(0x1000 + i)));
        }
        assertEq(registry.validators().length, 32);
        assertEq(registry.validatorInfo(address(uint160(0x1000 + 31))).index, 31);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ValidatorSetFull.selector, 32));
        _add(stranger);
    }

    function test_addValidator_revertsWithoutManagerRole() public {
        _expectUnauthorized(stranger, registry.VALIDATOR_MANAGER_ROLE());
        vm.prank(stranger);
        registry.addValidator(alice);
    }

    // ---- removeValidator -------------------------------------------------------------------------------------

    function test_removeValidator_startsUnbondingWholeBond() public {
        _add(alice);
        _bond(alice, 2 * MIN_BOND);
        uint256 readyBlock = block.number + UNBONDING;

        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorRemoved(alice);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorUnbondRequested(alice, 2 * MIN_BOND, readyBlock);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorActivityChanged(alice, false);
        vm.prank(admin);
        registry.removeValidator(alice);

        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(alice);
        assertFalse(info.admitted);
        assertFalse(info.active);
        assertEq(info.bond, 0);
        assertEq(info.unbonding, 2 * MIN_BOND);
        assertEq(info.unbondingReadyBlock, readyBlock);
        assertEq(info.unbondingRound, 0); // no round opened yet
        assertEq(registry.activeValidatorCount(), 0);
        assertEq(registry.occupiedIndexes(), 1); // index kept until withdrawal
        (bool holdsIndex,,) = registry.validatorSlot(alice, 0);
        assertTrue(holdsIndex);
        assertEq(registry.totalBond(), 2 * MIN_BOND);
    }

    function test_removeValidator_withoutBond_freesItsIndexAfterTheDelay() public {
        _add(alice);
        vm.prank(admin);
        registry.removeValidator(alice);
        assertFalse(registry.validatorInfo(alice).admitted);
        assertEq(registry.occupiedIndexes(), 1); // still held: a round may expect it until the delay has passed

        uint256 readyBlock = registry.validatorInfo(alice).unbondingReadyBlock;
        assertEq(readyBlock, block.number + UNBONDING);
        _expectNotReady(readyBlock);
        _withdraw(alice);

        vm.roll(readyBlock);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorBondWithdrawn(alice, 0);
        _withdraw(alice);
        assertEq(registry.occupiedIndexes(), 0);
        (address holder,) = registry.indexHolder(0);
        assertEq(holder, address(0));
        assertEq(token.balanceOf(alice), 0);
    }

    /// @dev Even with the shortest unbonding delay governance can set, the index of a removed validator does not
    /// change hands before the rounds that expected it are finalized.
    function test_removeValidator_indexStaysTakenUntilItsRoundsAreSettled() public {
        vm.prank(admin);
        protocol.setParameter(Parameter.ValidatorUnbondingBlocks, SUBMISSION_BLOCKS + COMMIT_BLOCKS + REVEAL_BLOCKS);
        _add(alice);
        _bond(alice, MIN_BOND);
        uint256 round = _openRound("contributor", 1); // expects alice
        assertEq(roundView(round).expectedValidators, 1);

        vm.prank(admin);
        registry.removeValidator(alice);
        assertEq(registry.validatorInfo(alice).unbondingRound, round);
        rollToFinalization(round);
        vm.roll(registry.validatorInfo(alice).unbondingReadyBlock);
        _expectRoundsNotSettled(round, 0);
        _withdraw(alice);
        _add(bob);
        assertEq(registry.validatorInfo(bob).index, 1); // alice's index is still taken

        _finalizeAs(stranger, round); // alice missed its commit: the absence penalty is charged
        uint256 penalty = MIN_BOND * ABSENCE_BPS / BPS;
        assertEq(registry.validatorInfo(alice).unbonding, MIN_BOND - penalty);
        _withdraw(alice);
        assertEq(token.balanceOf(alice), MIN_BOND - penalty);
        (address holder,) = registry.indexHolder(0);
        assertEq(holder, address(0));
        _assertConserved();
    }

    function test_removeValidator_revertsWhenNotAdmitted() public {
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ValidatorNotAdmitted.selector, alice));
        vm.prank(admin);
        registry.removeValidator(alice);
    }

    function test_removeValidator_revertsWithoutManagerRole() public {
        _add(alice);
        _expectUnauthorized(stranger, registry.VALIDATOR_MANAGER_ROLE());
        vm.prank(stranger);
        registry.removeValidator(alice);
    }

    // ---- bondValidator ---------------------------------------------------------------------------------------

    function test_bondValidator_pullsTokensAndActivates() public {
        _add(alice);
        fund(alice, MIN_BOND);
        vm.startPrank(alice);
        token.approve(address(registry), MIN_BOND);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorBonded(alice, MIN_BOND - 1, MIN_BOND - 1);
        registry.bondValidator(MIN_BOND - 1);
        assertFalse(registry.validatorInfo(alice).active);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorBonded(alice, 1, MIN_BOND);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorActivityChanged(alice, true);
        registry.bondValidator(1);
        vm.stopPrank();

        assertTrue(registry.validatorInfo(alice).active);
        assertEq(registry.validatorInfo(alice).bond, MIN_BOND);
        assertEq(registry.activeValidatorCount(), 1);
        assertEq(registry.activeMask(), 1);
        assertEq(token.balanceOf(alice), 0);
        assertEq(registry.totalBond(), MIN_BOND);
        _assertConserved();
        (bool holdsIndex, uint256 index, uint256 bond) = registry.validatorSlot(alice, 0);
        assertTrue(holdsIndex);
        assertEq(index, 0);
        assertEq(bond, MIN_BOND);
    }

    function test_bondValidator_revertsWhenNotAdmitted() public {
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ValidatorNotAdmitted.selector, alice));
        vm.prank(alice);
        registry.bondValidator(1);
    }

    function test_bondValidator_revertsForZeroAmount() public {
        _add(alice);
        vm.expectRevert(ICotrainErrors.ZeroAmount.selector);
        vm.prank(alice);
        registry.bondValidator(0);
    }

    function test_bondValidator_revertsWhilePaused() public {
        _add(alice);
        _pause();
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        vm.prank(alice);
        registry.bondValidator(1);
    }

    function test_bondValidator_revertsAbove96Bits() public {
        _add(alice);
        _bond(alice, 5);
        uint256 amount = type(uint96).max;
        vm.expectRevert(abi.encodeWithSelector(ICotrainErrors.AmountTooLarge.selector, amount + 5));
        vm.prank(alice);
        registry.bondValidator(amount);
    }

    // ---- requestValidatorUnbond ------------------------------------------------------------------------------

    function test_requestValidatorUnbond_partialKeepsActivity() public {
        _add(alice);
        _bond(alice, 3 * MIN_BOND);
        vm.roll(block.number + 7);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorUnbondRequested(alice, MIN_BOND, block.number + UNBONDING);
        _unbond(alice, MIN_BOND);
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(alice);
        assertTrue(info.active);
        assertEq(info.bond, 2 * MIN_BOND);
        assertEq(info.unbonding, MIN_BOND);
        assertEq(info.unbondingReadyBlock, block.number + UNBONDING);
        assertEq(registry.totalBond(), 3 * MIN_BOND); // unbonding tokens are still held

        // a second request adds up and restarts the delay; going below the minimum deactivates
        vm.roll(block.number + 10);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorActivityChanged(alice, false);
        _unbond(alice, MIN_BOND + 1);
        info = registry.validatorInfo(alice);
        assertFalse(info.active);
        assertEq(info.unbonding, 2 * MIN_BOND + 1);
        assertEq(info.unbondingReadyBlock, block.number + UNBONDING);
    }

    function test_requestValidatorUnbond_revertsForZeroAmount() public {
        vm.expectRevert(ICotrainErrors.ZeroAmount.selector);
        vm.prank(alice);
        registry.requestValidatorUnbond(0);
    }

    function test_requestValidatorUnbond_revertsAboveBond() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.InsufficientBond.selector, MIN_BOND, MIN_BOND + 1));
        _unbond(alice, MIN_BOND + 1);
    }

    /// @dev A request made while paused is accepted, but its delay only starts running at unpause.
    function test_requestValidatorUnbond_whilePausedStartsTheDelayAtUnpause() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        vm.roll(10);
        _pause(); // clock frozen at 10
        vm.roll(50);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorUnbondRequested(alice, MIN_BOND, 150); // clock 110, 40 blocks paused so far
        _unbond(alice, MIN_BOND);
        assertEq(registry.validatorInfo(alice).unbonding, MIN_BOND);

        vm.roll(500);
        assertEq(registry.validatorInfo(alice).unbondingReadyBlock, 600); // still paused: the estimate moves on
        _unpause();
        assertEq(registry.validatorInfo(alice).unbondingReadyBlock, 600);
        vm.roll(599);
        _expectNotReady(600);
        _withdraw(alice);
        vm.roll(600);
        _withdraw(alice);
        assertEq(token.balanceOf(alice), MIN_BOND);
    }

    /// @dev validatorInfo: the ready block is an estimate on the protocol clock, and the round to wait for is the
    /// newest round opened (not the current one) when unbonding was last requested.
    function test_requestValidatorUnbond_recordsTheNewestOpenedRound() public {
        _add(alice);
        _bond(alice, 3 * MIN_BOND);
        _unbond(alice, 1);
        assertEq(registry.validatorInfo(alice).unbondingRound, 0); // no round opened yet

        uint256 first = _openRound("first", 1);
        assertEq(first, 1);
        _unbond(alice, 1);
        assertEq(registry.validatorInfo(alice).unbondingRound, 1);

        vm.roll(block.number + 2 * SUBMISSION_BLOCKS); // round 3 accepts submissions, nobody has submitted
        assertEq(protocol.currentRound(), 3);
        _unbond(alice, 1);
        assertEq(registry.validatorInfo(alice).unbondingRound, 1);
        assertEq(registry.validatorInfo(alice).unbondingReadyBlock, block.number + UNBONDING);

        uint256 third = _openRound("third", 3);
        assertEq(third, 3);
        _unbond(alice, 1);
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(alice);
        assertEq(info.unbondingRound, 3);
        assertEq(info.unbonding, 4);
        assertEq(info.unbondingReadyBlock, block.number + UNBONDING);
    }

    /// @dev A new request makes everything unbonding wait for the rounds opened before it.
    function test_requestValidatorUnbond_newRequestWaitsForTheNewerRounds() public {
        _add(alice);
        _bond(alice, 3 * MIN_BOND);
        uint256 first = _openRound("first", 1);
        _unbond(alice, MIN_BOND); // waits for round 1
        vm.roll(block.number + SUBMISSION_BLOCKS);
        uint256 second = _openRound("second", 2);
        assertEq(second, first + 1);

        rollToFinalization(first);
        _finalizeAs(stranger, first);
        assertEq(protocol.settledThrough(), first);
        _unbond(alice, MIN_BOND); // everything unbonding now waits for round 2 and a new delay
        vm.roll(registry.validatorInfo(alice).unbondingReadyBlock);
        _expectRoundsNotSettled(second, first);
        _withdraw(alice);

        _finalizeAs(stranger, second);
        uint256 unbonding = registry.validatorInfo(alice).unbonding;
        assertEq(unbonding, 2 * MIN_BOND); // the absence penalties came from the bond first
        _withdraw(alice);
        assertEq(token.balanceOf(alice), unbonding);
        _assertConserved();
    }

    // ---- withdrawValidatorBond -------------------------------------------------------------------------------

    function test_withdrawValidatorBond_paysUnbondedTokensAndKeepsIndexWhileAdmitted() public {
        _add(alice);
        _bond(alice, 2 * MIN_BOND);
        _unbond(alice, MIN_BOND);
        vm.roll(block.number + UNBONDING);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorBondWithdrawn(alice, MIN_BOND);
        _withdraw(alice);

        assertEq(token.balanceOf(alice), MIN_BOND);
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(alice);
        assertTrue(info.admitted);
        assertTrue(info.active);
        assertEq(info.unbonding, 0);
        assertEq(info.unbondingReadyBlock, 0);
        assertEq(registry.occupiedIndexes(), 1);
        assertEq(registry.totalBond(), MIN_BOND);
        _assertConserved();
    }

    function test_withdrawValidatorBond_fullExitFreesIndexForReuse() public {
        _add(alice);
        _add(bob);
        _bond(alice, MIN_BOND);
        vm.prank(admin);
        registry.removeValidator(alice);
        vm.roll(block.number + UNBONDING);
        _withdraw(alice);

        assertEq(token.balanceOf(alice), MIN_BOND);
        assertEq(registry.occupiedIndexes(), 1);
        (address holder, uint256 admittedRound) = registry.indexHolder(0);
        assertEq(holder, address(0));
        assertEq(admittedRound, 0);
        (bool holdsIndex,,) = registry.validatorSlot(alice, 0);
        assertFalse(holdsIndex);
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(alice);
        assertEq(info.index, 0);
        assertEq(info.admittedRound, 0);
        assertEq(info.unbondingRound, 0);
        assertFalse(info.active);
        address[] memory accounts = registry.validators();
        assertEq(accounts.length, 2);
        assertEq(accounts[0], address(0));

        // the freed index goes to the next validator admitted
        _add(stranger);
        assertEq(registry.validatorInfo(stranger).index, 0);
        assertEq(registry.occupiedIndexes(), 2);
        // and the old validator can come back, at the next free index
        _add(alice);
        assertEq(registry.validatorInfo(alice).index, 2);
        _assertConserved();
    }

    function test_withdrawValidatorBond_revertsWithNothingUnbonding() public {
        vm.expectRevert(ICotrainErrors.NothingToWithdraw.selector);
        _withdraw(alice);
        // nor for an admitted validator whose bond is all bonded
        _add(alice);
        _bond(alice, MIN_BOND);
        vm.expectRevert(ICotrainErrors.NothingToWithdraw.selector);
        _withdraw(alice);
        // nor twice
        _unbond(alice, 1);
        vm.roll(block.number + UNBONDING);
        _withdraw(alice);
        vm.expectRevert(ICotrainErrors.NothingToWithdraw.selector);
        _withdraw(alice);
    }

    function test_withdrawValidatorBond_revertsBeforeReady() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        _unbond(alice, MIN_BOND);
        uint256 readyBlock = block.number + UNBONDING;
        vm.roll(readyBlock - 1);
        vm.expectRevert(abi.encodeWithSelector(ICotrainErrors.UnbondingNotReady.selector, readyBlock, readyBlock - 1));
        _withdraw(alice);
    }

    /// @dev Withdrawals stay open during a pause for tokens whose delay ran out before it.
    function test_withdrawValidatorBond_worksWhilePausedOnceTheDelayRanBefore() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        _unbond(alice, MIN_BOND);
        vm.roll(block.number + UNBONDING);
        _pause();
        vm.roll(block.number + 1_000);
        _withdraw(alice);
        assertEq(token.balanceOf(alice), MIN_BOND);
    }

    /// @dev The unbonding delay does not run while the protocol is paused.
    function test_withdrawValidatorBond_unbondingClockStopsWhilePaused() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        vm.roll(1);
        _unbond(alice, MIN_BOND); // ready at 101
        assertEq(registry.validatorInfo(alice).unbondingReadyBlock, 101);
        vm.roll(41);
        _pause(); // 60 blocks of delay left
        vm.roll(541);
        assertEq(registry.validatorInfo(alice).unbondingReadyBlock, 601);
        _expectNotReady(601);
        _withdraw(alice);

        _unpause();
        vm.roll(600);
        assertEq(registry.validatorInfo(alice).unbondingReadyBlock, 601);
        _expectNotReady(601);
        _withdraw(alice);
        vm.roll(601);
        _withdraw(alice);
        assertEq(token.balanceOf(alice), MIN_BOND);
        assertEq(registry.validatorInfo(alice).unbondingReadyBlock, 0);
    }

    function testFuzz_withdrawValidatorBond_delayIsExtendedByEveryPausedBlock(uint256 elapsed, uint256 pausedFor)
        public
    {
        elapsed = bound(elapsed, 0, UNBONDING - 1);
        pausedFor = bound(pausedFor, 1, 10_000_000);
        _add(alice);
        _bond(alice, MIN_BOND);
        uint256 start = block.number;
        _unbond(alice, MIN_BOND);
        vm.roll(start + elapsed);
        _pause();
        vm.roll(start + elapsed + pausedFor);
        uint256 readyBlock = start + UNBONDING + pausedFor;
        _expectNotReady(readyBlock);
        _withdraw(alice);
        _unpause();
        assertEq(registry.validatorInfo(alice).unbondingReadyBlock, readyBlock);
        vm.roll(readyBlock - 1);
        _expectNotReady(readyBlock);
        _withdraw(alice);
        vm.roll(readyBlock);
        _withdraw(alice);
        assertEq(token.balanceOf(alice), MIN_BOND);
    }

    /// @dev Tokens wait for every round opened before the request, even one that does not expect their validator.
    function test_withdrawValidatorBond_waitsForTheRoundsOpenedBeforeTheRequest() public {
        address[] memory set = newValidators(4, 2 * MIN_BOND);
        uint256 round = _openRound("contributor", 1);
        _add(alice); // admitted after the round opened: not expected in it
        _bond(alice, MIN_BOND);
        assertEq(roundView(round).expectedValidators, 0xf);
        _unbond(alice, MIN_BOND);
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(alice);
        assertEq(info.unbondingRound, round);
        assertEq(info.unbondingReadyBlock, block.number + UNBONDING);

        rollToCommit(round);
        _commitFrom(set, 0, round, hex"50");
        rollToReveal(round);
        _revealFrom(set, 0, round, hex"50");
        vm.roll(info.unbondingReadyBlock + 1_000); // the round can be finalized, nobody has
        assertEq(protocol.settledThrough(), 0);
        _expectRoundsNotSettled(round, 0);
        _withdraw(alice);

        finalizeAll(round);
        _withdraw(alice);
        assertEq(token.balanceOf(alice), MIN_BOND); // not expected, not penalised
    }

    function test_withdrawValidatorBond_succeedsOnceTheRoundIsFinalized() public {
        address[] memory set = newValidators(4, 2 * MIN_BOND);
        uint256 round = _openRound("contributor", 1);
        vm.prank(set[0]);
        registry.requestValidatorUnbond(MIN_BOND);
        rollToCommit(round);
        _commitFrom(set, 0, round, hex"50");
        rollToReveal(round);
        _revealFrom(set, 0, round, hex"50");
        vm.roll(registry.validatorInfo(set[0]).unbondingReadyBlock);
        _expectRoundsNotSettled(round, 0);
        vm.prank(set[0]);
        registry.withdrawValidatorBond();

        _finalizeAs(stranger, round);
        assertEq(protocol.settledThrough(), round);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorBondWithdrawn(set[0], MIN_BOND);
        vm.prank(set[0]);
        registry.withdrawValidatorBond();
        assertEq(token.balanceOf(set[0]), MIN_BOND);
        _assertConserved();
    }

    /// @dev Regression, issue 10 attack 3 ("escaping penalties"): commit, request a full unbond, skip the reveal and
    /// withdraw before anyone finalizes. The bond must stay until the round is finalized and pay the penalty.
    function test_attack_escapingPenalties_skippedRevealCannotWithdrawBeforeFinalize() public {
        address[] memory set = newValidators(4, 2 * MIN_BOND);
        address escaper = set[0];
        uint256 round = _openRound("contributor", 1);

        rollToCommit(round);
        _commitFrom(set, 0, round, hex"50");
        vm.prank(escaper);
        registry.requestValidatorUnbond(2 * MIN_BOND); // everything, right after committing
        uint256 readyBlock = registry.validatorInfo(escaper).unbondingReadyBlock;
        rollToReveal(round);
        _revealFrom(set, 1, round, hex"50"); // the escaper withholds

        rollToFinalization(round);
        _expectNotReady(readyBlock);
        vm.prank(escaper);
        registry.withdrawValidatorBond();
        vm.roll(readyBlock + 1_000); // nobody finalizes for a long time
        _expectRoundsNotSettled(round, 0);
        vm.prank(escaper);
        registry.withdrawValidatorBond();

        PoolSnapshot memory before = _snapshot();
        _finalizeAs(stranger, round);
        // withholding costs MaxRoundPenaltyBps of the weight it committed with
        uint256 penalty = 2 * MIN_BOND * ABSENCE_BPS / BPS; // a withheld reveal costs as much as a missing commit
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(escaper);
        assertEq(info.bond, 0);
        assertEq(info.unbonding, 2 * MIN_BOND - penalty);
        PoolSnapshot memory afterwards = _snapshot();
        assertEq(afterwards.totalSlashed - before.totalSlashed, penalty);
        assertEq(before.registryTotalBond - afterwards.registryTotalBond, penalty);

        vm.prank(escaper);
        registry.withdrawValidatorBond();
        assertEq(token.balanceOf(escaper), 2 * MIN_BOND - penalty);
        _assertConserved();
    }

    /// @dev The same escape, revealing dissent: the deviation penalty is charged before the bond can leave.
    function test_attack_escapingPenalties_dissentCannotWithdrawBeforeFinalize() public {
        address[] memory set = newValidators(4, 2 * MIN_BOND);
        address escaper = set[0];
        uint256 round = _openRound("contributor", 1);

        rollToCommit(round);
        commit(escaper, round, hex"01");
        _commitFrom(set, 1, round, hex"50");
        vm.prank(escaper);
        registry.requestValidatorUnbond(2 * MIN_BOND);
        rollToReveal(round);
        reveal(escaper, round, hex"01");
        _revealFrom(set, 1, round, hex"50");

        vm.roll(registry.validatorInfo(escaper).unbondingReadyBlock);
        _expectRoundsNotSettled(round, 0);
        vm.prank(escaper);
        registry.withdrawValidatorBond();

        _finalizeAs(stranger, round);
        uint256 penalty = 2 * MIN_BOND * DEVIATION_BPS / BPS; // one deviation of the weight it scored with
        assertEq(registry.validatorInfo(escaper).unbonding, 2 * MIN_BOND - penalty);
        vm.prank(escaper);
        registry.withdrawValidatorBond();
        assertEq(token.balanceOf(escaper), 2 * MIN_BOND - penalty);
        _assertConserved();
    }

    /// @dev The same escape through a pause: finalize reverts while paused, and the bond cannot leave meanwhile.
    function test_attack_escapingPenalties_pauseDoesNotOpenTheDoor() public {
        address[] memory set = newValidators(4, 2 * MIN_BOND);
        address escaper = set[0];
        uint256 round = _openRound("contributor", 1);

        rollToCommit(round);
        _commitFrom(set, 0, round, hex"50");
        vm.prank(escaper);
        registry.requestValidatorUnbond(2 * MIN_BOND);
        uint256 readyBlock = registry.validatorInfo(escaper).unbondingReadyBlock;
        rollToReveal(round);
        _revealFrom(set, 1, round, hex"50");
        rollToFinalization(round);

        _pause();
        uint256 pausedAt = block.number;
        vm.roll(pausedAt + 10_000);
        // the delay does not run while paused ...
        _expectNotReady(readyBlock + 10_000);
        vm.prank(escaper);
        registry.withdrawValidatorBond();
        // ... and finalize cannot run either
        bytes32[] memory page = pageOf(round, 1);
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        protocol.finalize(round, page);

        _unpause();
        vm.roll(readyBlock + 10_000);
        _expectRoundsNotSettled(round, 0);
        vm.prank(escaper);
        registry.withdrawValidatorBond();
        _finalizeAs(stranger, round);
        uint256 penalty = 2 * MIN_BOND * ABSENCE_BPS / BPS; // a withheld reveal costs as much as a missing commit
        vm.prank(escaper);
        registry.withdrawValidatorBond();
        assertEq(token.balanceOf(escaper), 2 * MIN_BOND - penalty);
    }

    // ---- onlySlasher -----------------------------------------------------------------------------------------

    function test_onlySlasher_revertsForTheAdmin() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        _expectNotSlasher(admin);
        vm.prank(admin);
        registry.slash(alice, 1, 100, IValidatorRegistry.SlashReason.DeviatingScore);
    }

    function test_onlySlasher_revertsForAStranger() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        _bindSlasher();
        _expectNotSlasher(stranger);
        vm.prank(stranger);
        registry.slash(alice, 1, 100, IValidatorRegistry.SlashReason.DeviatingScore);
    }

    function test_onlySlasher_revertsForTheZeroAddress() public {
        // with no model registry bound, its slot reads zero: that must not let address(0) through
        _expectNotSlasher(address(0));
        vm.prank(address(0));
        registry.slash(alice, 1, 100, IValidatorRegistry.SlashReason.DeviatingScore);
        // nor on a registry with no protocol bound either
        ValidatorRegistry fresh = _unboundRegistry();
        _expectNotSlasher(address(0));
        vm.prank(address(0));
        fresh.slash(alice, 1, 100, IValidatorRegistry.SlashReason.DeviatingScore);
    }

    function testFuzz_onlySlasher_revertsForAnyoneButTheProtocolAndTheModelRegistry(address caller, uint256 amount)
        public
    {
        SlasherStub slasher = _bindSlasher();
        vm.assume(caller != address(protocol) && caller != address(slasher));
        _add(alice);
        _bond(alice, MIN_BOND);
        _expectNotSlasher(caller);
        vm.prank(caller);
        registry.slash(alice, 1, amount, IValidatorRegistry.SlashReason.MissingCommit);
        assertEq(registry.validatorInfo(alice).bond, MIN_BOND);
    }

    /// @dev Regression, issue 10 attack 7: "the validator registry's admin can grant itself SLASHER_ROLE and take
    /// every bond". Granting itself any role gives the admin no way to slash, nor to rebind a slasher.
    function testFuzz_attack_adminGrantsItselfSlasherRole_cannotTakeBonds(bytes32 anyRole) public {
        _add(alice);
        _bond(alice, 5 * MIN_BOND);
        SlasherStub slasher = _bindSlasher();
        vm.startPrank(admin);
        registry.grantRole(keccak256("SLASHER_ROLE"), admin);
        registry.grantRole(anyRole, admin);
        registry.grantRole(registry.VALIDATOR_MANAGER_ROLE(), admin);
        registry.grantRole(registry.UPGRADER_ROLE(), admin);
        vm.stopPrank();
        assertTrue(registry.hasRole(anyRole, admin));

        _expectNotSlasher(admin);
        vm.prank(admin);
        registry.slash(alice, 1, BPS, IValidatorRegistry.SlashReason.DeviatingScore);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.ProtocolAlreadyBound.selector, address(protocol)));
        vm.prank(admin);
        registry.setProtocol(admin);
        vm.expectRevert(
            abi.encodeWithSelector(IValidatorRegistry.ModelRegistryAlreadyBound.selector, address(slasher))
        );
        vm.prank(admin);
        registry.bindModelRegistry(admin);

        assertEq(registry.validatorInfo(alice).bond, 5 * MIN_BOND);
        assertEq(token.balanceOf(admin), SUPPLY - 10_000_000 * TOKEN - 5 * MIN_BOND); // funded alice, got nothing
        _assertConserved();
    }

    /// @dev Even a slasher the admin binds itself cannot take bonds for anyone: the tokens go to the pool.
    function test_attack_adminBoundSlasher_paysThePoolNotTheSlasher() public {
        _add(alice);
        _bond(alice, 5 * MIN_BOND);
        uint256 adminBalance = token.balanceOf(admin);
        SlasherStub slasher = _bindSlasher(); // claims to serve the protocol, is controlled by the admin
        PoolSnapshot memory before = _snapshot();
        vm.prank(admin);
        uint256 slashed = slasher.slash(alice, 1, BPS, IValidatorRegistry.SlashReason.DeviatingAttestation);
        assertEq(slashed, 5 * MIN_BOND);
        assertEq(token.balanceOf(address(slasher)), 0);
        assertEq(token.balanceOf(admin), adminBalance);
        PoolSnapshot memory afterwards = _snapshot();
        assertEq(afterwards.available - before.available, slashed);
        assertEq(afterwards.totalSlashed - before.totalSlashed, slashed);
    }

    // ---- slash -----------------------------------------------------------------------------------------------

    function test_slash_takesBondThenUnbondingIntoTheProtocol() public {
        _add(alice);
        _bond(alice, 4 * MIN_BOND);
        _unbond(alice, 3 * MIN_BOND); // bond 1000, unbonding 3000

        // 50% of 4000 = 2000: the whole bond (1000) then 1000 of the unbonding tokens
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorSlashed(
            alice, 7, 2 * MIN_BOND, IValidatorRegistry.SlashReason.MissingCommit, address(protocol)
        );
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorActivityChanged(alice, false);
        vm.prank(address(protocol));
        uint256 slashed = registry.slash(alice, 7, 5_000, IValidatorRegistry.SlashReason.MissingCommit);

        assertEq(slashed, 2 * MIN_BOND);
        assertEq(token.balanceOf(address(protocol)), 2 * MIN_BOND);
        // the protocol accounts the slashes it makes itself in its finalize ledger: the registry deposits nothing
        (,, uint256 totalSlashed,,) = protocol.poolTotals();
        assertEq(totalSlashed, 0);
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(alice);
        assertEq(info.bond, 0);
        assertEq(info.unbonding, 2 * MIN_BOND);
        assertFalse(info.active);
        assertEq(registry.totalBond(), 2 * MIN_BOND);
        _assertConserved();
    }

    function test_slash_fromBondOnly() public {
        _add(alice);
        _bond(alice, 10 * MIN_BOND);
        _unbond(alice, MIN_BOND);
        vm.prank(address(protocol));
        uint256 slashed = registry.slash(alice, 1, 100, IValidatorRegistry.SlashReason.DeviatingScore);
        assertEq(slashed, MIN_BOND / 10); // 1% of 10000
        assertEq(registry.validatorInfo(alice).bond, 9 * MIN_BOND - MIN_BOND / 10);
        assertEq(registry.validatorInfo(alice).unbonding, MIN_BOND);
        assertTrue(registry.validatorInfo(alice).active);
        _assertConserved();
    }

    function test_slash_capsAtWholeStake() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        _unbond(alice, MIN_BOND / 2);
        vm.prank(address(protocol));
        uint256 slashed = registry.slash(alice, 1, 25_000, IValidatorRegistry.SlashReason.MissingReveal);
        assertEq(slashed, MIN_BOND);
        assertEq(registry.validatorInfo(alice).bond, 0);
        assertEq(registry.validatorInfo(alice).unbonding, 0);
        assertEq(registry.totalBond(), 0);
        _assertConserved();
    }

    function test_slash_returnsZeroWithoutEventWhenNothingToTake() public {
        _add(alice);
        _bond(alice, 99);
        vm.recordLogs();
        vm.prank(address(protocol));
        uint256 slashed = registry.slash(alice, 1, 100, IValidatorRegistry.SlashReason.DeviatingScore); // 0.99 wei
        assertEq(slashed, 0);
        assertEq(vm.getRecordedLogs().length, 0);
        assertEq(registry.validatorInfo(alice).bond, 99);
    }

    /// @dev A slash the protocol makes at finalize (here: an absence) reaches the pool; the finalizer gets nothing.
    function test_slash_byTheProtocol_reachesThePool() public {
        address[] memory set = newValidators(4, 2 * MIN_BOND);
        uint256 round = _openRound("contributor", 1);
        rollToCommit(round);
        _commitFrom(set, 1, round, hex"50"); // set[0] is absent
        rollToReveal(round);
        _revealFrom(set, 1, round, hex"50");
        rollToFinalization(round);

        uint256 penalty = 2 * MIN_BOND * ABSENCE_BPS / BPS;
        PoolSnapshot memory before = _snapshot();
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorSlashed(
            set[0], round, penalty, IValidatorRegistry.SlashReason.MissingCommit, address(protocol)
        );
        _finalizeAs(stranger, round);
        PoolSnapshot memory afterwards = _snapshot();

        assertEq(registry.validatorInfo(set[0]).bond, 2 * MIN_BOND - penalty);
        assertEq(afterwards.totalSlashed - before.totalSlashed, penalty); // the contribution was accepted: no other
        assertEq(afterwards.available + (afterwards.totalCredited - before.totalCredited), before.available + penalty);
        assertEq(afterwards.totalFunded, before.totalFunded);
        assertEq(before.registryTotalBond - afterwards.registryTotalBond, penalty);
        assertEq(afterwards.protocolBalance - before.protocolBalance, penalty);
        assertEq(token.balanceOf(stranger), 0);
        assertEq(protocol.claimable(stranger), 0);
        _assertConserved();
    }

    /// @dev A slash the model registry makes is deposited into the pool.
    function test_slash_byTheModelRegistry_reachesThePool() public {
        _add(alice);
        _bond(alice, 4 * MIN_BOND);
        _unbond(alice, MIN_BOND);
        SlasherStub slasher = _bindSlasher();
        PoolSnapshot memory before = _snapshot();

        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorSlashed(
            alice, 9, MIN_BOND / 10 * 4, IValidatorRegistry.SlashReason.DeviatingAttestation, address(slasher)
        );
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IRewardPool.SlashedToPool(MIN_BOND / 10 * 4);
        uint256 slashed = slasher.slash(alice, 9, 1_000, IValidatorRegistry.SlashReason.DeviatingAttestation);
        assertEq(slashed, 4 * MIN_BOND / 10);

        PoolSnapshot memory afterwards = _snapshot();
        assertEq(afterwards.available - before.available, slashed);
        assertEq(afterwards.totalSlashed - before.totalSlashed, slashed);
        assertEq(afterwards.totalFunded, before.totalFunded);
        assertEq(afterwards.protocolBalance - before.protocolBalance, slashed);
        assertEq(before.registryTotalBond - afterwards.registryTotalBond, slashed);
        assertEq(token.balanceOf(address(slasher)), 0);
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(alice);
        assertEq(info.bond, 3 * MIN_BOND - slashed);
        assertEq(info.unbonding, MIN_BOND);
        _assertConserved();
    }

    function testFuzz_slash_byTheModelRegistry_reachesThePool(uint96 bond, uint96 unbond, uint16 bps) public {
        uint256 amount = bound(bond, 1, 100_000_000 * TOKEN);
        uint256 unbonding = bound(unbond, 0, amount);
        _add(alice);
        _bond(alice, amount);
        if (unbonding != 0) _unbond(alice, unbonding);
        SlasherStub slasher = _bindSlasher();
        PoolSnapshot memory before = _snapshot();
        uint256 slashed = slasher.slash(alice, 1, bps, IValidatorRegistry.SlashReason.DeviatingAttestation);
        assertEq(slashed, amount * (bps > BPS ? BPS : bps) / BPS);
        PoolSnapshot memory afterwards = _snapshot();
        assertEq(afterwards.available - before.available, slashed);
        assertEq(afterwards.totalSlashed - before.totalSlashed, slashed);
        assertEq(afterwards.protocolBalance - before.protocolBalance, slashed);
        assertEq(before.registryTotalBond - afterwards.registryTotalBond, slashed);
        assertEq(token.balanceOf(address(slasher)), 0);
        _assertConserved();
    }

    // ---- slash: bond first, capped -------------------------------------------------------------------------

    function test_slash_takesFromTheBondThenFromUnbonding() public {
        _add(alice);
        _bond(alice, 2 * MIN_BOND);
        _unbond(alice, MIN_BOND);
        uint256 expected = 2 * MIN_BOND * 6_000 / BPS; // more than the bond left
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorSlashed(
            alice, 4, expected, IValidatorRegistry.SlashReason.DeviatingScore, address(protocol)
        );
        vm.prank(address(protocol));
        uint256 slashed = registry.slash(alice, 4, 6_000, IValidatorRegistry.SlashReason.DeviatingScore);
        assertEq(slashed, expected);
        assertEq(registry.validatorInfo(alice).bond, 0);
        assertEq(registry.validatorInfo(alice).unbonding, 2 * MIN_BOND - expected);
        assertEq(token.balanceOf(address(protocol)), expected);
        _assertConserved();
    }

    function test_slash_capsAtWhatTheValidatorHolds() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        vm.prank(address(protocol));
        uint256 slashed = registry.slash(alice, 1, 5 * BPS, IValidatorRegistry.SlashReason.DeviatingScore);
        assertEq(slashed, MIN_BOND);
        assertEq(registry.totalBond(), 0);
        assertFalse(registry.validatorInfo(alice).active);
        _assertConserved();
    }

    function test_slash_nothingToTakeDepositsNothing() public {
        SlasherStub slasher = _bindSlasher();
        vm.recordLogs();
        assertEq(slasher.slash(alice, 2, BPS, IValidatorRegistry.SlashReason.DeviatingScore), 0);
        assertEq(vm.getRecordedLogs().length, 0);
        (,, uint256 totalSlashed,,) = protocol.poolTotals();
        assertEq(totalSlashed, 0);
    }

    // ---- sweepSurplus ----------------------------------------------------------------------------------------

    function test_sweepSurplus_movesStrayTokensToThePool() public {
        _add(alice);
        _bond(alice, 2 * MIN_BOND);
        _unbond(alice, MIN_BOND);
        fund(address(registry), 7 * TOKEN); // sent by mistake
        PoolSnapshot memory before = _snapshot();

        vm.expectEmit(true, true, true, true, address(protocol));
        emit IRewardPool.RewardsFunded(address(registry), 7 * TOKEN);
        vm.prank(stranger);
        uint256 swept = registry.sweepSurplus();

        assertEq(swept, 7 * TOKEN);
        PoolSnapshot memory afterwards = _snapshot();
        assertEq(afterwards.available - before.available, 7 * TOKEN);
        assertEq(afterwards.totalFunded - before.totalFunded, 7 * TOKEN);
        assertEq(afterwards.totalSlashed, before.totalSlashed);
        assertEq(afterwards.protocolBalance - before.protocolBalance, 7 * TOKEN);
        assertEq(registry.totalBond(), 2 * MIN_BOND); // bonds untouched
        assertEq(token.balanceOf(stranger), 0);
        assertEq(token.allowance(address(registry), address(protocol)), 0);
        _assertConserved();

        vm.expectRevert(IValidatorRegistry.NoSurplus.selector);
        registry.sweepSurplus();
    }

    function test_sweepSurplus_revertsWithNoSurplus() public {
        vm.expectRevert(IValidatorRegistry.NoSurplus.selector);
        registry.sweepSurplus();
        _add(alice);
        _bond(alice, MIN_BOND);
        vm.expectRevert(IValidatorRegistry.NoSurplus.selector);
        registry.sweepSurplus();
    }

    function testFuzz_sweepSurplus_takesExactlyWhatExceedsTheBonds(uint96 bond, uint96 stray, uint16 bps) public {
        uint256 amount = bound(bond, 1, 100_000_000 * TOKEN);
        uint256 extra = bound(stray, 1, 100_000_000 * TOKEN);
        _add(alice);
        _bond(alice, amount);
        fund(address(registry), extra);
        vm.prank(address(protocol));
        registry.slash(alice, 1, bps, IValidatorRegistry.SlashReason.DeviatingScore); // slashes leave no surplus
        (uint256 available,,,,) = protocol.poolTotals();
        assertEq(registry.sweepSurplus(), extra);
        (uint256 availableAfter,,,,) = protocol.poolTotals();
        assertEq(availableAfter - available, extra);
        _assertConserved();
    }

    // ---- refreshActivity -------------------------------------------------------------------------------------

    function test_refreshActivity_followsMinValidatorStakeChanges() public {
        _add(alice);
        _add(bob);
        _add(stranger); // admitted, never bonded
        _bond(alice, MIN_BOND);
        _bond(bob, 2 * MIN_BOND);
        assertEq(registry.activeMask(), 3);

        // the protocol refreshes the registry when the minimum changes
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorActivityChanged(alice, false);
        vm.prank(admin);
        protocol.setParameter(Parameter.MinValidatorStake, 2 * MIN_BOND);
        assertEq(registry.activeMask(), 2);
        assertFalse(registry.validatorInfo(alice).active);
        assertTrue(registry.validatorInfo(bob).active);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorActivityChanged(alice, true);
        vm.prank(admin);
        protocol.setParameter(Parameter.MinValidatorStake, MIN_BOND);
        assertEq(registry.activeMask(), 3);
        assertEq(registry.activeValidatorCount(), 2);
    }

    function test_refreshActivity_anyoneMayCallAndItSkipsFreeIndexes() public {
        _add(alice);
        _add(bob);
        _bond(alice, MIN_BOND);
        _bond(bob, MIN_BOND);
        vm.prank(admin);
        registry.removeValidator(alice);
        vm.roll(block.number + UNBONDING);
        _withdraw(alice); // index 0 free

        vm.recordLogs();
        vm.prank(stranger);
        registry.refreshActivity();
        assertEq(vm.getRecordedLogs().length, 0); // nothing changed
        assertEq(registry.activeMask(), 2);
    }

    // ---- views -----------------------------------------------------------------------------------------------

    function test_views_unknownAccount() public view {
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(stranger);
        assertFalse(info.admitted);
        assertFalse(info.active);
        assertEq(info.bond, 0);
        assertEq(info.unbondingReadyBlock, 0);
        assertEq(info.unbondingRound, 0);
        assertEq(info.admittedRound, 0);
        (bool holdsIndex, uint256 index, uint256 bond) = registry.validatorSlot(stranger, 0);
        assertFalse(holdsIndex);
        assertEq(index, 0);
        assertEq(bond, 0);
        assertEq(registry.validators().length, 0);
        assertEq(registry.activeValidatorCount(), 0);
        assertEq(registry.occupiedIndexes(), 0);
        assertEq(registry.totalBond(), 0);
    }

    function test_views_zeroAddressHoldsNoIndex() public {
        // index 0 is free: its holder reads as address(0), which must not count as holding it
        (bool holdsIndex,,) = registry.validatorSlot(address(0), 0);
        assertFalse(holdsIndex);
        assertFalse(registry.validatorInfo(address(0)).active);
        _add(alice);
        _bond(alice, MIN_BOND);
        assertFalse(registry.validatorInfo(address(0)).active);
    }

    function test_indexHolders_returnsHoldersOfMaskInIndexOrder() public {
        _add(alice);
        _add(bob);
        _add(stranger);
        (address[] memory accounts, uint256[] memory admittedRounds) = registry.indexHolders(0x5 | (1 << 20));
        assertEq(accounts.length, 3);
        assertEq(accounts[0], alice);
        assertEq(accounts[1], stranger);
        assertEq(accounts[2], address(0)); // free index
        assertEq(admittedRounds[0], 1);
        assertEq(admittedRounds[2], 0);
        (accounts,) = registry.indexHolders(0);
        assertEq(accounts.length, 0);
    }

    // ---- upgrades --------------------------------------------------------------------------------------------

    function test_upgrade_keepsState() public {
        _add(alice);
        _bond(alice, 2 * MIN_BOND);
        _unbond(alice, MIN_BOND);
        SlasherStub slasher = _bindSlasher();
        ValidatorRegistryV2 next = new ValidatorRegistryV2(token);
        vm.prank(admin);
        registry.upgradeToAndCall(address(next), "");

        assertEq(ValidatorRegistryV2(address(registry)).version(), 2);
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(alice);
        assertTrue(info.admitted);
        assertTrue(info.active);
        assertEq(info.bond, MIN_BOND);
        assertEq(info.unbonding, MIN_BOND);
        assertEq(registry.protocol(), address(protocol));
        assertEq(registry.modelRegistry(), address(slasher));
        assertEq(registry.totalBond(), 2 * MIN_BOND);
        // and keeps working: both slashers still slash, into the pool
        vm.prank(address(protocol));
        registry.slash(alice, 1, 1, IValidatorRegistry.SlashReason.DeviatingScore);
        slasher.slash(alice, 1, 1, IValidatorRegistry.SlashReason.DeviatingAttestation);
        vm.roll(block.number + UNBONDING);
        _withdraw(alice);
        assertEq(token.balanceOf(alice), MIN_BOND);
        _assertConserved();
    }

    function test_upgrade_revertsWithoutUpgraderRole() public {
        ValidatorRegistryV2 next = new ValidatorRegistryV2(token);
        bytes32 upgraderRole = registry.UPGRADER_ROLE();
        vm.prank(admin);
        registry.revokeRole(upgraderRole, admin);
        _expectUnauthorized(admin, upgraderRole);
        vm.prank(admin);
        registry.upgradeToAndCall(address(next), "");
    }

    // ---- fuzz ------------------------------------------------------------------------------------------------

    /// @dev Bond, unbond, slash and withdraw in any amounts: the registry always holds exactly totalBond() and every
    /// slashed token reaches the protocol.
    function testFuzz_bondAndSlash_conserveTokens(
        uint96 bondA,
        uint96 bondB,
        uint96 unbondA,
        uint16 bpsA,
        uint16 bpsB,
        bool withdraw
    ) public {
        uint256 a = bound(bondA, 1, 100_000_000 * TOKEN);
        uint256 b = bound(bondB, 1, 100_000_000 * TOKEN);
        uint256 u = bound(unbondA, 0, a);
        _add(alice);
        _add(bob);
        _bond(alice, a);
        _bond(bob, b);
        if (u != 0) _unbond(alice, u);
        _assertConserved();

        uint256 slashedA = (a * (bpsA > 10_000 ? 10_000 : bpsA)) / 10_000;
        uint256 slashedB = (b * (bpsB > 10_000 ? 10_000 : bpsB)) / 10_000;
        vm.startPrank(address(protocol));
        assertEq(registry.slash(alice, 1, bpsA, IValidatorRegistry.SlashReason.DeviatingScore), slashedA);
        assertEq(registry.slash(bob, 1, bpsB, IValidatorRegistry.SlashReason.MissingCommit), slashedB);
        vm.stopPrank();
        _assertConserved();
        assertEq(registry.totalBond(), a + b - slashedA - slashedB);
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(alice);
        assertEq(info.bond + info.unbonding, a - slashedA);
        // the bond is slashed first
        assertEq(info.bond, (a - u) > slashedA ? a - u - slashedA : 0);
        assertEq(info.active, info.bond >= MIN_BOND);

        if (withdraw && info.unbonding != 0) {
            vm.roll(block.number + UNBONDING);
            _withdraw(alice);
            assertEq(token.balanceOf(alice), u - (slashedA > a - u ? slashedA - (a - u) : 0));
            _assertConserved();
        }
        assertEq(token.balanceOf(address(protocol)), slashedA + slashedB);
    }
}
