package io.cotrain.ipfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.cotrain.ipfs.IpfsException.Failure;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store and client against a fake node that misbehaves in ways a real, honest node does not. */
class ContentStoreTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

    private HttpServer fakeNode;
    private IpfsClient client;

    @AfterEach
    void stopFakeNode() {
        if (client != null) client.close();
        if (fakeNode != null) fakeNode.stop(0);
    }

    @Test
    void rawReadsAreCheckedAgainstTheCidBeforeAnythingSeesThem() {
        ContentStore store = storeAnswering(exchange -> respond(exchange, 200, "{\"evil\":true}"));
        Cid hello = Cid.of(HELLO);

        assertThatThrownBy(() -> store.fetchVerified(hello))
                .isInstanceOfSatisfying(ContentMismatchException.class, e -> {
                    assertThat(e.expectedSha256()).isEqualTo(hello.digestHex());
                    assertThat(e.actualSha256())
                            .isEqualTo(Cid.of("{\"evil\":true}".getBytes(StandardCharsets.UTF_8))
                                    .digestHex());
                });
    }

    @Test
    void manifestsAreCheckedAgainstTheOnChainDigestBeforeParsing() {
        ContentStore store = storeAnswering(exchange -> respond(exchange, 200, "not even json"));

        assertThatThrownBy(() -> store.fetchManifest(Sha256.of(HELLO))).isInstanceOf(ContentMismatchException.class);
    }

    @Test
    void aNodeThatStoresUnderAnotherCidIsCaught() {
        ContentStore store = storeAnswering(exchange ->
                respond(exchange, 200, "{\"Name\":\"content\",\"Hash\":\"" + CidTest.EMPTY_CID + "\",\"Size\":5}\n"));

        assertThatThrownBy(() -> store.putVerified(HELLO))
                .isInstanceOfSatisfying(
                        IpfsException.class, e -> assertThat(e.failure()).isEqualTo(Failure.INVALID_RESPONSE))
                .hasMessage(
                        "add of 5 bytes: the node answered " + CidTest.EMPTY_CID + ", expected " + CidTest.HELLO_CID);
    }

    @Test
    void theNodesErrorMessageIsPassedOnWithTheStatus() {
        ContentStore store = storeAnswering(exchange ->
                respond(exchange, 400, "{\"Message\":\"Invalid request query input\",\"Code\":1,\"Type\":\"error\"}"));

        assertThatThrownBy(() -> store.fetchVerified(Cid.of(HELLO)))
                .isInstanceOfSatisfying(
                        IpfsException.class, e -> assertThat(e.failure()).isEqualTo(Failure.NODE_ERROR))
                .hasMessage("cat " + Cid.of(HELLO) + ": HTTP 400 from " + client.apiUrl()
                        + ": Invalid request query input");
    }

    @Test
    void aNodeThatStallsMidStreamTimesOut() {
        CountDownLatch released = new CountDownLatch(1);
        ContentStore store = storeAnswering(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write(HELLO);
            exchange.getResponseBody().flush();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long started = System.nanoTime();

        try {
            assertThatThrownBy(() -> store.fetchVerified(Cid.of(HELLO)))
                    .isInstanceOfSatisfying(IpfsException.class, e -> {
                        assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
                        assertThat(e.nodeAnswered())
                                .as("silence says nothing about the content")
                                .isFalse();
                    })
                    .hasMessage("cat " + Cid.of(HELLO) + ": no answer from " + client.apiUrl() + " within 1000 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        } finally {
            released.countDown();
        }
    }

    @Test
    void theNodesOwnTimeoutIsItsAnswer_givenTheCallsOwnTimeout() {
        List<String> queries = new CopyOnWriteArrayList<>();
        ContentStore store = storeAnswering(exchange -> {
            queries.add(exchange.getRequestURI().getQuery());
            respond(exchange, 500, "{\"Message\":\"Failed to cat file: request timed out\",\"Code\":0}");
        });

        assertThatThrownBy(() -> store.fetchManifest(Sha256.of(HELLO), Duration.ofMillis(1_234)))
                .isInstanceOfSatisfying(IpfsException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
                    assertThat(e.nodeAnswered()).isTrue();
                });
        assertThat(queries).singleElement().asString().contains("timeout=1234ms");
    }

    @Test
    void anArtifactIsCheckedByItsHashWithoutBeingKept() {
        ContentStore store = storeAnswering(exchange -> respond(exchange, 200, "hello"));
        Cid dagRoot = Cid.parse(CidTest.DAG_PB_CID);

        store.checkArtifact(
                new ContributionManifest.Artifact("a", dagRoot, Sha256.hex(Sha256.of(HELLO)), 5, "text/plain"),
                Duration.ofSeconds(1));
        assertThatThrownBy(() -> store.checkArtifact(
                        new ContributionManifest.Artifact(
                                "a", dagRoot, Sha256.hex(Sha256.of(new byte[0])), 5, "text/plain"),
                        Duration.ofSeconds(1)))
                .isInstanceOf(ContentMismatchException.class);
        assertThatThrownBy(() -> store.checkArtifact(
                        new ContributionManifest.Artifact("a", dagRoot, Sha256.hex(Sha256.of(HELLO)), 4, "text/plain"),
                        Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(
                        IpfsException.class, e -> assertThat(e.failure()).isEqualTo(Failure.TOO_LARGE));
    }

    @Test
    void aConnectionTheNodeClosedBeforeAnsweringIsTriedOnceMoreOnAFreshOne() {
        AtomicInteger requests = new AtomicInteger();
        ContentStore store = storeAnswering(exchange -> {
            // the first request lands on a connection the node drops unanswered, as js-ipfs drops idle ones
            if (requests.incrementAndGet() == 1) {
                exchange.close();
                return;
            }
            byte[] bytes = HELLO;
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });

        assertThat(store.fetchVerified(Cid.of(HELLO))).isEqualTo(HELLO);
        assertThat(requests).hasValue(2);
    }

    @Test
    void aNodeThatDropsEveryRequestIsUnreachableAfterTheSecondTry() {
        AtomicInteger requests = new AtomicInteger();
        ContentStore store = storeAnswering(exchange -> {
            requests.incrementAndGet();
            exchange.close();
        });

        assertThatThrownBy(() -> store.fetchVerified(Cid.of(HELLO)))
                .isInstanceOfSatisfying(
                        IpfsException.class, e -> assertThat(e.failure()).isEqualTo(Failure.NODE_UNREACHABLE));
        assertThat(requests).hasValue(2);
    }

    private ContentStore storeAnswering(HttpHandler handler) {
        try {
            fakeNode = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        fakeNode.createContext("/api/v0/", handler);
        fakeNode.start();
        client = new IpfsClient(
                URI.create("http://127.0.0.1:" + fakeNode.getAddress().getPort()), TIMEOUT, 1 << 20);
        return new ContentStore(client);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
