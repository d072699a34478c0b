package io.cotrain.oracle.scoring;

import io.cotrain.client.EventQuery;
import io.cotrain.client.EventReader;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionFinalizedEventResponse;
import io.cotrain.contracts.testing.AnvilNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.web3j.protocol.core.methods.response.Log;

/** The protocol's settlement of contributions, from its events (not its storage, which changes shape). */
final class SettledContributions {
    private SettledContributions() {}

    /** @return every contribution finalized so far, by id */
    static Map<BigInteger, ContributionFinalizedEventResponse> read(AnvilNode anvil, String protocol)
            throws IOException {
        EventQuery finalized = EventQuery.of(List.of(CotrainProtocol.CONTRIBUTIONFINALIZED_EVENT), protocol);
        BigInteger head = anvil.web3j().ethBlockNumber().send().getBlockNumber();
        Map<BigInteger, ContributionFinalizedEventResponse> events = new HashMap<>();
        for (Log log : new EventReader(EventReader.of(anvil.web3j()), 10_000).read(finalized, BigInteger.ZERO, head)) {
            ContributionFinalizedEventResponse event = CotrainProtocol.getContributionFinalizedEventFromLog(log);
            events.put(event.id, event);
        }
        return events;
    }
}
