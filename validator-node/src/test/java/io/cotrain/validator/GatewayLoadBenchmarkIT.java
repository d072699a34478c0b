package io.cotrain.validator;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway under load, on the production jar with a real chain and IPFS node: 50 concurrent clients on the read
 * endpoints (each a mix of index reads and chain views), then on sign-in, whose rate limit must hold. Prints
 * throughput, p50 and p99 per endpoint and heap before and after (recorded in docs/benchmarks.md); asserts only that
 * every read answered 200 and that sign-in stayed within its budget.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = ValidatorNetworkResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayLoadBenchmarkIT {
    private static final int CLIENTS = 50;
    private static final int REQUESTS_PER_CLIENT = 60;
    private static final String WALLET = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    private static final List<String> READS = List.of(
            "/network",
            "/network/totals",
            "/models",
            "/models/1/status",
            "/models/1/commits",
            "/models/1/rounds?limit=10",
            "/rewards/balance/" + WALLET,
            "/rewards/history/" + WALLET);
    private static final Pattern HEAP =
            Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.E+]+)$");

    private final HttpClient http = HttpClient.newBuilder()
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private String base;

    @AfterAll
    void close() {
        http.close();
    }

    @Test
    void fiftyClientsOnTheReadEndpointsThenOnSignIn() throws Exception {
        NetworkClients network = NetworkClients.whenReady(null, Duration.ofSeconds(60));
        network.taskOneServed();
        network.close();
        base = RestAssured.baseURI + ":" + RestAssured.port;
        runReads(5); // warm-up: JIT, connection pools, the index's first refresh
        double heapBefore = heapMiB();

        Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        long started = System.nanoTime();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int client = 0; client < CLIENTS; client++) {
                int offset = client;
                running.add(clients.submit(() -> {
                    for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                        String path = READS.get((offset + i) % READS.size());
                        long sent = System.nanoTime();
                        int status = get(path);
                        latencies
                                .computeIfAbsent(path, p -> Collections.synchronizedList(new ArrayList<>()))
                                .add(System.nanoTime() - sent);
                        if (status != 200) failures.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> client : running) client.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double heapAfter = heapMiB();

        List<Long> all = new ArrayList<>();
        latencies.values().forEach(all::addAll);
        System.out.printf(
                "%ngateway under %d concurrent clients, %d reads in %.1f s: %.0f requests/s, p50 %.1f ms, p99 %.1f ms;"
                        + " heap %.0f MiB before, %.0f MiB after%n",
                CLIENTS,
                all.size(),
                seconds,
                all.size() / seconds,
                percentile(all, 0.50),
                percentile(all, 0.99),
                heapBefore,
                heapAfter);
        new TreeMap<>(latencies)
                .forEach((path, times) -> System.out.printf(
                        "  %-60s p50 %7.1f ms  p99 %7.1f ms%n",
                        path.replace(WALLET, "{address}"), percentile(times, 0.50), percentile(times, 0.99)));
        assertThat(failures.get()).as("reads that did not answer 200").isZero();

        // sign-in from one address: the budget of expensive calls holds however many clients ask at once
        int budget = ValidatorNetworkResource.EXPENSIVE_REQUESTS_PER_MINUTE;
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        long signInStarted = System.nanoTime();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int client = 0; client < CLIENTS; client++) {
                clients.submit(() -> {
                    for (int i = 0; i < 4; i++) {
                        int status = post("/auth/nonce", "{\"address\":\"" + WALLET + "\"}");
                        if (status == 200) admitted.incrementAndGet();
                        else if (status == 429) refused.incrementAndGet();
                    }
                    return null;
                });
            }
        }
        double signInSeconds = (System.nanoTime() - signInStarted) / 1e9;
        System.out.printf(
                "sign-in, %d concurrent clients x 4 from one address in %.1f s: %d admitted, %d refused with 429%n",
                CLIENTS, signInSeconds, admitted.get(), refused.get());
        // the bucket holds the budget and refills it over a minute
        long allowed = budget + (long) Math.ceil(signInSeconds * budget / 60);
        assertThat(admitted.get())
                .as("sign-ins admitted, budget %d a minute", budget)
                .isLessThanOrEqualTo((int) allowed);
        assertThat(refused.get()).as("refused past the budget").isPositive();
        assertThat(admitted.get() + refused.get()).isEqualTo(CLIENTS * 4);
    }

    private void runReads(int rounds) {
        for (int i = 0; i < rounds; i++) READS.forEach(this::get);
    }

    private int get(String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(base + path))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private int post(String path, String json) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(base + path))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(json))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** @return the heap in use, MiB, as the node's Prometheus metrics say */
    private double heapMiB() throws Exception {
        String metrics = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        double bytes = 0;
        Matcher matcher = HEAP.matcher(metrics);
        while (matcher.find()) bytes += Double.parseDouble(matcher.group(1));
        return bytes / (1024 * 1024);
    }

    private static double percentile(List<Long> nanos, double quantile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = (int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1e6;
    }
}
