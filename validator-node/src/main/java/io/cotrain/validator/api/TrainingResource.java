package io.cotrain.validator.api;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.validator.gateway.GatewayViews.SealingKeyView;
import io.cotrain.validator.gateway.GatewayViews.TransactionPlan;
import io.cotrain.validator.gateway.Inputs;
import io.cotrain.validator.gateway.NetworkReader;
import io.cotrain.validator.gateway.SealingCheck;
import io.cotrain.validator.gateway.TransactionBuilder;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.web3j.utils.Numeric;

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

    @Inject
    SealingCheck sealing;

    @GET
    @Path("sealing-keys")
    @RateLimited
    @Operation(
            summary = "The validators a contribution's content must be sealed to (ECIES on secp256k1, AES-256-GCM, "
                    + "as 'cotrain train' does): each admitted validator's address and 64-byte public key, hex")
    public List<SealingKeyView> sealingKeys() {
        return sealing.keys().entrySet().stream()
                .map(key -> new SealingKeyView(key.getKey(), Numeric.toHexString(key.getValue())))
                .toList();
    }

    @POST
    @Path("join/{id}")
    @RateLimited
    @Operation(
            summary = "What a wallet sends to contribute to a task: {\"address\", \"stake\" (optional, in the "
                    + "token's smallest unit)} gives the approval and registration (or stake increase) needed, "
                    + "or nothing")
    public Response join(@PathParam("id") String id, WalletBodies.Join body) {
        return planOrRelay(
                id,
                TransactionBuilder.Purpose.JOIN,
                body,
                WalletBodies.Join::signedTransaction,
                taskId -> transactions.join(body.contributor(), taskId, body.wantedStake()));
    }

    @POST
    @Path("submit/{id}")
    @RateLimited
    @Operation(
            summary = "The submitContribution transaction for a manifest on IPFS: {\"address\", \"manifest\" (its "
                    + "raw CID or sha256), \"kind\" (what it delivers, see SubmitRequest)}")
    public Response submit(@PathParam("id") String id, WalletBodies.Submit body) {
        return planOrRelay(
                id, TransactionBuilder.Purpose.SUBMIT, body, WalletBodies.Submit::signedTransaction, taskId -> {
                    ContributionKind kind = body.contributionKind();
                    Optional<String> warning = sealing.check(body.manifestDigest());
                    return transactions.submit(body.contributor(), taskId, kind, body.manifestDigest(), warning);
                });
    }

    /** For a registered task: relays a signed transaction, or answers with the plan the body asks for. */
    private <B> Response planOrRelay(
            String id,
            TransactionBuilder.Purpose purpose,
            B body,
            Function<B, String> signedTransaction,
            LongFunction<TransactionPlan> plan) {
        long taskId = Inputs.taskId(id);
        reader.requireModel(taskId);
        return WalletRequests.relayed(transactions, purpose, body, signedTransaction)
                .orElseGet(() -> Response.ok(plan.apply(taskId)).build());
    }
}
