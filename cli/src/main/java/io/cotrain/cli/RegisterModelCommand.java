package io.cotrain.cli;

import io.cotrain.client.PlannedCall;
import io.cotrain.client.TransactionPlans;
import io.cotrain.contracts.AggregationMethod;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.HeldOutMetrics;
import io.cotrain.oracle.evaluation.SchemaDocument;
import io.cotrain.oracle.evaluation.TabularDataset;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.oracle.evaluation.TaskModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cotrain register-model}: a model owner creates a training task. The base model and the data schema document
 * go to IPFS; the model registry records their digests, the sha256 of the held-out set (which is never published:
 * validators bind their copy of it to this digest before they serve the task), the aggregation rule and the reward
 * weights, and mints the model NFT to the caller.
 */
@Command(
        name = "register-model",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Create a training task (model owners): store the base model and the data schema on IPFS and register "
                    + "them with the held-out set's sha256 in the model registry, which mints the model NFT to you. "
                    + "Its id is the task id contributors name.",
            "From raw data: --sample FILE --label COLUMN derives the schema (class names, numeric features and "
                    + "their standardization) and, without --base-model, trains the template's model on the sample."
        })
final class RegisterModelCommand extends ContributorCommand {
    /** The registry's AggregationRule enum, in order. */
    @Mixin
    SchemaOptions schemaOptions;

    @Option(
            names = "--base-model",
            paramLabel = "FILE.zip",
            description = "the first global model (see init-model, or DL4J's ModelSerializer): a DL4J "
                    + "MultiLayerNetwork or ComputationGraph that fits the schema; its architecture is the task's "
                    + "(default: the template below, trained on --sample)")
    Path baseModel;

    @Mixin
    ModelTemplateOptions template;

    @Option(
            names = "--held-out",
            required = true,
            paramLabel = "FILE",
            description = "the held-out set validators evaluate on (CSV or JSON records, with the schema's columns): "
                    + "only its sha256 is recorded; hand it to the validators with share-held-out")
    Path heldOut;

    @Option(
            names = "--rule",
            defaultValue = "fedavg",
            paramLabel = "RULE",
            completionCandidates = AggregationRuleNames.class,
            description = "aggregation rule: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    String rule;

    @Option(
            names = "--rule-a",
            defaultValue = "0",
            paramLabel = "A",
            description = "trimmed-mean: basis points trimmed per side (< 5000); krum, multi-krum: f")
    int ruleA;

    @Option(
            names = "--rule-b",
            defaultValue = "0",
            paramLabel = "B",
            description = "multi-krum: m, the updates averaged")
    int ruleB;

    @Option(
            names = "--reward-weights",
            defaultValue = "10000,0,0",
            split = ",",
            paramLabel = "BPS",
            description = "model update, dataset and validation weights in basis points, summing to 10000 "
                    + "(default: ${DEFAULT-VALUE})")
    List<Integer> rewardWeights;

    @Override
    void run(Session session) {
        AggregationMethod method;
        try {
            method = AggregationMethod.ofName(rule.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new CliException("--" + unknown.getMessage(), CliException.USAGE, unknown);
        }
        if (rewardWeights.size() != 3) {
            throw new CliException(
                    "--reward-weights takes three values (model update, dataset, validation), got " + rewardWeights,
                    CliException.USAGE,
                    null);
        }
        SchemaOptions.Resolved resolved = schemaOptions.resolve(session);
        DataSchema schema = resolved.schema();
        byte[] given = givenModel(session);
        TaskModel network = given == null ? null : fitting(schema, given);
        byte[] heldOutSet = session.readFile(heldOut, "--held-out");
        TabularDataset heldOutData = Contributing.parseData(heldOutSet, schema, heldOut);
        // Trained only once the held-out set is known to be good: training takes a while.
        byte[] model = given != null ? given : trainedModel(session, resolved);
        if (network == null) network = fitting(schema, model);
        String baseAccuracy = String.format(
                Locale.ROOT,
                "base model %s: on the held-out set's %d rows %s",
                network.architecture().summary(),
                heldOutData.rows(),
                HeldOutMetrics.measure(network, heldOutData).summary());
        Cid heldOutCid = Cid.of(heldOutSet);
        byte[] schemaDocument = SchemaDocument.write(schema);

        ContentStore ipfs = session.ipfs();
        ModelFile base = ipfs.putModel(model);
        Cid schemaCid = ipfs.putVerified(schemaDocument);
        var spec = TransactionPlans.modelSpec(
                base.sha256(),
                base.root(),
                heldOutCid.digest(),
                schemaCid.digest(),
                method,
                ruleA,
                ruleB,
                rewardWeights);
        PlannedCall register = TransactionPlans.registerModel(session.chain().models(), spec);
        TransactionReceipt receipt = session.send(register.function(), register.to(), register.data());
        var registered = ModelRegistry.getModelRegisteredEvents(receipt).getFirst();
        session.out()
                .println("registered task " + registered.modelId + " (model NFT " + registered.modelId
                        + ", base commit " + registered.baseCommit + ")");
        session.out()
                .println("base model " + base.cid() + ", schema " + schemaCid + ", held-out set sha256 "
                        + heldOutCid.digestHex() + " (not published: hand " + heldOut + " to the task's validators "
                        + "with share-held-out)");
        session.out().println(baseAccuracy);
        session.out().println("transaction: " + receipt.getTransactionHash());
    }

    /** The {@code --base-model} file's bytes, or null when the command is to train one. */
    private byte[] givenModel(Session session) {
        if (baseModel == null) return null;
        if (template.epochs != null) {
            throw new CliException(
                    "--epochs trains the base model register-model makes: leave it out with --base-model",
                    CliException.USAGE,
                    null);
        }
        return session.readFile(baseModel, "--base-model");
    }

    private byte[] trainedModel(Session session, SchemaOptions.Resolved resolved) {
        if (resolved.sample().isEmpty()) {
            throw new CliException(
                    "give --base-model FILE.zip (see init-model), or --sample to train one", CliException.USAGE, null);
        }
        return template.baseModel(resolved.schema(), resolved.sample(), session);
    }

    private TaskModel fitting(DataSchema schema, byte[] model) {
        try {
            return TaskContext.readBaseModel(schema, model, Contributing.LIMITS);
        } catch (RuntimeException e) {
            throw new CliException("--base-model " + baseModel + " is not a model of that schema: " + e.getMessage());
        }
    }
}
