package io.cotrain.contracts.testing;

import io.cotrain.contracts.generated.CotrainProtocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/** Moves a test's anvil chain forward on demand: the one home of "mine blocks" and "mine to the next round". */
public final class ChainBlocks {
    /** Most blocks {@link #mineToNextRound} mines before it gives up: far more than any test's round. */
    public static final int MAX_ROUND_BLOCKS = 10_000;

    private final HttpService rpc;

    /** @param rpc the anvil node's JSON-RPC endpoint */
    public ChainBlocks(HttpService rpc) {
        this.rpc = rpc;
    }

    /**
     * Mines empty blocks.
     *
     * @param blocks how many (nothing when not positive)
     */
    public void mine(long blocks) {
        if (blocks <= 0) return;
        try {
            VoidResponse response = new Request<>(
                            "anvil_mine",
                            List.of(Numeric.encodeQuantity(BigInteger.valueOf(blocks))),
                            rpc,
                            VoidResponse.class)
                    .send();
            if (response.hasError()) {
                throw new IllegalStateException(
                        "anvil_mine: " + response.getError().getMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Mines block by block until the protocol reports a round after the one open now: a round nobody has submitted to
     * yet, its submission window whole.
     *
     * @return that round
     * @throws IllegalStateException when no new round comes within {@value #MAX_ROUND_BLOCKS} blocks
     */
    public BigInteger mineToNextRound(CotrainProtocol protocol) throws Exception {
        BigInteger now = protocol.currentRound().send();
        for (int mined = 0; mined < MAX_ROUND_BLOCKS; mined++) {
            mine(1);
            BigInteger round = protocol.currentRound().send();
            if (!round.equals(now)) return round;
        }
        throw new IllegalStateException("round " + now + " did not end within " + MAX_ROUND_BLOCKS + " blocks");
    }
}
