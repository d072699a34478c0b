package io.cotrain.cli;

import io.cotrain.client.ChainUnavailableException;
import io.cotrain.client.ContractCalls;
import io.cotrain.client.ContractRevertedException;
import io.cotrain.client.EventQuery;
import io.cotrain.client.EventReader;
import io.cotrain.client.ReadOnlyContracts;
import io.cotrain.client.RetryPolicy;
import io.cotrain.client.RevertDecoder;
import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.ProtocolParameter;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainToken;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ValidatorRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;

/**
 * A connection to the chain and the Cotrain deployment on it, for reads: the bindings call {@code eth_call} only.
 * Every read that cannot reach the endpoint fails with the "cannot reach the chain" message.
 */
final class Chain implements AutoCloseable {
    /** Decodes a view's revert, such as {@code UnknownContribution} for a digest never submitted. */
    private static final RevertDecoder REVERTS = RevertDecoder.forCotrainContracts();

    /** The widest log query asked first; the reader narrows it on an endpoint that refuses it. */
    private static final int LOG_PAGE_BLOCKS = 10_000;

    private final String rpcUrl;
    private final String from;
    private final Web3j web3j;
    private final long chainId;
    private final DeploymentAddresses addresses;
    private final CotrainProtocol protocol;
    private final CotrainToken token;
    private final ModelRegistry models;
    private final ValidatorRegistry validators;
    private final EventReader events;

    private Chain(String rpcUrl, Web3j web3j, long chainId, DeploymentAddresses addresses, String from) {
        this.rpcUrl = rpcUrl;
        this.from = from;
        this.web3j = web3j;
        this.chainId = chainId;
        this.addresses = addresses;
        ReadOnlyContracts contracts = ReadOnlyContracts.of(web3j, addresses, from);
        this.protocol = contracts.protocol();
        this.token = contracts.token();
        this.models = contracts.models();
        this.validators = contracts.validators();
        this.events = new EventReader(EventReader.of(web3j, RetryPolicy.defaults()), LOG_PAGE_BLOCKS);
    }

    /**
     * Connects, reads the chain id and the deployment file.
     *
     * @param rpcUrl the JSON-RPC endpoint, http(s)
     * @param deploymentFile the addresses file, or null for {@code deployment/addresses/<chainId>.json}
     * @param environment resolves relative paths
     * @param from the account reads are made as
     * @return the connection
     * @throws CliException if the URL is malformed, the endpoint does not answer, the file is missing or is for
     *     another chain
     */
    static Chain connect(String rpcUrl, Path deploymentFile, CliEnvironment environment, String from) {
        URI uri;
        try {
            uri = URI.create(rpcUrl);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        boolean http = uri != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
        if (!http || uri.getHost() == null) {
            throw new CliException(
                    "--rpc-url / COTRAIN_RPC_URL must be an http(s) URL, got '" + rpcUrl + "'",
                    CliException.USAGE,
                    null);
        }
        Web3j web3j = Web3j.build(new HttpService(rpcUrl));
        try {
            long chainId;
            try {
                chainId = web3j.ethChainId().send().getChainId().longValueExact();
            } catch (IOException | RuntimeException e) {
                throw Failures.chainDown(rpcUrl, e);
            }
            Path file = deploymentFile != null
                    ? environment.resolve(deploymentFile)
                    : environment.resolve(DeploymentAddresses.fileFor(Path.of("deployment", "addresses"), chainId));
            if (!Files.isRegularFile(file)) {
                throw new CliException("no deployment file at " + file + ": pass the deploy script's addresses file "
                        + "with --deployment FILE or COTRAIN_DEPLOYMENT (the default is deployment/addresses/"
                        + chainId + ".json in the working directory)");
            }
            DeploymentAddresses addresses;
            try {
                addresses = DeploymentAddresses.read(file);
            } catch (UncheckedIOException | IllegalArgumentException e) {
                throw new CliException("cannot use deployment file " + file + ": " + e.getMessage());
            }
            if (addresses.chainId() != chainId) {
                throw new CliException("deployment file " + file + " is for chain " + addresses.chainId() + ", but "
                        + rpcUrl + " serves chain " + chainId + ": pass the matching --deployment / --rpc-url");
            }
            return new Chain(rpcUrl, web3j, chainId, addresses, from);
        } catch (RuntimeException e) {
            web3j.shutdown();
            throw e;
        }
    }

    /**
     * @param call a view call of a binding
     * @return its result
     * @throws CliException when the endpoint does not answer
     */
    <T> T read(RemoteCall<T> call) {
        try {
            return ContractCalls.read("a contract call", call::send);
        } catch (ChainUnavailableException e) {
            throw Failures.chainDown(rpcUrl, e.getCause());
        }
    }

    BigInteger blockNumber() {
        try {
            return web3j.ethBlockNumber().send().getBlockNumber();
        } catch (IOException e) {
            throw Failures.chainDown(rpcUrl, e);
        }
    }

    /** @return the parameter's current value: what rounds opened from now on are priced with */
    BigInteger parameter(ProtocolParameter which) {
        return read(protocol.parameter(which.index()));
    }

    /** @return the parameter's value for {@code round}: the version it opened with, or the current one */
    BigInteger roundParameter(BigInteger round, ProtocolParameter which) {
        return read(protocol.roundParameter(round, which.index()));
    }

    /**
     * The contribution a content digest was submitted as, if any: a digest can be submitted once, ever.
     *
     * @param digest a manifest's sha256
     * @return the contribution, or empty when the digest was never submitted
     * @throws CliException when the endpoint does not answer
     */
    Optional<CotrainProtocol.ContributionView> contribution(byte[] digest) {
        Function function = new Function(
                "contribution",
                List.of(new Bytes32(digest)),
                List.of(new TypeReference<CotrainProtocol.ContributionView>() {}));
        try {
            var values = ContractCalls.view(web3j, from, addresses.protocol(), function, REVERTS);
            if (values.isEmpty()) {
                throw new IllegalStateException("contribution(" + Arguments.hex(digest) + ") returned nothing: is "
                        + addresses.protocol() + " the Cotrain protocol?");
            }
            return Optional.of((CotrainProtocol.ContributionView) values.getFirst());
        } catch (ContractRevertedException e) {
            if ("UnknownContribution".equals(e.errorName())) return Optional.empty();
            throw e;
        } catch (ChainUnavailableException e) {
            throw Failures.chainDown(rpcUrl, e.getCause());
        }
    }

    String rpcUrl() {
        return rpcUrl;
    }

    Web3j web3j() {
        return web3j;
    }

    /**
     * @param query the events to read
     * @return every matching log from the deployment block to the head, in chain order
     * @throws io.cotrain.client.EventQueryException when the endpoint refuses the log query even for one block
     */
    List<Log> events(EventQuery query) {
        return events(query, addresses.deployBlock());
    }

    /** @return every matching log from {@code fromBlock} to the head, in chain order */
    List<Log> events(EventQuery query, BigInteger fromBlock) {
        return events.read(query, fromBlock.max(addresses.deployBlock()), blockNumber());
    }

    long chainId() {
        return chainId;
    }

    DeploymentAddresses addresses() {
        return addresses;
    }

    CotrainProtocol protocol() {
        return protocol;
    }

    CotrainToken token() {
        return token;
    }

    ModelRegistry models() {
        return models;
    }

    ValidatorRegistry validators() {
        return validators;
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}
