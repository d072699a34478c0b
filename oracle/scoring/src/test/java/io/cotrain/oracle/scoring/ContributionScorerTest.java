package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.Sealing;
import io.cotrain.ipfs.SealingFault;
import io.cotrain.ipfs.testing.SealingKeys;
import io.cotrain.oracle.evaluation.Assessor;
import io.cotrain.oracle.evaluation.DatasetEvaluator;
import io.cotrain.oracle.evaluation.EvaluationFailedException;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.ModelUpdateEvaluator;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * The scorer's copy rule and ordering on a fake IPFS node, with real evaluation of a small synthetic task: the lowest
 * id naming an artifact keeps the credit whatever order manifests arrive in, and nothing is decided before every
 * lower id is resolved.
 */
class ContributionScorerTest {
    private static final String ALICE = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
    private static final String BOB = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65";
    private static final String CAROL = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";

    private static final ECKeyPair VALIDATOR = ECKeyPair.create(BigInteger.valueOf(0xC0FFEE));
    private static final ECKeyPair OTHER_VALIDATOR = ECKeyPair.create(BigInteger.valueOf(0xBEEF));

    private static SyntheticTabularTask task;
    private static byte[] original;
    private static byte[] other;

    @TempDir
    Path work;

    private FakeIpfsNode node;
    private TaskCatalog tasks;
    private final Map<BigInteger, ContributionRecord> chain = new LinkedHashMap<>();
    /** The validators content had to be sealed to, as the registry says. */
    private Set<String> required = Set.of();
    /** The round contributions are submitted to. */
    private BigInteger round = BigInteger.ONE;

    @BeforeAll
    static void models() {
        task = SyntheticTabularTask.standard();
        Contributions builders = new Contributions(task);
        original = builders.honestUpdate(0);
        other = builders.honestUpdate(1);
    }

    @BeforeEach
    void start() throws Exception {
        node = new FakeIpfsNode();
        Path heldOut = Files.write(work.resolve("held-out.csv"), task.heldOutCsv());
        Path base = Files.write(work.resolve("base.zip"), task.baseModelBytes());
        tasks = new TaskCatalog(
                List.of(new TaskCatalog.TaskDefinition(1, task.schema(), heldOut, base)), EvaluationLimits.defaults());
        tasks.bind(1); // no registry here to bind it against
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void anEarlierIdFetchedLaterKeepsTheCredit_theLaterOneIsACopy() {
        ContributionRecord first = submit(1, ALICE, original, Instant.EPOCH);
        ContributionRecord copy = submit(2, BOB, original, Instant.EPOCH);
        node.delay(Cid.ofDigest(first.contentDigest()), Duration.ofMillis(800)); // the copy's manifest arrives first

        Map<BigInteger, ScoredContribution> scored = scoreAll(scorer(ContributionHistory.NONE), first, copy);

        assertThat(scored.get(first.id()).floorReason()).isEmpty();
        assertThat(scored.get(first.id()).score()).isGreaterThan(50);
        assertThat(scored.get(copy.id()).score()).isEqualTo(1);
        assertThat(scored.get(copy.id()).floorReason())
                .hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("copy of contribution 1: its artifact (sha256 "
                                + Cid.of(original).digestHex() + ")"));
    }

    @Test
    void resubmittingOnesOwnArtifactIsACopyToo_inALaterBatch() {
        ContributionScorer scorer = scorer(ContributionHistory.NONE);
        ContributionRecord first = submit(1, ALICE, original, Instant.EPOCH);
        ContributionRecord honest = submit(2, CAROL, other, Instant.EPOCH);
        assertThat(scoreAll(scorer, first, honest).values())
                .allSatisfy(s -> assertThat(s.floorReason()).isEmpty());

        ContributionRecord again = submit(3, ALICE, original, Instant.parse("2026-12-01T00:00:00Z"));

        assertThat(scorer.score(again).floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("copy of contribution 1"));
    }

    @Test
    void aCopyIsFlooredAsSuchEvenIfTheContentItPointsAtIsMissing() {
        ContributionRecord first = submit(1, ALICE, original, Instant.EPOCH);
        // the copier lists the original's sha256 under a CID nobody stored: no need to fetch anything
        Cid nowhere = Cid.parse("bafybeieoojil54zobqawak3hpkp6nxoz4emmv2zxhombwl7lt5ucbejzjq");
        Artifact claimed =
                new Artifact("model.zip", nowhere, Cid.of(original).digestHex(), original.length, "application/zip");
        ContributionRecord copy =
                submit(2, BOB, ContributionManifest.modelUpdate(1, BOB, List.of(claimed), 100, "c".repeat(64)));

        Map<BigInteger, ScoredContribution> scored = scoreAll(scorer(ContributionHistory.NONE), first, copy);

        assertThat(scored.get(copy.id()).floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("copy of contribution 1"));
    }

    @Test
    void nothingIsDecidedAfterAContributionWhoseManifestCannotBeReadYet() {
        ContributionRecord hung = submit(1, ALICE, other, Instant.EPOCH);
        ContributionRecord copy = submit(2, BOB, original, Instant.EPOCH);
        node.delay(Cid.ofDigest(hung.contentDigest()), Duration.ofSeconds(10)); // past the deadline and the grace
        List<ScoredContribution> delivered = new ArrayList<>();

        assertThatThrownBy(() -> scorer(ContributionHistory.NONE).scoreAll(List.of(hung, copy), delivered::add))
                .isInstanceOf(TransientFailureException.class)
                .hasMessageContaining("no answer");

        assertThat(delivered)
                .as("contribution 2 could be a copy of 1: it waits")
                .isEmpty();
    }

    @Test
    void contributionsNotHandedToTheScorerAreReadFromHistory_aRebuiltIndexFindsTheOriginal() {
        submit(1, CAROL, other, Instant.EPOCH);
        submit(2, ALICE, original, Instant.EPOCH);
        submit(3, BOB, new byte[] {1, 2, 3}, Instant.EPOCH);
        ContributionRecord copy = submit(4, BOB, original, Instant.EPOCH);
        List<BigInteger> historyReadsFrom = new ArrayList<>();
        ContributionHistory history = (fromBlock, toBlock) -> {
            historyReadsFrom.add(fromBlock);
            return chain.values().stream()
                    .filter(c -> c.submittedBlock().compareTo(toBlock) <= 0)
                    .toList();
        };

        assertThatThrownBy(() -> scorer(ContributionHistory.NONE).score(copy))
                .isInstanceOf(TransientFailureException.class)
                .hasMessageContaining("waits for contributions 1..4");
        ScoredContribution scored = scorer(history).score(copy);

        assertThat(scored.floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("copy of contribution 2"));
        assertThat(historyReadsFrom).containsExactly(BigInteger.ZERO);
        assertThat(new ArtifactIndex(work.resolve("data")).resolvedThrough()).isEqualTo(BigInteger.valueOf(4));
    }

    @Test
    void scoreAll_nodeFailsOnOneContribution_judgesTheOthersAndNeverFloorsIt() {
        ContributionRecord failing = submit(1, ALICE, original, Instant.EPOCH);
        ContributionRecord honest = submit(2, CAROL, other, Instant.EPOCH);
        ModelUpdateEvaluator evaluator = new ModelUpdateEvaluator();
        Assessor buggy = (context, artifact) -> {
            if (Arrays.equals(artifact, original)) throw new NullPointerException("a bug in the node");
            return evaluator.assess(context, artifact);
        };
        List<ScoredContribution> delivered = new ArrayList<>();

        assertThatThrownBy(() ->
                        scorer(ContributionHistory.NONE, buggy).scoreAll(List.of(failing, honest), delivered::add))
                .isInstanceOf(EvaluationFailedException.class)
                .hasMessageContaining("contribution 1 (round 1) could not be evaluated by this node")
                .hasMessageContaining("a bug in the node");

        assertThat(delivered).extracting(ScoredContribution::id).containsExactly(honest.id());
        assertThat(scorer(ContributionHistory.NONE).score(failing).floorReason())
                .as("judged normally once the node works: not a copy of itself, not floored")
                .isEmpty();
    }

    @Test
    void scoreAll_sealedToThisValidator_scoresAsIfOpen() {
        ContributionRecord sealed = submitSealed(1, CAROL, original, CAROL, VALIDATOR, OTHER_VALIDATOR);

        ScoredContribution scored = scorer(ContributionHistory.NONE).score(sealed);

        assertThat(scored.floorReason()).isEmpty();
        assertThat(scored.score())
                .isEqualTo(new ModelUpdateEvaluator()
                        .assess(tasks.task(1).orElseThrow(), original)
                        .evaluation()
                        .score());
    }

    /**
     * A copier puts an honest sealed update under its own name: its ephemeral keys signed the wraps for the honest
     * binding, so every validator floors it from the manifest alone; the honest one is no copy.
     */
    @Test
    void scoreAll_sealedArtifactCopiedUnderAnotherName_isFlooredAndTheOriginalKeepsItsScore() {
        ContributionManifest honestManifest = sealed(CAROL, original, VALIDATOR);
        ContributionRecord honest = submit(1, CAROL, honestManifest);
        ContributionManifest copied = ContributionManifest.modelUpdate(
                        1,
                        BOB,
                        honestManifest.artifacts(),
                        Contributions.SHARD_ROWS,
                        Cid.of(task.baseModelBytes()).toString())
                .sealedAs(
                        honestManifest.artifacts().getFirst(),
                        honestManifest.sealing().orElseThrow());
        ContributionRecord copy = submit(2, BOB, copied);

        Map<BigInteger, ScoredContribution> scored = scoreAll(scorer(ContributionHistory.NONE), honest, copy);

        assertThat(scored.get(honest.id()).floorReason()).isEmpty();
        assertThat(scored.get(copy.id()).score()).isEqualTo(1);
        assertThat(scored.get(copy.id()).floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).contains("copied from another sealing"));
    }

    /**
     * Once content is revealed anyone can seal it again under their own name, or submit it open: the validator that
     * opened the original registered its verified digest, so both are copies of it.
     */
    @Test
    void scoreAll_revealedContentSubmittedAgainByAnother_isACopySealedOrOpen() {
        ContributionScorer scorer = scorer(ContributionHistory.NONE);
        ContributionRecord honest = submitSealed(1, CAROL, original, CAROL, VALIDATOR);
        assertThat(scorer.score(honest).floorReason()).isEmpty();

        round = BigInteger.TWO; // revealed once its round is over
        ContributionRecord resealed = submitSealed(2, BOB, original, BOB, VALIDATOR);
        ContributionRecord open = submit(3, ALICE, original, Instant.EPOCH);
        Map<BigInteger, ScoredContribution> scored = scoreAll(scorer, resealed, open);

        assertThat(scored.get(resealed.id()).floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("copy of contribution 1"));
        assertThat(scored.get(open.id()).floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("copy of contribution 1"));
    }

    @Test
    void scoreAll_tamperedCiphertext_isFlooredWithTheReason() {
        Sealing.Sealed sealed =
                Sealing.seal(plain(CAROL).binding(), original, SealingKeys.publicKeys(VALIDATOR), new SecureRandom());
        byte[] tampered = sealed.ciphertext().clone();
        tampered[10] ^= 1;
        Artifact stored = Artifact.of("model.zip", node.put(tampered), tampered, "application/zip");
        ContributionRecord record = submit(1, CAROL, plain(CAROL).sealedAs(stored, sealed.sealing()));

        ScoredContribution scored = scorer(ContributionHistory.NONE).score(record);

        assertThat(scored.score()).isEqualTo(1);
        assertThat(scored.floorReason())
                .hasValueSatisfying(reason -> assertThat(reason)
                        .contains("does not decrypt with the key wrapped for 0x" + Keys.getAddress(VALIDATOR)));
    }

    /**
     * The attack: a key that does not open the content wrapped for this validator alone. The other validator opens
     * and scores it; this one floors it and keeps evidence, which proves the fault to the other before it commits, so
     * that both floor it. Evidence made against honest content proves nothing.
     */
    @Test
    void scoreAll_garbageWrappedForOneValidator_itsEvidenceFloorsItForTheOthers() {
        ContributionManifest honest = sealed(CAROL, original, VALIDATOR, OTHER_VALIDATOR);
        Sealing sealing = honest.sealing().orElseThrow();
        // the victim's entry from a second sealing of the same content under another content key, signed as any wrap
        Sealing.Recipient decoy = Sealing.seal(
                        plain(CAROL).binding(), original, SealingKeys.publicKeys(VALIDATOR), new SecureRandom())
                .sealing()
                .recipient(SealingKeys.address(VALIDATOR))
                .orElseThrow();
        List<Sealing.Recipient> recipients = sealing.recipients().stream()
                .map(r -> r.address().equals(decoy.address()) ? decoy : r)
                .toList();
        ContributionRecord attack = submit(
                1,
                CAROL,
                plain(CAROL)
                        .sealedAs(
                                honest.artifacts().getFirst(),
                                new Sealing(sealing.plaintextSha256(), sealing.nonce(), recipients)));

        ScoredContribution byTarget = scorer(ContributionHistory.NONE).score(attack);
        ScoredContribution byOther = scorer(ContributionHistory.NONE, new ModelUpdateEvaluator(), OTHER_VALIDATOR)
                .score(attack);

        assertThat(byTarget.score()).isEqualTo(1);
        assertThat(byOther.score())
                .as("the other opens it: without evidence they disagree")
                .isGreaterThan(50);
        List<SealingFaultOutbox.Pending> evidence = new SealingFaultOutbox(work.resolve("data")).pending();
        assertThat(evidence)
                .extracting(SealingFaultOutbox.Pending::contributionId)
                .containsExactly(attack.id());
        assertThat(new SealingFaultOutbox(work.resolve("data-" + SealingKeys.address(OTHER_VALIDATOR))).pending())
                .isEmpty();

        FakeValidatorChain published = new FakeValidatorChain();
        published.sealingFaults.add(new ValidatorChain.SealingFaultReport(
                attack.id(),
                attack.contentDigest(),
                SealingKeys.address(VALIDATOR),
                evidence.getFirst().evidence()));
        assertThat(new SealingFaultCheck(published, node.store()).proven(round, List.of(attack)))
                .hasEntrySatisfying(
                        attack.id(),
                        reason -> assertThat(reason)
                                .contains("wrapped for " + SealingKeys.address(VALIDATOR)
                                        + " does not open the content"));

        ContributionRecord fine = submit(2, ALICE, sealed(ALICE, other, VALIDATOR, OTHER_VALIDATOR));
        byte[] falseClaim = SealingFault.prove(
                        fetchedSealing(fine),
                        plain(ALICE).binding(),
                        VALIDATOR,
                        fine.contentDigest(),
                        new SecureRandom())
                .encoded();
        FakeValidatorChain lying = new FakeValidatorChain();
        lying.sealingFaults.add(new ValidatorChain.SealingFaultReport(
                fine.id(), fine.contentDigest(), SealingKeys.address(VALIDATOR), falseClaim));
        lying.sealingFaults.add(new ValidatorChain.SealingFaultReport(
                fine.id(), fine.contentDigest(), SealingKeys.address(OTHER_VALIDATOR), new byte[7]));
        assertThat(new SealingFaultCheck(lying, node.store()).proven(round, List.of(fine)))
                .isEmpty();
    }

    /**
     * Left out although the registry held its key well before: floored, as every validator reads it from the chain.
     * Not required (its key came later): it abstains.
     */
    @Test
    void scoreAll_notSealedToThisValidator_floorsWhenTheRegistryRequiredItElseAbstains() {
        required = Set.of(SealingKeys.address(VALIDATOR), SealingKeys.address(OTHER_VALIDATOR));
        ContributionRecord omitted = submitSealed(1, CAROL, original, CAROL, OTHER_VALIDATOR);
        assertThat(scorer(ContributionHistory.NONE).score(omitted).floorReason())
                .hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("sealed without validators [" + SealingKeys.address(VALIDATOR) + "]"));

        required = Set.of(SealingKeys.address(OTHER_VALIDATOR));
        ContributionRecord early = submitSealed(2, ALICE, other, ALICE, OTHER_VALIDATOR);
        ScoredContribution abstained = scorer(ContributionHistory.NONE).score(early);
        assertThat(abstained.abstains()).isTrue();
        assertThat(abstained.score()).isZero();
        assertThat(abstained.floorReason())
                .hasValueSatisfying(reason -> assertThat(reason).contains("abstains"));
    }

    /**
     * A recipient that seals an honest contribution again under its own name in the same round gets no credit from
     * it: the honest one is not floored as its copy (nobody outside the recipients could have held the content).
     */
    @Test
    void scoreAll_sealedAgainByAnotherInTheSameRound_floorsNeither() {
        ContributionRecord resealed = submitSealed(1, BOB, original, BOB, VALIDATOR);
        ContributionRecord honest = submitSealed(2, CAROL, original, CAROL, VALIDATOR);

        Map<BigInteger, ScoredContribution> scored = scoreAll(scorer(ContributionHistory.NONE), resealed, honest);

        assertThat(scored.get(honest.id()).floorReason()).isEmpty();
        assertThat(scored.get(resealed.id()).floorReason()).isEmpty();
    }

    /** A manifest that merely names an honest contribution's plaintext digest does not make it a copy. */
    @Test
    void scoreAll_earlierManifestClaimingTheSamePlaintextDigest_doesNotMakeSealedContentACopy() {
        Cid nowhere = Cid.parse("bafybeieoojil54zobqawak3hpkp6nxoz4emmv2zxhombwl7lt5ucbejzjq");
        Artifact claimed =
                new Artifact("model.zip", nowhere, Cid.of(original).digestHex(), original.length, "application/zip");
        ContributionRecord claim =
                submit(1, BOB, ContributionManifest.modelUpdate(1, BOB, List.of(claimed), 100, "c".repeat(64)));
        round = BigInteger.TWO;
        ContributionRecord honest = submitSealed(2, CAROL, original, CAROL, VALIDATOR);

        Map<BigInteger, ScoredContribution> scored = scoreAll(scorer(ContributionHistory.NONE), claim, honest);

        assertThat(scored.get(honest.id()).floorReason()).isEmpty();
    }

    private ContributionManifest plain(String contributor) {
        return ContributionManifest.modelUpdate(
                1,
                contributor,
                List.of(Artifact.of("model.zip", Cid.of(original), original, "application/zip")),
                Contributions.SHARD_ROWS,
                Cid.of(task.baseModelBytes()).toString());
    }

    /** The manifest of {@code author}'s model sealed to {@code recipients}, stored on the node as ciphertext only. */
    private ContributionManifest sealed(String author, byte[] model, ECKeyPair... recipients) {
        Sealing.Sealed sealed =
                Sealing.seal(plain(author).binding(), model, SealingKeys.publicKeys(recipients), new SecureRandom());
        Artifact stored =
                Artifact.of("model.zip", node.put(sealed.ciphertext()), sealed.ciphertext(), "application/zip");
        return plain(author).sealedAs(stored, sealed.sealing());
    }

    private Sealing fetchedSealing(ContributionRecord contribution) {
        return node.store()
                .fetchManifest(contribution.contentDigest())
                .sealing()
                .orElseThrow();
    }

    private ContributionRecord submitSealed(
            long id, String contributor, byte[] model, String author, ECKeyPair... recipients) {
        return submit(id, contributor, sealed(author, model, recipients));
    }

    private ContributionScorer scorer(ContributionHistory history) {
        return scorer(history, new ModelUpdateEvaluator());
    }

    private ContributionScorer scorer(ContributionHistory history, Assessor modelUpdates) {
        return scorer(history, modelUpdates, VALIDATOR);
    }

    private ContributionScorer scorer(ContributionHistory history, Assessor modelUpdates, ECKeyPair key) {
        Path data = work.resolve(key == VALIDATOR ? "data" : "data-" + SealingKeys.address(key));
        return new ContributionScorer(
                node.store(),
                tasks,
                GlobalModelSource.configured(tasks),
                modelUpdates,
                new DatasetEvaluator(),
                Clock.systemUTC(),
                new ArtifactIndex(data),
                new UpdateStore(data),
                history,
                RoundDeadlines.fixed(Duration.ofSeconds(1)),
                ContentFetching.defaults(),
                new SealedArtifacts(key, block -> required, new SealingFaultOutbox(data)));
    }

    private static Map<BigInteger, ScoredContribution> scoreAll(
            ContributionScorer scorer, ContributionRecord... batch) {
        Map<BigInteger, ScoredContribution> scored = new LinkedHashMap<>();
        scorer.scoreAll(List.of(batch), s -> scored.put(s.id(), s));
        assertThat(scored.keySet())
                .as("delivered in id order")
                .containsExactly(List.of(batch).stream()
                        .map(ContributionRecord::id)
                        .sorted()
                        .toArray(BigInteger[]::new));
        return scored;
    }

    /** A contribution of {@code contributor} whose manifest names {@code model}, stored on the node and "submitted". */
    private ContributionRecord submit(long id, String contributor, byte[] model, Instant createdAt) {
        Artifact artifact = Artifact.of("model.zip", node.put(model), model, "application/zip");
        return submit(
                id,
                contributor,
                ContributionManifest.modelUpdate(
                                1,
                                contributor,
                                List.of(artifact),
                                Contributions.SHARD_ROWS,
                                Cid.of(task.baseModelBytes()).toString())
                        .withCreatedAt(createdAt));
    }

    private ContributionRecord submit(long id, String contributor, ContributionManifest manifest) {
        node.put(manifest.canonicalBytes());
        ContributionRecord record = new ContributionRecord(
                BigInteger.valueOf(id), round, contributor, 0, 1, manifest.digest(), BigInteger.valueOf(100 + id));
        chain.put(record.id(), record);
        return record;
    }
}
