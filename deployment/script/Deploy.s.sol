// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Script, console} from "forge-std/Script.sol";

import {CotrainDeployment} from "./CotrainDeployment.sol";
import {ExitWindow} from "cotrain/libraries/ExitWindow.sol";
import {ProtocolConfig} from "cotrain/types/CotrainTypes.sol";

/// @notice Deploys the token, the validator registry, the protocol (with its extension) and the model registry behind
/// UUPS proxies and the commit NFT collection, binds them (the model registry may slash validators' attestations),
/// optionally admits validators, hands out tokens and funds the reward pool, then hands governance to a
/// CotrainTimelock (an OpenZeppelin TimelockController) and writes the addresses to
/// deployment/addresses/<chainId>.json. The wiring is CotrainDeployment's, which the Foundry fixtures share.
///
/// Governance: DEFAULT_ADMIN_ROLE, PARAMETER_ROLE, UPGRADER_ROLE and VALIDATOR_MANAGER_ROLE of every contract go to the
/// timelock, whose proposer and executor is COTRAIN_GOVERNOR; PAUSER_ROLE goes to COTRAIN_PAUSER (pausing stays
/// immediate); the deployer keeps no role. A contributor or validator who disagrees with a scheduled change must be
/// able to leave before it takes effect: the timelock executes an operation only once the protocol clock (which a
/// pause stops) has advanced by the exit window (ExitWindow: two rounds plus the longest unbonding delay) since it was
/// scheduled (and, after an execution that changed that window, until the longer window has passed since), and once
/// its delay in seconds has passed. That delay is by default the exit window in blocks times
/// COTRAIN_SECONDS_PER_BLOCK; a shorter COTRAIN_TIMELOCK_DELAY is refused unless COTRAIN_ALLOW_SHORT_TIMELOCK=true
/// (the local scripts set it, and say so); the exit window in protocol clock blocks applies whatever the delay.
///
/// The signer is whatever forge is given: `--private-key $KEY` (or PRIVATE_KEY in the environment), or a keystore
/// with `--account NAME` / `--keystore FILE`.
///
/// Optional environment (defaults in brackets):
///   COTRAIN_SUBMISSION_BLOCKS [20], COTRAIN_COMMIT_BLOCKS [10], COTRAIN_REVEAL_BLOCKS [10]  round windows
///   COTRAIN_UNBONDING_ROUNDS   unbonding delays, in rounds [2]
///   COTRAIN_PARAMETERS         every initial parameter at once, as abi.encode(ProtocolConfig) in hex: replaces the
///                              defaults and the four variables above []
///   COTRAIN_GOVERNOR           proposes and executes timelocked changes [the signer]
///   COTRAIN_PAUSER             may pause and unpause at once [the signer]
///   COTRAIN_SECONDS_PER_BLOCK  the chain's block time, for the timelock delay [12]
///   COTRAIN_TIMELOCK_DELAY     seconds [the exit window in seconds]
///   COTRAIN_ALLOW_SHORT_TIMELOCK  true: accept a delay below the exit window (local networks only) [false]
///   COTRAIN_KEEP_ROLES         true: no timelock, the signer keeps every role and the addresses file has no
///                              "timelock" (test chains only: the Java test fixtures deploy so) [false]
///   COTRAIN_VALIDATORS         comma-separated addresses to admit to the validator set []
///   COTRAIN_TOKEN_RECIPIENTS   comma-separated addresses that receive COTRAIN_TOKENS_EACH tokens []
///   COTRAIN_TOKENS_EACH        whole tokens per recipient [100000]
///   COTRAIN_POOL_FUNDING       whole tokens put in the reward pool [1000000]
///   COTRAIN_ADDRESSES_FILE     where to write the addresses [deployment/addresses/<chainId>.json]
contract Deploy is Script {
    uint256 private constant TOKEN = 1e18;
    uint256 private constant SUPPLY = 1_000_000_000 * TOKEN;

    error TimelockDelayTooShort(uint256 delaySeconds, uint256 exitWindowSeconds);
    error ParametersLengthMismatch(uint256 length, uint256 expectedLength);

    /// @notice Deploys, sets up and hands over the system as the environment says (see the contract's notice), then
    /// writes the addresses file.
    /// @return deployment the contracts deployed (the timelock zero with COTRAIN_KEEP_ROLES=true)
    function run() external returns (CotrainDeployment.Contracts memory deployment) {
        uint256 key = vm.envOr("PRIVATE_KEY", uint256(0));
        if (key != 0) vm.startBroadcast(key);
        else vm.startBroadcast();
        (, address admin,) = vm.readCallers();
        ProtocolConfig memory parameters = config();
        bool keepRoles = vm.envOr("COTRAIN_KEEP_ROLES", false);
        uint256 delay = keepRoles ? 0 : timelockDelay(parameters);

        uint256 deployBlock = block.number;
        deployment =
            CotrainDeployment.deploy(CotrainDeployment.Config({admin: admin, supply: SUPPLY, parameters: parameters}));

        address[] memory validators = vm.envOr("COTRAIN_VALIDATORS", ",", new address[](0));
        for (uint256 i = 0; i < validators.length; ++i) {
            deployment.registry.addValidator(validators[i]);
        }
        address[] memory recipients = vm.envOr("COTRAIN_TOKEN_RECIPIENTS", ",", new address[](0));
        uint256 each = vm.envOr("COTRAIN_TOKENS_EACH", uint256(100_000)) * TOKEN;
        for (uint256 i = 0; i < recipients.length; ++i) {
            deployment.token.transfer(recipients[i], each);
        }
        uint256 funding = vm.envOr("COTRAIN_POOL_FUNDING", uint256(1_000_000)) * TOKEN;
        if (funding != 0) {
            deployment.token.approve(address(deployment.protocol), funding);
            deployment.protocol.fundRewards(funding);
        }

        if (!keepRoles) {
            CotrainDeployment.Governance memory governance = CotrainDeployment.Governance({
                governor: vm.envOr("COTRAIN_GOVERNOR", admin), pauser: vm.envOr("COTRAIN_PAUSER", admin), delay: delay
            });
            CotrainDeployment.handOverGovernance(deployment, admin, governance);
        }
        vm.stopBroadcast();

        writeAddresses(deployment, deployBlock);
    }

    /// @notice The initial parameters: COTRAIN_PARAMETERS if set, else the defaults a new network starts with and its
    /// governance tunes later, with round windows and unbonding delays from the environment.
    /// @return parameters the protocol's initial parameters
    function config() public view returns (ProtocolConfig memory parameters) {
        parameters = defaults();
        bytes memory encoded = vm.envOr("COTRAIN_PARAMETERS", bytes(""));
        if (encoded.length == 0) return parameters;
        uint256 expectedLength = abi.encode(parameters).length;
        if (encoded.length != expectedLength) revert ParametersLengthMismatch(encoded.length, expectedLength);
        parameters = abi.decode(encoded, (ProtocolConfig));
    }

    /// @dev The default parameters, their round windows and unbonding delays from the environment.
    function defaults() internal view returns (ProtocolConfig memory) {
        uint256 submissionBlocks = vm.envOr("COTRAIN_SUBMISSION_BLOCKS", uint256(20));
        uint256 commitBlocks = vm.envOr("COTRAIN_COMMIT_BLOCKS", uint256(10));
        uint256 revealBlocks = vm.envOr("COTRAIN_REVEAL_BLOCKS", uint256(10));
        uint256 unbondingBlocks =
            vm.envOr("COTRAIN_UNBONDING_ROUNDS", uint256(2)) * (submissionBlocks + commitBlocks + revealBlocks);
        return ProtocolConfig({
            minContributorStake: 100 * TOKEN,
            stakePerContribution: 10 * TOKEN,
            contributorUnbondingBlocks: unbondingBlocks,
            contributorSlashBps: 5_000,
            slashThresholdScore: 30,
            reputationAlphaBps: 2_000,
            initialReputation: 5_000,
            minValidatorStake: 1_000 * TOKEN,
            validatorUnbondingBlocks: unbondingBlocks,
            maxValidators: 16,
            validationReward: 1 * TOKEN,
            deviationPenaltyBps: 100,
            absencePenaltyBps: 500, // a missing commit or reveal: at least the worst a reveal costs
            toleranceScore: 10,
            quorumBps: 6_666, // two of three validators reach quorum (2 x 10000 >= 3 x 6666)
            submissionBlocks: submissionBlocks,
            commitBlocks: commitBlocks,
            revealBlocks: revealBlocks,
            modelUpdateReward: 20 * TOKEN,
            datasetReward: 15 * TOKEN,
            validationWorkReward: 10 * TOKEN,
            neutralScore: 50, // no measurable value: paid nothing
            maxContributionsPerRound: 512,
            maxContributionsPerContributor: 64,
            maxWeightShareBps: 3_334, // no validator weighs more than a third of a round's committed weight
            maxRoundPenaltyBps: 500, // a round's deviations cost a validator at most 5% of its stake
            submissionFee: 1 * TOKEN // into the pool for every scored contribution: as much as one validation reward
        });
    }

    /// @notice The timelock's delay in seconds: COTRAIN_TIMELOCK_DELAY, or the exit window at
    /// COTRAIN_SECONDS_PER_BLOCK. A delay shorter than the exit window is refused unless explicitly allowed.
    /// @param parameters the initial parameters, which set the exit window
    /// @return the delay in seconds
    function timelockDelay(ProtocolConfig memory parameters) public view returns (uint256) {
        uint256 exitBlocks = ExitWindow.blocks(
            parameters.submissionBlocks + parameters.commitBlocks + parameters.revealBlocks,
            parameters.validatorUnbondingBlocks,
            parameters.contributorUnbondingBlocks
        );
        uint256 exitSeconds = exitBlocks * vm.envOr("COTRAIN_SECONDS_PER_BLOCK", uint256(12));
        uint256 delay = vm.envOr("COTRAIN_TIMELOCK_DELAY", exitSeconds);
        if (delay < exitSeconds && !vm.envOr("COTRAIN_ALLOW_SHORT_TIMELOCK", false)) {
            revert TimelockDelayTooShort(delay, exitSeconds);
        }
        if (delay < exitSeconds) {
            console.log("WARNING: timelock delay %s s is shorter than the exit window (%s s)", delay, exitSeconds);
        }
        return delay;
    }

    /// @dev Writes the addresses file (no "timelock" if the signer kept the roles) and prints where things are.
    function writeAddresses(CotrainDeployment.Contracts memory deployment, uint256 deployBlock) internal {
        string memory json = "deployment";
        vm.serializeUint(json, "chainId", block.chainid);
        vm.serializeAddress(json, "token", address(deployment.token));
        vm.serializeAddress(json, "protocol", address(deployment.protocol));
        vm.serializeAddress(json, "protocolImplementation", deployment.protocolImplementation);
        vm.serializeAddress(json, "validatorRegistry", address(deployment.registry));
        vm.serializeAddress(json, "validatorRegistryImplementation", deployment.registryImplementation);
        vm.serializeAddress(json, "modelRegistry", address(deployment.modelRegistry));
        vm.serializeAddress(json, "modelRegistryImplementation", deployment.modelRegistryImplementation);
        vm.serializeAddress(json, "commitToken", address(deployment.commitToken));
        bool governed = address(deployment.timelock) != address(0);
        if (governed) vm.serializeAddress(json, "timelock", address(deployment.timelock));
        string memory output = vm.serializeUint(json, "deployBlock", deployBlock);
        string memory path = vm.envOr(
            "COTRAIN_ADDRESSES_FILE",
            string.concat(vm.projectRoot(), "/../deployment/addresses/", vm.toString(block.chainid), ".json")
        );
        vm.writeJson(output, path);
        console.log("addresses written to %s", path);
        console.log("token     %s", address(deployment.token));
        console.log("protocol  %s", address(deployment.protocol));
        console.log("registry  %s", address(deployment.registry));
        console.log("models    %s", address(deployment.modelRegistry));
        if (governed) {
            console.log("timelock  %s (delay %s s)", address(deployment.timelock), deployment.timelock.getMinDelay());
        } else {
            console.log("no timelock: the signer kept every role (COTRAIN_KEEP_ROLES)");
        }
    }
}
