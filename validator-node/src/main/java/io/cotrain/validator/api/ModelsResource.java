package io.cotrain.validator.api;

import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.validator.ProblemException;
import io.cotrain.validator.gateway.CandidateEvaluator;
import io.cotrain.validator.gateway.GatewayViews.CommitView;
import io.cotrain.validator.gateway.GatewayViews.EvaluationView;
import io.cotrain.validator.gateway.GatewayViews.ModelStatusView;
import io.cotrain.validator.gateway.GatewayViews.RoundView;
import io.cotrain.validator.gateway.GatewayViews.TransactionPlan;
import io.cotrain.validator.gateway.Inputs;
import io.cotrain.validator.gateway.ModelRegistration;
import io.cotrain.validator.gateway.NetworkReader;
import io.cotrain.validator.gateway.TransactionBuilder;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** Models (training tasks): status, commits, rounds, registration and evaluation of a candidate. */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {
    private static final int MAX_LISTED = 100;

    /** @param sha256 the file's sha256, needed when the CID is not a raw block */
    public record EvaluateRequest(String cid, String sha256) {}

    @Inject
    NetworkReader reader;

    @Inject
    TransactionBuilder transactions;

    @Inject
    CandidateEvaluator evaluator;

    @Inject
    ContentStore content;

    @GET
    @Operation(summary = "Every registered model's status, by task id (at most 100)")
    public List<ModelStatusView> models() {
        long count = Math.min(reader.modelCount(), MAX_LISTED);
        List<ModelStatusView> views = new ArrayList<>();
        for (long id = 1; id <= count; id++) views.add(reader.status(id));
        return views;
    }

    @GET
    @Path("{id}/status")
    @Operation(
            summary = "Task, current round and phase, branch heads, latest held-out accuracy, contributor and "
                    + "validator counts")
    public ModelStatusView status(@PathParam("id") String id) {
        return reader.status(Inputs.taskId(id));
    }

    @GET
    @Path("{id}/commits")
    @Operation(summary = "The model's commits (global models), oldest first, with parents, metrics and branch heads")
    public List<CommitView> commits(@PathParam("id") String id) {
        return reader.commits(Inputs.taskId(id));
    }

    @GET
    @Path("{id}/rounds")
    @Operation(
            summary = "The latest rounds with contributions to the model: contributions, consensus scores, "
                    + "rewards, slashes and how validators agreed")
    public List<RoundView> rounds(@PathParam("id") String id, @QueryParam("limit") @DefaultValue("10") int limit) {
        if (limit < 1 || limit > 100) throw ProblemException.badRequest("limit is 1..100, got " + limit);
        return reader.rounds(Inputs.taskId(id), limit);
    }

    @POST
    @Path("register")
    @Consumes(MediaType.APPLICATION_JSON)
    @RateLimited
    @Operation(
            summary = "Check a model description and return the unsigned registerModel transaction, or relay a "
                    + "signed one ({\"signedTransaction\": \"0x...\"})")
    @CustomDeserialization(BodyProblems.Strict.class)
    public Response register(ModelRegistration registration) {
        Optional<Response> relayed = WalletRequests.relayed(
                transactions,
                TransactionBuilder.Purpose.REGISTER_MODEL,
                registration,
                ModelRegistration::signedTransaction);
        if (relayed.isPresent()) return relayed.get();
        String owner = Inputs.address("owner", registration.owner());
        var spec = registration.toSpec(content, EvaluationLimits.defaults());
        TransactionPlan plan = transactions.registerModel(owner, spec);
        return Response.ok(plan).build();
    }

    @POST
    @Path("{id}/evaluate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Authenticated
    @RateLimited
    @SecurityRequirement(name = "bearer")
    @Operation(
            summary = "Evaluate a model file on IPFS against the task's held-out set, as this node's validator "
                    + "would judge it as a model update: metrics and the score it would get")
    public EvaluationView evaluate(@PathParam("id") String id, EvaluateRequest request) {
        long taskId = Inputs.taskId(id);
        if (request == null || request.cid() == null) {
            throw ProblemException.badRequest(
                    "post {\"cid\": the model file's CID, \"sha256\": its sha256 when the CID "
                            + "is not a raw block}");
        }
        Cid cid;
        try {
            cid = Cid.parse(request.cid().strip());
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("cid is not a CIDv1: '" + request.cid() + "'");
        }
        Optional<byte[]> sha256 =
                Optional.ofNullable(request.sha256()).filter(s -> !s.isBlank()).map(s -> Inputs.digest("sha256", s));
        return evaluator.evaluate(taskId, cid, sha256);
    }
}
