package io.cotrain.validator.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.cotrain.validator.gateway.GatewayViews.AccountHistoryView;
import io.cotrain.validator.gateway.GatewayViews.BalanceView;
import io.cotrain.validator.gateway.Inputs;
import io.cotrain.validator.gateway.NetworkReader;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** An account's rewards, stake and reputation, its history of rewards and slashes, and claiming. */
@Path("/rewards")
@Produces(MediaType.APPLICATION_JSON)
public class RewardsResource {
    @Inject
    NetworkReader reader;

    @Inject
    TransactionBuilder transactions;

    @GET
    @Path("balance/{address}")
    @Operation(summary = "Claimable rewards, stake, locked and unbonding stake, reputation, token balance, bond")
    public BalanceView balance(@PathParam("address") String address) {
        return reader.balance(Inputs.address("address", address));
    }

    @GET
    @Path("history/{address}")
    @Operation(summary = "Every reward, slash and claim of the account, oldest first, with totals")
    public AccountHistoryView history(@PathParam("address") String address) {
        return reader.history(Inputs.address("address", address));
    }

    @POST
    @Path("claim")
    @Consumes(MediaType.APPLICATION_JSON)
    @RateLimited
    @Operation(summary = "The claimRewards transaction for {\"address\"}, or relay a signed one")
    public Response claim(
            @RequestBody(content = @Content(schema = @Schema(implementation = WalletBodies.Claim.class)))
                    JsonNode body) {
        return WalletRequests.relayed(transactions, TransactionBuilder.Purpose.CLAIM, body)
                .orElseGet(() -> Response.ok(
                                transactions.claim(Inputs.address("address", WalletRequests.text(body, "address"))))
                        .build());
    }
}
