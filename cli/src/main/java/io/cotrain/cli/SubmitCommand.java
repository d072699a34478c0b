package io.cotrain.cli;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.ContributionManifest.Artifact;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.TabularDataset;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cotrain submit}: submits a contribution whose manifest is on IPFS, or uploads and submits a dataset. */
@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Submit a contribution to the round open now, locking the round's stake per contribution (register "
                    + "first). A manifest is accepted once, ever: a copy of a submitted one is refused before anything "
                    + "is sent. Rounds cap their contributions, in all and per contributor.",
            "--manifest: a contribution whose manifest is on IPFS already (e.g. printed by 'cotrain train'); it is "
                    + "read back and checked to name this task and this wallet.",
            "--dataset: a CSV in the task's schema, checked locally, then stored on IPFS with its dataset manifest "
                    + "and submitted. The dataset is sealed to the network's validators (and this wallet): IPFS holds "
                    + "only its ciphertext."
        })
final class SubmitCommand extends ContributorCommand {
    @Option(
            names = "--task",
            required = true,
            paramLabel = "ID",
            converter = Arguments.TaskIdConverter.class,
            description = "the task (model id in the model registry)")
    long task;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(
                names = "--manifest",
                paramLabel = "DIGEST",
                converter = Arguments.DigestConverter.class,
                description = "the manifest's sha256: 64 hex digits, optionally 0x-prefixed")
        Arguments.Digest manifest;

        @Option(names = "--dataset", paramLabel = "FILE.csv", description = "a dataset to upload and submit")
        Path dataset;
    }

    @Override
    void run(Session session) {
        byte[] csv = source.dataset != null ? session.readFile(source.dataset, "--dataset") : null;
        String me = session.address();
        Contributing.Task registered = Contributing.task(session, task);
        Contributing.requireCanSubmit(session);
        if (source.manifest != null) Contributing.requireNew(session, source.manifest.bytes());
        ContentStore ipfs = session.ipfs();
        ContributionManifest manifest = csv != null
                ? storeDataset(
                        session, registered, ipfs, csv, session.environment().resolve(source.dataset), me)
                : readManifest(session, registered, ipfs, me);
        Contributing.Submitted submitted = Contributing.submit(session, manifest.kind(), manifest.digest(), task);
        Contributing.printSubmitted(session, submitted, task, manifest.digest());
    }

    private ContributionManifest storeDataset(
            Session session, Contributing.Task registered, ContentStore ipfs, byte[] csv, Path file, String me) {
        DataSchema schema = Contributing.schema(session, registered);
        TabularDataset dataset = Contributing.parseData(csv, schema, file);
        Cid cid = Cid.of(csv);
        ContributionManifest plain = ContributionManifest.dataset(
                task,
                me,
                List.of(
                        schema.image().isPresent()
                                ? Artifact.of("data.zip", cid, csv, "application/zip")
                                : Artifact.of("data.csv", cid, csv, "text/csv")),
                dataset.rows(),
                new ContributionManifest.DataSchema(schema.columns(), schema.labelColumn()));
        ContributionManifest manifest = Contributing.seal(session, plain, csv, Optional.empty());
        Contributing.requireNew(session, manifest.digest());
        ipfs.putManifest(manifest);
        session.err()
                .println("stored " + file.getFileName() + " (" + dataset.rows() + " rows) sealed as "
                        + manifest.artifacts().getFirst().cid() + " and its manifest as " + manifest.cid());
        return manifest;
    }

    private ContributionManifest readManifest(
            Session session, Contributing.Task registered, ContentStore ipfs, String me) {
        byte[] digest = source.manifest.bytes();
        ContributionManifest manifest;
        try {
            manifest = ipfs.fetchManifest(digest);
        } catch (IpfsException e) {
            if (e.failure() != IpfsException.Failure.TIMEOUT) throw e;
            throw new CliException(
                    "manifest " + Arguments.hex(digest) + " (" + Cid.ofDigest(digest) + ") is not on "
                            + "the IPFS node at " + session.ipfsUrl() + " or any node it reaches: store it first "
                            + "('cotrain train' does), or check the digest",
                    CliException.FAILED,
                    e);
        }
        if (manifest.taskId() != task) {
            throw new CliException("manifest " + Arguments.hex(digest) + " is for task " + manifest.taskId() + ", not "
                    + "--task " + task + ": validators would score it 1 and slash the stake");
        }
        if (!manifest.contributor().equals(me.toLowerCase(Locale.ROOT))) {
            throw new CliException("manifest " + Arguments.hex(digest) + " names contributor " + manifest.contributor()
                    + ", but the wallet is " + me + ": validators would score it 1 and slash the stake");
        }
        Contributing.requireSealedToCurrentValidators(session, manifest);
        if (manifest.kind() == ContributionKind.MODEL_UPDATE) {
            Chain chain = session.chain();
            var head = chain.read(chain.models()
                    .commit(chain.read(chain.models().branchHead(registered.idNumber(), registered.defaultBranch()))));
            String headSha256 = Contributing.hex(head.weightsDigest);
            String base = manifest.baseModel().orElse("");
            boolean current = base.equals(headSha256)
                    || base.equals(ModelFile.ofCommit(head.weightsDigest, head.weightsRoot)
                            .cid()
                            .toString());
            if (!current) {
                session.err()
                        .println("warning: the update was trained from model " + base + ", not from the task's "
                                + "current global model (" + headSha256
                                + "); validators compare it with the current one");
            }
        }
        return manifest;
    }
}
