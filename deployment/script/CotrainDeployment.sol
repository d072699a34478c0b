// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {StdConstants} from "forge-std/StdConstants.sol";

import {CotrainProtocol} from "cotrain/CotrainProtocol.sol";
import {CotrainProtocolExtension} from "cotrain/CotrainProtocolExtension.sol";
import {CotrainTimelock} from "cotrain/governance/CotrainTimelock.sol";
import {ICotrainProtocol} from "cotrain/interfaces/ICotrainProtocol.sol";
import {CommitToken} from "cotrain/registry/CommitToken.sol";
import {ModelRegistry} from "cotrain/registry/ModelRegistry.sol";
import {CotrainToken} from "cotrain/token/CotrainToken.sol";
import {ProtocolConfig} from "cotrain/types/CotrainTypes.sol";
import {ValidatorRegistry} from "cotrain/validators/ValidatorRegistry.sol";

/// @notice How a Cotrain system is deployed and wired, written once for Deploy.s.sol and the Foundry fixtures of
/// contracts-test (the Java test fixtures run Deploy.s.sol): the token, the validator registry, the protocol (with its
/// extension) and the model registry behind UUPS proxies, each initialized in its proxy's constructor call, the commit
/// NFT collection minted by the model registry, the bindings between them, and the hand-over of governance to a
/// CotrainTimelock.
///
/// Every step must run as the admin: the caller broadcasts (a script) or pranks (a test) as `admin` around it. The
/// contracts are admin's creations, the roles the initializers give are admin's to grant and renounce, and the commit
/// collection names its minter, the model registry's proxy, by predicting the address of admin's next creation.
library CotrainDeployment {
    /// @notice What a deployment starts from.
    /// @param admin the account every step runs as: receives the whole supply and every role
    /// @param supply the token supply in wei
    /// @param parameters the protocol's initial parameters
    struct Config {
        address admin;
        uint256 supply;
        ProtocolConfig parameters;
    }

    /// @notice Who governs once the admin hands over.
    /// @param governor proposes and executes the timelock's operations
    /// @param pauser holds PAUSER_ROLE of the protocol: pausing stays immediate
    /// @param delay the timelock's minimum delay in seconds
    struct Governance {
        address governor;
        address pauser;
        uint256 delay;
    }

    /// @notice The contracts of a deployment; those of a step not run yet are zero.
    struct Contracts {
        CotrainToken token;
        ValidatorRegistry registry;
        address registryImplementation;
        CotrainProtocolExtension extension;
        address protocolImplementation;
        ICotrainProtocol protocol;
        ModelRegistry modelRegistry;
        address modelRegistryImplementation;
        CommitToken commitToken;
        CotrainTimelock timelock;
    }

    /// @notice The model registry's proxy did not land where the commit collection, which names it as its minter,
    /// expected it: the steps did not run as the admin, or something else created a contract in between.
    error ModelRegistryNotAtPredictedAddress(address predicted, address deployed);

    bytes32 private constant DEFAULT_ADMIN_ROLE = 0x00;

    /// @notice The whole system: the protocol (deployProtocol), then the model registry (deployModelRegistry). Every
    /// role stays with the admin until handOverGovernance.
    /// @param config the admin, the supply and the parameters
    /// @return contracts the deployment, without a timelock
    function deploy(Config memory config) internal returns (Contracts memory contracts) {
        contracts = deployProtocol(config);
        deployModelRegistry(contracts, config.admin);
    }

    /// @notice The token, the validator registry and the protocol (with its extension) behind their proxies, the
    /// registry bound to the protocol.
    /// @param config the admin, the supply and the parameters
    /// @return contracts the deployment, its model registry, commit collection and timelock zero
    function deployProtocol(Config memory config) internal returns (Contracts memory contracts) {
        contracts.token = new CotrainToken(config.admin, config.supply);
        contracts.registryImplementation = address(new ValidatorRegistry(contracts.token));
        contracts.registry = ValidatorRegistry(
            address(
                new ERC1967Proxy(
                    contracts.registryImplementation, abi.encodeCall(ValidatorRegistry.initialize, (config.admin))
                )
            )
        );
        contracts.extension = new CotrainProtocolExtension(contracts.token, contracts.registry);
        contracts.protocolImplementation =
            address(new CotrainProtocol(contracts.token, contracts.registry, contracts.extension));
        contracts.protocol = protocolProxy(contracts.protocolImplementation, config.admin, config.parameters);
        contracts.registry.setProtocol(address(contracts.protocol));
    }

    /// @notice A protocol proxy on `implementation`, initialized with `parameters` in the same call (so that no one
    /// can initialize it first, and a test's expectRevert sees a refused initialization).
    /// @param implementation a CotrainProtocol
    /// @param admin receives every role of the protocol
    /// @param parameters the initial parameters
    /// @return the proxy
    function protocolProxy(address implementation, address admin, ProtocolConfig memory parameters)
        internal
        returns (ICotrainProtocol)
    {
        return ICotrainProtocol(
            address(
                new ERC1967Proxy(
                    implementation, abi.encodeCall(CotrainProtocolExtension.initialize, (admin, parameters))
                )
            )
        );
    }

    /// @notice The model registry behind its proxy and its commit collection, bound to the validator registry of
    /// `contracts` so that its penalties can slash attestations. Fills in modelRegistry, modelRegistryImplementation
    /// and commitToken.
    /// @param contracts a deployment whose protocol is deployed
    /// @param admin the account the steps run as: receives every role of the model registry
    function deployModelRegistry(Contracts memory contracts, address admin) internal {
        contracts.modelRegistryImplementation = address(new ModelRegistry(contracts.protocol));
        // The commit collection names its minter, the model registry's proxy, which is the next contract created.
        address predicted = StdConstants.VM.computeCreateAddress(admin, StdConstants.VM.getNonce(admin) + 1);
        contracts.commitToken = new CommitToken(predicted);
        contracts.modelRegistry = ModelRegistry(
            address(
                new ERC1967Proxy(
                    contracts.modelRegistryImplementation,
                    abi.encodeCall(ModelRegistry.initialize, (admin, contracts.commitToken))
                )
            )
        );
        if (address(contracts.modelRegistry) != predicted) {
            revert ModelRegistryNotAtPredictedAddress(predicted, address(contracts.modelRegistry));
        }
        contracts.registry.bindModelRegistry(address(contracts.modelRegistry));
    }

    /// @notice Hands every role that can move funds or change the rules to a new CotrainTimelock, and pausing to the
    /// pauser; the admin renounces every role it held. Covers the model registry if it is deployed. Fills in timelock.
    /// @param contracts the deployment, its roles still the admin's
    /// @param admin the account the steps run as, which holds the roles
    /// @param governance the timelock's governor and delay, and the pauser
    /// @return timelock the new timelock
    function handOverGovernance(Contracts memory contracts, address admin, Governance memory governance)
        internal
        returns (CotrainTimelock timelock)
    {
        address[] memory governors = new address[](1);
        governors[0] = governance.governor;
        timelock = new CotrainTimelock(governance.delay, contracts.protocol, governors, governors, address(0));
        contracts.timelock = timelock;
        address to = address(timelock);

        ICotrainProtocol protocol = contracts.protocol;
        handOver(protocol, protocol.PARAMETER_ROLE(), admin, to);
        handOver(protocol, protocol.UPGRADER_ROLE(), admin, to);
        handOver(protocol, protocol.PAUSER_ROLE(), admin, governance.pauser);
        handOver(protocol, DEFAULT_ADMIN_ROLE, admin, to);

        ValidatorRegistry registry = contracts.registry;
        handOver(registry, registry.VALIDATOR_MANAGER_ROLE(), admin, to);
        handOver(registry, registry.UPGRADER_ROLE(), admin, to);
        handOver(registry, DEFAULT_ADMIN_ROLE, admin, to);

        ModelRegistry models = contracts.modelRegistry;
        if (address(models) != address(0)) {
            handOver(models, models.UPGRADER_ROLE(), admin, to);
            handOver(models, DEFAULT_ADMIN_ROLE, admin, to);
        }
    }

    /// @dev Grants `role` of `target` to `to`, then `from` renounces it unless it is `to`. DEFAULT_ADMIN_ROLE, which
    /// grants the others, must come last.
    function handOver(IAccessControl target, bytes32 role, address from, address to) private {
        target.grantRole(role, to);
        if (from != to) target.renounceRole(role, from);
    }
}
