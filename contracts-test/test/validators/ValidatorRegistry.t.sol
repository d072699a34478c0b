// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {CotrainFixture} from "../utils/CotrainFixture.sol";
import {ICotrainErrors} from "cotrain/interfaces/ICotrainErrors.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {Parameter} from "cotrain/types/CotrainTypes.sol";
import {ValidatorRegistry} from "cotrain/validators/ValidatorRegistry.sol";

/// @dev A later implementation: same storage, one more function.
contract ValidatorRegistryV2 is ValidatorRegistry {
    constructor(IERC20 token) ValidatorRegistry(token) {}

    function version() external pure returns (uint256) {
        return 2;
    }
}

contract ValidatorRegistryTest is CotrainFixture {
    uint256 internal constant MIN_BOND = 1_000 * TOKEN;
    uint256 internal constant UNBONDING = 100;

    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal stranger = makeAddr("stranger");

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

    function _unboundRegistry() internal returns (ValidatorRegistry fresh) {
        ValidatorRegistry implementation = new ValidatorRegistry(token);
        fresh = ValidatorRegistry(
            address(new ERC1967Proxy(address(implementation), abi.encodeCall(ValidatorRegistry.initialize, (admin))))
        );
    }

    function _expectUnauthorized(address account, bytes32 role) internal {
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role));
    }

    function _assertConserved() internal view {
        assertEq(token.balanceOf(address(registry)), registry.totalBond());
    }

    // ---- initialize ------------------------------------------------------------------------------------------

    function test_initialize_grantsAdminRoles() public view {
        assertTrue(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), admin));
        assertTrue(registry.hasRole(registry.VALIDATOR_MANAGER_ROLE(), admin));
        assertTrue(registry.hasRole(registry.UPGRADER_ROLE(), admin));
        assertFalse(registry.hasRole(registry.SLASHER_ROLE(), admin));
        assertTrue(registry.hasRole(registry.SLASHER_ROLE(), address(protocol)));
        assertEq(registry.MAX_VALIDATORS(), 32);
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

    function test_setProtocol_bindsAndGrantsSlasher() public {
        ValidatorRegistry fresh = _unboundRegistry();
        assertEq(fresh.protocol(), address(0));
        vm.expectEmit(true, true, true, true, address(fresh));
        emit IValidatorRegistry.ProtocolBound(address(protocol));
        vm.prank(admin);
        fresh.setProtocol(address(protocol));
        assertEq(fresh.protocol(), address(protocol));
        assertTrue(fresh.hasRole(fresh.SLASHER_ROLE(), address(protocol)));
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
        _expectUnauthorized(stranger, fresh.DEFAULT_ADMIN_ROLE());
        vm.prank(stranger);
        fresh.setProtocol(address(protocol));
    }

    function test_protocolNotBound_revertsAddValidatorAndRefreshActivity() public {
        ValidatorRegistry fresh = _unboundRegistry();
        vm.expectRevert(IValidatorRegistry.ProtocolNotBound.selector);
        vm.prank(admin);
        fresh.addValidator(alice);
        vm.expectRevert(IValidatorRegistry.ProtocolNotBound.selector);
        fresh.refreshActivity();
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
        assertEq(registry.activeValidatorCount(), 0);
        assertEq(registry.occupiedIndexes(), 1); // index kept until withdrawal
        (bool holdsIndex,,) = registry.validatorSlot(alice);
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
        assertGt(readyBlock, block.number);
        vm.expectRevert(abi.encodeWithSelector(ICotrainErrors.UnbondingNotReady.selector, readyBlock, block.number));
        vm.prank(alice);
        registry.withdrawValidatorBond();

        vm.roll(readyBlock);
        vm.prank(alice);
        registry.withdrawValidatorBond();
        assertEq(registry.occupiedIndexes(), 0);
        (address holder,) = registry.indexHolder(0);
        assertEq(holder, address(0));
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
        (bool holdsIndex, uint256 index, uint256 bond) = registry.validatorSlot(alice);
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
        vm.prank(admin);
        protocol.pause();
        vm.expectRevert(IValidatorRegistry.ProtocolPaused.selector);
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

    function test_requestValidatorUnbond_worksWhilePaused() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        vm.prank(admin);
        protocol.pause();
        _unbond(alice, MIN_BOND);
        assertEq(registry.validatorInfo(alice).unbonding, MIN_BOND);
    }

    // ---- withdrawValidatorBond -------------------------------------------------------------------------------

    function test_withdrawValidatorBond_paysUnbondedTokensAndKeepsIndexWhileAdmitted() public {
        _add(alice);
        _bond(alice, 2 * MIN_BOND);
        _unbond(alice, MIN_BOND);
        vm.roll(block.number + UNBONDING);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorBondWithdrawn(alice, MIN_BOND);
        vm.prank(alice);
        registry.withdrawValidatorBond();

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
        vm.prank(alice);
        registry.withdrawValidatorBond();

        assertEq(token.balanceOf(alice), MIN_BOND);
        assertEq(registry.occupiedIndexes(), 1);
        (address holder, uint256 admittedRound) = registry.indexHolder(0);
        assertEq(holder, address(0));
        assertEq(admittedRound, 0);
        (bool holdsIndex,,) = registry.validatorSlot(alice);
        assertFalse(holdsIndex);
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(alice);
        assertEq(info.index, 0);
        assertEq(info.admittedRound, 0);
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
        vm.prank(alice);
        registry.withdrawValidatorBond();
    }

    function test_withdrawValidatorBond_revertsBeforeReady() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        _unbond(alice, MIN_BOND);
        uint256 readyBlock = block.number + UNBONDING;
        vm.roll(readyBlock - 1);
        vm.expectRevert(abi.encodeWithSelector(ICotrainErrors.UnbondingNotReady.selector, readyBlock, readyBlock - 1));
        vm.prank(alice);
        registry.withdrawValidatorBond();
    }

    function test_withdrawValidatorBond_worksWhilePaused() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        _unbond(alice, MIN_BOND);
        vm.prank(admin);
        protocol.pause();
        vm.roll(block.number + UNBONDING);
        vm.prank(alice);
        registry.withdrawValidatorBond();
        assertEq(token.balanceOf(alice), MIN_BOND);
    }

    // ---- slash -----------------------------------------------------------------------------------------------

    function test_slash_takesBondThenUnbondingAndPaysSlasher() public {
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

    function test_slash_byAnotherSlasher() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        bytes32 slasherRole = registry.SLASHER_ROLE();
        vm.prank(admin);
        registry.grantRole(slasherRole, stranger);
        vm.prank(stranger);
        registry.slash(alice, 3, 1_000, IValidatorRegistry.SlashReason.DeviatingScore);
        assertEq(token.balanceOf(stranger), MIN_BOND / 10);
        _assertConserved();
    }

    function test_slash_revertsWithoutSlasherRole() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        _expectUnauthorized(admin, registry.SLASHER_ROLE());
        vm.prank(admin);
        registry.slash(alice, 1, 100, IValidatorRegistry.SlashReason.DeviatingScore);
    }

    // ---- slashAmount -----------------------------------------------------------------------------------------

    function test_slashAmount_takesTheAmountFromBondThenUnbonding() public {
        _add(alice);
        _bond(alice, 2 * MIN_BOND);
        _unbond(alice, MIN_BOND);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IValidatorRegistry.ValidatorSlashed(
            alice, 4, MIN_BOND + 7, IValidatorRegistry.SlashReason.DeviatingScore, address(protocol)
        );
        vm.prank(address(protocol));
        uint256 slashed = registry.slashAmount(alice, 4, MIN_BOND + 7, IValidatorRegistry.SlashReason.DeviatingScore);
        assertEq(slashed, MIN_BOND + 7);
        assertEq(registry.validatorInfo(alice).bond, 0);
        assertEq(registry.validatorInfo(alice).unbonding, MIN_BOND - 7);
        assertEq(token.balanceOf(address(protocol)), MIN_BOND + 7);
        _assertConserved();
    }

    function test_slashAmount_capsAtWhatTheValidatorHolds() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        vm.prank(address(protocol));
        uint256 slashed = registry.slashAmount(alice, 1, 5 * MIN_BOND, IValidatorRegistry.SlashReason.DeviatingScore);
        assertEq(slashed, MIN_BOND);
        assertEq(registry.totalBond(), 0);
        assertFalse(registry.validatorInfo(alice).active);
        _assertConserved();
    }

    function test_slashAmount_revertsWithoutSlasherRole() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        _expectUnauthorized(stranger, registry.SLASHER_ROLE());
        vm.prank(stranger);
        registry.slashAmount(alice, 1, 1, IValidatorRegistry.SlashReason.DeviatingScore);
    }

    // ---- unbonding never ends before the open rounds' scoring -------------------------------------------------

    function test_requestValidatorUnbond_readyNoEarlierThanTheScoringDeadline() public {
        _add(alice);
        _bond(alice, MIN_BOND);
        address contributor = newContributor("contributor", 100 * TOKEN);
        bytes32 digest = digestOf(1);
        vm.prank(contributor);
        protocol.submitContribution(0, digest, 1); // opens round 1, whose reveal window ends at block 41
        vm.prank(admin);
        protocol.setParameter(Parameter.ValidatorUnbondingBlocks, SUBMISSION_BLOCKS + COMMIT_BLOCKS + REVEAL_BLOCKS);
        vm.roll(10);

        _unbond(alice, MIN_BOND);

        uint256 deadline = protocol.scoringDeadline();
        assertEq(deadline, protocol.roundInfo(1).revealEndBlock);
        // 10 + 40 = 50 is later than the deadline: the delay applies
        assertEq(registry.validatorInfo(alice).unbondingReadyBlock, 50);

        vm.startPrank(admin);
        protocol.setParameter(Parameter.CommitBlocks, 1);
        protocol.setParameter(Parameter.RevealBlocks, 1);
        protocol.setParameter(Parameter.ValidatorUnbondingBlocks, 22);
        vm.stopPrank();
        _bond(alice, MIN_BOND);
        _unbond(alice, MIN_BOND);
        // 10 + 22 = 32 would fall inside round 1's scoring: the deadline wins
        assertEq(registry.validatorInfo(alice).unbondingReadyBlock, deadline);
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
        vm.prank(alice);
        registry.withdrawValidatorBond(); // index 0 free

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
        assertEq(info.admittedRound, 0);
        (bool holdsIndex, uint256 index, uint256 bond) = registry.validatorSlot(stranger);
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
        (bool holdsIndex,,) = registry.validatorSlot(address(0));
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
        assertEq(registry.totalBond(), 2 * MIN_BOND);
        assertTrue(registry.hasRole(registry.SLASHER_ROLE(), address(protocol)));
        // and keeps working
        vm.roll(block.number + UNBONDING);
        vm.prank(alice);
        registry.withdrawValidatorBond();
        assertEq(token.balanceOf(alice), MIN_BOND);
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

    /// @dev Bond, unbond, slash and withdraw in any amounts: the registry always holds exactly totalBond().
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
            vm.prank(alice);
            registry.withdrawValidatorBond();
            assertEq(token.balanceOf(alice), u - (slashedA > a - u ? slashedA - (a - u) : 0));
            _assertConserved();
        }
        assertEq(token.balanceOf(address(protocol)), slashedA + slashedB);
    }
}
