package io.cotrain.cli;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.TaskModel;
import io.cotrain.oracle.evaluation.privacy.NoiseCalibration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cotrain train}: trains the task's global model on a local CSV, seals the update's weights to the validators,
 * stores the ciphertext and manifest on IPFS (never the CSV, never the plaintext weights) and the update in
 * {@code --out}, prints the manifest digest, and with {@code --submit} submits it.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train a model update on your own data: reads the task from the model registry (its data schema and its "
                    + "global model, the head of the default branch, both from IPFS), trains that model on FILE.csv "
                    + "deterministically (the same inputs give the same weights), writes model-update.zip and "
                    + "manifest.json into --out, seals the weights to the validators (and this wallet, to reveal them "
                    + "later if you choose), stores the ciphertext and the manifest on IPFS (never the CSV, never "
                    + "the plaintext weights) and prints the manifest digest.",
            "With --submit it then submits the update (locking the round's stake per contribution); the same "
                    + "weights submitted again by the same wallet are a copy and earn nothing."
        })
final class TrainCommand extends ContributorCommand {
    static final String MODEL_FILE = "model-update.zip";
    static final String MANIFEST_FILE = "manifest.json";

    @Option(
            names = "--task",
            required = true,
            paramLabel = "ID",
            converter = Arguments.TaskIdConverter.class,
            description = "the task (model id in the model registry)")
    long task;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "FILE.csv",
            description = "your training data: the task's CSV header (features, then the label), one row per sample; "
                    + "it stays on this machine")
    Path data;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            defaultValue = "5",
            description = "passes over the data (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "1",
            description = "seed of the batch order (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "where " + MODEL_FILE + " and " + MANIFEST_FILE + " go (default: task-<ID>-update)")
    Path out;

    @Option(names = "--submit", description = "submit the update once it is stored")
    boolean submit;

    @ArgGroup(exclusive = false, heading = "Differential privacy (opt-in, all three together):%n")
    PrivacyOptions privacy;

    @Override
    void run(Session session) {
        if (epochs < 1 || epochs > 10_000) {
            throw new CliException("--epochs must be from 1 to 10000, got " + epochs, CliException.USAGE, null);
        }
        Optional<NoiseCalibration> noise = Optional.ofNullable(privacy).map(PrivacyOptions::calibrate);
        Path csvFile = session.environment().resolve(data);
        byte[] csv = session.readFile(data, "--data");
        String me = session.address();
        Contributing.Task registered = Contributing.task(session, task);
        if (submit) Contributing.requireCanSubmit(session);
        ContentStore ipfs = session.ipfs();
        DataSchema schema = Contributing.schema(session, registered);
        TabularDataset dataset = Contributing.parseData(csv, schema, csvFile);
        Contributing.GlobalModel global = Contributing.globalModel(session, registered);
        // The task's architecture is its model's, whatever network the owner chose: trained as it is.
        TaskModel model = TaskContext.readBaseModel(schema, global.bytes(), Contributing.LIMITS);

        session.err()
                .println("training task " + task + "'s global model (commit " + global.commitId() + ") on "
                        + dataset.rows() + " rows of " + csvFile.getFileName() + ": " + epochs + " epoch"
                        + (epochs == 1 ? "" : "s") + ", seed " + seed);
        TaskModel start = model.copy();
        new TrainingProgress(session.err(), session.environment().interactive(), epochs, dataset.rows())
                .train(model, dataset.toDataSet(), epochs, seed);
        Optional<PrivacyOptions.Released> released =
                noise.map(calibration -> PrivacyOptions.release(calibration, start, model, session.err()));
        byte[] update =
                ModelCodec.write(released.map(PrivacyOptions.Released::model).orElse(model));

        ContributionManifest manifest = Contributing.seal(
                session,
                ContributionManifest.modelUpdate(
                        task,
                        me,
                        List.of(Artifact.of("model.zip", Cid.of(update), update, "application/zip")),
                        dataset.rows(),
                        global.sha256Hex()),
                update,
                released.map(PrivacyOptions.Released::privacy));
        Optional<FailureContext.Submission> earlier = Contributing.submitted(session.chain(), manifest.digest());
        CliException copy = earlier.map(known -> Failures.duplicateContent(manifest.digest(), known.id(), earlier, me))
                .orElse(null);
        if (copy != null && submit) throw copy;
        Path directory = session.environment().resolve(out != null ? out : Path.of("task-" + task + "-update"));
        try {
            Files.createDirectories(directory);
            Files.write(directory.resolve(MODEL_FILE), update);
            Files.write(directory.resolve(MANIFEST_FILE), manifest.canonicalBytes());
        } catch (IOException e) {
            throw new CliException(
                    "cannot write the update into --out " + directory + ": " + e, CliException.FAILED, e);
        }
        ipfs.putManifest(manifest);

        session.out()
                .println("model update: " + directory.resolve(MODEL_FILE) + " (" + update.length + " bytes, sealed as "
                        + manifest.artifacts().getFirst().cid() + ")");
        session.out().println("manifest: " + directory.resolve(MANIFEST_FILE) + " (" + manifest.cid() + ")");
        session.out().println("manifest digest: " + Arguments.hex(manifest.digest()));
        if (submit) {
            Contributing.Submitted submitted =
                    Contributing.submit(session, ContributionKind.MODEL_UPDATE, manifest.digest(), task);
            session.out()
                    .println("submitted contribution " + submitted.id() + " to round " + submitted.round() + " of task "
                            + task);
            session.out().println("transaction: " + submitted.transactionHash());
        } else if (copy != null) {
            session.err().println("warning: " + copy.getMessage());
        } else {
            session.out()
                    .println("submit it with: cotrain submit --task " + task + " --manifest "
                            + Arguments.hex(manifest.digest()));
        }
    }
}
