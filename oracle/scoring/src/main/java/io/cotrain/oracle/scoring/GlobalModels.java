package io.cotrain.oracle.scoring;

import io.cotrain.client.AtomicFiles;
import io.cotrain.client.ContractCalls;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ModelRegistry.CommitView;
import io.cotrain.ipfs.ContentMismatchException;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.ModelCodec;
import io.cotrain.oracle.evaluation.TaskContext;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.DefaultBlockParameter;

/**
 * The global models of the tasks this node evaluates, as the model registry records them.
 *
 * <p>A contribution is judged against the head of its task's default branch as of the block it was submitted in. Every
 * validator reads the same registry state at that block, whenever it judges (eagerly when the contribution appears,
 * or later after a restart), so all of them judge against the same model even while a new commit is being recorded.
 * A task the registry does not know is judged against the model the node's configuration gives.
 *
 * <p>Model files come from this node's {@code models/} directory when it computed them, else from IPFS, verified
 * against the commit's sha256.
 */
public final class GlobalModels implements GlobalModelSource {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalModels.class);

    private final Function<DefaultBlockParameter, ModelRegistry> registryAt;
    private final ContentStore content;
    private final TaskCatalog tasks;
    private final Path modelsDirectory;
    private final ChainReads chain;

    /**
     * @param registryAt a read-only binding of the model registry reading the state at a given block
     * @param dataDirectory the node's data directory; models are kept in its {@code models/}
     */
    GlobalModels(
            Function<DefaultBlockParameter, ModelRegistry> registryAt,
            ContentStore content,
            TaskCatalog tasks,
            Path dataDirectory,
            ChainReads chain) {
        this.registryAt = registryAt;
        this.content = content;
        this.tasks = tasks;
        this.modelsDirectory = PrivateFiles.directory(dataDirectory.resolve("models"));
        this.chain = chain;
    }

    @Override
    public Optional<TaskContext> contextFor(ContributionRecord contribution) {
        if (!tasks.has(contribution.taskId())) return Optional.empty();
        return Optional.of(headAt(contribution.taskId(), DefaultBlockParameter.valueOf(contribution.submittedBlock())));
    }

    /**
     * @param taskId a configured task
     * @param block the chain state to read
     * @return the task with the head of its default branch at {@code block} (the configured model if unregistered)
     */
    public TaskContext headAt(long taskId, DefaultBlockParameter block) {
        return headCommitAt(taskId, block)
                .map(head -> ofCommit(taskId, head))
                .orElseGet(() -> tasks.task(taskId).orElseThrow());
    }

    /**
     * @param taskId a task
     * @param block the chain state to read
     * @return the head commit of its default branch at {@code block}, empty if the registry did not know it then
     */
    public Optional<CommitView> headCommitAt(long taskId, DefaultBlockParameter block) {
        ModelRegistry registry = registryAt.apply(block);
        BigInteger task = BigInteger.valueOf(taskId);
        BigInteger registered = read("modelCount", () -> registry.modelCount().send());
        if (task.compareTo(registered) > 0) return Optional.empty();
        BigInteger defaultBranch =
                read("model(" + taskId + ")", () -> registry.model(task).send()).component2();
        BigInteger head = read(
                "branchHead", () -> registry.branchHead(task, defaultBranch).send());
        return Optional.of(
                read("commit(" + head + ")", () -> registry.commit(head).send()));
    }

    /**
     * @param taskId a configured task
     * @param commit one of its commits
     * @return the task with that commit's model as global model
     */
    public TaskContext ofCommit(long taskId, CommitView commit) {
        return tasks.task(taskId, modelOf(commit));
    }

    /**
     * @param commit a commit
     * @return its model file: this node's copy if it has one, else fetched from IPFS and verified
     * @throws TransientFailureException if IPFS cannot deliver it now
     */
    public byte[] modelOf(CommitView commit) {
        return modelOf(ModelFile.ofCommit(commit.weightsDigest, commit.weightsRoot));
    }

    /**
     * @param file a model file the registry names, e.g. a task's base model
     * @return this node's copy of it, fetched from IPFS and verified first if it has none
     * @throws TransientFailureException if IPFS cannot deliver it now
     */
    public Path localCopy(ModelFile file) {
        modelOf(file);
        return copyOf(HexFormat.of().formatHex(file.sha256()));
    }

    private byte[] modelOf(ModelFile file) {
        String sha256 = HexFormat.of().formatHex(file.sha256());
        Path local = copyOf(sha256);
        try {
            if (Files.exists(local)) {
                byte[] bytes = Files.readAllBytes(local);
                if (ModelCodec.sha256Hex(bytes).equals(sha256)) return bytes;
            }
        } catch (IOException e) {
            LOG.warn("cannot read {}, fetching it from IPFS instead: {}", local, e.getMessage());
        }
        try {
            byte[] bytes = content.fetchModel(file, tasks.limits().maxModelBytes());
            keep(bytes);
            return bytes;
        } catch (IpfsException | ContentMismatchException e) {
            throw new TransientFailureException(
                    "global model " + file + " is not available from IPFS: " + e.getMessage(), e);
        }
    }

    /**
     * Keeps a model this node computed or fetched, by its sha256.
     *
     * @param model a model file
     */
    public void keep(byte[] model) {
        AtomicFiles.write(copyOf(ModelCodec.sha256Hex(model)), model);
    }

    private Path copyOf(String sha256Hex) {
        return modelsDirectory.resolve(sha256Hex + ".zip");
    }

    private <T> T read(String what, ContractCalls.Call<T> call) {
        return chain.read(what, call);
    }
}
