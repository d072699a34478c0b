package io.cotrain.validator.api;

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
    public Response claim(WalletBodies.Claim body) {
        return WalletRequests.relayed(
                        transactions, TransactionBuilder.Purpose.CLAIM, body, WalletBodies.Claim::signedTransaction)
                .orElseGet(() -> Response.ok(transactions.claim(body.account())).build());
    }
}
