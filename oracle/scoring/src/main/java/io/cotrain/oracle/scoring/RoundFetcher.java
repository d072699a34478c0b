package io.cotrain.oracle.scoring;

import io.cotrain.ipfs.ContentMismatchException;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.ipfs.IpfsHealthProbe;
import io.cotrain.ipfs.ManifestException;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;

/**
 * The first step of judging a batch of contributions: every manifest is fetched by its on-chain digest, verified,
 * parsed and checked against the chain, and every artifact a manifest names is read through from IPFS and checked
 * against its sha256, all at once (up to a number of fetches in flight) against one deadline. A batch of content
 * nobody stored thus costs one deadline, not one timeout per item.
 *
 * <p>Memory stays bounded: artifacts of one raw block (up to 1 MiB) are kept from this read, up to 32 MiB per batch,
 * so that the common small artifact is read once; the others are only hashed as they stream in, and read again for
 * evaluation a few at a time.
 *
 * <p>Content the node looked for until the deadline and did not find (or refused with an error) is the
 * contributor's fault only if the node is healthy: after the batch, one {@link IpfsHealthProbe health probe} decides.
 * A healthy node means the content is floored; an unhealthy one, or a node that did not answer at all, means the
 * contribution stays pending and is tried again.
 */
final class RoundFetcher implements AutoCloseable {
    /** What fetching decided for one contribution. */
    sealed interface Outcome {
        /**
         * The manifest is valid and agrees with the chain; its artifact is served in full, or was not checked.
         *
         * @param artifact the artifact's verified bytes when they were kept, else null: read them again
         */
        record Ready(ContributionManifest manifest, byte[] artifact) implements Outcome {}

        /** The contributor's fault: it scores the floor for this reason. */
        record Floor(String reason) implements Outcome {}

        /** Not the contributor's fault (the IPFS node is down or unhealthy): to be tried again. */
        record Pending(TransientFailureException cause) implements Outcome {}
    }

    /**
     * What fetching found for one contribution.
     *
     * @param contribution the contribution
     * @param resolved whether what its manifest registers in the {@link ArtifactIndex} is known
     * @param artifactSha256 what it registers, when resolved: its manifest's
     *     {@link ContributionManifest#copyKey()} (its one artifact's sha256 for open content), or nothing
     * @param outcome what fetching decided
     */
    record Fetched(
            ContributionRecord contribution, boolean resolved, Optional<String> artifactSha256, Outcome outcome) {
        ArtifactIndex.Resolution resolution() {
            return new ArtifactIndex.Resolution(contribution.id(), contribution.submittedBlock(), artifactSha256);
        }
    }

    /** One contribution's fetch before the health verdict: {@code unavailable} is set when the node did not find it. */
    private record Attempt(
            ContributionRecord contribution,
            boolean manifestRead,
            Optional<String> artifactSha256,
            Outcome outcome,
            IpfsException unavailable) {}

    /** An artifact check's result, shared by every contribution of the batch naming the same artifact. */
    private record Check(
            byte[] kept, String floorReason, IpfsException unavailable, TransientFailureException pending) {}

    /** The largest artifact kept from the check: one raw block. */
    private static final long KEPT_ARTIFACT_MAX_BYTES = IpfsClient.CHUNK_BYTES;
    /** The most artifact bytes a batch keeps from its checks. */
    static final long KEPT_BYTES_PER_BATCH = 32L << 20;

    private final ContentStore content;
    private final IpfsHealthProbe health;
    private final Semaphore slots;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("content-fetch-", 0).factory());

    /**
     * @param health decides whether content the node did not find is the content's fault
     * @param concurrency the most fetches in flight at once
     */
    RoundFetcher(ContentStore content, IpfsHealthProbe health, int concurrency) {
        this.content = content;
        this.health = health;
        this.slots = new Semaphore(concurrency);
    }

    /**
     * @param contributions what to fetch
     * @param deadline when every fetch must be over (each gets at least {@link ContentFetching#MINIMUM_FETCH}), and
     *     whether content not found by then is the content's fault (the round's last fetch) or still pending
     * @param checkArtifact whether a contribution's artifact must be checked (not for a known copy, say)
     * @return what was found, by contribution id
     * @throws TransientFailureException if interrupted
     */
    Map<BigInteger, Fetched> fetch(
            List<ContributionRecord> contributions,
            RoundDeadlines.Deadline deadline,
            BiPredicate<ContributionRecord, ContributionManifest> checkArtifact) {
        Map<String, CompletableFuture<Check>> checks = new ConcurrentHashMap<>();
        AtomicLong keepable = new AtomicLong(KEPT_BYTES_PER_BATCH);
        List<Future<Attempt>> running = new ArrayList<>();
        for (ContributionRecord contribution : contributions) {
            running.add(executor.submit(() -> attempt(contribution, deadline.at(), checkArtifact, checks, keepable)));
        }
        List<Attempt> attempts = new ArrayList<>();
        try {
            for (Future<Attempt> future : running) attempts.add(future.get());
        } catch (InterruptedException e) {
            running.forEach(future -> future.cancel(true));
            Thread.currentThread().interrupt();
            throw new TransientFailureException("interrupted while fetching contributions", e);
        } catch (ExecutionException e) {
            running.forEach(future -> future.cancel(true));
            if (e.getCause() instanceof RuntimeException runtime) throw runtime;
            throw new IllegalStateException(e.getCause());
        }
        // One probe for the whole batch, and only when something was not found in the round's last fetch.
        boolean missing = attempts.stream().anyMatch(attempt -> attempt.unavailable() != null);
        Optional<String> unhealthy = missing && deadline.last() ? health.problem() : Optional.empty();
        Map<BigInteger, Fetched> fetched = new LinkedHashMap<>();
        for (Attempt attempt : attempts) {
            fetched.put(attempt.contribution().id(), deadline.last() ? verdict(attempt, unhealthy) : notYet(attempt));
        }
        return fetched;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** A provisional fetch: content not found yet is left for the round's last fetch, and decides nothing yet. */
    private static Fetched notYet(Attempt attempt) {
        if (attempt.unavailable() == null) {
            return new Fetched(
                    attempt.contribution(), attempt.manifestRead(), attempt.artifactSha256(), attempt.outcome());
        }
        return new Fetched(
                attempt.contribution(),
                attempt.manifestRead(),
                attempt.artifactSha256(),
                new Outcome.Pending(new TransientFailureException(
                        "contribution " + attempt.contribution().id()
                                + ": not found on IPFS yet ("
                                + attempt.unavailable().getMessage() + "); the round's last "
                                + "fetch, once its submissions are closed, decides",
                        attempt.unavailable())));
    }

    private static Fetched verdict(Attempt attempt, Optional<String> unhealthy) {
        ContributionRecord contribution = attempt.contribution();
        if (attempt.unavailable() == null) {
            return new Fetched(contribution, attempt.manifestRead(), attempt.artifactSha256(), attempt.outcome());
        }
        if (unhealthy.isPresent()) {
            // the node cannot serve what it holds: nothing is known about this content; a manifest stays unresolved
            return new Fetched(
                    contribution,
                    attempt.manifestRead(),
                    attempt.artifactSha256(),
                    new Outcome.Pending(new TransientFailureException(
                            "contribution " + contribution.id()
                                    + ": the IPFS node is not healthy (" + unhealthy.get() + "), so "
                                    + attempt.unavailable().getMessage() + " says nothing about the content",
                            attempt.unavailable())));
        }
        // A missing manifest registers nothing: it is resolved as such.
        return new Fetched(
                contribution,
                true,
                attempt.artifactSha256(),
                new Outcome.Floor(unavailableReason(attempt.unavailable())));
    }

    private Attempt attempt(
            ContributionRecord contribution,
            Instant deadline,
            BiPredicate<ContributionRecord, ContributionManifest> checkArtifact,
            Map<String, CompletableFuture<Check>> checks,
            AtomicLong keepable)
            throws InterruptedException {
        slots.acquire();
        try {
            ContributionManifest manifest;
            try {
                manifest = content.fetchManifest(contribution.contentDigest(), remaining(deadline));
            } catch (IpfsException e) {
                return failed(contribution, false, Optional.empty(), e);
            } catch (ContentMismatchException e) {
                return decided(contribution, Optional.empty(), "content does not match its digest: " + e.getMessage());
            } catch (ManifestException e) {
                return decided(contribution, Optional.empty(), "invalid manifest: " + e.getMessage());
            }
            Optional<String> mismatch = mismatch(manifest, contribution);
            if (mismatch.isPresent()) return decided(contribution, Optional.empty(), mismatch.get());
            if (manifest.artifacts().size() != 1) {
                return decided(
                        contribution,
                        Optional.empty(),
                        "the manifest must list exactly one artifact, it lists "
                                + manifest.artifacts().size());
            }
            Artifact artifact = manifest.artifacts().getFirst();
            Optional<String> registers = Optional.of(manifest.copyKey());
            if (!checkArtifact.test(contribution, manifest)) {
                return new Attempt(contribution, true, registers, new Outcome.Ready(manifest, null), null);
            }
            // Copies name the same artifact: it is read through once per batch, whoever names it.
            CompletableFuture<Check> mine = new CompletableFuture<>();
            CompletableFuture<Check> shared =
                    checks.putIfAbsent(artifact.cid() + " " + artifact.sha256() + " " + artifact.size(), mine);
            if (shared == null) {
                try {
                    mine.complete(check(artifact, deadline, keepable));
                } finally {
                    mine.complete(new Check(
                            null,
                            null,
                            null,
                            new TransientFailureException("checking " + artifact.cid() + " did not finish", null)));
                }
                shared = mine;
            }
            Check check = shared.join();
            if (check.floorReason() != null) return decided(contribution, registers, check.floorReason());
            if (check.pending() != null) {
                return new Attempt(contribution, true, registers, new Outcome.Pending(check.pending()), null);
            }
            if (check.unavailable() != null) {
                return new Attempt(contribution, true, registers, null, check.unavailable());
            }
            return new Attempt(contribution, true, registers, new Outcome.Ready(manifest, check.kept()), null);
        } finally {
            slots.release();
        }
    }

    private Check check(Artifact artifact, Instant deadline, AtomicLong keepable) {
        boolean keep = artifact.size() <= KEPT_ARTIFACT_MAX_BYTES && reserve(keepable, artifact.size());
        try {
            if (keep) return new Check(content.fetchArtifact(artifact, remaining(deadline)), null, null, null);
            content.checkArtifact(artifact, remaining(deadline));
            return new Check(null, null, null, null);
        } catch (ContentMismatchException e) {
            return new Check(null, "content does not match its digest: " + e.getMessage(), null, null);
        } catch (IpfsException e) {
            if (e.failure() == IpfsException.Failure.TOO_LARGE) {
                return new Check(null, "content too large: " + e.getMessage(), null, null);
            }
            if (contentsFault(e)) return new Check(null, null, e, null);
            return new Check(null, null, null, nodeFailure(e));
        } catch (RuntimeException e) {
            return new Check(
                    null, null, null, new TransientFailureException("checking " + artifact.cid() + " failed: " + e, e));
        }
    }

    private static boolean reserve(AtomicLong keepable, long bytes) {
        long left;
        do {
            left = keepable.get();
            if (left < bytes) return false;
        } while (!keepable.compareAndSet(left, left - bytes));
        return true;
    }

    private static Attempt failed(
            ContributionRecord contribution, boolean manifestRead, Optional<String> registers, IpfsException e) {
        if (e.failure() == IpfsException.Failure.TOO_LARGE) {
            return decided(contribution, registers, "content too large: " + e.getMessage());
        }
        if (contentsFault(e)) return new Attempt(contribution, manifestRead, registers, null, e);
        return new Attempt(contribution, manifestRead, registers, new Outcome.Pending(nodeFailure(e)), null);
    }

    private static Attempt decided(ContributionRecord contribution, Optional<String> registers, String floorReason) {
        return new Attempt(contribution, true, registers, new Outcome.Floor(floorReason), null);
    }

    /**
     * @param e a failed read
     * @return whether the content may be to blame, if the node proves healthy: the node itself answered that it did
     *     not find the content in time, or refused it with an error. A node that did not answer says nothing.
     */
    static boolean contentsFault(IpfsException e) {
        return e.nodeAnswered()
                && (e.failure() == IpfsException.Failure.TIMEOUT || e.failure() == IpfsException.Failure.NODE_ERROR);
    }

    /** @return the floor reason of content a healthy node did not serve */
    static String unavailableReason(IpfsException e) {
        return e.failure() == IpfsException.Failure.TIMEOUT
                ? "content not available on IPFS within the deadline: " + e.getMessage()
                : "content refused by a healthy IPFS node: " + e.getMessage();
    }

    static TransientFailureException nodeFailure(IpfsException e) {
        return new TransientFailureException("IPFS failed: " + e.getMessage(), e);
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.compareTo(ContentFetching.MINIMUM_FETCH) < 0 ? ContentFetching.MINIMUM_FETCH : left;
    }

    /** The manifest must describe what was submitted: same kind, same task, and the submitter as its author. */
    static Optional<String> mismatch(ContributionManifest manifest, ContributionRecord contribution) {
        if (manifest.kind().onChain().intValue() != contribution.kind()) {
            return Optional.of(
                    "the manifest is a " + manifest.kind() + " but was submitted as kind " + contribution.kind());
        }
        if (manifest.taskId() != contribution.taskId()) {
            return Optional.of("the manifest is for task " + manifest.taskId() + " but was submitted for task "
                    + contribution.taskId());
        }
        if (!manifest.contributor().equalsIgnoreCase(contribution.contributor())) {
            return Optional.of("the manifest names contributor " + manifest.contributor() + " but "
                    + contribution.contributor() + " submitted it");
        }
        return Optional.empty();
    }
}
