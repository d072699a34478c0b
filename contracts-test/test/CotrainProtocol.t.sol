// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {IERC1967} from "@openzeppelin/contracts/interfaces/IERC1967.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

import {CoreTestHelpers} from "./utils/CoreTestHelpers.sol";
import {CotrainProtocol} from "cotrain/CotrainProtocol.sol";
import {CotrainProtocolExtension} from "cotrain/CotrainProtocolExtension.sol";
import {ICotrainErrors} from "cotrain/interfaces/ICotrainErrors.sol";
import {ICotrainProtocol} from "cotrain/interfaces/ICotrainProtocol.sol";
import {IProtocolGovernance} from "cotrain/interfaces/IProtocolGovernance.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {CotrainToken} from "cotrain/token/CotrainToken.sol";
import {ContributionType, Parameter, RoundPhase} from "cotrain/types/CotrainTypes.sol";

/// @dev A next version of the protocol: the same modules plus one function, to tell the versions apart.
contract CotrainProtocolNextVersion is CotrainProtocol {
    constructor(IERC20 token, IValidatorRegistry registry, CotrainProtocolExtension extension_)
        CotrainProtocol(token, registry, extension_)
    {}

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

    function nextVersion() internal returns (CotrainProtocolNextVersion) {
        return new CotrainProtocolNextVersion(token, registry, extension);
    }

    // ---- initialize ------------------------------------------------------------------------------------------

    function test_initialize_grantsEveryRoleToAdmin() public view {
        assertTrue(protocol.hasRole(DEFAULT_ADMIN_ROLE, admin));
        assertTrue(protocol.hasRole(protocol.PARAMETER_ROLE(), admin));
        assertTrue(protocol.hasRole(protocol.PAUSER_ROLE(), admin));
        assertTrue(protocol.hasRole(protocol.UPGRADER_ROLE(), admin));
        assertFalse(protocol.hasRole(DEFAULT_ADMIN_ROLE, stranger));
        // DEFAULT_ADMIN_ROLE administers every other role
        assertEq(protocol.getRoleAdmin(protocol.PAUSER_ROLE()), DEFAULT_ADMIN_ROLE);
        assertEq(protocol.getRoleAdmin(protocol.UPGRADER_ROLE()), DEFAULT_ADMIN_ROLE);
        assertEq(protocol.getRoleAdmin(protocol.PARAMETER_ROLE()), DEFAULT_ADMIN_ROLE);
    }

    function test_initialize_setsRoleIdentifiers() public view {
        assertEq(protocol.PAUSER_ROLE(), keccak256("PAUSER_ROLE"));
        assertEq(protocol.UPGRADER_ROLE(), keccak256("UPGRADER_ROLE"));
        assertEq(protocol.PARAMETER_ROLE(), keccak256("PARAMETER_ROLE"));
    }

    function test_initialize_startsRoundOneAtItsBlock() public {
        vm.roll(1_000);
        ICotrainProtocol fresh = deployProtocol(defaultConfig());
        assertEq(fresh.currentRound(), 1);
        assertEq(fresh.nextContributionId(), 1);
        assertEq(fresh.protocolClock(), 1_000);
        assertFalse(fresh.paused());
        vm.roll(1_000 + SUBMISSION_BLOCKS);
        assertEq(fresh.currentRound(), 2);
    }

    function test_initialize_revertsOnZeroAdmin() public {
        CotrainProtocol implementation = new CotrainProtocol(token, registry, extension);
        vm.expectRevert(ICotrainErrors.ZeroAddress.selector);
        new ERC1967Proxy(
            address(implementation), abi.encodeCall(CotrainProtocolExtension.initialize, (address(0), defaultConfig()))
        );
    }

    function test_initialize_revertsWhenCalledTwice() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        vm.prank(stranger);
        CotrainProtocolExtension(address(protocol)).initialize(stranger, defaultConfig());
        assertFalse(protocol.hasRole(DEFAULT_ADMIN_ROLE, stranger));
    }

    function test_initialize_revertsOnImplementationAndExtension() public {
        CotrainProtocol implementation = new CotrainProtocol(token, registry, extension);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        CotrainProtocolExtension(address(implementation)).initialize(stranger, defaultConfig());
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        extension.initialize(stranger, defaultConfig());

        // the proxy's implementation too
        address behindProxy = implementationOf(address(protocol));
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        CotrainProtocolExtension(behindProxy).initialize(stranger, defaultConfig());
    }

    // ---- extension -------------------------------------------------------------------------------------------

    function test_constructor_revertsOnExtensionForAnotherTokenOrRegistry() public {
        CotrainToken otherToken = new CotrainToken(admin, SUPPLY);
        CotrainProtocolExtension foreign = new CotrainProtocolExtension(otherToken, registry);
        vm.expectRevert(abi.encodeWithSelector(CotrainProtocol.ExtensionMismatch.selector, address(foreign)));
        new CotrainProtocol(token, registry, foreign);

        CotrainProtocolExtension otherRegistry =
            new CotrainProtocolExtension(token, IValidatorRegistry(makeAddr("registry")));
        vm.expectRevert(abi.encodeWithSelector(CotrainProtocol.ExtensionMismatch.selector, address(otherRegistry)));
        new CotrainProtocol(token, registry, otherRegistry);
    }

    function test_extension_servesTheDelegatedFunctionsOnTheProxysStorage() public {
        assertEq(protocol.extension(), address(extension));
        setParam(Parameter.ToleranceScore, 7);
        assertEq(protocol.parameter(Parameter.ToleranceScore), 7);
        // the extension's own storage is untouched: it was never initialized
        vm.expectRevert(); // reading an uninitialized version is fine, but it has no roles at all
        vm.prank(admin);
        extension.setParameter(Parameter.ToleranceScore, 8);
    }

    function test_fallback_revertsOnUnknownSelector() public {
        (bool ok,) = address(protocol).call(abi.encodeWithSignature("noSuchFunction()"));
        assertFalse(ok);
    }

    // ---- views -----------------------------------------------------------------------------------------------

    function test_stakingToken_andValidatorRegistry_returnTheBoundContracts() public view {
        assertEq(protocol.stakingToken(), address(token));
        assertEq(protocol.validatorRegistry(), address(registry));
    }

    // ---- pause / unpause -------------------------------------------------------------------------------------

    function test_pause_setsPausedAndEmits() public {
        vm.expectEmit(address(protocol));
        emit IProtocolGovernance.Paused(admin);
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
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
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
        emit IProtocolGovernance.Unpaused(admin);
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
        vm.expectRevert(IProtocolGovernance.ProtocolNotPaused.selector);
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
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        protocol.increaseStake(10 * TOKEN);
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        protocol.submitContribution(0, digest, 1);
        vm.stopPrank();

        rollToCommit(round);
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        vm.prank(validators[0]);
        protocol.commitScores(round, commitment);
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        vm.prank(validators[0]);
        registry.bondValidator(TOKEN);
        rollToReveal(round);
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        vm.prank(validators[0]);
        protocol.revealScores(round, hex"50", saltOf(validators[0], round));
        rollToFinalization(round);
        bytes32[] memory page = pageOf(round, 1);
        vm.expectRevert(ICotrainErrors.ProtocolPaused.selector);
        protocol.finalize(round, page);
    }

    function test_pause_keepsContributorExitsAndClaimsOpen() public {
        address[] memory validators = newValidators(1, 2_000 * TOKEN);
        fundPool(1_000 * TOKEN);
        address alice = newContributor("alice", 100 * TOKEN);
        uint256 id = submit(alice, ContributionType.MODEL_UPDATE, digestOf(1));
        scoreRound(roundOf(id), validators, hex"64");
        pauseProtocol();

        vm.startPrank(alice);
        protocol.requestUnstake(100 * TOKEN);
        assertEq(protocol.claimRewards(), 20 * TOKEN);
        vm.roll(block.number + 50); // the contributor delay runs on blocks: unbonding stake risks nothing
        protocol.withdrawStake();
        vm.stopPrank();
        assertEq(token.balanceOf(alice), 120 * TOKEN);
    }

    /// @dev The attack of the review: commit, unbond, then withdraw while a pause keeps anyone from finalizing. The
    /// unbonding clock stands still while paused, and the bond waits for the rounds opened before the request.
    function test_pause_stopsTheValidatorUnbondingClock() public {
        address[] memory validators = newValidators(1, 2_000 * TOKEN);
        address alice = newContributor("alice", 100 * TOKEN);
        uint256 round = roundOf(submit(alice, ContributionType.MODEL_UPDATE, digestOf(1)));
        rollToCommit(round);
        commit(validators[0], round, hex"64");
        vm.prank(validators[0]);
        registry.requestValidatorUnbond(500 * TOKEN);
        uint256 readyBlock = registry.validatorInfo(validators[0]).unbondingReadyBlock;
        uint256 pausedAt = block.number;
        pauseProtocol();
        vm.roll(readyBlock + 1_000);

        vm.expectPartialRevert(ICotrainErrors.UnbondingNotReady.selector);
        vm.prank(validators[0]);
        registry.withdrawValidatorBond();
        // no block of the pause counted: the ready block moved on by all of them
        assertEq(registry.validatorInfo(validators[0]).unbondingReadyBlock, readyBlock + block.number - pausedAt);

        vm.prank(admin);
        protocol.unpause();
        vm.roll(registry.validatorInfo(validators[0]).unbondingReadyBlock);
        vm.expectRevert(abi.encodeWithSelector(IValidatorRegistry.RoundsNotSettled.selector, round, 0));
        vm.prank(validators[0]);
        registry.withdrawValidatorBond();

        finalizeAll(round); // the round it committed to and never revealed: 5% of its stake (2,000)
        vm.prank(validators[0]);
        registry.withdrawValidatorBond();
        assertEq(token.balanceOf(validators[0]), 500 * TOKEN);
        assertEq(registry.validatorInfo(validators[0]).bond, 1_400 * TOKEN);
    }

    /// @dev A pause stops the protocol clock: the round's commit window waits, and no absence is excused.
    function test_pause_freezesRoundWindows() public {
        address[] memory validators = newValidators(1, 2_000 * TOKEN);
        address alice = newContributor("alice", 100 * TOKEN);
        uint256 round = roundOf(submit(alice, ContributionType.MODEL_UPDATE, digestOf(1)));
        rollToCommit(round);
        uint256 clock = protocol.protocolClock();
        pauseProtocol();
        vm.roll(block.number + 500);
        assertEq(protocol.protocolClock(), clock);
        vm.prank(admin);
        protocol.unpause();

        assertEq(uint8(roundView(round).phase), uint8(RoundPhase.Commit));
        assertEq(roundView(round).commitEndBlock, block.number + COMMIT_BLOCKS);
        commit(validators[0], round, hex"64");
        rollToReveal(round);
        reveal(validators[0], round, hex"64");
        rollToFinalization(round);
        finalizeAll(round);
        assertEq(contributionOf(1).consensusScore, 100);
    }

    /// @dev The review's case: a pause between rounds used to excuse the absences of every round opened before it.
    /// With the clock stopped instead, a round whose windows the pause did not overlap keeps its penalties.
    function test_pause_excusesNoAbsenceOfRoundsItDidNotOverlap() public {
        address[] memory validators = newValidators(1, 2_000 * TOKEN);
        address alice = newContributor("alice", 100 * TOKEN);
        uint256 round = roundOf(submit(alice, ContributionType.MODEL_UPDATE, digestOf(1)));
        rollToFinalization(round); // nobody committed
        pauseProtocol();
        vm.roll(block.number + 5);
        vm.prank(admin);
        protocol.unpause();
        finalizeAll(round);
        assertEq(registry.validatorInfo(validators[0]).bond, 1_900 * TOKEN); // 5% absence penalty
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

        CotrainProtocolNextVersion next = nextVersion();
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
        assertEq(contributionOf(pending).contributor, alice);
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
        CotrainProtocolNextVersion next = nextVersion();
        vm.prank(admin);
        protocol.upgradeToAndCall(address(next), abi.encodeCall(CotrainProtocolExtension.pause, ()));
        assertTrue(protocol.paused());
    }

    function test_upgradeToAndCall_worksForGrantedUpgrader() public {
        address upgrader = makeAddr("upgrader");
        vm.startPrank(admin);
        protocol.grantRole(protocol.UPGRADER_ROLE(), upgrader);
        vm.stopPrank();
        CotrainProtocolNextVersion next = nextVersion();
        vm.prank(upgrader);
        protocol.upgradeToAndCall(address(next), "");
        assertEq(implementationOf(address(protocol)), address(next));
    }

    function test_upgradeToAndCall_revertsWithoutUpgraderRole() public {
        CotrainProtocolNextVersion next = nextVersion();
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
        CotrainProtocolNextVersion next = nextVersion();
        CotrainProtocol implementation = CotrainProtocol(implementationOf(address(protocol)));
        vm.expectRevert(UUPSUpgradeable.UUPSUnauthorizedCallContext.selector);
        vm.prank(admin);
        implementation.upgradeToAndCall(address(next), "");
    }
}
