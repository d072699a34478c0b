// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {IERC1967} from "@openzeppelin/contracts/interfaces/IERC1967.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";

import {CoreTestHelpers} from "./utils/CoreTestHelpers.sol";
import {CotrainProtocol} from "cotrain/CotrainProtocol.sol";
import {ICotrainErrors} from "cotrain/interfaces/ICotrainErrors.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {ContributionType, Parameter} from "cotrain/types/CotrainTypes.sol";

/// @dev A next version of the protocol: the same modules plus one function, to tell the versions apart.
contract CotrainProtocolNextVersion is CotrainProtocol {
    constructor(IERC20 token, IValidatorRegistry registry) CotrainProtocol(token, registry) {}

    function version() external pure returns (uint256) {
        return 2;
    }
}

contract CotrainProtocolTest is CoreTestHelpers {
    address internal stranger = makeAddr("stranger");

    function implementationOf(address proxy) internal view returns (address) {
        return address(uint160(uint256(vm.load(proxy, ERC1967Utils.IMPLEMENTATION_SLOT))));
    }

    function unauthorized(address account, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role);
    }

    // ---- initialize ------------------------------------------------------------------------------------------

    function test_initialize_grantsEveryRoleToAdmin() public view {
        assertTrue(protocol.hasRole(protocol.DEFAULT_ADMIN_ROLE(), admin));
        assertTrue(protocol.hasRole(protocol.PARAMETER_ROLE(), admin));
        assertTrue(protocol.hasRole(protocol.PAUSER_ROLE(), admin));
        assertTrue(protocol.hasRole(protocol.UPGRADER_ROLE(), admin));
        assertFalse(protocol.hasRole(protocol.DEFAULT_ADMIN_ROLE(), stranger));
        // DEFAULT_ADMIN_ROLE administers every other role
        assertEq(protocol.getRoleAdmin(protocol.PAUSER_ROLE()), protocol.DEFAULT_ADMIN_ROLE());
        assertEq(protocol.getRoleAdmin(protocol.UPGRADER_ROLE()), protocol.DEFAULT_ADMIN_ROLE());
        assertEq(protocol.getRoleAdmin(protocol.PARAMETER_ROLE()), protocol.DEFAULT_ADMIN_ROLE());
    }

    function test_initialize_setsRoleIdentifiers() public view {
        assertEq(protocol.PAUSER_ROLE(), keccak256("PAUSER_ROLE"));
        assertEq(protocol.UPGRADER_ROLE(), keccak256("UPGRADER_ROLE"));
        assertEq(protocol.PARAMETER_ROLE(), keccak256("PARAMETER_ROLE"));
    }

    function test_initialize_startsRoundOneAtItsBlock() public {
        vm.roll(1_000);
        CotrainProtocol implementation = new CotrainProtocol(token, registry);
        CotrainProtocol fresh = CotrainProtocol(
            address(
                new ERC1967Proxy(
                    address(implementation), abi.encodeCall(CotrainProtocol.initialize, (admin, defaultConfig()))
                )
            )
        );
        assertEq(fresh.currentRound(), 1);
        assertEq(fresh.nextContributionId(), 1);
        assertFalse(fresh.paused());
        vm.roll(1_000 + SUBMISSION_BLOCKS);
        assertEq(fresh.currentRound(), 2);
    }

    function test_initialize_revertsOnZeroAdmin() public {
        CotrainProtocol implementation = new CotrainProtocol(token, registry);
        vm.expectRevert(ICotrainErrors.ZeroAddress.selector);
        new ERC1967Proxy(
            address(implementation), abi.encodeCall(CotrainProtocol.initialize, (address(0), defaultConfig()))
        );
    }

    function test_initialize_revertsWhenCalledTwice() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        vm.prank(stranger);
        protocol.initialize(stranger, defaultConfig());
        assertFalse(protocol.hasRole(protocol.DEFAULT_ADMIN_ROLE(), stranger));
    }

    function test_initialize_revertsOnImplementation() public {
        CotrainProtocol implementation = new CotrainProtocol(token, registry);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        implementation.initialize(stranger, defaultConfig());

        // the proxy's implementation too
        CotrainProtocol behindProxy = CotrainProtocol(implementationOf(address(protocol)));
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        behindProxy.initialize(stranger, defaultConfig());
    }

    // ---- views -----------------------------------------------------------------------------------------------

    function test_stakingToken_andValidatorRegistry_returnTheBoundContracts() public view {
        assertEq(protocol.stakingToken(), address(token));
        assertEq(protocol.validatorRegistry(), address(registry));
    }

    // ---- pause / unpause -------------------------------------------------------------------------------------

    function test_pause_setsPausedAndEmits() public {
        vm.expectEmit(address(protocol));
        emit PausableUpgradeable.Paused(admin);
        vm.prank(admin);
        protocol.pause();
        assertTrue(protocol.paused());
    }

    function test_pause_revertsWithoutPauserRole() public {
        bytes32 role = protocol.PAUSER_ROLE();
        vm.expectRevert(unauthorized(stranger, role));
        vm.prank(stranger);
        protocol.pause();
        assertFalse(protocol.paused());
    }

    function test_pause_revertsWhenAlreadyPaused() public {
        pauseProtocol();
        vm.expectRevert(PausableUpgradeable.EnforcedPause.selector);
        vm.prank(admin);
        protocol.pause();
    }

    function test_pause_worksForGrantedPauserOnly() public {
        address pauser = makeAddr("pauser");
        vm.startPrank(admin);
        protocol.grantRole(protocol.PAUSER_ROLE(), pauser);
        vm.stopPrank();
        vm.prank(pauser);
        protocol.pause();
        assertTrue(protocol.paused());
        vm.prank(pauser);
        protocol.unpause();
        assertFalse(protocol.paused());
    }

    function test_unpause_clearsPausedAndEmits() public {
        pauseProtocol();
        vm.expectEmit(address(protocol));
        emit PausableUpgradeable.Unpaused(admin);
        vm.prank(admin);
        protocol.unpause();
        assertFalse(protocol.paused());

        // entries work again
        fundAndApprove(stranger, 100 * TOKEN);
        vm.prank(stranger);
        protocol.registerContributor(100 * TOKEN);
        assertTrue(protocol.contributorProfile(stranger).registered);
    }

    function test_unpause_revertsWithoutPauserRole() public {
        pauseProtocol();
        bytes32 role = protocol.PAUSER_ROLE();
        vm.expectRevert(unauthorized(stranger, role));
        vm.prank(stranger);
        protocol.unpause();
        assertTrue(protocol.paused());
    }

    function test_unpause_revertsWhenNotPaused() public {
        vm.expectRevert(PausableUpgradeable.ExpectedPause.selector);
        vm.prank(admin);
        protocol.unpause();
    }

    function test_pause_stopsEntriesScoringAndBonding() public {
        address[] memory validators = newValidators(1, 2_000 * TOKEN);
        address alice = newContributor("alice", 100 * TOKEN);
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        uint256 round = roundOf(id);
        bytes32 digest = digestOf(2);
        bytes32 commitment = protocol.commitmentHash(round, validators[0], hex"50", saltOf(validators[0], round));
        fundAndApprove(alice, 10 * TOKEN);
        fund(validators[0], TOKEN);
        vm.prank(validators[0]);
        token.approve(address(registry), TOKEN);
        pauseProtocol();

        vm.startPrank(alice);
        vm.expectRevert(PausableUpgradeable.EnforcedPause.selector);
        protocol.increaseStake(10 * TOKEN);
        vm.expectRevert(PausableUpgradeable.EnforcedPause.selector);
        protocol.submitContribution(0, digest, 1);
        vm.stopPrank();

        rollToCommit(round);
        vm.expectRevert(PausableUpgradeable.EnforcedPause.selector);
        vm.prank(validators[0]);
        protocol.commitScores(round, commitment);
        vm.expectRevert(IValidatorRegistry.ProtocolPaused.selector);
        vm.prank(validators[0]);
        registry.bondValidator(TOKEN);
        rollToReveal(round);
        vm.expectRevert(PausableUpgradeable.EnforcedPause.selector);
        vm.prank(validators[0]);
        protocol.revealScores(round, hex"50", saltOf(validators[0], round));
        rollToFinalization(round);
        vm.expectRevert(PausableUpgradeable.EnforcedPause.selector);
        protocol.finalize(round, 1);
    }

    function test_pause_keepsExitsOpen() public {
        address[] memory validators = newValidators(1, 2_000 * TOKEN);
        fundPool(1_000 * TOKEN);
        address alice = newContributor("alice", 100 * TOKEN);
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        scoreRound(roundOf(id), validators, hex"64");
        vm.prank(validators[0]);
        registry.requestValidatorUnbond(500 * TOKEN);
        pauseProtocol();

        vm.startPrank(alice);
        protocol.requestUnstake(100 * TOKEN);
        assertEq(protocol.claimRewards(), 20 * TOKEN);
        vm.roll(block.number + 100);
        protocol.withdrawStake();
        vm.stopPrank();
        vm.prank(validators[0]);
        registry.withdrawValidatorBond();

        assertEq(token.balanceOf(alice), 120 * TOKEN);
        assertEq(token.balanceOf(validators[0]), 500 * TOKEN);
    }

    /// @dev Validators cannot commit while paused, so a round whose commit window overlapped the pause is
    /// finalized without absence penalties; the same round without a pause costs the absent validator its bond.
    function test_unpause_waivesAbsencePenaltiesOfOverlappedRounds() public {
        address[] memory validators = newValidators(1, 2_000 * TOKEN);
        address alice = newContributor("alice", 100 * TOKEN);

        uint256 first = roundOf(submit(alice, ContributionType.MODEL_UPDATE, digestOf(1)));
        rollToFinalization(first);
        protocol.finalize(first, 1); // nobody committed: 5% absence penalty
        assertEq(registry.validatorInfo(validators[0]).bond, 1_900 * TOKEN);

        uint256 second = roundOf(submit(alice, ContributionType.MODEL_UPDATE, digestOf(2)));
        rollToCommit(second);
        pauseProtocol();
        rollToFinalization(second);
        vm.prank(admin);
        protocol.unpause();
        protocol.finalize(second, 1);
        assertEq(registry.validatorInfo(validators[0]).bond, 1_900 * TOKEN);
    }

    // ---- upgrades --------------------------------------------------------------------------------------------

    function test_upgradeToAndCall_byUpgraderKeepsState() public {
        fundPool(1_000 * TOKEN);
        address[] memory validators = newValidators(1, 2_000 * TOKEN);
        address alice = newContributor("alice", 100 * TOKEN);
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        scoreRound(roundOf(id), validators, hex"64");
        uint256 pending = submit(alice, ContributionType.DATASET, digestOf(2));
        setParam(Parameter.QuorumBps, 5_000);
        (uint256 available,,, uint256 credited,) = protocol.poolTotals();

        CotrainProtocolNextVersion next = new CotrainProtocolNextVersion(token, registry);
        vm.expectEmit(address(protocol));
        emit IERC1967.Upgraded(address(next));
        vm.prank(admin);
        protocol.upgradeToAndCall(address(next), "");

        assertEq(implementationOf(address(protocol)), address(next));
        assertEq(CotrainProtocolNextVersion(address(protocol)).version(), 2);
        assertEq(protocol.contributorProfile(alice).stake, 100 * TOKEN);
        assertEq(protocol.contributorProfile(alice).lockedStake, 10 * TOKEN);
        assertEq(protocol.contributorProfile(alice).reputation, 6_000);
        assertEq(protocol.claimable(alice), 20 * TOKEN);
        assertEq(protocol.contribution(pending).contributor, alice);
        assertEq(protocol.nextContributionId(), pending + 1);
        assertEq(protocol.parameter(Parameter.QuorumBps), 5_000);
        (uint256 availableAfter,,, uint256 creditedAfter,) = protocol.poolTotals();
        assertEq(availableAfter, available);
        assertEq(creditedAfter, credited);
        assertTrue(protocol.hasRole(protocol.UPGRADER_ROLE(), admin));
        assertEq(protocol.stakingToken(), address(token));

        // and the protocol keeps working
        vm.prank(alice);
        protocol.claimRewards();
        assertEq(token.balanceOf(alice), 20 * TOKEN);
    }

    function test_upgradeToAndCall_runsTheGivenCall() public {
        CotrainProtocolNextVersion next = new CotrainProtocolNextVersion(token, registry);
        vm.prank(admin);
        protocol.upgradeToAndCall(address(next), abi.encodeCall(CotrainProtocol.pause, ()));
        assertTrue(protocol.paused());
    }

    function test_upgradeToAndCall_worksForGrantedUpgrader() public {
        address upgrader = makeAddr("upgrader");
        vm.startPrank(admin);
        protocol.grantRole(protocol.UPGRADER_ROLE(), upgrader);
        vm.stopPrank();
        CotrainProtocolNextVersion next = new CotrainProtocolNextVersion(token, registry);
        vm.prank(upgrader);
        protocol.upgradeToAndCall(address(next), "");
        assertEq(implementationOf(address(protocol)), address(next));
    }

    function test_upgradeToAndCall_revertsWithoutUpgraderRole() public {
        CotrainProtocolNextVersion next = new CotrainProtocolNextVersion(token, registry);
        address before = implementationOf(address(protocol));
        bytes32 role = protocol.UPGRADER_ROLE();

        vm.expectRevert(unauthorized(stranger, role));
        vm.prank(stranger);
        protocol.upgradeToAndCall(address(next), "");

        // the other roles are not enough either
        vm.startPrank(admin);
        protocol.grantRole(protocol.PAUSER_ROLE(), stranger);
        protocol.grantRole(protocol.PARAMETER_ROLE(), stranger);
        vm.stopPrank();
        vm.expectRevert(unauthorized(stranger, role));
        vm.prank(stranger);
        protocol.upgradeToAndCall(address(next), "");

        assertEq(implementationOf(address(protocol)), before);
    }

    function test_upgradeToAndCall_revertsForNonUupsImplementation() public {
        vm.expectRevert(abi.encodeWithSelector(ERC1967Utils.ERC1967InvalidImplementation.selector, address(token)));
        vm.prank(admin);
        protocol.upgradeToAndCall(address(token), "");
    }

    function test_upgradeToAndCall_revertsOnImplementationDirectly() public {
        CotrainProtocolNextVersion next = new CotrainProtocolNextVersion(token, registry);
        CotrainProtocol implementation = CotrainProtocol(implementationOf(address(protocol)));
        vm.expectRevert(UUPSUpgradeable.UUPSUnauthorizedCallContext.selector);
        vm.prank(admin);
        implementation.upgradeToAndCall(address(next), "");
    }
}
