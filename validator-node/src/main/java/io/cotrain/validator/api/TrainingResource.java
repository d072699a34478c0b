package io.cotrain.validator.api;

import static io.cotrain.validator.api.WalletRequests.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.validator.ProblemException;
import io.cotrain.validator.gateway.GatewayViews.TransactionPlan;
import io.cotrain.validator.gateway.Inputs;
import io.cotrain.validator.gateway.NetworkReader;
import io.cotrain.validator.gateway.TransactionBuilder;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.function.LongFunction;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/**
 * Joining a task and submitting to it through a wallet: each endpoint returns the unsigned transactions to sign, or
 * relays a signed one ({@code {"signedTransaction": "0x..."}}).
 */
@Path("/training")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TrainingResource {
    @Inject
    NetworkReader reader;

    @Inject
    TransactionBuilder transactions;

    @POST
    @Path("join/{id}")
    @RateLimited
    @Operation(
            summary = "What a wallet sends to contribute to a task: {\"address\", \"stake\" (optional, in the "
                    + "token's smallest unit)} gives the approval and registration (or stake increase) needed, "
                    + "or nothing")
    public Response join(
            @PathParam("id") String id,
            @RequestBody(content = @Content(schema = @Schema(implementation = WalletBodies.Join.class)))
                    JsonNode body) {
        return planOrRelay(
                id,
                TransactionBuilder.Purpose.JOIN,
                body,
                taskId -> transactions.join(
                        address(body),
                        taskId,
                        Optional.ofNullable(text(body, "stake")).map(WalletRequests::amount)));
    }

    @POST
    @Path("submit/{id}")
    @RateLimited
    @Operation(
            summary = "The submitContribution transaction for a manifest on IPFS: {\"address\", \"manifest\" (its "
                    + "raw CID or sha256), \"kind\" (MODEL_UPDATE, DATASET, VALIDATION_WORK)}")
    public Response submit(
            @PathParam("id") String id,
            @RequestBody(content = @Content(schema = @Schema(implementation = WalletBodies.Submit.class)))
                    JsonNode body) {
        return planOrRelay(id, TransactionBuilder.Purpose.SUBMIT, body, taskId -> {
            String kindName = Optional.ofNullable(text(body, "kind")).orElse("MODEL_UPDATE");
            ContributionKind kind;
            try {
                kind = ContributionKind.ofApiName(kindName);
            } catch (IllegalArgumentException unknown) {
                throw ProblemException.badRequest(unknown.getMessage());
            }
            return transactions.submit(
                    address(body), taskId, kind, WalletRequests.manifestDigest(text(body, "manifest")));
        });
    }

    /** For a registered task: relays a signed transaction, or answers with the plan the body asks for. */
    private Response planOrRelay(
            String id, TransactionBuilder.Purpose purpose, JsonNode body, LongFunction<TransactionPlan> plan) {
        long taskId = Inputs.taskId(id);
        reader.requireModel(taskId);
        return WalletRequests.relayed(transactions, purpose, body)
                .orElseGet(() -> Response.ok(plan.apply(taskId)).build());
    }

    private static String address(JsonNode body) {
        return Inputs.address("address", text(body, "address"));
    }
}
