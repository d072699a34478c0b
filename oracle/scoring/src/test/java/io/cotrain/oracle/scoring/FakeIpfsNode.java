package io.cotrain.oracle.scoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.IpfsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Kubo RPC API for unit tests of the scoring path: it serves what was put in it (after a delay, if told),
 * answers like an offline node for anything else (its own "request timed out" once the call's {@code timeout=} has
 * passed), and can be made unhealthy (errors on version) or frozen (no answer to anything).
 */
final class FakeIpfsNode implements AutoCloseable {
    private final Map<Cid, byte[]> stored = new ConcurrentHashMap<>();
    private final Map<Cid, Duration> delays = new ConcurrentHashMap<>();
    private final Map<Cid, AtomicInteger> reads = new ConcurrentHashMap<>();
    private final CountDownLatch thawed = new CountDownLatch(1);
    private final HttpServer server;
    private final IpfsClient client;
    private volatile boolean frozen;
    private volatile boolean versionFails;
    private final AtomicInteger versionCalls = new AtomicInteger();

    FakeIpfsNode() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v0/", this::answer);
        server.start();
        client = new IpfsClient(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                Duration.ofSeconds(5),
                IpfsClient.DEFAULT_MAX_OBJECT_BYTES);
    }

    ContentStore store() {
        return new ContentStore(client);
    }

    /** Stores content as one raw block. */
    Cid put(byte[] content) {
        Cid cid = Cid.of(content);
        stored.put(cid, content);
        return cid;
    }

    /** Serves {@code cid} only after {@code delay}. */
    void delay(Cid cid, Duration delay) {
        delays.put(cid, delay);
    }

    int reads(Cid cid) {
        AtomicInteger count = reads.get(cid);
        return count == null ? 0 : count.get();
    }

    /** How often the health probe's first step (version) was asked. */
    int healthProbes() {
        return versionCalls.get();
    }

    void versionFails(boolean fails) {
        versionFails = fails;
    }

    /** From now on nothing is answered, as a hung node. */
    void freeze() {
        frozen = true;
    }

    @Override
    public void close() {
        thawed.countDown();
        client.close();
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (frozen) {
                thawed.await();
                return;
            }
            String command = exchange.getRequestURI().getPath().substring("/api/v0/".length());
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            switch (command) {
                case "version" -> {
                    versionCalls.incrementAndGet();
                    if (versionFails) respond(exchange, 500, "{\"Message\":\"repo locked\",\"Code\":0}".getBytes());
                    else respond(exchange, 200, "{\"Version\":\"0.18.1\"}".getBytes());
                }
                case "add" -> respond(exchange, 200, ("{\"Hash\":\"" + put(uploaded(exchange)) + "\"}\n").getBytes());
                case "cat" -> cat(exchange, query);
                default -> respond(exchange, 404, "{\"Message\":\"unknown command\"}".getBytes());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void cat(HttpExchange exchange, Map<String, String> query) throws IOException, InterruptedException {
        Cid cid = Cid.parse(query.get("arg"));
        reads.computeIfAbsent(cid, key -> new AtomicInteger()).incrementAndGet();
        Duration delay = delays.get(cid);
        if (delay != null) Thread.sleep(delay);
        byte[] content = stored.get(cid);
        if (content == null) {
            Thread.sleep(Long.parseLong(query.get("timeout").replace("ms", "")));
            respond(exchange, 500, "{\"Message\":\"Failed to cat file: request timed out\",\"Code\":0}".getBytes());
            return;
        }
        int length = (int) Math.min(content.length, Long.parseLong(query.get("length")));
        respond(exchange, 200, Arrays.copyOf(content, length));
    }

    /** The one file of an add's multipart body. */
    private static byte[] uploaded(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int start = text.indexOf("\r\n\r\n") + 4;
        int end = text.lastIndexOf("\r\n--");
        return Arrays.copyOfRange(body, start, end);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw == null) return query;
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            query.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return query;
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
