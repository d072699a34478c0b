package io.cotrain.validator.api;

import io.cotrain.validator.NodeSettings;
import io.cotrain.validator.gateway.GatewayViews.TotalsView;
import io.cotrain.validator.gateway.LedgerIndex;
import io.cotrain.validator.gateway.NetworkReader;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigInteger;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The network as a whole: where it is and what it holds. */
@Path("/network")
@Produces(MediaType.APPLICATION_JSON)
public class NetworkResource {
    /**
     * @param validator this node's validator address, or null on a pure gateway
     * @param indexedBlock the last block whose events the gateway has read
     */
    public record NetworkView(
            long chainId,
            String token,
            String protocol,
            String validatorRegistry,
            String modelRegistry,
            String commitToken,
            boolean validating,
            String validator,
            BigInteger indexedBlock) {}

    @Inject
    LedgerIndex ledger;

    @Inject
    NetworkReader reader;

    @Inject
    NodeSettings settings;

    @GET
    @Operation(summary = "The chain, the contracts and this node")
    public NetworkView network() {
        var deployment = settings.deployment();
        return new NetworkView(
                settings.chainId(),
                deployment.token(),
                deployment.protocol(),
                deployment.validatorRegistry(),
                deployment.modelRegistry(),
                deployment.commitToken(),
                settings.validationEnabled(),
                settings.address(),
                ledger.lastBlock());
    }

    @GET
    @Path("totals")
    @Operation(
            summary = "Contributor stake, validator bonds, the reward pool and what was funded, slashed, credited "
                    + "and paid")
    public TotalsView totals() {
        return reader.totals();
    }
}
