package io.cotrain.validator;

import static io.restassured.RestAssured.given;

import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.testing.ChainBlocks;
import io.cotrain.testing.Await;
import java.math.BigInteger;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.web3j.protocol.http.HttpService;

/** Moves a test's anvil chain forward while a node under test works, and waits for what the node should do. */
final class AnvilBlocks {
    private final ChainBlocks chain;

    AnvilBlocks(HttpService rpc) {
        this.chain = new ChainBlocks(rpc);
    }

    void mine(long blocks) {
        chain.mine(blocks);
    }

    /** @return the round after the open one, once mined into ({@link ChainBlocks#mineToNextRound}) */
    BigInteger mineToNextRound(CotrainProtocol protocol) throws Exception {
        return chain.mineToNextRound(protocol);
    }

    /** Mines a block about every 700 ms (the node ticks every second) until done; fails with the node's status. */
    void mineUntil(BooleanSupplier done, Duration timeout, String what) throws Exception {
        Await.until(
                what,
                timeout,
                Duration.ofMillis(700),
                () -> {
                    if (done.getAsBoolean()) return true;
                    mine(1);
                    return false;
                },
                () -> "node status: " + given().get("/status").asString());
    }
}
