package io.cotrain.cli;

import io.cotrain.client.PlannedCall;
import io.cotrain.client.SealingRecipients;
import io.cotrain.client.TransactionPlans;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.ProtocolParameter;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.ipfs.Sealing;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.DatasetFormatException;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.SchemaDocument;
import io.cotrain.oracle.evaluation.TabularDataset;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.web3j.crypto.ECKeyPair;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple4;
import org.web3j.utils.Numeric;

/** What the contributing commands share: the task as the model registry records it, stake checks, submission. */
final class Contributing {
    static final EvaluationLimits LIMITS = EvaluationLimits.defaults();

    private Contributing() {}

    /**
     * A task: a model of the model registry.
     *
     * @param id the task (model) id
     * @param spec what its owner registered
     * @param defaultBranch the branch rounds train on
     * @param branchCount its branches
     * @param lastRound the last round aggregated into a commit
     */
    record Task(
            long id,
            ModelRegistry.ModelSpec spec,
            BigInteger defaultBranch,
            BigInteger branchCount,
            BigInteger lastRound) {
        BigInteger idNumber() {
            return BigInteger.valueOf(id);
        }
    }

    /**
     * The model training starts from: the head commit of the task's default branch.
     *
     * @param commitId the commit
     * @param commit its record
     * @param bytes the model file, verified against the commit's sha256
     */
    record GlobalModel(BigInteger commitId, ModelRegistry.CommitView commit, byte[] bytes) {
        /** @return the model file's sha256, the {@code baseModel} of an update's manifest */
        String sha256Hex() {
            return ModelCodec.sha256Hex(bytes);
        }
    }

    /** A contribution recorded on chain. */
    record Submitted(BigInteger id, BigInteger round, String transactionHash) {}

    /**
     * @param session the session
     * @param id a task id
     * @return the task
     * @throws CliException when the model registry has no such model
     */
    static Task task(Session session, long id) {
        Chain chain = session.chain();
        BigInteger count = chain.read(chain.models().modelCount());
        if (BigInteger.valueOf(id).compareTo(count) > 0) {
            throw new CliException("unknown task " + id + ": the model registry at "
                    + chain.addresses().modelRegistry()
                    + (count.signum() == 0 ? " has no tasks yet" : " has tasks 1 to " + count)
                    + ": check --task, and that --deployment / --rpc-url name the network the task is on");
        }
        Tuple4<ModelRegistry.ModelSpec, BigInteger, BigInteger, BigInteger> model =
                chain.read(chain.models().model(BigInteger.valueOf(id)));
        return new Task(id, model.component1(), model.component2(), model.component3(), model.component4());
    }

    /**
     * @param session the session
     * @param task the task
     * @return its data schema, read from IPFS by the registry's schemaDigest and verified
     */
    static DataSchema schema(Session session, Task task) {
        Cid cid = Cid.ofDigest(task.spec().schemaDigest);
        byte[] document;
        try {
            document = session.ipfs().fetchVerified(cid, task.spec().schemaDigest, SchemaDocument.MAX_BYTES);
        } catch (IpfsException e) {
            if (e.failure() == IpfsException.Failure.NODE_UNREACHABLE) throw e;
            throw new CliException(
                    "cannot read task " + task.id() + "'s schema document " + cid + " from the IPFS " + "node at "
                            + session.ipfsUrl() + ": " + e.getMessage(),
                    CliException.UNAVAILABLE,
                    e);
        }
        try {
            return SchemaDocument.read(document);
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    "task " + task.id() + "'s schema document " + cid + " is not a valid schema: " + e.getMessage());
        }
    }

    /**
     * @param session the session
     * @param task the task
     * @return the head of its default branch, fetched from IPFS and verified against the commit's sha256
     */
    static GlobalModel globalModel(Session session, Task task) {
        Chain chain = session.chain();
        BigInteger head = chain.read(chain.models().branchHead(task.idNumber(), task.defaultBranch()));
        ModelRegistry.CommitView commit = chain.read(chain.models().commit(head));
        ModelFile file = ModelFile.ofCommit(commit.weightsDigest, commit.weightsRoot);
        try {
            return new GlobalModel(head, commit, session.ipfs().fetchModel(file, LIMITS.maxModelBytes()));
        } catch (IpfsException e) {
            if (e.failure() == IpfsException.Failure.NODE_UNREACHABLE) throw e;
            throw new CliException(
                    "cannot read task " + task.id() + "'s global model (commit " + head + ", " + file.cid()
                            + ") from the IPFS node at " + session.ipfsUrl() + ": " + e.getMessage(),
                    CliException.UNAVAILABLE,
                    e);
        }
    }

    /**
     * @param data the file's bytes: a CSV file or JSON records
     * @param schema the task's schema
     * @param file the file, for the message
     * @return the parsed rows
     * @throws CliException naming the file, line or record, column and value of the first problem
     */
    static TabularDataset parseData(byte[] data, DataSchema schema, Path file) {
        try {
            return TabularDataset.parse(data, schema, LIMITS);
        } catch (DatasetFormatException e) {
            String hint = e.inHeader() || schema.image().isPresent()
                    ? ""
                    : " (the task's columns are " + String.join(",", schema.columns()) + "; "
                            + "features are numbers, labels " + labels(schema) + ")";
            throw new CliException(file + ": " + e.getMessage() + hint, CliException.FAILED, e);
        }
    }

    private static String labels(DataSchema schema) {
        if (schema.metric().regression()) return "numbers (a regression task)";
        return schema.classNames().isEmpty()
                ? "0.." + (schema.classCount() - 1)
                : "one of " + String.join(",", schema.classNames());
    }

    /**
     * Checks, before anything is trained or uploaded, that the wallet can submit one more contribution to the round
     * open now: the protocol runs, the account is registered, has the round's stake per contribution free, and
     * neither the round nor the account's share of it is full.
     *
     * @param session the session
     * @throws CliException saying what stands in the way and what to do
     */
    static void requireCanSubmit(Session session) {
        Chain chain = session.chain();
        CotrainProtocol protocol = chain.protocol();
        if (chain.read(protocol.paused())) throw new CliException(Failures.PAUSED);
        CotrainProtocol.ContributorProfile profile = chain.read(protocol.contributorProfile(session.address()));
        if (!profile.registered) {
            throw Failures.notRegistered(session.address(), session.minContributorStake());
        }
        BigInteger round = chain.read(protocol.currentRound());
        BigInteger perContribution = chain.roundParameter(round, ProtocolParameter.STAKE_PER_CONTRIBUTION);
        BigInteger free = profile.stake.subtract(profile.lockedStake);
        if (free.compareTo(perContribution) < 0) throw Failures.insufficientFreeStake("submit", free, perContribution);
        BigInteger perContributor = chain.roundParameter(round, ProtocolParameter.MAX_CONTRIBUTIONS_PER_CONTRIBUTOR);
        if (profile.lastRound.equals(round) && profile.lastRoundSubmissions.compareTo(perContributor) >= 0) {
            throw Failures.contributorRoundLimit(round, perContributor, session.roundTimes(round));
        }
        BigInteger perRound = chain.roundParameter(round, ProtocolParameter.MAX_CONTRIBUTIONS_PER_ROUND);
        CotrainProtocol.RoundView info = chain.read(protocol.roundInfo(round));
        if (info.exists && info.contributionCount.compareTo(perRound) >= 0) {
            throw Failures.roundFull(round, perRound, session.roundTimes(round));
        }
    }

    /**
     * @param chain the chain
     * @param digest a content digest
     * @return the contribution it was submitted as, if it was
     */
    static Optional<FailureContext.Submission> submitted(Chain chain, byte[] digest) {
        return chain.contribution(digest)
                .map(view -> new FailureContext.Submission(
                        view.id,
                        view.contributor,
                        view.round,
                        ContributionStatus.of(view.status),
                        view.consensusScore.intValue()));
    }

    /**
     * Checks that a manifest was never submitted: a content digest is accepted once, ever.
     *
     * @param session the session
     * @param digest the manifest's sha256
     * @throws CliException naming the contribution it was submitted as
     */
    static void requireNew(Session session, byte[] digest) {
        Optional<FailureContext.Submission> earlier = submitted(session.chain(), digest);
        if (earlier.isPresent()) {
            throw Failures.duplicateContent(digest, earlier.get().id(), earlier, session.address());
        }
    }

    /**
     * Seals a contribution's content to the validators the registry holds keys for, and to the contributor itself
     * (so that it can reveal the content key later with its own wallet), and stores the ciphertext on IPFS. The keys
     * are derived from the wallet's, so the same content sealed to the same validators is the same manifest.
     *
     * @param session the session
     * @param plain the manifest as it would name the plaintext
     * @param plaintext the content, which never leaves this machine unsealed
     * @param privacy the differential privacy of a model update's release, if noise was added
     * @return the manifest naming the ciphertext and its sealing, not stored yet
     * @throws CliException when no validator has published its key: nobody could open the content
     */
    static ContributionManifest seal(
            Session session,
            ContributionManifest plain,
            byte[] plaintext,
            Optional<ContributionManifest.Privacy> privacy) {
        Map<String, byte[]> validators = SealingRecipients.of(session.chain().validators());
        if (validators.isEmpty()) {
            throw new CliException("no validator has published its public key yet, so nothing can be sealed to the "
                    + "validators: try again once a validator node has started");
        }
        Map<String, byte[]> recipients = new LinkedHashMap<>(validators);
        ECKeyPair wallet = session.wallet().getEcKeyPair();
        recipients.put(session.address().toLowerCase(Locale.ROOT), Numeric.toBytesPadded(wallet.getPublicKey(), 64));
        // keys derived from the wallet's: the same content sealed again is the same manifest, recognized as submitted
        Sealing.KeySource keys = Sealing.KeySource.derived(Numeric.toBytesPadded(wallet.getPrivateKey(), 32));
        ContributionManifest named = privacy.map(plain::withPrivacy).orElse(plain);
        ContributionManifest sealed = session.ipfs().putSealed(named, plaintext, recipients, keys);
        session.err()
                .println("sealed " + plain.artifacts().getFirst().name() + " to " + validators.size()
                        + " validator(s) and this wallet; IPFS holds only its ciphertext "
                        + sealed.artifacts().getFirst().cid());
        return sealed;
    }

    /**
     * Checks that sealed content can be judged by every validator that holds a key now: one it leaves out would floor
     * it.
     *
     * @param session the session
     * @param manifest a manifest to submit
     * @throws CliException naming the validators it is not sealed to
     */
    static void requireSealedToCurrentValidators(Session session, ContributionManifest manifest) {
        if (manifest.sealing().isEmpty()) {
            session.err()
                    .println("warning: the manifest's content is not sealed: anyone can read and copy it from IPFS");
            return;
        }
        List<String> missing = manifest.sealing()
                .get()
                .missing(SealingRecipients.of(session.chain().validators()).keySet());
        if (!missing.isEmpty()) {
            throw new CliException("manifest " + Arguments.hex(manifest.digest()) + " is not sealed to validators "
                    + missing + ", whose keys the registry holds now: they would score it 1 and slash the stake; "
                    + "make it again ('cotrain train', or 'cotrain submit --dataset') to seal it to the current set");
        }
    }

    /**
     * Submits a contribution whose manifest is on IPFS.
     *
     * @param session the session
     * @param kind what it is
     * @param digest the manifest's sha256
     * @param taskId the task
     * @return the recorded contribution
     */
    static Submitted submit(Session session, ContributionKind kind, byte[] digest, long taskId) {
        PlannedCall call = TransactionPlans.submitContribution(session.chain().protocol(), kind, digest, taskId);
        TransactionReceipt receipt = session.send(call.description(), call.to(), call.data());
        var event = CotrainProtocol.getContributionSubmittedEvents(receipt).getFirst();
        return new Submitted(event.id, event.round, receipt.getTransactionHash());
    }

    /** Prints a submission's outcome. */
    static void printSubmitted(Session session, Submitted submitted, long taskId, byte[] digest) {
        session.out()
                .println("submitted contribution " + submitted.id() + " to round " + submitted.round() + " of task "
                        + taskId);
        session.out().println("manifest digest: " + Arguments.hex(digest));
        session.out().println("transaction: " + submitted.transactionHash());
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
