// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {CoreTestHelpers} from "../utils/CoreTestHelpers.sol";
import {CotrainDeployment} from "../../../deployment/script/CotrainDeployment.sol";
import {CotrainTimelock} from "cotrain/governance/CotrainTimelock.sol";
import {ExitWindow} from "cotrain/libraries/ExitWindow.sol";
import {ContributionType, Parameter} from "cotrain/types/CotrainTypes.sol";

/// @dev An implementation a governor could upgrade a proxy to, to take every token it holds.
contract Drainer {
    function proxiableUUID() external pure returns (bytes32) {
        return 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc; // ERC-1967 implementation slot
    }

    function drain(IERC20 token, address to) external {
        token.transfer(to, token.balanceOf(address(this)));
    }
}

/// @notice The stage of the reviews' attacks: a funded pool, three validators bonded as the deploy scripts bond them,
/// an honest contributor and an attacker; governance handed to a timelock as the deploy script hands it; and a round
/// whose ring slot stays held through its whole commit window.
abstract contract AttackFixture is CoreTestHelpers {
    uint256 internal constant BOND = 2_000 * TOKEN; // the deploy scripts bond twice the minimum
    uint256 internal constant ABSENCE = BOND * 500 / 10_000; // the fixture's AbsencePenaltyBps of a whole stake

    address[] internal validators;
    address internal honest;
    address internal attacker;

    function setUp() public virtual override {
        super.setUp();
        fundPool(100_000 * TOKEN);
        validators = newValidators(3, BOND);
        honest = newContributor("honest", 1_000 * TOKEN);
        attacker = newContributor("attacker", 2_000 * TOKEN);
    }

    /// @dev `count` scores, all `score`.
    function _scores(uint256 count, uint8 score) internal pure returns (bytes memory scores) {
        scores = new bytes(count);
        for (uint256 i = 0; i < count; ++i) {
            scores[i] = bytes1(score);
        }
    }

    // ---- governance ---------------------------------------------------------------------------------------------

    /// @dev Governance handed to a CotrainTimelock by the deploy script's own hand-over
    /// (CotrainDeployment.handOverGovernance), its delay in seconds the exit window of the current parameters at 12 s
    /// blocks, as Deploy.s.sol sets it; the admin is its governor and keeps PAUSER_ROLE (the deploy defaults).
    function _timelockedGovernance() internal returns (CotrainTimelock timelock) {
        uint256 round = protocol.parameter(Parameter.SubmissionBlocks) + protocol.parameter(Parameter.CommitBlocks)
            + protocol.parameter(Parameter.RevealBlocks);
        uint256 exitBlocks = ExitWindow.blocks(
            round,
            protocol.parameter(Parameter.ValidatorUnbondingBlocks),
            protocol.parameter(Parameter.ContributorUnbondingBlocks)
        );
        CotrainDeployment.Governance memory governance =
            CotrainDeployment.Governance({governor: admin, pauser: admin, delay: exitBlocks * 12});
        CotrainDeployment.Contracts memory contracts = deployment;
        vm.startPrank(admin);
        timelock = CotrainDeployment.handOverGovernance(contracts, admin, governance);
        vm.stopPrank();
    }

    /// @dev An upgrade that sends every token the proxy holds to `to`.
    function _drainCall(address to) internal returns (bytes memory) {
        return abi.encodeWithSignature(
            "upgradeToAndCall(address,bytes)",
            address(new Drainer()),
            abi.encodeCall(Drainer.drain, (IERC20(address(token)), to))
        );
    }

    function _schedule(CotrainTimelock timelock, address target, bytes memory call) internal returns (bytes32) {
        uint256 delay = timelock.getMinDelay();
        vm.prank(admin);
        timelock.schedule(target, 0, call, bytes32(0), bytes32(0), delay);
        return timelock.hashOperation(target, 0, call, bytes32(0), bytes32(0));
    }

    function _execute(CotrainTimelock timelock, address target, bytes memory call) internal {
        vm.prank(admin);
        timelock.execute(target, 0, call, bytes32(0), bytes32(0));
    }

    function _expectNotReady(bytes32 id) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                id,
                bytes32(1 << uint8(TimelockController.OperationState.Ready))
            )
        );
    }

    // ---- a ring slot held through a commit window ---------------------------------------------------------------

    /// @dev Governance shortens the windows while round A, opened under long ones, still scores: round B = A + gap
    /// (the same ring slot) cannot be committed to at all. A is finalized, a later round C of the slot takes it over,
    /// and only then is B finalized, by anyone.
    function _finalizeLateARoundItsSlotBlocked(uint256 gap) internal {
        setParam(Parameter.ValidatorUnbondingBlocks, 1_000);
        setParam(Parameter.CommitBlocks, 70);
        setParam(Parameter.RevealBlocks, 70);
        vm.roll(block.number + SUBMISSION_BLOCKS);
        uint256 a = roundOf(submit(honest, ContributionType.MODEL_UPDATE, digestOf(1)));
        rollToCommit(a);
        for (uint256 v = 0; v < 3; ++v) {
            commit(validators[v], a, hex"5a");
        }
        setParam(Parameter.CommitBlocks, 1);
        setParam(Parameter.RevealBlocks, 1);
        setParam(Parameter.SubmissionBlocks, 1);

        while (protocol.currentRound() < a + gap) {
            vm.roll(block.number + 1); // the rounds in between get no contributions
        }
        uint256 b = roundOf(submit(honest, ContributionType.MODEL_UPDATE, digestOf(2)));
        assertEq(b, a + gap);
        rollToCommit(b);
        bytes32 commitment = protocol.commitmentHash(b, validators[0], hex"5a", saltOf(validators[0], b));
        vm.expectRevert(abi.encodeWithSignature("ScoreStorageBusy(uint256,uint256)", b, a));
        vm.prank(validators[0]);
        protocol.commitScores(b, commitment);

        rollToReveal(a);
        for (uint256 v = 0; v < 3; ++v) {
            reveal(validators[v], a, hex"5a");
        }
        rollToFinalization(a);
        finalizeAll(a);
        while (protocol.currentRound() % 8 != b % 8 || protocol.currentRound() <= b) {
            vm.roll(block.number + 1); // a later round of the same slot
        }
        uint256 c = roundOf(submit(honest, ContributionType.MODEL_UPDATE, digestOf(3)));
        rollToCommit(c);
        commit(validators[1], c, hex"5a"); // C takes over the ring slot
        finalizeAll(b);
    }
}
