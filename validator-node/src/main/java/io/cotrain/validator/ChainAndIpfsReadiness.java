package io.cotrain.validator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the chain answers with the configured chain id and the IPFS node answers. */
@Readiness
@ApplicationScoped
public class ChainAndIpfsReadiness implements HealthCheck {
    @Inject
    ValidatorService node;

    @Inject
    NodeSettings settings;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("chain and IPFS");
        boolean up = !node.stopping();
        Optional<String> chainProblem = node.chainProblem();
        if (chainProblem.isPresent()) {
            response.withData("chain", chainProblem.get());
            up = false;
        } else {
            response.withData("chain", "chain " + settings.chainId() + " answers");
        }
        try {
            response.withData("ipfs", "IPFS " + node.ipfsVersion() + " answers");
        } catch (RuntimeException e) {
            response.withData("ipfs", "IPFS does not answer: " + e.getMessage());
            up = false;
        }
        return response.status(up).build();
    }
}
