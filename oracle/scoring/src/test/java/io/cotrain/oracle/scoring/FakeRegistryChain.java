package io.cotrain.oracle.scoring;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionView;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import io.cotrain.contracts.generated.ModelRegistry.CommitAttestation;
import io.cotrain.contracts.generated.ModelRegistry.CommitView;
import io.cotrain.contracts.generated.ModelRegistry.ModelSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A {@link RegistryChain} for {@link ModelCommitter}'s unit tests: state set by the test, attestations recorded. */
final class FakeRegistryChain implements RegistryChain {
    BigInteger modelCount = BigInteger.ONE;
    Model model;
    final Map<BigInteger, BigInteger> heads = new HashMap<>();
    final Map<BigInteger, CommitView> commits = new HashMap<>();
    final Map<BigInteger, PendingMerge> merges = new HashMap<>();
    final Map<BigInteger, RoundView> rounds = new HashMap<>();
    final Map<String, ContributionView> contributions = new HashMap<>();
    /** Proposals this validator attested, or that were recorded: no longer awaiting it. */
    final Set<Proposal> settled = new HashSet<>();

    Optional<Integer> activeIndex = Optional.of(0);
    int neutralScore = 50;
    /** The error the next attestation reverts with, e.g. {@code StaleParent(parent=3)}; null: it is mined. */
    String revertWith;

    final List<CommitAttestation> attested = new ArrayList<>();
    int reads;

    /** Makes {@code spec} the registry's only model, as its owner registers it: task 1, one branch. */
    void register(ModelSpec spec) {
        modelCount = BigInteger.ONE;
        model = new Model(spec, BigInteger.ZERO, BigInteger.ONE, BigInteger.ZERO);
    }

    @Override
    public BigInteger modelCount() {
        reads++;
        return modelCount;
    }

    /** Models other than {@link #model}, by id. */
    final Map<BigInteger, Model> otherModels = new HashMap<>();

    @Override
    public Model model(BigInteger task) {
        reads++;
        return otherModels.getOrDefault(task, model);
    }

    /** Every model's owner. */
    String owner = "0x00000000000000000000000000000000000000c3";

    @Override
    public String ownerOf(BigInteger task) {
        reads++;
        return owner;
    }

    @Override
    public BigInteger branchHead(BigInteger task, BigInteger branch) {
        reads++;
        return heads.get(branch);
    }

    @Override
    public CommitView commit(BigInteger commitId) {
        reads++;
        return commits.get(commitId);
    }

    @Override
    public PendingMerge pendingMerge(BigInteger task, BigInteger branch) {
        reads++;
        return merges.getOrDefault(branch, new PendingMerge(BigInteger.ZERO, BigInteger.ZERO));
    }

    @Override
    public boolean awaitsAttestation(Proposal proposal, int index) {
        reads++;
        return !settled.contains(proposal);
    }

    /** Every task's base commit. */
    BigInteger baseCommit = BigInteger.ONE;
    /** The base metrics attested: task, accuracy in ppm, loss in micros. */
    final List<long[]> baseMetrics = new ArrayList<>();

    @Override
    public BigInteger baseCommit(BigInteger task) {
        reads++;
        return baseCommit;
    }

    /** Tasks whose base metrics are recorded or attested from this index. */
    final Set<BigInteger> baseMetricsSettled = new HashSet<>();

    @Override
    public boolean awaitsBaseMetrics(BigInteger task, int index) {
        reads++;
        return !baseMetricsSettled.contains(task);
    }

    @Override
    public void attestBaseMetrics(BigInteger task, long accuracyPpm, long lossMicros) {
        if (revertWith != null) {
            String error = revertWith;
            revertWith = null;
            throw new ContractRevertedException("attest the base metrics", error, "0x");
        }
        baseMetrics.add(new long[] {task.longValueExact(), accuracyPpm, lossMicros});
        baseMetricsSettled.add(task);
    }

    @Override
    public Optional<Integer> activeIndex() {
        reads++;
        return activeIndex;
    }

    @Override
    public RoundView round(BigInteger round) {
        reads++;
        return rounds.get(round);
    }

    @Override
    public ContributionView contribution(byte[] contentDigest) {
        reads++;
        return contributions.get(HexFormat.of().formatHex(contentDigest));
    }

    @Override
    public int neutralScore(BigInteger round) {
        reads++;
        return neutralScore;
    }

    @Override
    public void attestCommit(String action, CommitAttestation attestation) {
        if (revertWith != null) {
            String error = revertWith;
            revertWith = null;
            throw new ContractRevertedException(action, error, "0x");
        }
        attested.add(attestation);
        settled.add(new Proposal(
                attestation.modelId,
                attestation.branchId,
                attestation.parent,
                attestation.mergeParent,
                attestation.round));
    }
}
