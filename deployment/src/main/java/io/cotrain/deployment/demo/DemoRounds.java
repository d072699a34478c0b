package io.cotrain.deployment.demo;

import io.cotrain.cli.CliEnvironment;
import io.cotrain.cli.CotrainCli;
import io.cotrain.client.ContractCalls;
import io.cotrain.client.ReadOnlyContracts;
import io.cotrain.client.SealingRecipients;
import io.cotrain.contracts.AggregationMethod;
import io.cotrain.contracts.AggregationWeight;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.ProtocolParameter;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ValidatorRegistry;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.ipfs.Sealing;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TaskModel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * The local network's demo: the owner registers the demo task in the model registry, then simulated contributors
 * work through several rounds, each with its own wallet and through the contributor CLI ({@link CotrainCli}, run
 * in-process) exactly as a person would: honest contributors train the current global model on their own shard,
 * a poisoner trains on its shard with every label moved to the next class, a free rider resubmits the global model
 * unchanged, a noisy free rider submits the global model with a little noise added, and a copier takes the first
 * honest contributor's manifest of the round from IPFS and submits its sealed weights as its own (it cannot open
 * them: they are sealed to the validators and bound to their contributor). After each
 * round it waits for the validators to score it and to record the next global model, and prints the commit, its
 * held-out accuracy and every contributor's score, reward and slash; at the end, each role's share of the rewards.
 *
 * <p>Usage: {@code DemoRounds --task-dir DIR --work DIR [--rounds N] [--epochs E] [--register-only true]} (the last
 * registers the task and stops: the local network registers it before its validators start); environment:
 * {@code COTRAIN_RPC_URL}, {@code COTRAIN_IPFS_URL}, {@code COTRAIN_DEPLOYMENT} (as for the CLI),
 * {@code COTRAIN_DEMO_OWNER_KEY} (the model owner) and {@code COTRAIN_DEMO_CONTRIBUTOR_KEYS} (comma-separated: one
 * honest contributor per shard but the last, then the poisoner, the free rider, the noisy free rider, the copier).
 */
public final class DemoRounds {
    private static final Pattern MANIFEST_DIGEST = Pattern.compile("manifest digest: (0x[0-9a-f]{64})");
    private static final Pattern SUBMITTED = Pattern.compile("submitted contribution (\\d+) to round (\\d+)");
    private static final BigInteger TASK = BigInteger.valueOf(DemoTask.TASK_ID);
    private static final long POLL_MILLIS = 1_000;
    /** How long validators may take to finalize and aggregate a round before the demo gives up. */
    private static final long PATIENCE_MILLIS = 10 * 60_000;

    private static final int STAKE = 100;
    /** The noisy free rider's noise: this share of the global model's root-mean-square parameter, per parameter. */
    private static final double NOISE = 1e-3;

    enum Role {
        HONEST,
        POISONER,
        FREE_RIDER,
        NOISY_FREE_RIDER,
        COPIER;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** A simulated contributor: its wallet, what it does, and its data. */
    record Contributor(String name, Credentials key, Role role, Path data) {}

    /** What one contributor did in a round and what came of it: `taken` is what its stake lost (fee and slash). */
    record Outcome(
            Contributor contributor,
            BigInteger contributionId,
            int score,
            ContributionStatus status,
            BigInteger reward,
            BigInteger taken) {}

    /** One demo round: the protocol round, the commit recorded (if any) and the outcomes. */
    record RoundReport(
            int number,
            BigInteger protocolRound,
            BigInteger commit,
            BigInteger parent,
            double accuracy,
            List<Outcome> outcomes) {}

    private final Map<String, String> environment;
    private final Path taskDirectory;
    private final Path work;
    private final int epochs;
    private final PrintStream out;
    private final CotrainProtocol protocol;
    private final ModelRegistry models;
    private final ValidatorRegistry validators;
    private final ContentStore content;
    private final Credentials owner;
    private final List<Contributor> contributors;

    DemoRounds(Map<String, String> environment, Path taskDirectory, Path work, int epochs, PrintStream out) {
        this.environment = Map.copyOf(environment);
        this.taskDirectory = taskDirectory;
        this.work = work;
        this.epochs = epochs;
        this.out = out;
        Web3j web3j = Web3j.build(new HttpService(required("COTRAIN_RPC_URL")));
        DeploymentAddresses addresses = DeploymentAddresses.read(Path.of(required("COTRAIN_DEPLOYMENT")));
        ReadOnlyContracts contracts = ReadOnlyContracts.of(web3j, addresses, addresses.protocol());
        this.protocol = contracts.protocol();
        this.models = contracts.models();
        this.validators = contracts.validators();
        this.content = new ContentStore(new IpfsClient(URI.create(required("COTRAIN_IPFS_URL"))));
        this.owner = Credentials.create(required("COTRAIN_DEMO_OWNER_KEY"));
        this.contributors =
                contributors(required("COTRAIN_DEMO_CONTRIBUTOR_KEYS").split(","));
    }

    public static void main(String[] args) {
        Path taskDirectory = null;
        Path work = null;
        int rounds = 5;
        boolean registerOnly = false;
        int epochs = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--task-dir" -> taskDirectory = Path.of(args[i + 1]);
                case "--work" -> work = Path.of(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--epochs" -> epochs = Integer.parseInt(args[i + 1]);
                case "--register-only" -> registerOnly = Boolean.parseBoolean(args[i + 1]);
                default -> usage();
            }
        }
        if (taskDirectory == null || work == null || args.length % 2 != 0) usage();
        try {
            DemoRounds demo = new DemoRounds(System.getenv(), taskDirectory, work, epochs, System.out);
            if (registerOnly) demo.registerTask();
            else demo.run(rounds);
        } catch (RuntimeException e) {
            System.err.println("the demo failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void usage() {
        System.err.println(
                "usage: DemoRounds --task-dir DIR --work DIR [--rounds N] [--epochs E] [--register-only true]");
        System.exit(2);
    }

    /**
     * Registers the task unless it is, stakes every contributor, waits for every validator to serve the task, then
     * runs {@code rounds} rounds.
     */
    List<RoundReport> run(int rounds) {
        registerTask();
        await("serve the task", this::everyValidatorServes);
        for (Contributor contributor : contributors)
            cli(contributor.key(), "register", "--stake", Integer.toString(STAKE));
        out.println("contributors (" + STAKE + " COT staked each):");
        for (Contributor contributor : contributors) {
            out.printf(
                    Locale.ROOT,
                    "  %-17s %s  %s%n",
                    contributor.name(),
                    contributor.key().getAddress(),
                    switch (contributor.role()) {
                        case HONEST -> "trains on " + contributor.data().getFileName();
                        case POISONER ->
                            "trains on " + contributor.data().getFileName()
                                    + " with every label moved to the next class";
                        case FREE_RIDER -> "resubmits the global model unchanged";
                        case NOISY_FREE_RIDER ->
                            "submits the global model with noise of " + NOISE + " of its typical parameter";
                        case COPIER ->
                            "submits " + contributors.getFirst().name() + "'s sealed update of the round as its own";
                    });
        }
        List<RoundReport> reports = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            RoundReport report = round(round);
            reports.add(report);
            print(report);
        }
        printShares(reports);
        out.println("demo finished after " + rounds + " rounds; the network keeps running");
        return reports;
    }

    /** @return whether every active validator serves the task in the round open now */
    private boolean everyValidatorServes() {
        BigInteger active = read(() -> validators.activeMask().send());
        BigInteger round = read(() -> protocol.currentRound().send());
        BigInteger serving = read(() -> validators.servingMask(TASK, round).send());
        return active.signum() > 0 && serving.and(active).equals(active);
    }

    /** Registers the task as its owner, unless the registry holds a task already. */
    void registerTask() {
        if (read(() -> models.modelCount().send()).signum() > 0) return;
        String output = cli(
                owner,
                "register-model",
                "--base-model",
                taskDirectory.resolve("global-model.zip").toString(),
                "--features",
                String.join(",", DemoTask.SCHEMA.featureColumns()),
                "--label",
                DemoTask.SCHEMA.labelColumn(),
                "--classes",
                Integer.toString(DemoTask.SCHEMA.classCount()),
                "--held-out",
                taskDirectory.resolve("held-out.csv").toString(),
                "--rule",
                AggregationMethod.FED_AVG.ruleName());
        out.print(output);
        out.printf(Locale.ROOT, "task %s: base model's held-out accuracy %.1f%%%n", TASK, 100 * baseAccuracy());
    }

    private RoundReport round(int number) {
        Map<Contributor, BigInteger> stakeBefore = new LinkedHashMap<>();
        Map<Contributor, BigInteger> claimableBefore = new LinkedHashMap<>();
        for (Contributor contributor : contributors) {
            String address = contributor.key().getAddress();
            stakeBefore.put(
                    contributor, read(() -> protocol.contributorProfile(address).send()).stake);
            claimableBefore.put(
                    contributor, read(() -> protocol.claimable(address).send()));
        }
        Map<Contributor, BigInteger> submitted = new LinkedHashMap<>();
        Map<BigInteger, byte[]> digests = new LinkedHashMap<>();
        BigInteger protocolRound = null;
        // everyone prepares first (training takes seconds each), then all submit back to back: the submissions of a
        // demo round land in one protocol round unless its window closes in those few seconds
        Map<Contributor, String> manifests = new LinkedHashMap<>();
        for (Contributor contributor : contributors) {
            manifests.put(contributor, prepare(contributor, number, manifests));
        }
        for (Contributor contributor : contributors) {
            String output = cli(
                    contributor.key(), "submit", "--task", TASK.toString(), "--manifest", manifests.get(contributor));
            Matcher matcher = SUBMITTED.matcher(output);
            if (!matcher.find()) throw new IllegalStateException(contributor.name() + " did not submit: " + output);
            submitted.put(contributor, new BigInteger(matcher.group(1)));
            digests.put(new BigInteger(matcher.group(1)), Numeric.hexStringToByteArray(manifests.get(contributor)));
            BigInteger round = new BigInteger(matcher.group(2));
            if (protocolRound == null) protocolRound = round;
            else protocolRound = protocolRound.max(round);
        }
        BigInteger last = protocolRound;
        // every contribution's round must be finalized, and the model registry must have aggregated the last one
        for (BigInteger id : submitted.values()) {
            BigInteger round = read(() -> protocol.contribution(digests.get(id)).send()).round;
            await(
                    "finalize and aggregate the round",
                    () -> RoundPhase.of(read(() -> protocol.roundInfo(round).send()).phase) == RoundPhase.FINALIZED);
        }
        // on a busy machine a demo round's submissions can spill into the next protocol round: wait for the commit
        // of the last protocol round that aggregated an update (a round that aggregated none makes no commit)
        Optional<BigInteger> lastAggregated = submitted.values().stream()
                .map(id -> read(() -> protocol.contribution(digests.get(id)).send()))
                .filter(view -> ContributionKind.of(view.kind) == ContributionKind.MODEL_UPDATE
                        && AggregationWeight.aggregated(view.consensusScore.intValueExact(), neutralScore(view.round)))
                .map(view -> view.round)
                .max(Comparator.naturalOrder());
        lastAggregated.ifPresent(round -> await(
                "finalize and aggregate the round",
                () -> read(() -> models.model(TASK).send()).component4().compareTo(round) >= 0));

        List<Outcome> outcomes = new ArrayList<>();
        for (var entry : submitted.entrySet()) {
            Contributor contributor = entry.getKey();
            String address = contributor.key().getAddress();
            var view = read(
                    () -> protocol.contribution(digests.get(entry.getValue())).send());
            BigInteger stake = read(() -> protocol.contributorProfile(address).send()).stake;
            BigInteger claimable = read(() -> protocol.claimable(address).send());
            outcomes.add(new Outcome(
                    contributor,
                    entry.getValue(),
                    view.consensusScore.intValue(),
                    ContributionStatus.of(view.status),
                    claimable.subtract(claimableBefore.get(contributor)),
                    stakeBefore.get(contributor).subtract(stake)));
        }
        var model = read(() -> models.model(TASK).send());
        BigInteger head = read(() -> models.branchHead(TASK, model.component2()).send());
        var commit = read(() -> models.commit(head).send());
        boolean recorded = lastAggregated
                .filter(round -> commit.round.compareTo(round) == 0)
                .isPresent();
        return new RoundReport(
                number,
                lastAggregated.orElse(last),
                recorded ? head : null,
                recorded ? commit.parent : null,
                commit.accuracyPpm.doubleValue() / 1e6,
                outcomes);
    }

    /** The round's neutral score: updates scored below it stay out of its aggregate. */
    private int neutralScore(BigInteger round) {
        return read(() -> protocol.roundParameter(round, ProtocolParameter.NEUTRAL_SCORE.index())
                        .send())
                .intValueExact();
    }

    /**
     * What a contributor makes for a round, through the CLI (the copier and the noisy free rider make theirs by hand,
     * as an attacker would): the digest of the manifest it will submit.
     *
     * @param prepared the manifests of the contributors before it in this round
     */
    private String prepare(Contributor contributor, int round, Map<Contributor, String> prepared) {
        Path out = work.resolve("round-" + round).resolve(contributor.name());
        return switch (contributor.role()) {
            case HONEST, POISONER -> {
                String output = cli(
                        contributor.key(),
                        "train",
                        "--task",
                        TASK.toString(),
                        "--data",
                        contributor.data().toString(),
                        "--epochs",
                        Integer.toString(epochs),
                        "--seed",
                        Integer.toString(1_000 * round + contributors.indexOf(contributor)),
                        "--out",
                        out.toString());
                Matcher digest = MANIFEST_DIGEST.matcher(output);
                if (!digest.find()) throw new IllegalStateException(contributor.name() + " did not train: " + output);
                yield digest.group(1);
            }
            case FREE_RIDER -> submitAsUpdate(contributor, globalModel());
            case NOISY_FREE_RIDER -> submitAsUpdate(contributor, withNoise(globalModel(), round));
            case COPIER -> submitAsOwn(contributor, prepared.get(contributors.getFirst()));
        };
    }

    /** The current global model's file, from IPFS. */
    private byte[] globalModel() {
        return content.fetchModel(globalModelFile(), 64L << 20);
    }

    /** Where the head of the task's default branch is on IPFS. */
    private ModelFile globalModelFile() {
        var model = read(() -> models.model(TASK).send());
        BigInteger head = read(() -> models.branchHead(TASK, model.component2()).send());
        var commit = read(() -> models.commit(head).send());
        return ModelFile.ofCommit(commit.weightsDigest, commit.weightsRoot);
    }

    /**
     * What a copier can do with an honest contribution once its manifest is on IPFS: its weights are sealed to the
     * validators, so it can only put the sealed artifact under its own name, which no validator can open.
     */
    private String submitAsOwn(Contributor copier, String manifestDigest) {
        ContributionManifest honest = content.fetchManifest(Numeric.hexStringToByteArray(manifestDigest));
        var copy = ContributionManifest.modelUpdate(
                        DemoTask.TASK_ID,
                        copier.key().getAddress(),
                        honest.artifacts(),
                        honest.trainingSamples().orElseThrow(),
                        honest.baseModel().orElseThrow())
                .sealedAs(honest.artifacts().getFirst(), honest.sealing().orElseThrow())
                .withCreatedAt(Instant.now());
        content.putManifest(copy);
        return "0x" + HexFormat.of().formatHex(copy.digest());
    }

    /** The model with Gaussian noise of {@link #NOISE} times its root-mean-square parameter on each parameter. */
    private static byte[] withNoise(byte[] model, int round) {
        TaskModel network = ModelCodec.read(model, EvaluationLimits.defaults());
        float[] parameters = network.parameters();
        double squares = 0;
        for (float parameter : parameters) squares += (double) parameter * parameter;
        double sigma = NOISE * Math.sqrt(squares / parameters.length);
        Random random = new Random(round);
        for (int i = 0; i < parameters.length; i++) parameters[i] += (float) (sigma * random.nextGaussian());
        return ModelCodec.write(network.withParameters(parameters));
    }

    /**
     * Seals a model to the validators and puts it on IPFS with a manifest naming {@code contributor} as its author and
     * the current global model as its base: the digest to submit.
     */
    private String submitAsUpdate(Contributor contributor, byte[] model) {
        var update = ContributionManifest.modelUpdate(
                DemoTask.TASK_ID,
                contributor.key().getAddress(),
                List.of(Artifact.of("model.zip", Cid.of(model), model, "application/zip")),
                500,
                HexFormat.of().formatHex(globalModelFile().sha256()));
        var sealed = content.putSealed(
                update, model, SealingRecipients.of(validators), Sealing.KeySource.random(new SecureRandom()));
        // dated, so that it is a new digest even when the model did not move since its last one
        var manifest = sealed.withCreatedAt(Instant.now());
        content.putManifest(manifest);
        return "0x" + HexFormat.of().formatHex(manifest.digest());
    }

    /** The base model's held-out accuracy, as DemoTask measured it into task.json. */
    private double baseAccuracy() {
        TaskDescription.HeldOut base =
                TaskDescription.read(taskDirectory.resolve("task.json")).baseModelHeldOut();
        return (double) base.correct() / base.rows();
    }

    private void print(RoundReport report) {
        out.println();
        if (report.commit() != null) {
            out.printf(
                    Locale.ROOT,
                    "round %d (protocol round %s): commit %s (parent %s) recorded, held-out accuracy " + "%.1f%%%n",
                    report.number(),
                    report.protocolRound(),
                    report.commit(),
                    report.parent(),
                    100 * report.accuracy());
        } else {
            out.printf(
                    Locale.ROOT,
                    "round %d (protocol round %s): no update aggregated, no commit; held-out accuracy "
                            + "stays %.1f%%%n",
                    report.number(),
                    report.protocolRound(),
                    100 * report.accuracy());
        }
        out.printf(
                Locale.ROOT,
                "  %-17s %-16s %-13s %5s  %-10s %12s %10s%n",
                "contributor",
                "role",
                "contribution",
                "score",
                "status",
                "reward",
                "fee+slash");
        for (Outcome outcome : report.outcomes()) {
            out.printf(
                    Locale.ROOT,
                    "  %-17s %-16s %-13s %5d  %-10s %12s %10s%n",
                    outcome.contributor().name(),
                    outcome.contributor().role().label(),
                    outcome.contributionId(),
                    outcome.score(),
                    outcome.status().label(),
                    cot(outcome.reward()),
                    cot(outcome.taken()));
        }
    }

    /** Each role's share of all the rewards the demo's contributors earned, and what their stakes lost. */
    private void printShares(List<RoundReport> reports) {
        Map<Role, BigInteger> rewards = new EnumMap<>(Role.class);
        Map<Role, BigInteger> taken = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            rewards.put(role, BigInteger.ZERO);
            taken.put(role, BigInteger.ZERO);
        }
        for (RoundReport report : reports) {
            for (Outcome outcome : report.outcomes()) {
                rewards.merge(outcome.contributor().role(), outcome.reward(), BigInteger::add);
                taken.merge(outcome.contributor().role(), outcome.taken(), BigInteger::add);
            }
        }
        BigInteger total = rewards.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
        out.println();
        out.println("rewards over " + reports.size() + " rounds, by role:");
        for (Role role : Role.values()) {
            double share = total.signum() == 0
                    ? 0
                    : new BigDecimal(rewards.get(role))
                            .divide(new BigDecimal(total), 6, RoundingMode.HALF_UP)
                            .doubleValue();
            out.printf(
                    Locale.ROOT,
                    "  %-16s %12s  %5.1f%% of contributor rewards, %s lost from stakes%n",
                    role.label(),
                    cot(rewards.get(role)),
                    100 * share,
                    cot(taken.get(role)));
        }
    }

    private static String cot(BigInteger wei) {
        if (wei.signum() == 0) return "-";
        return new BigDecimal(wei)
                        .movePointLeft(18)
                        .setScale(2, RoundingMode.HALF_UP)
                        .toPlainString() + " COT";
    }

    private List<Contributor> contributors(String[] keys) {
        List<Path> shards;
        try (var files = Files.list(taskDirectory.resolve("shards"))) {
            shards = files.filter(f -> f.getFileName().toString().matches("contributor-\\d+\\.csv"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the demo task's shards", e);
        }
        if (keys.length != shards.size() + 3) {
            throw new IllegalArgumentException("COTRAIN_DEMO_CONTRIBUTOR_KEYS must hold " + (shards.size() + 3)
                    + " keys (one honest contributor per shard but the last, the poisoner, the free rider, the noisy "
                    + "free rider, the copier), got " + keys.length);
        }
        List<Contributor> all = new ArrayList<>();
        for (int i = 0; i < shards.size() - 1; i++) {
            all.add(new Contributor(
                    "honest-" + (i + 1), Credentials.create(keys[i].strip()), Role.HONEST, shards.get(i)));
        }
        Path poisoned = flipLabels(shards.getLast());
        all.add(new Contributor(
                "poisoner", Credentials.create(keys[shards.size() - 1].strip()), Role.POISONER, poisoned));
        all.add(new Contributor("free-rider", Credentials.create(keys[shards.size()].strip()), Role.FREE_RIDER, null));
        all.add(new Contributor(
                "noisy-free-rider", Credentials.create(keys[shards.size() + 1].strip()), Role.NOISY_FREE_RIDER, null));
        all.add(new Contributor("copier", Credentials.create(keys[shards.size() + 2].strip()), Role.COPIER, null));
        return List.copyOf(all);
    }

    /** The poisoner's data: its shard with every label moved to the next class. */
    private Path flipLabels(Path shard) {
        try {
            List<String> lines = Files.readAllLines(shard, StandardCharsets.UTF_8);
            StringBuilder flipped = new StringBuilder(lines.getFirst()).append('\n');
            int classes = DemoTask.SCHEMA.classCount();
            for (String line : lines.subList(1, lines.size())) {
                int comma = line.lastIndexOf(',');
                int label = Integer.parseInt(line.substring(comma + 1));
                flipped.append(line, 0, comma + 1).append((label + 1) % classes).append('\n');
            }
            Files.createDirectories(work);
            return Files.writeString(work.resolve("poisoned-" + shard.getFileName()), flipped);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the poisoner's data", e);
        }
    }

    /** Runs the CLI in-process with this wallet; returns its output, or fails with its error. */
    private String cli(Credentials wallet, String... args) {
        Map<String, String> variables = new HashMap<>(environment);
        variables.put(
                "COTRAIN_PRIVATE_KEY",
                Numeric.toHexStringWithPrefixZeroPadded(wallet.getEcKeyPair().getPrivateKey(), 64));
        variables.keySet().removeIf(name -> name.startsWith("COTRAIN_DEMO_") || name.equals("COTRAIN_KEYSTORE"));
        StringWriter output = new StringWriter();
        StringWriter errors = new StringWriter();
        var commandLine =
                CotrainCli.commandLine(new CliEnvironment(variables, work, CliEnvironment.PasswordPrompt.NONE, false));
        commandLine.setOut(new PrintWriter(output, true));
        commandLine.setErr(new PrintWriter(errors, true));
        int exit = commandLine.execute(args);
        if (exit != 0) {
            throw new IllegalStateException("cotrain " + args[0] + " failed (exit " + exit + "): "
                    + errors.toString().strip());
        }
        return output.toString();
    }

    private String required(String variable) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) throw new IllegalArgumentException(variable + " is not set");
        return value;
    }

    private static <T> T read(ContractCalls.Call<T> call) {
        return ContractCalls.read("reading the chain", call);
    }

    private static void await(String validatorsDo, BooleanSupplier done) {
        long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the validators did not " + validatorsDo + " within "
                        + PATIENCE_MILLIS / 60_000 + " minutes: see the validator logs");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the validators", e);
            }
        }
    }
}
