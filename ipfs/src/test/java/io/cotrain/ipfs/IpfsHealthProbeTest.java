package io.cotrain.ipfs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The health probe against a fake node whose answers each step can be told to spoil. */
class IpfsHealthProbeTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final byte[] VERSION = "{\"Version\":\"0.18.1\"}".getBytes(StandardCharsets.UTF_8);

    private final Map<String, Answer> answers = new HashMap<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private HttpServer fakeNode;
    private IpfsClient client;
    private IpfsHealthProbe probe;

    /** What the fake node answers to one command. */
    private record Answer(int status, byte[] body, boolean hang) {}

    @BeforeEach
    void healthyNode() throws IOException {
        answers.put("version", new Answer(200, VERSION, false));
        answers.put(
                "add",
                new Answer(
                        200,
                        ("{\"Name\":\"content\",\"Hash\":\"" + Cid.of(IpfsHealthProbe.PROBE_OBJECT)
                                        + "\",\"Size\":39}\n")
                                .getBytes(StandardCharsets.UTF_8),
                        false));
        answers.put("cat", new Answer(200, IpfsHealthProbe.PROBE_OBJECT, false));
        fakeNode = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeNode.createContext("/api/v0/", this::answer);
        fakeNode.start();
        client = new IpfsClient(
                URI.create("http://127.0.0.1:" + fakeNode.getAddress().getPort()));
        probe = new IpfsHealthProbe(client, TIMEOUT);
    }

    @AfterEach
    void stop() {
        released.countDown();
        client.close();
        fakeNode.stop(0);
    }

    @Test
    void aNodeThatAnswersStoresAndServesIsHealthy() {
        assertThat(probe.problem()).isEmpty();
        assertThat(probe.healthy()).isTrue();
    }

    @Test
    void aNodeThatDoesNotAnswerItsVersionIsNot() {
        answers.put(
                "version", new Answer(500, "{\"Message\":\"repo locked\"}".getBytes(StandardCharsets.UTF_8), false));

        assertThat(probe.problem())
                .hasValueSatisfying(problem -> assertThat(problem).contains("repo locked"));
    }

    @Test
    void aNodeThatCannotStoreIsNot() {
        answers.put(
                "add",
                new Answer(500, "{\"Message\":\"no space left on device\"}".getBytes(StandardCharsets.UTF_8), false));

        assertThat(probe.problem())
                .hasValueSatisfying(problem -> assertThat(problem).contains("no space left"));
    }

    @Test
    void aNodeThatStoresUnderAnotherCidIsNot() {
        byte[] otherCid = ("{\"Hash\":\"" + CidTest.EMPTY_CID + "\"}").getBytes(StandardCharsets.UTF_8);
        answers.put("add", new Answer(200, otherCid, false));

        assertThat(probe.problem())
                .hasValueSatisfying(problem -> assertThat(problem).contains("expected"));
    }

    @Test
    void aNodeThatHangsOnContentItHoldsIsNot_withinTheProbesTimeout() {
        answers.put("cat", new Answer(200, new byte[0], true));
        long started = System.nanoTime();

        assertThat(probe.problem())
                .hasValueSatisfying(problem -> assertThat(problem).contains("no answer"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.multipliedBy(4));
    }

    @Test
    void aNodeThatServesOtherBytesIsNot() {
        answers.put("cat", new Answer(200, "something else\n".getBytes(StandardCharsets.UTF_8), false));

        assertThat(probe.healthy()).isFalse();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String command = exchange.getRequestURI().getPath().substring("/api/v0/".length());
        Answer answer = answers.get(command);
        if (answer.hang()) {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        exchange.sendResponseHeaders(answer.status(), answer.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
        }
    }
}
