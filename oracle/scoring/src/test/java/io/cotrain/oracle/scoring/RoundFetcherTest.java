package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.IpfsHealthProbe;
import io.cotrain.oracle.scoring.RoundFetcher.Fetched;
import io.cotrain.oracle.scoring.RoundFetcher.Outcome;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fetching a batch of contributions against one deadline, on a fake IPFS node that misbehaves on demand. */
class RoundFetcherTest {
    private static final String CONTRIBUTOR = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
    private static final String OTHER = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65";
    private static final Duration DEADLINE = Duration.ofMillis(1_500);

    private FakeIpfsNode node;
    private RoundFetcher fetcher;
    private final Random random = new Random(7);

    @BeforeEach
    void start() throws Exception {
        node = new FakeIpfsNode();
        fetcher =
                new RoundFetcher(node.store(), new IpfsHealthProbe(node.store().client(), Duration.ofSeconds(1)), 64);
    }

    @AfterEach
    void stop() {
        fetcher.close();
        node.close();
    }

    @Test
    void contentNobodyStoredCostsTheBatchOneDeadline_andIsFlooredByAHealthyNode() {
        List<ContributionRecord> batch = new ArrayList<>();
        for (int id = 1; id <= 40; id++) batch.add(record(id, CONTRIBUTOR, randomBytes(32)));
        byte[] artifact = randomBytes(2_000);
        batch.add(record(41, CONTRIBUTOR, stored(manifest(CONTRIBUTOR, artifact, true))));
        long started = System.nanoTime();

        Map<BigInteger, Fetched> fetched = fetcher.fetch(batch, lastIn(DEADLINE), (c, a) -> true);

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took)
                .as("one deadline for all, not one per item")
                .isBetween(DEADLINE.minusMillis(100), DEADLINE.multipliedBy(2));
        for (int id = 1; id <= 40; id++) {
            Fetched missing = fetched.get(BigInteger.valueOf(id));
            assertThat(missing.resolved())
                    .as("a missing manifest registers nothing, known as such")
                    .isTrue();
            assertThat(missing.artifactSha256()).isEmpty();
            assertThat(floorReason(missing))
                    .startsWith("content not available on IPFS within the deadline")
                    .contains("request timed out");
        }
        Fetched honest = fetched.get(BigInteger.valueOf(41));
        assertThat(honest.outcome()).isInstanceOf(Outcome.Ready.class);
        assertThat(honest.artifactSha256()).contains(sha256(artifact));
    }

    @Test
    void aProvisionalFetchFloorsNothing_whatIsMissingWaitsForTheRoundsLastFetch() {
        byte[] artifact = randomBytes(100);
        List<ContributionRecord> batch = List.of(
                record(1, CONTRIBUTOR, randomBytes(32)),
                record(2, CONTRIBUTOR, stored(manifest(CONTRIBUTOR, artifact, true))));
        long started = System.nanoTime();

        Map<BigInteger, Fetched> fetched = fetcher.fetch(
                batch,
                new RoundDeadlines.Deadline(Instant.now().plus(ContentFetching.MINIMUM_FETCH), false),
                (c, a) -> true);

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("no health probe after a provisional fetch")
                .isLessThan(ContentFetching.MINIMUM_FETCH.multipliedBy(2));
        Fetched missing = fetched.get(BigInteger.ONE);
        assertThat(missing.resolved()).as("nothing is known about it yet").isFalse();
        assertThat(((Outcome.Pending) missing.outcome()).cause()).hasMessageContaining("not found on IPFS yet");
        assertThat(fetched.get(BigInteger.TWO).outcome()).isInstanceOf(Outcome.Ready.class);
        assertThat(node.healthProbes()).isZero();
    }

    @Test
    void anUnhealthyNodeFloorsNothing_missingManifestsStayUnresolved() {
        node.versionFails(true);
        byte[] artifact = randomBytes(100);
        byte[] missingArtifact = randomBytes(100);
        List<ContributionRecord> batch = List.of(
                record(1, CONTRIBUTOR, randomBytes(32)),
                record(2, CONTRIBUTOR, stored(manifest(CONTRIBUTOR, missingArtifact, false))),
                record(3, CONTRIBUTOR, stored(manifest(CONTRIBUTOR, artifact, true))));

        Map<BigInteger, Fetched> fetched = fetcher.fetch(batch, lastIn(DEADLINE), (c, a) -> true);

        Fetched missingManifest = fetched.get(BigInteger.ONE);
        assertThat(missingManifest.outcome()).isInstanceOf(Outcome.Pending.class);
        assertThat(missingManifest.resolved()).isFalse();
        assertThat(((Outcome.Pending) missingManifest.outcome()).cause())
                .hasMessageContaining("not healthy")
                .hasMessageContaining("repo locked");
        Fetched missingContent = fetched.get(BigInteger.TWO);
        assertThat(missingContent.outcome()).isInstanceOf(Outcome.Pending.class);
        assertThat(missingContent.resolved()).as("its manifest was read").isTrue();
        assertThat(missingContent.artifactSha256()).contains(sha256(missingArtifact));
        assertThat(fetched.get(BigInteger.valueOf(3)).outcome()).isInstanceOf(Outcome.Ready.class);
    }

    @Test
    void aNodeThatDoesNotAnswerFloorsNothing_withinTheDeadlineAndItsGrace() {
        node.freeze();
        List<ContributionRecord> batch = new ArrayList<>();
        for (int id = 1; id <= 10; id++) batch.add(record(id, CONTRIBUTOR, randomBytes(32)));
        long started = System.nanoTime();

        Map<BigInteger, Fetched> fetched = fetcher.fetch(batch, lastIn(DEADLINE), (c, a) -> true);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(DEADLINE.multipliedBy(3));
        assertThat(fetched.values()).allSatisfy(found -> {
            assertThat(found.resolved()).isFalse();
            assertThat(found.outcome()).isInstanceOf(Outcome.Pending.class);
        });
    }

    @Test
    void copiesOfOneArtifactReadItOnce() {
        byte[] artifact = randomBytes(5_000);
        List<ContributionRecord> batch = new ArrayList<>();
        Cid artifactCid = null;
        for (int id = 1; id <= 6; id++) {
            String contributor = "0x" + String.format("%040x", id);
            ContributionManifest manifest = manifest(contributor, artifact, true);
            artifactCid = manifest.artifacts().getFirst().cid();
            batch.add(record(id, contributor, stored(manifest)));
        }

        Map<BigInteger, Fetched> fetched = fetcher.fetch(batch, lastIn(DEADLINE), (c, a) -> true);

        assertThat(fetched.values()).allSatisfy(found -> {
            assertThat(found.outcome()).isInstanceOf(Outcome.Ready.class);
            assertThat(found.artifactSha256()).contains(sha256(artifact));
        });
        assertThat(node.reads(artifactCid)).isEqualTo(1);
        assertThat(fetched.values())
                .as("a small artifact is kept from that one read")
                .allSatisfy(found ->
                        assertThat(((Outcome.Ready) found.outcome()).artifact()).isEqualTo(artifact));
    }

    @Test
    void artifactsBeyondTheBatchsBudgetAreCheckedWithoutBeingKept() {
        int size = 1 << 20; // one block: kept while the budget lasts
        int count = (int) (RoundFetcher.KEPT_BYTES_PER_BATCH / size) + 3;
        List<ContributionRecord> batch = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            batch.add(record(id, CONTRIBUTOR, stored(manifest(CONTRIBUTOR, randomBytes(size), true))));
        }

        Map<BigInteger, Fetched> fetched = fetcher.fetch(batch, lastIn(Duration.ofSeconds(20)), (c, a) -> true);

        long kept = fetched.values().stream()
                .filter(found -> ((Outcome.Ready) found.outcome()).artifact() != null)
                .count();
        assertThat(kept).isEqualTo(RoundFetcher.KEPT_BYTES_PER_BATCH / size);
        assertThat(fetched.values())
                .allSatisfy(found -> assertThat(found.outcome()).isInstanceOf(Outcome.Ready.class));
    }

    @Test
    void aManifestThatDisagreesWithTheChainOrIsInvalidRegistersNothing() {
        byte[] artifact = randomBytes(100);
        byte[] notCanonical = (" "
                        + new String(manifest(CONTRIBUTOR, artifact, true).canonicalBytes(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        node.put(notCanonical);
        List<ContributionRecord> batch = List.of(
                record(1, OTHER, stored(manifest(CONTRIBUTOR, artifact, true))),
                record(2, CONTRIBUTOR, Cid.of(notCanonical).digest()));

        Map<BigInteger, Fetched> fetched = fetcher.fetch(batch, lastIn(DEADLINE), (c, a) -> true);

        assertThat(floorReason(fetched.get(BigInteger.ONE))).contains("names contributor " + CONTRIBUTOR);
        assertThat(floorReason(fetched.get(BigInteger.TWO))).startsWith("invalid manifest");
        assertThat(fetched.values()).allSatisfy(found -> {
            assertThat(found.resolved()).isTrue();
            assertThat(found.artifactSha256()).isEmpty();
        });
    }

    @Test
    void aMissingArtifactStillRegistersWhatItsManifestNames() {
        byte[] artifact = randomBytes(100);

        Fetched fetched = fetcher.fetch(
                        List.of(record(1, CONTRIBUTOR, stored(manifest(CONTRIBUTOR, artifact, false)))),
                        lastIn(DEADLINE),
                        (c, a) -> true)
                .get(BigInteger.ONE);

        assertThat(floorReason(fetched)).startsWith("content not available on IPFS");
        assertThat(fetched.resolved()).isTrue();
        assertThat(fetched.artifactSha256()).contains(sha256(artifact));
    }

    @Test
    void anArtifactTheCallerDoesNotNeedIsNotRead() {
        byte[] artifact = randomBytes(100);
        ContributionManifest manifest = manifest(CONTRIBUTOR, artifact, true);

        Fetched fetched = fetcher.fetch(
                        List.of(record(1, CONTRIBUTOR, stored(manifest))), lastIn(DEADLINE), (c, a) -> false)
                .get(BigInteger.ONE);

        assertThat(fetched.outcome()).isInstanceOf(Outcome.Ready.class);
        assertThat(node.reads(manifest.artifacts().getFirst().cid())).isZero();
    }

    private static String floorReason(Fetched fetched) {
        assertThat(fetched.outcome()).isInstanceOf(Outcome.Floor.class);
        return ((Outcome.Floor) fetched.outcome()).reason();
    }

    private ContributionManifest manifest(String contributor, byte[] artifact, boolean storeArtifact) {
        Cid cid = storeArtifact ? node.put(artifact) : Cid.of(artifact);
        return ContributionManifest.modelUpdate(
                1,
                contributor,
                List.of(Artifact.of("model.zip", cid, artifact, "application/zip")),
                100,
                "c".repeat(64));
    }

    private byte[] stored(ContributionManifest manifest) {
        node.put(manifest.canonicalBytes());
        return manifest.digest();
    }

    private static ContributionRecord record(long id, String contributor, byte[] digest) {
        return new ContributionRecord(
                BigInteger.valueOf(id), BigInteger.ONE, contributor, 0, 1, digest, BigInteger.valueOf(10 + id));
    }

    private static String sha256(byte[] content) {
        return Cid.of(content).digestHex();
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static RoundDeadlines.Deadline lastIn(Duration budget) {
        return new RoundDeadlines.Deadline(Instant.now().plus(budget), true);
    }
}
