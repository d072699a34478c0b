package io.cotrain.contracts.testing;

import io.cotrain.testing.LocalProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;

/**
 * A real anvil node on a free loopback port, started from the native binary, with automine on (every transaction is
 * mined at once) and blocks mined on demand to move through round windows. Close it to stop the process.
 */
public final class AnvilNode implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final String rpcUrl;
    private final HttpService rpc;
    private final Web3j web3j;
    private final long chainId;

    private AnvilNode(Process process, String rpcUrl, HttpService rpc, Web3j web3j, long chainId) {
        this.process = process;
        this.rpcUrl = rpcUrl;
        this.rpc = rpc;
        this.web3j = web3j;
        this.chainId = chainId;
    }

    /**
     * Starts anvil on a free port and waits until it answers JSON-RPC.
     *
     * @param logDirectory where anvil's output goes ({@code anvil-<port>.log})
     * @return the running node
     */
    public static AnvilNode start(Path logDirectory) {
        Path anvil = FoundryBinaries.binary("anvil");
        IllegalStateException lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = LocalProcesses.freePort();
            try {
                Files.createDirectories(logDirectory);
                Process process = new ProcessBuilder(
                                anvil.toString(),
                                "--host",
                                "127.0.0.1",
                                "--port",
                                Integer.toString(port),
                                "--accounts",
                                Integer.toString(DevAccounts.COUNT))
                        .redirectErrorStream(true)
                        .redirectOutput(
                                logDirectory.resolve("anvil-" + port + ".log").toFile())
                        .start();
                String rpcUrl = "http://127.0.0.1:" + port;
                HttpService rpc = new HttpService(rpcUrl);
                Web3j web3j = Web3j.build(rpc);
                try {
                    long chainId = awaitRpc(process, web3j);
                    return new AnvilNode(process, rpcUrl, rpc, web3j, chainId);
                } catch (IllegalStateException e) {
                    web3j.shutdown();
                    process.destroyForcibly();
                    lastFailure = e; // the port was taken between the probe and anvil's bind: try another
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + anvil, e);
            }
        }
        throw lastFailure;
    }

    private static long awaitRpc(Process process, Web3j web3j) {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) throw new IllegalStateException("anvil exited with " + process.exitValue());
            try {
                return web3j.ethChainId().send().getChainId().longValueExact();
            } catch (IOException notYet) {
                LocalProcesses.sleep(Duration.ofMillis(100), "anvil");
            }
        }
        throw new IllegalStateException("anvil did not answer within " + STARTUP_TIMEOUT);
    }

    public String rpcUrl() {
        return rpcUrl;
    }

    public Web3j web3j() {
        return web3j;
    }

    public long chainId() {
        return chainId;
    }

    /** @return the latest block number */
    public BigInteger blockNumber() {
        try {
            return web3j.ethBlockNumber().send().getBlockNumber();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Mines empty blocks.
     *
     * @param blocks how many
     */
    public void mine(long blocks) {
        blocks().mine(blocks);
    }

    /** Mining on this node ({@link ChainBlocks}). */
    public ChainBlocks blocks() {
        return new ChainBlocks(rpc);
    }

    /**
     * Moves the chain's clock forward and mines a block carrying the new time (a timelock's delay, say).
     *
     * @param seconds how far
     */
    public void advanceTime(long seconds) {
        try {
            VoidResponse response = new Request<>("evm_increaseTime", List.of(seconds), rpc, VoidResponse.class).send();
            if (response.hasError()) {
                throw new IllegalStateException(
                        "evm_increaseTime: " + response.getError().getMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        mine(1);
    }

    /**
     * Whether a transaction is mined as soon as it arrives ({@code evm_setAutomine}); without, it waits in the pool
     * until {@link #mine}.
     */
    public void automine(boolean on) {
        call("evm_setAutomine", List.of(on), VoidResponse.class);
    }

    /** Forgets every transaction in the pool, as a node losing them does ({@code anvil_dropAllTransactions}). */
    public void dropPendingTransactions() {
        call("anvil_dropAllTransactions", List.of(), VoidResponse.class);
    }

    /**
     * Replaces the last blocks with as many empty ones, as a reorganisation does ({@code anvil_reorg}): their
     * transactions are gone from the chain.
     *
     * @param depth how many blocks
     */
    public void reorganise(long depth) {
        call("anvil_reorg", List.of(depth, List.of()), VoidResponse.class);
    }

    /** @return an id to {@link #revert} to: the chain as it is now ({@code evm_snapshot}) */
    public String snapshot() {
        return call("evm_snapshot", List.of(), SnapshotId.class);
    }

    /**
     * Drops every block mined since a snapshot, as a reorganisation would ({@code evm_revert}).
     *
     * @param snapshot what {@link #snapshot} returned; used up
     */
    public void revert(String snapshot) {
        if (!call("evm_revert", List.of(snapshot), Reverted.class)) {
            throw new IllegalStateException("evm_revert: no snapshot " + snapshot);
        }
    }

    private <T, R extends Response<T>> T call(String method, List<?> params, Class<R> type) {
        try {
            R response = new Request<>(method, params, rpc, type).send();
            if (response.hasError()) {
                throw new IllegalStateException(
                        method + ": " + response.getError().getMessage());
            }
            return response.getResult();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code evm_snapshot}'s answer. */
    public static final class SnapshotId extends Response<String> {}

    /** {@code evm_revert}'s answer. */
    public static final class Reverted extends Response<Boolean> {}

    /**
     * Mines until the latest block is {@code block} (nothing if it is already there or past it).
     *
     * @param block the block number to reach
     */
    public void mineTo(BigInteger block) {
        mine(block.subtract(blockNumber()).longValue());
    }

    @Override
    public void close() {
        web3j.shutdown();
        LocalProcesses.stopTree(process, Duration.ofSeconds(5));
    }
}
