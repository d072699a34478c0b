package io.cotrain.ipfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cotrain.ipfs.IpfsException.Failure;
import io.cotrain.ipfs.testing.IpfsExtension;
import io.cotrain.ipfs.testing.IpfsNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(IpfsExtension.class)
class IpfsClientIT {
    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(2);

    private final IpfsClient ipfs;
    private final ContentStore store;
    private final IpfsNode node;

    IpfsClientIT(IpfsNode node) {
        this.node = node;
        this.ipfs = node.client();
        this.store = new ContentStore(ipfs);
    }

    @Test
    void answersItsVersion() {
        assertThat(ipfs.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void nodeComputesTheSameRawCidsAsTheCodec() {
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);

        assertThat(ipfs.add(new byte[0])).isEqualTo(Cid.of(new byte[0])).hasToString(CidTest.EMPTY_CID);
        assertThat(ipfs.add(hello)).isEqualTo(Cid.of(hello)).hasToString(CidTest.HELLO_CID);
    }

    @Test
    void addThenCatReturnsTheSameBytes() {
        byte[] content = randomBytes(10_000);

        Cid cid = ipfs.add(content);

        assertThat(cid).isEqualTo(Cid.of(content));
        assertThat(ipfs.cat(cid)).isEqualTo(content);
    }

    @Test
    void contentUpToOneChunkIsOneRawBlock() {
        byte[] content = randomBytes(900 * 1024);

        Cid cid = store.putVerified(content);

        assertThat(cid).isEqualTo(Cid.of(content));
        assertThat(store.fetchVerified(cid)).isEqualTo(content);
    }

    @Test
    void largerContentIsADagPbRootVerifiedAgainstItsSha256() {
        byte[] content = randomBytes(IpfsClient.CHUNK_BYTES * 2 + 17);

        Cid root = store.putVerified(content);

        assertThat(root.codec()).isEqualTo(Cid.Codec.DAG_PB);
        assertThat(store.fetchVerified(root, Sha256.of(content), content.length))
                .isEqualTo(content);
        assertThatThrownBy(() -> store.fetchVerified(root))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(root + " is a dag-pb root");
    }

    @Test
    void modelFilesRoundTripThroughTheDigestsACommitRecords() {
        for (byte[] model : List.of(randomBytes(4_000), randomBytes(IpfsClient.CHUNK_BYTES + 1))) {
            ModelFile stored = store.putModel(model);

            ModelFile recorded = ModelFile.ofCommit(stored.sha256(), stored.root());

            assertThat(recorded).isEqualTo(stored);
            assertThat(recorded.cid().isRaw()).isEqualTo(model.length <= IpfsClient.CHUNK_BYTES);
            assertThat(store.fetchModel(recorded, model.length)).isEqualTo(model);
            assertThat(store.putModel(model))
                    .as("the same bytes, the same pair")
                    .isEqualTo(stored);
        }
    }

    @Test
    void pinsContentItHas() throws Exception {
        Cid cid = ipfs.add(randomBytes(100));
        nodeApi("pin/rm", cid);
        assertThat(pinned(cid)).as("unpinned before the test pins it").isFalse();

        ipfs.pin(cid);

        assertThat(pinned(cid)).isTrue();
    }

    /** Whether the node lists {@code cid} among its pins, asked through its own API rather than the client's. */
    private boolean pinned(Cid cid) throws Exception {
        HttpResponse<String> answer = nodeApi("pin/ls", cid);
        return answer.statusCode() == 200 && answer.body().contains(cid.toString());
    }

    private HttpResponse<String> nodeApi(String command, Cid cid) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(
                            node.apiUrl().resolve("/api/v0/" + command + "?cid-base=base32&arg=" + cid))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void pinOfUnknownContentTimesOut() {
        Cid unknown = Cid.of(randomBytes(32));
        try (IpfsClient impatient = new IpfsClient(node.apiUrl(), SHORT_TIMEOUT, 1024)) {
            assertThatThrownBy(() -> impatient.pin(unknown))
                    .isInstanceOfSatisfying(
                            IpfsException.class, e -> assertThat(e.failure()).isEqualTo(Failure.TIMEOUT))
                    .hasMessageContaining("pin " + unknown);
        }
    }

    @Test
    void catOfUnknownContentFailsWithinTheTimeout() {
        Cid unknown = Cid.of(randomBytes(32));
        try (IpfsClient impatient = new IpfsClient(node.apiUrl(), SHORT_TIMEOUT, 1024)) {
            long started = System.nanoTime();

            assertThatThrownBy(() -> impatient.cat(unknown))
                    .isInstanceOfSatisfying(
                            IpfsException.class, e -> assertThat(e.failure()).isEqualTo(Failure.TIMEOUT))
                    .hasMessage("cat " + unknown + ": HTTP 500 from " + node.apiUrl()
                            + ": Failed to cat file: request timed out");
            // The node's own timeout answered (the message above), before the client's longer deadline.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(SHORT_TIMEOUT.multipliedBy(2));
        }
    }

    @Test
    void manyReadsOfUnknownContentEndTogetherAtTheirTimeout_theNodeAnsweringEachItself() throws Exception {
        Duration timeout = Duration.ofSeconds(2);
        long started = System.nanoTime();
        List<Future<IpfsException>> reads = new ArrayList<>();
        try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 30; i++) {
                Cid unknown = Cid.of(randomBytes(32));
                reads.add(parallel.submit(
                        () -> catchThrowableOfType(IpfsException.class, () -> ipfs.cat(unknown, 1024, timeout))));
            }
            for (Future<IpfsException> read : reads) {
                assertThat(read.get()).satisfies(e -> {
                    assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
                    assertThat(e.nodeAnswered()).isTrue();
                });
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("30 reads of unknown content with a 2 s timeout each, in parallel: %d ms%n", took.toMillis());
        assertThat(took).isLessThan(timeout.multipliedBy(2));
    }

    @Test
    void contentIsHashedAsItStreamsIn_anArtifactCheckedWithoutBeingKept() {
        byte[] content = randomBytes(3 * IpfsClient.CHUNK_BYTES + 17);
        Cid root = store.putVerified(content);
        ContributionManifest.Artifact artifact =
                ContributionManifest.Artifact.of("big.bin", root, content, "application/octet-stream");

        IpfsClient.Hashed hashed = ipfs.hash(root, content.length, Duration.ofSeconds(10));

        assertThat(hashed.sha256()).isEqualTo(Sha256.of(content));
        assertThat(hashed.length()).isEqualTo(content.length);
        store.checkArtifact(artifact, Duration.ofSeconds(10));
        assertThatThrownBy(() -> store.checkArtifact(
                        ContributionManifest.Artifact.of(
                                "other.bin", root, randomBytes(content.length), "application/octet-stream"),
                        Duration.ofSeconds(10)))
                .isInstanceOf(ContentMismatchException.class);
    }

    @Test
    void aRunningNodeIsHealthy() {
        IpfsHealthProbe probe = new IpfsHealthProbe(ipfs, Duration.ofSeconds(3));

        assertThat(probe.problem()).isEmpty();
        assertThat(ipfs.cat(Cid.of(IpfsHealthProbe.PROBE_OBJECT))).isEqualTo(IpfsHealthProbe.PROBE_OBJECT);
    }

    @Test
    void catStopsAtMaxBytes() {
        byte[] content = randomBytes(10_000);
        Cid cid = ipfs.add(content);

        assertThat(ipfs.cat(cid, content.length)).isEqualTo(content);
        assertThatThrownBy(() -> ipfs.cat(cid, content.length - 1))
                .isInstanceOfSatisfying(
                        IpfsException.class, e -> assertThat(e.failure()).isEqualTo(Failure.TOO_LARGE))
                .hasMessage("cat " + cid + ": the content is larger than 9999 bytes");
    }

    @Test
    void addRefusesContentOverTheClientsLimit() {
        try (IpfsClient small = new IpfsClient(node.apiUrl(), SHORT_TIMEOUT, 1024)) {
            assertThatThrownBy(() -> small.add(new byte[1025]))
                    .isInstanceOfSatisfying(
                            IpfsException.class, e -> assertThat(e.failure()).isEqualTo(Failure.TOO_LARGE))
                    .hasMessage("cannot add 1025 bytes: the limit is 1024");
        }
    }

    @Test
    void fetchVerifiedDetectsContentThatIsNotWhatWasAskedFor() {
        byte[] stored = randomBytes(2_000);
        byte[] expected = randomBytes(2_000);
        Cid cid = store.putVerified(stored);

        assertThatThrownBy(() -> store.fetchVerified(cid, Sha256.of(expected), 10_000))
                .isInstanceOfSatisfying(ContentMismatchException.class, e -> {
                    assertThat(e.cid()).isEqualTo(cid);
                    assertThat(e.expectedSha256()).isEqualTo(Sha256.hex(Sha256.of(expected)));
                    assertThat(e.actualSha256()).isEqualTo(Sha256.hex(Sha256.of(stored)));
                })
                .hasMessage("content of " + cid + " has sha256 " + Sha256.hex(Sha256.of(stored)) + ", expected "
                        + Sha256.hex(Sha256.of(expected)));
    }

    @Test
    void manifestIsFoundByItsOnChainDigest() {
        byte[] weights = randomBytes(IpfsClient.CHUNK_BYTES + 1);
        Cid weightsCid = store.putVerified(weights);
        ContributionManifest manifest = ContributionManifest.modelUpdate(
                7,
                "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
                List.of(ContributionManifest.Artifact.of(
                        "weights.bin", weightsCid, weights, "application/octet-stream")),
                1_000,
                CidTest.EMPTY_CID);

        assertThat(store.putManifest(manifest)).isEqualTo(manifest.cid());

        ContributionManifest fetched = store.fetchManifest(manifest.digest());
        assertThat(fetched).isEqualTo(manifest);
        assertThat(store.fetchArtifact(fetched.artifacts().getFirst())).isEqualTo(weights);
    }

    @Test
    void unreachableNodeIsReportedWithItsUrl() throws IOException {
        URI nowhere;
        try (ServerSocket socket = new ServerSocket(0)) {
            nowhere = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        try (IpfsClient client = new IpfsClient(nowhere, SHORT_TIMEOUT, 1024)) {
            assertThatThrownBy(client::version)
                    .isInstanceOfSatisfying(
                            IpfsException.class, e -> assertThat(e.failure()).isEqualTo(Failure.NODE_UNREACHABLE))
                    .hasMessageStartingWith("version: IPFS node unreachable at " + nowhere);
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random().nextBytes(bytes);
        return bytes;
    }
}
