// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Script, console} from "forge-std/Script.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

import {CotrainProtocol} from "cotrain/CotrainProtocol.sol";
import {CommitToken} from "cotrain/registry/CommitToken.sol";
import {ModelRegistry} from "cotrain/registry/ModelRegistry.sol";
import {CotrainToken} from "cotrain/token/CotrainToken.sol";
import {ProtocolConfig} from "cotrain/types/CotrainTypes.sol";
import {ValidatorRegistry} from "cotrain/validators/ValidatorRegistry.sol";

/// @notice Deploys the token, the validator registry, the protocol and the model registry behind UUPS proxies and
/// the commit NFT collection, binds them (the model registry may slash validators' attestations), optionally
/// admits validators, hands out tokens and funds the reward pool, and writes the addresses to
/// deployment/addresses/<chainId>.json.
///
/// The signer is whatever forge is given: `--private-key $KEY` (or PRIVATE_KEY in the environment), or a keystore
/// with `--account NAME` / `--keystore FILE`. Every role goes to that signer (the admin); grant them onward later.
///
/// Optional environment (defaults in brackets):
///   COTRAIN_SUBMISSION_BLOCKS [20], COTRAIN_COMMIT_BLOCKS [10], COTRAIN_REVEAL_BLOCKS [10]  round windows
///   COTRAIN_VALIDATORS         comma-separated addresses to admit to the validator set []
///   COTRAIN_TOKEN_RECIPIENTS   comma-separated addresses that receive COTRAIN_TOKENS_EACH tokens []
///   COTRAIN_TOKENS_EACH        whole tokens per recipient [100000]
///   COTRAIN_POOL_FUNDING       whole tokens put in the reward pool [1000000]
///   COTRAIN_ADDRESSES_FILE     where to write the addresses [deployment/addresses/<chainId>.json]
contract Deploy is Script {
    uint256 private constant TOKEN = 1e18;
    uint256 private constant SUPPLY = 1_000_000_000 * TOKEN;

    struct Deployment {
        CotrainToken token;
        ValidatorRegistry registry;
        address registryImplementation;
        CotrainProtocol protocol;
        address protocolImplementation;
        ModelRegistry modelRegistry;
        address modelRegistryImplementation;
        CommitToken commitToken;
        uint256 deployBlock;
    }

    function run() external returns (Deployment memory deployment) {
        uint256 key = vm.envOr("PRIVATE_KEY", uint256(0));
        if (key != 0) vm.startBroadcast(key);
        else vm.startBroadcast();
        (, address admin,) = vm.readCallers();

        deployment.deployBlock = block.number;
        deployment.token = new CotrainToken(admin, SUPPLY);
        deployment.registryImplementation = address(new ValidatorRegistry(deployment.token));
        deployment.registry = ValidatorRegistry(
            address(
                new ERC1967Proxy(
                    deployment.registryImplementation, abi.encodeCall(ValidatorRegistry.initialize, (admin))
                )
            )
        );
        deployment.protocolImplementation = address(new CotrainProtocol(deployment.token, deployment.registry));
        deployment.protocol = CotrainProtocol(
            address(
                new ERC1967Proxy(
                    deployment.protocolImplementation, abi.encodeCall(CotrainProtocol.initialize, (admin, config()))
                )
            )
        );
        deployment.registry.setProtocol(address(deployment.protocol));

        deployment.modelRegistryImplementation = address(new ModelRegistry(deployment.protocol));
        // The commit collection names its minter, the model registry's proxy, which is the next contract deployed.
        address modelRegistryProxy = vm.computeCreateAddress(admin, vm.getNonce(admin) + 1);
        deployment.commitToken = new CommitToken(modelRegistryProxy);
        deployment.modelRegistry = ModelRegistry(
            address(
                new ERC1967Proxy(
                    deployment.modelRegistryImplementation,
                    abi.encodeCall(ModelRegistry.initialize, (admin, deployment.commitToken))
                )
            )
        );
        deployment.registry.grantRole(deployment.registry.SLASHER_ROLE(), address(deployment.modelRegistry));

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
        vm.stopBroadcast();

        writeAddresses(deployment);
    }

    /// @notice The initial parameters. Round windows come from the environment; the rest are the defaults a new
    /// network starts with and its PARAMETER_ROLE tunes later.
    function config() public view returns (ProtocolConfig memory) {
        uint256 submissionBlocks = vm.envOr("COTRAIN_SUBMISSION_BLOCKS", uint256(20));
        uint256 commitBlocks = vm.envOr("COTRAIN_COMMIT_BLOCKS", uint256(10));
        uint256 revealBlocks = vm.envOr("COTRAIN_REVEAL_BLOCKS", uint256(10));
        return ProtocolConfig({
            minContributorStake: 100 * TOKEN,
            stakePerContribution: 10 * TOKEN,
            contributorUnbondingBlocks: 2 * (submissionBlocks + commitBlocks + revealBlocks),
            contributorSlashBps: 5_000,
            slashThresholdScore: 30,
            reputationAlphaBps: 2_000,
            initialReputation: 5_000,
            minValidatorStake: 1_000 * TOKEN,
            validatorUnbondingBlocks: 2 * (submissionBlocks + commitBlocks + revealBlocks),
            maxValidators: 16,
            validationReward: 1 * TOKEN,
            deviationPenaltyBps: 100,
            absencePenaltyBps: 500,
            toleranceScore: 10,
            quorumBps: 6_666, // two of three validators reach quorum (2 x 10000 >= 3 x 6666)
            submissionBlocks: submissionBlocks,
            commitBlocks: commitBlocks,
            revealBlocks: revealBlocks,
            modelUpdateReward: 20 * TOKEN,
            datasetReward: 15 * TOKEN,
            validationWorkReward: 10 * TOKEN
        });
    }

    function writeAddresses(Deployment memory deployment) internal {
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
        string memory output = vm.serializeUint(json, "deployBlock", deployment.deployBlock);
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
    }
}
