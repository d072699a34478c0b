// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {console} from "forge-std/Test.sol";

import {ContributionType, Parameter} from "cotrain/types/CotrainTypes.sol";
import {CotrainFixture} from "../utils/CotrainFixture.sol";

/// @notice Gas of a whole round's lifecycle (submit + commits + reveals + finalize + claims), amortized per
/// contribution. Run with isolation so every call is measured as its own transaction (intrinsic gas, calldata, cold
/// storage): `forge test --isolate --match-path '*/benchmarks/*' -vv`.
/// Figures are printed and recorded with vm.snapshotValue; each must stay within 2% of the committed
/// contracts/snapshots/RoundGas.json, so a regression fails the build. The snapshot is rewritten only on request:
/// `FORGE_SNAPSHOT_EMIT=true forge test --isolate --match-path '*/benchmarks/*'`.
contract RoundGasBenchmark is CotrainFixture {
    uint256 private constant TOLERANCE_PERCENT = 2; // growth over the committed snapshot that fails the benchmark
    string private constant SNAPSHOT = "snapshots/RoundGas.json";
    uint256 private constant TASK = 7; // served by every validator
    uint256 private constant BLOCK_GAS_LIMIT = 30_000_000; // Ethereum's: every call of a round must fit in a block
    uint256 private constant NODE_FINALIZE_PAGE = 200; // validator nodes' default COTRAIN_FINALIZE_PAGE_SIZE

    uint256 private contributions = 50;
    uint256 private pageSize = 50; // a whole round of 50 per call

    struct Tally {
        uint256 submit;
        uint256 commit;
        uint256 reveal;
        uint256 finalize;
        uint256 claim;
        uint256 largestCall;
        uint256 finalizePages;
    }

    function test_gas_5validators_50contributors() public {
        _benchmark("5v_50c", 5, 50, 10);
    }

    function test_gas_10validators_50contributors() public {
        _benchmark("10v_50c", 10, 50, 10);
    }

    function test_gas_5validators_10contributors() public {
        _benchmark("5v_10c", 5, 10, 10);
    }

    function test_gas_10validators_10contributors() public {
        _benchmark("10v_10c", 10, 10, 10);
    }

    /// @notice A round of 1,000 contributions from 100 contributors, 5 validators, finalized in the nodes' pages of
    /// 200: what each reveal of 1,000 scores and each page costs, and that every call fits in a block. Two rounds (the
    /// first on fresh state), not ten: the figures per contribution are those of the 50-contribution scenarios.
    function test_gas_5validators_1000contributions() public {
        contributions = 1_000;
        pageSize = NODE_FINALIZE_PAGE;
        _benchmark("5v_1000c", 5, 100, 2);
    }

    /// @dev The first round runs on fresh state (reported as "cold"). Rounds 2-9 bring the state every long-running
    /// network has: registered profiles, reward accounts paid before, and score storage rings that hold an older
    /// round (see ScoreConsensus). Round 10 is the steady state, the figure that counts.
    function _benchmark(string memory name, uint256 validatorCount, uint256 contributorCount, uint256 rounds) private {
        _setTokenBalancesNonZero();
        fundPool(1_000_000 * TOKEN);
        vm.prank(admin);
        protocol.setParameter(Parameter.SubmissionFee, 1 * TOKEN); // the deploy script's default: fees flow
        address[] memory validators = newValidators(validatorCount, 10_000 * TOKEN);
        for (uint256 i = 0; i < validatorCount; ++i) {
            vm.prank(validators[i]);
            registry.serveTask(TASK);
        }
        address[] memory contributors = new address[](contributorCount);
        for (uint256 i = 0; i < contributorCount; ++i) {
            contributors[i] = newContributor(string.concat("contributor", vm.toString(i)), 1_000 * TOKEN);
            fund(contributors[i], 1 * TOKEN); // a wallet keeps some tokens besides its stake
        }

        Tally memory cold = _round(validators, contributors, 1);
        _report(string.concat(name, "_cold"), cold, validatorCount, contributorCount);
        for (uint256 seed = 2; seed < rounds; ++seed) {
            _round(validators, contributors, seed);
        }
        Tally memory steady = _round(validators, contributors, rounds);
        _report(name, steady, validatorCount, contributorCount);
    }

    function _round(address[] memory validators, address[] memory contributors, uint256 seed)
        private
        returns (Tally memory tally)
    {
        vm.roll(block.number + SUBMISSION_BLOCKS); // a fresh round
        bytes memory scores = new bytes(contributions);
        bytes32[] memory digests = new bytes32[](contributions);
        for (uint256 i = 0; i < contributions; ++i) {
            address contributor = contributors[i % contributors.length];
            bytes32 digest = digestOf(seed * 1000 + i); // before the prank: sha256 is a call too
            vm.prank(contributor);
            protocol.submitContribution(uint8(ContributionType.MODEL_UPDATE), digest, TASK);
            tally.submit += _measured(tally);
            digests[i] = digest;
            scores[i] = bytes1(uint8(i % 10 == 9 ? 12 : 60 + (i * 7) % 40)); // one in ten is poor work
        }
        uint256 round = protocol.contribution(digests[0]).round;

        rollToCommit(round);
        for (uint256 v = 0; v < validators.length; ++v) {
            bytes32 commitment = protocol.commitmentHash(round, validators[v], scores, saltOf(validators[v], round));
            vm.prank(validators[v]);
            protocol.commitScores(round, commitment);
            tally.commit += _measured(tally);
        }
        rollToReveal(round);
        for (uint256 v = 0; v < validators.length; ++v) {
            vm.prank(validators[v]);
            protocol.revealScores(round, scores, saltOf(validators[v], round));
            tally.reveal += _measured(tally);
        }
        rollToFinalization(round);
        for (uint256 done = 0; done < contributions; done += pageSize) {
            bytes32[] memory page = new bytes32[](pageSize);
            for (uint256 i = 0; i < pageSize; ++i) {
                page[i] = digests[done + i];
            }
            protocol.finalize(round, page);
            tally.finalize += _measured(tally);
            ++tally.finalizePages;
        }
        for (uint256 i = 0; i < contributors.length; ++i) {
            tally.claim += _claim(contributors[i]);
        }
        for (uint256 v = 0; v < validators.length; ++v) {
            tally.claim += _claim(validators[v]);
        }
    }

    /// @dev The last call's gas, kept as the largest so far when it is.
    function _measured(Tally memory tally) private returns (uint256 gas) {
        gas = vm.lastCallGas().gasTotalUsed;
        if (gas > tally.largestCall) tally.largestCall = gas;
    }

    function _claim(address account) private returns (uint256) {
        if (protocol.claimable(account) == 0) return 0;
        vm.prank(account);
        protocol.claimRewards();
        return vm.lastCallGas().gasTotalUsed;
    }

    /// @dev Validators and the protocol hold tokens in any real deployment; start their balances non-zero.
    function _setTokenBalancesNonZero() private {
        fund(address(protocol), 1);
    }

    function _report(string memory name, Tally memory tally, uint256 validatorCount, uint256 contributorCount)
        private
    {
        uint256 total = tally.submit + tally.commit + tally.reveal + tally.finalize + tally.claim;
        uint256 perContribution = total / contributions;
        console.log("scenario %s: %s validators, %s contributors", name, validatorCount, contributorCount);
        console.log(
            "  per contribution: submit %s, commits %s, reveals %s",
            tally.submit / contributions,
            tally.commit / contributions,
            tally.reveal / contributions
        );
        console.log(
            "  per contribution: finalize %s, claims %s", tally.finalize / contributions, tally.claim / contributions
        );
        console.log("  lifecycle gas per contribution: %s", perContribution);
        console.log(
            "  finalize: %s pages of up to %s, %s gas per page",
            tally.finalizePages,
            pageSize,
            tally.finalize / tally.finalizePages
        );
        console.log("  largest call: %s gas (block limit %s)", tally.largestCall, BLOCK_GAS_LIMIT);
        assertLt(tally.largestCall, BLOCK_GAS_LIMIT, string.concat(name, ": a call of the round does not fit a block"));
        _record(string.concat(name, "_perContribution"), perContribution);
        _record(string.concat(name, "_submit"), tally.submit / contributions);
        _record(string.concat(name, "_commitPerValidator"), tally.commit / validatorCount);
        _record(string.concat(name, "_revealPerValidator"), tally.reveal / validatorCount);
        _record(string.concat(name, "_finalize"), tally.finalize / contributions);
        _record(string.concat(name, "_claims"), tally.claim / contributions);
    }

    /// @dev Records a figure and fails if it grew more than TOLERANCE_PERCENT over the committed snapshot, unless the
    /// snapshot is being rewritten (FORGE_SNAPSHOT_EMIT=true).
    function _record(string memory key, uint256 value) private {
        vm.snapshotValue("RoundGas", key, value);
        if (vm.envOr("FORGE_SNAPSHOT_EMIT", false)) return;
        string memory committed = vm.readFile(string.concat(vm.projectRoot(), "/", SNAPSHOT));
        string memory path = string.concat("$['", key, "']");
        if (!vm.keyExistsJson(committed, path)) return; // a new figure: nothing to compare with yet
        uint256 bound = vm.parseUint(vm.parseJsonString(committed, path)) * (100 + TOLERANCE_PERCENT) / 100;
        assertLe(value, bound, string.concat(key, " grew more than 2% over ", SNAPSHOT));
    }
}
