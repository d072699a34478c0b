package io.cotrain.validator.gateway;

import io.cotrain.client.TransactionPlans;
import io.cotrain.contracts.AggregationMethod;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentMismatchException;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.SchemaDocument;
import io.cotrain.oracle.evaluation.TaskContext;
import io.cotrain.validator.gateway.InvalidInputException.Violation;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A model description as a client posts it to {@code POST /models/register}: documents already stored on IPFS, named
 * by CID or digest, and the rule and weights. {@link #toSpec} checks it the way the contract and the validators will,
 * before anybody pays gas: the schema document parses, the base model is a model of that schema, the rule's
 * parameters are in range and the weights are whole.
 *
 * @param owner the wallet that signs and receives the model NFT
 * @param baseModelCid the base model file's CID
 * @param baseModelSha256 the file's sha256 (needed only when the CID is not a raw block)
 * @param heldOutDigest the sha256 of the held-out set, which validators bind their copy to (never published)
 * @param schemaDigest the sha256 of the schema document ({@code SchemaDocument}) on IPFS
 * @param rule fedavg, median, trimmed-mean, krum or multi-krum
 * @param ruleParameterA trimmed-mean: basis points trimmed per side; krum, multi-krum: f
 * @param ruleParameterB multi-krum: m
 * @param rewardWeights model update, dataset and validation weights in basis points, summing to 10,000
 * @param signedTransaction a registerModel transaction the wallet signed from an earlier plan, relayed as it is; the
 *     other fields are then ignored
 */
public record ModelRegistration(
        String owner,
        String baseModelCid,
        String baseModelSha256,
        String heldOutDigest,
        String schemaDigest,
        String rule,
        Integer ruleParameterA,
        Integer ruleParameterB,
        List<Integer> rewardWeights,

        @Schema(
                description = "a registerModel transaction the wallet signed from an earlier plan, 0x-prefixed hex: "
                        + "relayed as it is (202 with its hash); the other fields are then ignored")
        String signedTransaction) {

    /**
     * @return the spec to register
     * @throws InvalidInputException naming every malformed field at once
     * @throws UnusableContentException if a document is not on IPFS, does not match its digest or does not fit
     * @throws TemporarilyUnavailableException if IPFS does not answer
     */
    public ModelRegistry.ModelSpec toSpec(ContentStore content, EvaluationLimits limits) {
        List<Violation> problems = new ArrayList<>();
        Cid base = cid("baseModelCid", baseModelCid, problems);
        byte[] baseSha256 = baseModelSha256 == null || baseModelSha256.isBlank()
                ? null
                : Inputs.digest("baseModelSha256", baseModelSha256, problems);
        if (base != null && !base.isRaw() && baseSha256 == null) {
            problems.add(new Violation(
                    "baseModelSha256",
                    baseModelSha256,
                    "baseModelSha256 is required: baseModelCid " + base + " is not a raw block"));
        }
        byte[] heldOut = Inputs.digest("heldOutDigest", heldOutDigest, problems);
        byte[] schema = Inputs.digest("schemaDigest", schemaDigest, problems);
        AggregationMethod method = null;
        try {
            method = AggregationMethod.ofName(rule);
        } catch (IllegalArgumentException unknown) {
            problems.add(new Violation("rule", rule, unknown.getMessage()));
        }
        int a = ruleParameter("ruleParameterA", ruleParameterA, problems);
        int b = ruleParameter("ruleParameterB", ruleParameterB, problems);
        List<Integer> weights = rewardWeights == null ? List.of(10_000, 0, 0) : rewardWeights;
        if (weights.size() != 3
                || weights.stream().anyMatch(w -> w == null || w < 0 || w > 10_000)
                || weights.stream().mapToInt(Integer::intValue).sum() != 10_000) {
            problems.add(new Violation(
                    "rewardWeights",
                    String.valueOf(weights),
                    "rewardWeights are three basis points (model update, dataset, validation) summing to 10000, got "
                            + weights));
        }
        if (!problems.isEmpty()) throw new InvalidInputException(problems);

        DataSchema dataSchema;
        Cid schemaCid = Cid.ofDigest(schema);
        try {
            dataSchema = SchemaDocument.read(
                    fetch(content, schemaCid, schema, SchemaDocument.MAX_BYTES, "the schema document"));
        } catch (IllegalArgumentException e) {
            throw new UnusableContentException(
                    schemaCid, "the document schemaDigest names is no schema document: " + e.getMessage());
        }
        byte[] sha256 = baseSha256 != null ? baseSha256 : base.digest();
        byte[] model = fetch(content, base, sha256, limits.maxModelBytes(), "the base model");
        try {
            TaskContext.readBaseModel(dataSchema, model, limits); // its architecture is the task's
        } catch (RuntimeException e) {
            throw new UnusableContentException(
                    base, "the base model is not a model of the schema (" + dataSchema + "): " + e.getMessage());
        }
        return TransactionPlans.modelSpec(sha256, base.digest(), heldOut, schema, method, a, b, weights);
    }

    private static Cid cid(String field, String value, List<Violation> problems) {
        try {
            return Cid.parse(value == null ? "" : value.strip());
        } catch (RuntimeException e) {
            problems.add(new Violation(field, value, field + " is not a CIDv1 (" + Inputs.echo(value) + ")"));
            return null;
        }
    }

    /** @return the parameter, 0 when absent, or 0 after adding a violation when it does not fit in a uint16 */
    private static int ruleParameter(String field, Integer value, List<Violation> problems) {
        if (value == null) return 0;
        if (value < 0 || value > 65_535) {
            problems.add(new Violation(field, value.toString(), field + " must be 0..65535, got " + value));
            return 0;
        }
        return value;
    }

    private static byte[] fetch(ContentStore content, Cid cid, byte[] sha256, long maxBytes, String what) {
        try {
            return content.fetchVerified(cid, sha256, maxBytes);
        } catch (ContentMismatchException e) {
            throw new UnusableContentException(cid, what + " at " + cid + " does not match its digest");
        } catch (IpfsException e) {
            if (e.failure() == IpfsException.Failure.NODE_UNREACHABLE) {
                throw new TemporarilyUnavailableException(
                        "the IPFS node does not answer this gateway now; try again shortly");
            }
            throw new UnusableContentException(
                    cid,
                    what + " " + cid + " cannot be fetched from IPFS (" + e.getMessage() + "): add and pin it first");
        }
    }
}
