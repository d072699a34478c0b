package io.cotrain.validator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/** Moves a test's anvil chain forward while a node under test works, and waits for what the node should do. */
final class AnvilBlocks {
    private final HttpService rpc;

    AnvilBlocks(HttpService rpc) {
        this.rpc = rpc;
    }

    void mine(long blocks) {
        try {
            VoidResponse response = new Request<>(
                            "anvil_mine",
                            List.of(Numeric.encodeQuantity(BigInteger.valueOf(blocks))),
                            rpc,
                            VoidResponse.class)
                    .send();
            assertThat(response.hasError()).as("anvil_mine").isFalse();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
