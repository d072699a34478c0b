package io.cotrain.cli;

import io.cotrain.client.FeePolicy;
import io.cotrain.client.RetryPolicy;
import io.cotrain.client.RevertDecoder;
import io.cotrain.client.TransactionListener;
import io.cotrain.client.TransactionSender;
import io.cotrain.contracts.ProtocolParameter;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.ipfs.IpfsException;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * What one command works with, opened when first needed and closed when the command ends: the wallet, the chain and
 * the deployment, the transaction sender, the IPFS node. It also answers {@link Failures}' look-ups.
 */
final class Session implements FailureContext, AutoCloseable {
    /** The EIP-1559 tip: enough for any local or test network, and the validator node's default. */
    private static final BigInteger PRIORITY_FEE = BigInteger.valueOf(1_000_000_000L);
    /** An interactive command retries an unreachable endpoint briefly, then says so. */
    private static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(1));

    private static final Duration RECEIPT_TIMEOUT = Duration.ofMinutes(5);
    private static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

    private final CotrainCli cli;
    private final String command;
    private final CliEnvironment environment;
    private final PrintWriter out;
    private final PrintWriter err;
    private Credentials wallet;
    private Chain chain;
    private TransactionSender sender;
    private IpfsClient ipfsClient;
    private ContentStore ipfs;

    Session(CotrainCli cli, String command, PrintWriter out, PrintWriter err) {
        this.cli = cli;
        this.command = command;
        this.environment = cli.environment();
        this.out = out;
        this.err = err;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    CliEnvironment environment() {
        return environment;
    }

    /** @return the contributor's key, loaded once */
    Credentials wallet() {
        if (wallet == null) wallet = Wallet.load(cli.keystore(), environment);
        return wallet;
    }

    /** @return the contributor's address, lower-case */
    String address() {
        return wallet().getAddress();
    }

    /** @return the chain, connected once (as the wallet's address when a wallet was loaded before) */
    Chain chain() {
        if (chain == null) {
            chain = Chain.connect(
                    rpcUrl(), cli.deployment(), environment, wallet == null ? ZERO_ADDRESS : wallet.getAddress());
        }
        return chain;
    }

    CotrainProtocol protocol() {
        return chain().protocol();
    }

    /**
     * Sends a transaction from the wallet.
     *
     * @param action what it does, for messages
     * @param to the contract
     * @param data the encoded call
     * @return the successful receipt
     */
    TransactionReceipt send(String action, String to, String data) {
        if (sender == null) {
            Chain connected = chain();
            sender = new TransactionSender(
                    connected.web3j(),
                    wallet(),
                    connected.chainId(),
                    FeePolicy.baseFeeTimesTwoPlus(PRIORITY_FEE),
                    RETRY,
                    RevertDecoder.forCotrainContracts(),
                    RECEIPT_TIMEOUT,
                    TransactionListener.NONE);
        }
        return sender.send(action, to, data);
    }

    /** @return the IPFS node, checked to answer */
    ContentStore ipfs() {
        if (ipfs == null) {
            String url = ipfsUrl();
            URI uri;
            try {
                uri = URI.create(url);
                ipfsClient = new IpfsClient(uri);
            } catch (IllegalArgumentException e) {
                throw new CliException(
                        "--ipfs-url / COTRAIN_IPFS_URL must be an http(s) URL, got '" + url + "'",
                        CliException.USAGE,
                        e);
            }
            try {
                ipfsClient.version();
            } catch (IpfsException e) {
                throw Failures.ipfsDown(url, e);
            }
            ipfs = new ContentStore(ipfsClient);
        }
        return ipfs;
    }

    /**
     * Reads a file a command was given.
     *
     * @param path the option's value
     * @param option the option, for the message
     * @return its bytes
     */
    byte[] readFile(Path path, String option) {
        Path file = environment.resolve(path);
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliException(option + " " + file + ": no such file");
        } catch (IOException e) {
            throw new CliException(option + " " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    /** Whether this session connected to the chain (for the failure look-ups). */
    private boolean connected() {
        return chain != null;
    }

    @Override
    public String command() {
        return command;
    }

    @Override
    public String rpcUrl() {
        return cli.rpcUrl();
    }

    @Override
    public String ipfsUrl() {
        return cli.ipfsUrl();
    }

    @Override
    public Optional<BigInteger> minContributorStake() {
        if (!connected()) return Optional.empty();
        try {
            return Optional.of(chain.parameter(ProtocolParameter.MIN_CONTRIBUTOR_STAKE));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<RoundTimes> roundTimes(BigInteger round) {
        if (!connected()) return Optional.empty();
        try {
            CotrainProtocol.RoundView info = chain.read(chain.protocol().roundInfo(round));
            // a round without contributions has deadlines only when it is the round open now
            if (info.submissionEndBlock.signum() == 0) return Optional.empty();
            return Optional.of(new RoundTimes(
                    info.submissionEndBlock, info.commitEndBlock, info.revealEndBlock, chain.blockNumber()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public String account() {
        return wallet == null ? null : wallet.getAddress();
    }

    @Override
    public Optional<Submission> contribution(byte[] digest) {
        if (!connected()) return Optional.empty();
        try {
            return Contributing.submitted(chain, digest);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        if (ipfsClient != null) ipfsClient.close();
        if (chain != null) chain.close();
    }
}
