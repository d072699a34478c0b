// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";

import {CotrainProtocol} from "cotrain/CotrainProtocol.sol";
import {IContributionRounds} from "cotrain/interfaces/IContributionRounds.sol";
import {IContributorStaking} from "cotrain/interfaces/IContributorStaking.sol";
import {IValidatorRegistry} from "cotrain/interfaces/IValidatorRegistry.sol";
import {CotrainToken} from "cotrain/token/CotrainToken.sol";
import {Parameter, RoundPhase} from "cotrain/types/CotrainTypes.sol";
import {ValidatorRegistry} from "cotrain/validators/ValidatorRegistry.sol";

/// @notice Drives the protocol through random but valid sequences: registrations, stake changes, submissions,
/// commits (some validators deviate or stay away), reveals (some never reveal), paginated finalization, funding,
/// claims and validator unbonding. Keeps ghost totals for the invariants.
contract ProtocolHandler is Test {
    CotrainProtocol internal protocol;
    ValidatorRegistry internal registry;
    CotrainToken internal token;
    address internal treasury;

    address[] public contributors;
    address[] public validators;

    uint256 public ghostSettled; // sum of what finalize reported settling
    uint256 public ghostFunded;

    mapping(uint256 round => mapping(address validator => bytes)) internal scoresOf;

    constructor(
        CotrainProtocol protocol_,
        ValidatorRegistry registry_,
        CotrainToken token_,
        address treasury_,
        address[] memory contributors_,
        address[] memory validators_
    ) {
        protocol = protocol_;
        registry = registry_;
        token = token_;
        treasury = treasury_;
        contributors = contributors_;
        validators = validators_;
    }

    function contributorCount() external view returns (uint256) {
        return contributors.length;
    }

    // ---- contributors -----------------------------------------------------------------------------------------

    function increaseStake(uint256 actorSeed, uint256 amount) external {
        address contributor = contributors[actorSeed % contributors.length];
        amount = bound(amount, 1, 50e18);
        _give(contributor, amount);
        vm.startPrank(contributor);
        token.approve(address(protocol), amount);
        protocol.increaseStake(amount);
        vm.stopPrank();
    }

    function requestUnstake(uint256 actorSeed, uint256 amount) external {
        address contributor = contributors[actorSeed % contributors.length];
        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(contributor);
        uint256 free = profile.stake - profile.lockedStake;
        if (free == 0) return;
        amount = bound(amount, 1, free);
        vm.prank(contributor);
        protocol.requestUnstake(amount);
    }

    function withdrawStake(uint256 actorSeed) external {
        address contributor = contributors[actorSeed % contributors.length];
        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(contributor);
        if (profile.unbondingStake == 0 || block.number < profile.unbondingReadyBlock) return;
        vm.prank(contributor);
        protocol.withdrawStake();
    }

    function submit(uint256 actorSeed, uint8 kind, bytes32 digest) external {
        address contributor = contributors[actorSeed % contributors.length];
        IContributorStaking.ContributorProfile memory profile = protocol.contributorProfile(contributor);
        if (profile.stake - profile.lockedStake < protocol.parameter(Parameter.StakePerContribution)) return;
        if (digest == bytes32(0)) digest = keccak256("nonzero");
        vm.prank(contributor);
        protocol.submitContribution(kind % 3, digest, actorSeed % 5);
    }

    function claim(uint256 actorSeed) external {
        address account = actorSeed % 2 == 0
            ? contributors[actorSeed % contributors.length]
            : validators[actorSeed % validators.length];
        if (protocol.claimable(account) == 0) return;
        vm.prank(account);
        protocol.claimRewards();
    }

    function fund(uint256 amount) external {
        amount = bound(amount, 1, 1_000e18);
        vm.startPrank(treasury);
        token.approve(address(protocol), amount);
        protocol.fundRewards(amount);
        vm.stopPrank();
        ghostFunded += amount;
    }

    // ---- validators and rounds -------------------------------------------------------------------------------

    function advance(uint256 blocks) external {
        vm.roll(block.number + bound(blocks, 1, 15));
    }

    /// @dev Every validator whose turn it is commits for the oldest round in its commit window. Validator 0 scores
    /// from the seed, the others mostly agree with it, sometimes deviate, and the last one sometimes stays away.
    function commitAll(uint256 seed) external {
        uint256 round = _roundIn(RoundPhase.Commit);
        if (round == 0) return;
        IContributionRounds.RoundView memory info = protocol.roundInfo(round);
        for (uint256 v = 0; v < validators.length; ++v) {
            address validator = validators[v];
            if ((info.committedValidators >> registry.validatorInfo(validator).index) & 1 == 1) continue;
            if ((info.expectedValidators >> registry.validatorInfo(validator).index) & 1 == 0) continue;
            if (v == validators.length - 1 && seed % 4 == 0) continue; // absent
            bytes memory scores = new bytes(info.contributionCount);
            for (uint256 i = 0; i < scores.length; ++i) {
                uint256 base = uint256(keccak256(abi.encode(seed, round, i))) % 100 + 1;
                uint256 noise = uint256(keccak256(abi.encode(seed, round, i, v))) % 100;
                scores[i] = bytes1(uint8(noise < 10 ? (base % 100) + 1 : base)); // 10 % of scores deviate
            }
            bytes32 commitment = protocol.commitmentHash(round, validator, scores, bytes32(seed));
            vm.prank(validator);
            protocol.commitScores(round, commitment);
            scoresOf[round][validator] = abi.encode(scores, bytes32(seed));
        }
    }

    function revealAll(uint256 seed) external {
        uint256 round = _roundIn(RoundPhase.Reveal);
        if (round == 0) return;
        IContributionRounds.RoundView memory info = protocol.roundInfo(round);
        for (uint256 v = 0; v < validators.length; ++v) {
            address validator = validators[v];
            uint256 bit = 1 << registry.validatorInfo(validator).index;
            if (info.committedValidators & bit == 0 || info.revealedValidators & bit != 0) continue;
            if (v == 0 && seed % 5 == 0) continue; // committed, never reveals
            (bytes memory scores, bytes32 salt) = abi.decode(scoresOf[round][validator], (bytes, bytes32));
            vm.prank(validator);
            protocol.revealScores(round, scores, salt);
        }
    }

    function finalize(uint256 page) external {
        uint256 round = _roundIn(RoundPhase.Finalization);
        if (round == 0) return;
        ghostSettled += protocol.finalize(round, bound(page, 1, 8));
    }

    function unbondValidator(uint256 actorSeed, uint256 amount) external {
        address validator = validators[actorSeed % validators.length];
        uint256 bond = registry.validatorInfo(validator).bond;
        if (bond == 0) return;
        amount = bound(amount, 1, bond);
        vm.prank(validator);
        registry.requestValidatorUnbond(amount);
    }

    function withdrawValidatorBond(uint256 actorSeed) external {
        address validator = validators[actorSeed % validators.length];
        IValidatorRegistry.ValidatorInfo memory info = registry.validatorInfo(validator);
        if (info.unbonding == 0 || block.number < info.unbondingReadyBlock) return;
        vm.prank(validator);
        registry.withdrawValidatorBond();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /// @dev The oldest round with contributions in `phase`, or 0.
    function _roundIn(RoundPhase phase) internal view returns (uint256) {
        uint256 current = protocol.currentRound();
        uint256 oldest = current > 40 ? current - 40 : 1;
        for (uint256 round = oldest; round <= current; ++round) {
            IContributionRounds.RoundView memory info = protocol.roundInfo(round);
            if (info.exists && info.phase == phase) return round;
        }
        return 0;
    }

    function _give(address account, uint256 amount) internal {
        vm.prank(treasury);
        token.transfer(account, amount);
    }
}
