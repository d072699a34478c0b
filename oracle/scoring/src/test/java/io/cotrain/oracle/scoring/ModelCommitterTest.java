package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.contracts.AggregationMethod;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionView;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import io.cotrain.contracts.generated.ModelRegistry.CommitAttestation;
import io.cotrain.contracts.generated.ModelRegistry.CommitView;
import io.cotrain.contracts.generated.ModelRegistry.ModelSpec;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.aggregation.AggregationRules;
import io.cotrain.oracle.aggregation.FedAvg;
import io.cotrain.oracle.aggregation.Parallelism;
import io.cotrain.oracle.aggregation.Rebase;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model-registry duty's branches on a {@link FakeRegistryChain}, with real DL4J models of the synthetic task. */
class ModelCommitterTest {
    private static final SyntheticTabularTask TASK = SyntheticTabularTask.standard();
    private static final BigInteger TASK_ID = BigInteger.ONE;
    private static final BigInteger BASE_COMMIT = BigInteger.ONE;
    private static final BigInteger BRANCH = BigInteger.ZERO;

    private static byte[] honestA;
    private static byte[] honestB;

    @TempDir
    static Path directory;

    private static TaskCatalog tasks;

    private final FakeRegistryChain chain = new FakeRegistryChain();
    private final Map<String, byte[]> published = new LinkedHashMap<>();
    private final Map<String, byte[]> updates = new HashMap<>();
    /** The commit each update was judged against when it is not the head (submitted before the head was recorded). */
    private final Map<BigInteger, BigInteger> judgedAgainst = new HashMap<>();

    private final List<ContributionRecord> history = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private int fetched;
    private ModelCommitter committer;

    @BeforeAll
    static void models() throws IOException {
        Contributions builders = new Contributions(TASK);
        honestA = builders.honestUpdate(0);
        honestB = builders.honestUpdate(1);
        Path heldOut = Files.write(directory.resolve("held-out.csv"), TASK.heldOutCsv());
        Path base = Files.write(directory.resolve("base.zip"), TASK.baseModelBytes());
        tasks = new TaskCatalog(
                List.of(new TaskCatalog.TaskDefinition(1, TASK.schema(), heldOut, base)), EvaluationLimits.defaults());
        tasks.bind(1); // no registry here to bind it against
    }

    @BeforeEach
    void registeredTask() {
        chain.model = new RegistryChain.Model(spec(), BRANCH, BigInteger.ONE, BigInteger.ZERO);
        chain.heads.put(BRANCH, BASE_COMMIT);
        chain.commits.put(BASE_COMMIT, commitOf(TASK.baseModelBytes()));
        ModelStore store = new ModelStore() {
            @Override
            public TaskContext context(long taskId, CommitView commit) {
                return tasks.task(taskId, model(commit));
            }

            @Override
            public byte[] model(CommitView commit) {
                return published.get(HexFormat.of().formatHex(commit.weightsDigest));
            }

            @Override
            public Optional<CommitView> judgedAgainst(ContributionRecord contribution) {
                BigInteger commit = judgedAgainst.getOrDefault(contribution.id(), chain.heads.get(BRANCH));
                return Optional.of(chain.commits.get(commit));
            }

            @Override
            public Optional<byte[]> update(ContributionRecord contribution) {
                fetched++;
                return Optional.ofNullable(updates.get(HexFormat.of().formatHex(contribution.contentDigest())));
            }

            @Override
            public ModelFile publish(byte[] model) {
                return file(model);
            }
        };
        committer = new ModelCommitter(
                chain, store, tasks, new RoundContributions((from, to) -> List.copyOf(history), (round, info) ->
                        new BigInteger[] {BigInteger.ZERO, BigInteger.TEN}));
    }

    @AfterEach
    void close() {
        committer.close();
    }

    @Test
    void tick_finalizedRound_attestsTheAggregateOfItsAcceptedUpdatesOnly() {
        finalizedRound(1, 1, 80, 60, 20); // two accepted (above neutral), one below

        committer.tick(BigInteger.TWO, this::error);

        assertThat(errors).isEmpty();
        assertThat(chain.attested).hasSize(1);
        CommitAttestation attestation = chain.attested.getFirst();
        assertThat(attestation.round).isEqualTo(BigInteger.ONE);
        assertThat(attestation.parent).isEqualTo(BASE_COMMIT);
        assertThat(attestation.mergeParent).isZero();
        assertThat(attestation.contributionIds).containsExactly(BigInteger.valueOf(1), BigInteger.valueOf(2));
        byte[] aggregate = published.get(HexFormat.of().formatHex(attestation.weightsDigest));
        assertThat(aggregate).as("published before attesting").isNotNull();
        TaskContext base = tasks.task(1, TASK.baseModelBytes());
        assertThat(aggregate)
                .isEqualTo(ModelAggregator.aggregate(
                                base,
                                new FedAvg(),
                                List.of(
                                        new ModelAggregator.Input(BigInteger.ONE, honestA, 31),
                                        new ModelAggregator.Input(BigInteger.TWO, honestB, 11)))
                        .model());
    }

    @Test
    void tick_copyOfAnOlderGlobalModelJudgedAgainstIt_doesNotPullTheNextModelBack() {
        recordedRoundOneAs(honestA);
        submitted(2, 1, TASK.baseModelBytes(), 60); // a free rider resubmits the base model, judged against it
        judgedAgainst.put(BigInteger.ONE, BASE_COMMIT);
        chain.rounds.put(BigInteger.TWO, round(RoundPhase.FINALIZED, 1, 1));

        committer.tick(BigInteger.valueOf(3), this::error);

        assertThat(errors).isEmpty();
        CommitAttestation attestation = chain.attested.getFirst();
        assertThat(attestation.parent).isEqualTo(BigInteger.TWO);
        assertThat(parameters(published.get(HexFormat.of().formatHex(attestation.weightsDigest))))
                .as("the copy changed nothing, so the next model is the head")
                .isEqualTo(parameters(honestA));
    }

    @Test
    void tick_honestUpdateJudgedAgainstAnOlderGlobalModel_countsByItsChangeFromIt() {
        recordedRoundOneAs(honestA);
        submitted(2, 1, honestB, 60);
        judgedAgainst.put(BigInteger.ONE, BASE_COMMIT);
        chain.rounds.put(BigInteger.TWO, round(RoundPhase.FINALIZED, 1, 1));

        committer.tick(BigInteger.valueOf(3), this::error);

        CommitAttestation attestation = chain.attested.getFirst();
        assertThat(parameters(published.get(HexFormat.of().formatHex(attestation.weightsDigest))))
                .isEqualTo(Rebase.onto(parameters(honestB), parameters(TASK.baseModelBytes()), parameters(honestA)));
    }

    /** Round 1 recorded as commit 2 with {@code model}, the head of the default branch. */
    private void recordedRoundOneAs(byte[] model) {
        chain.commits.put(BigInteger.TWO, commitOf(model));
        chain.heads.put(BRANCH, BigInteger.TWO);
        chain.model = new RegistryChain.Model(spec(), BRANCH, BigInteger.ONE, BigInteger.ONE);
    }

    private static float[] parameters(byte[] model) {
        return ModelCodec.read(model, EvaluationLimits.defaults()).parameters();
    }

    /** An accepted update sealed to the other validators only: its round's aggregate is theirs, no error here. */
    @Test
    void tick_acceptedUpdateThisNodeCannotOpen_attestsNothingAndReportsNoError() {
        finalizedRound(1, 1, 80, 60);
        byte[] digest = new byte[32];
        digest[0] = 2;
        updates.remove(HexFormat.of().formatHex(digest));

        committer.tick(BigInteger.TWO, this::error);
        committer.tick(BigInteger.TWO, this::error);

        assertThat(chain.attested).isEmpty();
        assertThat(errors).isEmpty();
    }

    @Test
    void tick_roundStillScoring_waitsWithoutAttesting() {
        finalizedRound(1, 1, 80);
        chain.rounds.put(BigInteger.ONE, round(RoundPhase.REVEAL, 1, 1));

        committer.tick(BigInteger.TWO, this::error);

        assertThat(chain.attested).isEmpty();
        assertThat(errors).isEmpty();
    }

    @Test
    void tick_roundWithoutAcceptedUpdates_isSkippedForTheNextOne() {
        finalizedRound(1, 1, 10); // below neutral: not aggregated
        finalizedRound(2, 2, 90);

        committer.tick(BigInteger.valueOf(3), this::error);

        assertThat(chain.attested).extracting(a -> a.round).containsExactly(BigInteger.TWO);
    }

    @Test
    void tick_proposalAlreadyAttestedByThisNode_sendsNothingAndFetchesNothing() {
        finalizedRound(1, 1, 80);
        chain.settled.add(new RegistryChain.Proposal(TASK_ID, BRANCH, BASE_COMMIT, BigInteger.ZERO, BigInteger.ONE));

        committer.tick(BigInteger.TWO, this::error);

        assertThat(chain.attested).isEmpty();
        assertThat(errors).isEmpty();
        assertThat(fetched).as("updates fetched from IPFS").isZero();
    }

    @Test
    void tick_overtakenByAnotherAttestation_isNoError() {
        finalizedRound(1, 1, 80);
        chain.revertWith = "CommitAlreadyRecorded(proposal=0x01)";

        committer.tick(BigInteger.TWO, this::error);

        assertThat(errors).isEmpty();
    }

    /**
     * A quorum recorded the commit before this node's attestation landed; until the node reads the new head, the
     * chain still says the proposal awaits it. Sending it again would revert the same way: a transaction sent twice.
     */
    @Test
    void tick_overtakenProposal_isNeverAttestedAgain() {
        finalizedRound(1, 1, 80);
        chain.revertWith = "CommitAlreadyRecorded(proposal=0x01)";
        committer.tick(BigInteger.TWO, this::error);

        committer.tick(BigInteger.TWO, this::error);

        assertThat(chain.attested).isEmpty();
        assertThat(errors).isEmpty();
    }

    @Test
    void tick_anyOtherRevert_isReportedForTheTask() {
        finalizedRound(1, 1, 80);
        chain.revertWith = "NotValidator(account=0x01)";

        committer.tick(BigInteger.TWO, this::error);

        assertThat(errors).singleElement().asString().contains("task 1").contains("NotValidator");
    }

    @Test
    void tick_taskNotRegistered_readsNothingElse() {
        chain.modelCount = BigInteger.ZERO;

        committer.tick(BigInteger.TWO, this::error);

        assertThat(chain.reads).isEqualTo(1);
        assertThat(chain.attested).isEmpty();
    }

    @Test
    void tick_inactiveValidator_attestsNothing() {
        finalizedRound(1, 1, 80);
        chain.activeIndex = Optional.empty();

        committer.tick(BigInteger.TWO, this::error);

        assertThat(chain.attested).isEmpty();
    }

    @Test
    void tick_pendingMerge_attestsTheMergeOfBothHeadsWithTheRequestAsRound() {
        BigInteger sourceHead = BigInteger.valueOf(7);
        chain.model = new RegistryChain.Model(spec(), BRANCH, BigInteger.TWO, BigInteger.ZERO);
        chain.commits.put(sourceHead, commitOf(honestA));
        chain.merges.put(BRANCH, new RegistryChain.PendingMerge(sourceHead, BigInteger.valueOf(3)));

        committer.tick(BigInteger.ONE, this::error);

        assertThat(errors).isEmpty();
        assertThat(chain.attested).singleElement().satisfies(merge -> {
            assertThat(merge.mergeParent).isEqualTo(sourceHead);
            assertThat(merge.round).isEqualTo(BigInteger.valueOf(3));
            assertThat(published.get(HexFormat.of().formatHex(merge.weightsDigest)))
                    .isEqualTo(ModelAggregator.merge(tasks.task(1, TASK.baseModelBytes()), honestA)
                            .model());
        });
    }

    @Test
    void ruleOf_everyOnChainRuleIsOneTheAggregationLibraryKnows_inTheSameOrder() {
        // a rule appended on chain but not in the library (or renamed in one) would stall every commit of its tasks
        assertThat(AggregationRules.NAMES).containsExactlyElementsOf(AggregationMethod.ruleNames());
        for (AggregationMethod method : AggregationMethod.values()) {
            var spec = spec();
            spec.rule = method.onChain();
            spec.ruleParameterA = BigInteger.ONE;
            spec.ruleParameterB = BigInteger.ONE;
            assertThat(ModelCommitter.ruleOf(spec, Parallelism.sequential())).isNotNull();
        }
    }

    private void error(String what, RuntimeException e) {
        errors.add(what + ": " + e.getMessage());
        assertThat(e).isInstanceOf(ContractRevertedException.class);
    }

    /** A finalized round of model updates with consecutive ids from {@code firstId}, scored as given. */
    private void finalizedRound(long round, long firstId, int... scores) {
        byte[][] models = {honestA, honestB, TASK.baseModelBytes()};
        for (int i = 0; i < scores.length; i++) submitted(round, firstId + i, models[i % models.length], scores[i]);
        chain.rounds.put(BigInteger.valueOf(round), round(RoundPhase.FINALIZED, firstId, scores.length));
    }

    /** A model update {@code id} in {@code round} with {@code model} as its artifact, scored {@code score}. */
    private void submitted(long round, long id, byte[] model, int score) {
        byte[] digest = new byte[32];
        digest[0] = (byte) id;
        String key = HexFormat.of().formatHex(digest);
        updates.put(key, model);
        history.add(new ContributionRecord(
                BigInteger.valueOf(id),
                BigInteger.valueOf(round),
                "0x" + "ab".repeat(20),
                ContributionKind.MODEL_UPDATE.onChain().intValue(),
                1,
                digest,
                BigInteger.ONE));
        chain.contributions.put(
                key,
                new ContributionView(
                        BigInteger.valueOf(id),
                        "0x" + "ab".repeat(20),
                        ContributionKind.MODEL_UPDATE.onChain(),
                        BigInteger.valueOf(ContributionStatus.ACCEPTED.ordinal()),
                        BigInteger.valueOf(score),
                        BigInteger.valueOf(round),
                        TASK_ID,
                        digest));
    }

    private static RoundView round(RoundPhase phase, long firstId, int count) {
        return new RoundView(
                true,
                BigInteger.valueOf(phase.ordinal()),
                BigInteger.valueOf(firstId),
                BigInteger.valueOf(count),
                BigInteger.ZERO,
                BigInteger.ONE,
                BigInteger.TWO,
                BigInteger.valueOf(3),
                BigInteger.ONE,
                BigInteger.ONE,
                BigInteger.ONE,
                false,
                BigInteger.ONE);
    }

    private ModelFile file(byte[] model) {
        published.put(ModelCodec.sha256Hex(model), model);
        return new ModelFile(HexFormat.of().parseHex(ModelCodec.sha256Hex(model)), Cid.of(model));
    }

    private CommitView commitOf(byte[] model) {
        ModelFile file = file(model);
        return new CommitView(
                TASK_ID,
                BRANCH,
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ZERO,
                file.sha256(),
                file.root(),
                new byte[32],
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ONE);
    }

    private static ModelSpec spec() {
        byte[] zero = new byte[32];
        return new ModelSpec(
                zero,
                zero,
                zero,
                zero,
                AggregationMethod.FED_AVG.onChain(),
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.valueOf(10_000),
                BigInteger.ZERO,
                BigInteger.ZERO);
    }
}
